export { SyncSettings } from './sync-settings.js';
export type { SyncSettingsProps } from './sync-settings.js';
export { nextSyncAt } from './next-sync.js';
