'use client';
/**
 * `commerce-sync/sync-health`: the support-team Sync Health view and its headless hooks. A
 * separate entry from the merchant widget (`commerce-sync`) so merchants' bundles never carry
 * it. Render inside `CommerceSyncProvider`; link `commerce-sync/sync-health.css` for its styles.
 */
export { SyncHealth } from './sync-health.js';
export type { SyncHealthProps, SyncHealthSelection } from './sync-health.js';
export { createSupportClient } from './client.js';
export type { SupportClient, SupportClientOptions } from './client.js';
export {
  syncHealthKeys,
  supportSearchQuery,
  supportCompanyQuery,
  supportHistoryQuery,
  supportSyncQuery,
  supportConfigurationQuery,
  supportDeliveriesQuery,
  supportDocumentLinesQuery,
  SupportClientProvider,
  useSupportClient,
  useSyncHealthI18n,
  useSupportSearch,
  useSupportCompany,
  useSupportHistory,
  useSupportSync,
  useSupportConfiguration,
  useSupportDeliveries,
  useSupportDocumentLines,
  useRetryFailedItems,
  useReenableCompany,
} from './hooks.js';
export {
  syncHealthEnUS,
  syncHealthEnGB,
  syncHealthFrFR,
  SYNC_HEALTH_CATALOGS,
} from './messages.js';
export type { SyncHealthMessageKey, SyncHealthMessages } from './messages.js';
