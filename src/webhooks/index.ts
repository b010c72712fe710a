/**
 * `commerce-sync/webhooks`: partner webhooks. A durable outbox (`createWebhookDispatcher`) over
 * SQLite or PostgreSQL that signs, sends and retries events, a Sync Health HTTP handler, and the
 * receiver-side verification helper (`verifyWebhook`, Web Crypto only: Node and edge runtimes).
 */
export {
  signWebhook,
  verifyWebhook,
  constructWebhookEvent,
  WebhookVerificationError,
  DEFAULT_TOLERANCE_SECONDS,
} from './signature.js';
export type {
  VerifyWebhookOptions,
  WebhookVerification,
  WebhookVerificationFailure,
} from './signature.js';
export {
  createWebhookDispatcher,
  endpointMatches,
  retryDelayMs,
  WebhookDispatchError,
  DEFAULT_RETRY_DELAYS_SECONDS,
} from './dispatcher.js';
export type {
  WebhookDispatcher,
  WebhookDispatcherOptions,
  DeliverDueResult,
} from './dispatcher.js';
export { createSqliteWebhookStore } from './sqlite-store.js';
export type { SqliteWebhookStoreOptions } from './sqlite-store.js';
export { createPostgresWebhookStore } from './postgres-store.js';
export type { PostgresWebhookStoreOptions } from './postgres-store.js';
export type {
  WebhookDeliveryStore,
  DeliveryRow,
  ClaimArgs,
  AttemptRecord,
  ListArgs,
} from './store.js';
export { createSqlWebhookStore } from './sql-store.js';
export type { WebhookSqlExecutor } from './sql-store.js';
export { createWebhookDeliveryHandler } from './routes.js';
export type { WebhookDeliveryHandlerOptions } from './routes.js';
export {
  WebhookEventType,
  WebhookEventSchema,
  WebhookEndpointSchema,
  WebhookDeliverySchema,
  WebhookDeliveryPageSchema,
  WebhookDeliveryQuerySchema,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_DELIVERY_HEADER,
} from '../contract/webhooks.js';
export type {
  WebhookEvent,
  WebhookEventInput,
  WebhookEventData,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
} from '../contract/webhooks.js';
