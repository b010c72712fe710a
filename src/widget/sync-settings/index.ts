export { SyncSettings, loadSyncSettings } from './lazy.js';
export type { SyncSettingsProps } from './sync-settings.js';
export { nextSyncAt } from './next-sync.js';
