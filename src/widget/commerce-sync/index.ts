export { CommerceSync } from './commerce-sync.js';
export type { CommerceSyncProps, JourneyView } from './commerce-sync.js';
