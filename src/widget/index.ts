'use client';
/**
 * `commerce-sync` (the package's `.` export): the embeddable React widget. Import the base styles
 * separately: `import 'commerce-sync/styles.css'`.
 */
export { CommerceSyncProvider, useCommerceSyncI18n, useCommerceSyncClient, COMMERCE_SYNC_EVENTS } from './provider/index.js';
export type {
  CommerceSyncProviderProps,
  CommerceSyncCallbacks,
  CommerceSyncEventMetadata,
  CommerceSyncEventName,
} from './provider/index.js';
export { CommerceSync } from './commerce-sync/index.js';
export type { CommerceSyncProps, JourneyView } from './commerce-sync/index.js';
export { PlatformPicker } from './platform-picker/index.js';
export type { PlatformPickerProps } from './platform-picker/index.js';
export { Authorization, useAuthorization, readAuthorizationReturn } from './authorization/index.js';
export type { AuthorizationProps, AuthorizationStatus, UseAuthorizationOptions, UseAuthorizationResult } from './authorization/index.js';
export { ConfigurationWizard, WIZARD_STEPS, loadConfigurationWizard } from './configuration-wizard/index.js';
export type { ConfigurationWizardProps, ConfigurationStep } from './configuration-wizard/index.js';
export { SyncSettings, loadSyncSettings } from './sync-settings/index.js';
export type { SyncSettingsProps } from './sync-settings/index.js';
export {
  createApiClient,
  CommerceSyncError,
  isCommerceSyncError,
  commerceSyncKeys,
  platformsQuery,
  connectionQuery,
  configurationQuery,
  syncStatusQuery,
  syncHistoryQuery,
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
} from './api/index.js';
export type { ApiClient, ApiClientOptions, WidgetErrorCode } from './api/index.js';
export { Field, Combobox, Button, ConfirmDialog, buildSearchIndex, searchIndex, normalizeSearchText } from './components/index.js';
export type { FieldProps, FieldControlProps, ComboboxOption, ComboboxProps, ButtonProps, ConfirmDialogProps, SearchIndex } from './components/index.js';
export { appearanceToCssVariables, LIGHT_COLORS, DARK_COLORS } from './theme/index.js';
export type { Appearance, AppearanceColors } from './theme/index.js';
export { resolveMessages, loadCatalog, enUS } from './i18n/index.js';
export type { Messages, MessageKey, MessageOverrides, SupportedLocale } from './i18n/index.js';
