export { createApiClient } from './client.js';
export type { ApiClient, ApiClientOptions } from './client.js';
export { CommerceSyncError, isCommerceSyncError } from './errors.js';
export type { WidgetErrorCode } from './errors.js';
export { commerceSyncKeys, platformsQuery, connectionQuery, configurationQuery, syncStatusQuery, syncHistoryQuery } from './query-keys.js';
export {
  usePlatforms,
  useConnection,
  useConfiguration,
  useSaveConfiguration,
  useSyncStatus,
  useSyncHistory,
  usePauseSync,
  useResumeSync,
  useRunSync,
  useDeauthorize,
  useDeleteCompany,
} from './hooks.js';
