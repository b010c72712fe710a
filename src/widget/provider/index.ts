export { CommerceSyncProvider, useCommerceSyncI18n, useCommerceSyncClient, useCommerceSyncContext, toCommerceSyncError } from './provider.js';
export type { CommerceSyncProviderProps, CommerceSyncContextValue } from './provider.js';
export { COMMERCE_SYNC_EVENTS } from './events.js';
export type { CommerceSyncCallbacks, CommerceSyncEventMetadata, CommerceSyncEventName } from './events.js';
