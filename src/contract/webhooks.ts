import { z } from 'zod';
import { SyncErrorCodeSchema, WizardStepSchema } from './catalog-schemas.js';
import { LocalDateSchema } from './documents.js';

/**
 * Partner webhooks: the event envelope posted to a partner's endpoints, the endpoint
 * configuration, and the delivery record shown in Sync Health. Every request carries
 * `Commerce-Sync-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * (verify with `verifyWebhook` from `commerce-sync/webhooks`), `Commerce-Sync-Event: <type>` and
 * `Commerce-Sync-Delivery: <delivery id>` (receivers dedupe on it).
 */

/** Every event a partner can subscribe to. */
export const WebhookEventType = z.enum([
  'sync.succeeded',
  'sync.failed',
  'sync.disabled',
  'connection.deauthorized',
  'connection.deleted',
  'configuration.changed',
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;


/** Merchant-local days a sync covered: `start` inclusive, `finish` exclusive (YYYY-MM-DD, merchant's time zone). */
export const SyncPeriodSchema = z
  .object({ start: LocalDateSchema, finish: LocalDateSchema })
  .refine((p) => p.start < p.finish, {
    message: 'The period must end after it starts (finish is the day after the last synced day).',
    path: ['finish'],
  });

const syncBase = {
  syncId: z.string().min(1),
  /** Id of the accounting-platform connection the sync wrote to. */
  dataConnectionId: z.string().min(1).nullable(),
  period: SyncPeriodSchema,
};

/** `sync.succeeded`: the period was written (2000) or there was nothing to write (2040). */
export const SyncSucceededDataSchema = z.object({
  ...syncBase,
  syncStatusCode: z.union([z.literal(2000), z.literal(2040)]),
  errorCode: z.null(),
  merchantMessage: z.null(),
  /** Accounting documents written to the ledger by this sync. */
  documentCount: z.number().int().min(0),
});

/** `sync.failed`: the sync stopped; `merchantMessage` says what the merchant must do. */
export const SyncFailedDataSchema = z.object({
  ...syncBase,
  syncStatusCode: z.number().int().min(4000).max(5999),
  errorCode: SyncErrorCodeSchema,
  merchantMessage: z.string().min(1),
  /** Whether the next run can succeed without anyone changing anything. */
  retryable: z.boolean(),
  /** Where in the widget the merchant fixes it, or null. */
  wizardStep: WizardStepSchema.nullable(),
});

/** `sync.disabled`: after too many consecutive failing days the company's sync was switched off. */
export const SyncDisabledDataSchema = z.object({
  ...syncBase,
  syncStatusCode: z.number().int().min(4000).max(5999),
  errorCode: SyncErrorCodeSchema,
  merchantMessage: z.string().min(1),
  wizardStep: WizardStepSchema.nullable(),
  consecutiveFailedDays: z.number().int().min(1),
});

/** `connection.deauthorized`: the accounting connection lost its authorisation. */
export const ConnectionDeauthorizedDataSchema = z.object({
  connectionId: z.string().min(1),
  /** Accounting platform key, e.g. `sandbox`, `xero`, `quickbooks-online`. */
  platformKey: z.string().min(1),
  /** `merchant`: de-authorised from the widget; `platform`: revoked or expired at the platform. */
  initiatedBy: z.enum(['merchant', 'platform']),
  errorCode: SyncErrorCodeSchema.nullable(),
  merchantMessage: z.string().min(1).nullable(),
});

/** `connection.deleted`: the accounting connection was removed. */
export const ConnectionDeletedDataSchema = z.object({
  connectionId: z.string().min(1),
  platformKey: z.string().min(1),
});

/** Sections of the configuration a `configuration.changed` event can name. */
export const ConfigurationSection = z.enum([
  'enabled',
  'schedule',
  'mapSettings',
  'sales',
  'payments',
  'fees',
]);
export type ConfigurationSection = z.infer<typeof ConfigurationSection>;

/** `configuration.changed`: the merchant saved, paused or resumed their sync settings. */
export const ConfigurationChangedDataSchema = z.object({
  changedSections: z.array(ConfigurationSection).min(1),
  /** Whether sync is enabled after the change (false = paused). */
  enabled: z.boolean(),
  configured: z.boolean(),
});

const envelope = {
  /** Event id; stable across redeliveries. */
  id: z.string().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  companyId: z.string().min(1),
};

/** The event body posted to endpoints, discriminated by `type`. */
export const WebhookEventSchema = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('sync.succeeded'), data: SyncSucceededDataSchema }),
  z.object({ ...envelope, type: z.literal('sync.failed'), data: SyncFailedDataSchema }),
  z.object({ ...envelope, type: z.literal('sync.disabled'), data: SyncDisabledDataSchema }),
  z.object({
    ...envelope,
    type: z.literal('connection.deauthorized'),
    data: ConnectionDeauthorizedDataSchema,
  }),
  z.object({
    ...envelope,
    type: z.literal('connection.deleted'),
    data: ConnectionDeletedDataSchema,
  }),
  z.object({
    ...envelope,
    type: z.literal('configuration.changed'),
    data: ConfigurationChangedDataSchema,
  }),
]);
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

/** The `data` of one event type. */
export type WebhookEventData<T extends WebhookEventType> = Extract<
  WebhookEvent,
  { type: T }
>['data'];

/**
 * What a producer passes to `enqueue`: an event whose `id` and `createdAt` may be left out
 * (then generated). Passing a deterministic `id` (e.g. `sync.failed:<syncId>`) makes enqueueing idempotent.
 */
export type WebhookEventInput = {
  [T in WebhookEventType]: Omit<Extract<WebhookEvent, { type: T }>, 'id' | 'createdAt'> & {
    id?: string;
    createdAt?: string;
  };
}[WebhookEventType];

/** The `Commerce-Sync-Signature` header name. */
export const WEBHOOK_SIGNATURE_HEADER = 'Commerce-Sync-Signature';
/** The header carrying the event type. */
export const WEBHOOK_EVENT_HEADER = 'Commerce-Sync-Event';
/** The header carrying the delivery id (receivers dedupe on it). */
export const WEBHOOK_DELIVERY_HEADER = 'Commerce-Sync-Delivery';

const SecretSchema = z
  .string()
  .min(16, 'Use a webhook secret of at least 16 characters (e.g. 32 random bytes, hex or base64).');

/** A partner endpoint: where events go, the secret they are signed with, and which events it wants. */
export const WebhookEndpointSchema = z.object({
  id: z.string().min(1),
  url: z.url({
    protocol: /^https?$/,
    error: 'Give the endpoint an absolute http(s) URL, e.g. https://partner.example/webhooks.',
  }),
  secret: SecretSchema,
  /**
   * Secrets also signed with while rotating: each request then carries one `v1` per secret, so
   * receivers holding either the old or the new secret verify it.
   */
  additionalSecrets: z.array(SecretSchema).default([]),
  /** Event types to send; `['*']` for all. */
  events: z
    .array(z.union([WebhookEventType, z.literal('*')]))
    .min(1, 'Choose at least one event type, or "*" for all.'),
  /** Only these companies' events; omitted or null for every company. */
  companyIds: z.array(z.string().min(1)).nullish(),
  enabled: z.boolean().default(true),
  description: z.string().optional(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;
export type WebhookEndpointInput = z.input<typeof WebhookEndpointSchema>;

/** `pending` (waiting for its next attempt or in flight), `succeeded` (a 2xx), `failed` (retries exhausted or endpoint gone). */
export const WebhookDeliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

/** One event sent to one endpoint, as listed in Sync Health. */
export const WebhookDeliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: WebhookEventType,
  companyId: z.string(),
  endpointId: z.string(),
  url: z.string(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int().min(0),
  /** HTTP status of the last attempt; null before the first attempt or when no response came back. */
  lastResponseCode: z.number().int().nullable(),
  /** Why the last attempt failed (network error, timeout, non-2xx), for support. */
  lastError: z.string().nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  /** When the next attempt is due; null once succeeded or failed. */
  nextAttemptAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  /** The delivery this one re-sends, when created by "redeliver". */
  redeliveryOf: z.string().nullable(),
  event: WebhookEventSchema,
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

/** Filters and paging for listing deliveries (newest first). */
export const WebhookDeliveryQuerySchema = z.object({
  companyId: z.string().min(1).optional(),
  type: WebhookEventType.optional(),
  status: WebhookDeliveryStatus.optional(),
  endpointId: z.string().min(1).optional(),
  eventId: z.string().min(1).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1, 'limit must be between 1 and 200.')
    .max(200, 'limit must be between 1 and 200.')
    .default(50),
  /** Opaque `nextCursor` from the previous page. */
  cursor: z.string().min(1).optional(),
});
export type WebhookDeliveryQuery = z.input<typeof WebhookDeliveryQuerySchema>;

/** One page of deliveries. */
export const WebhookDeliveryPageSchema = z.object({
  items: z.array(WebhookDeliverySchema),
  nextCursor: z.string().nullable(),
});
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPageSchema>;
