import { z } from 'zod';
import { ConfigurationSchema } from './configuration.js';
import { ERROR_CATALOG, type SyncErrorCode, type WizardStep } from './error-catalog.js';
import { QueueFiguresSchema } from './queue-health.js';
import { WebhookDeliverySchema } from './webhooks.js';

/**
 * Wire shapes of the Sync Health support routes. The sync service serves them under
 * `/support` (partner API key); the BFF serves the same paths under `{basePath}/support`
 * behind support-staff authentication and forwards them. The `<SyncHealth>` widget, the
 * BFF, the sync service and the MSW handlers all import these schemas.
 */

/** Path prefix of the support routes, on the sync service and below the BFF base path. */
export const SUPPORT_PATH_PREFIX = '/support';

/** Every support route: method and path relative to {@link SUPPORT_PATH_PREFIX}. */
export const SUPPORT_ROUTES = {
  search: { method: 'GET', path: '/companies' },
  company: { method: 'GET', path: '/companies/:companyId' },
  history: { method: 'GET', path: '/companies/:companyId/syncs' },
  sync: { method: 'GET', path: '/companies/:companyId/syncs/:syncId' },
  retryFailed: { method: 'POST', path: '/companies/:companyId/syncs/:syncId/retry-failed' },
  configuration: { method: 'GET', path: '/companies/:companyId/configuration' },
  reenable: { method: 'POST', path: '/companies/:companyId/reenable' },
  deliveries: { method: 'GET', path: '/companies/:companyId/webhook-deliveries' },
  documentLines: { method: 'GET', path: '/companies/:companyId/documents/:reference/lines' },
  excludeRecord: { method: 'POST', path: '/companies/:companyId/records/:dataType/:recordId/exclude' },
} as const;

/** Name of a support route. */
export type SupportRouteName = keyof typeof SUPPORT_ROUTES;

/** Fills `:params` of a support route path (values are URL-encoded). */
export function supportPath(
  route: SupportRouteName,
  params: Readonly<Record<string, string>> = {},
): string {
  return SUPPORT_ROUTES[route].path.replace(/:(\w+)/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`supportPath(${route}): missing ${name}`);
    return encodeURIComponent(value);
  });
}

const syncErrorCodes = Object.keys(ERROR_CATALOG) as [SyncErrorCode, ...SyncErrorCode[]];
/** A catalogued sync failure code. */
export const SupportErrorCodeSchema = z.enum(syncErrorCodes);
const wizardSteps: [WizardStep, ...WizardStep[]] = [
  'output',
  'sales',
  'taxRates',
  'payments',
  'fees',
  'schedule',
  'review',
  'connection',
];
/** A wizard step a failure deep-links to. */
export const SupportWizardStepSchema = z.enum(wizardSteps);

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD.');

/**
 * Health of a company as support sees it: `disabled` = switched off by the service after
 * failing days; `paused` = switched off by the merchant; `running` = a sync is in progress.
 */
export const CompanyHealthSchema = z.enum([
  'healthy',
  'failing',
  'disabled',
  'paused',
  'running',
  'never_synced',
  'not_configured',
]);
/** Health of a company. */
export type CompanyHealth = z.infer<typeof CompanyHealthSchema>;

/** Outcome of one sync run. */
export const SupportRunStateSchema = z.enum(['running', 'succeeded', 'failed']);
/** Outcome of one sync run. */
export type SupportRunState = z.infer<typeof SupportRunStateSchema>;

/** A failure as support sees it: the catalog entry, what the merchant was told and the technical detail. */
export const SupportProblemSchema = z.object({
  /** Catalog code, or null when the run failed with an uncatalogued code (reported as is in `rawCode`). */
  code: SupportErrorCodeSchema.nullable(),
  rawCode: z.string().nullable(),
  /** Codat-compatible status code (4000, 4220, 5130, …). */
  statusCode: z.number().int(),
  retryable: z.boolean(),
  /** Wizard step that fixes it, or null. */
  step: SupportWizardStepSchema.nullable(),
  /** The message the merchant sees (English; the widget shows the localized catalog text next to it). */
  merchantMessage: z.string(),
  /** Technical detail for support; never shown to merchants. */
  supportDetail: z.string(),
});
/** A failure as support sees it. */
export type SupportProblem = z.infer<typeof SupportProblemSchema>;

/** One sync run. */
export const SupportRunSchema = z.object({
  syncId: z.string(),
  companyId: z.string(),
  /** 1 for the company's first run, then increasing. */
  seq: z.number().int(),
  trigger: z.enum(['scheduled', 'latest', 'historic', 'retry']),
  state: SupportRunStateSchema,
  statusCode: z.number().int(),
  statusText: z.string(),
  /** Merchant-local days covered, `finish` exclusive. */
  period: z.object({ start: IsoDate, finish: IsoDate }).nullable(),
  createdUtc: z.string(),
  completedUtc: z.string().nullable(),
  dataPushed: z.boolean(),
  problem: SupportProblemSchema.nullable(),
});
/** One sync run. */
export type SupportRun = z.infer<typeof SupportRunSchema>;

/** A connected platform. */
export const SupportPlatformSchema = z.object({
  key: z.string(),
  name: z.string(),
  connectionId: z.string(),
  status: z.string(),
});
/** A connected platform. */
export type SupportPlatform = z.infer<typeof SupportPlatformSchema>;

/** A company in search results. */
export const SupportCompanySummarySchema = z.object({
  companyId: z.string(),
  name: z.string(),
  tags: z.record(z.string(), z.string()),
  health: CompanyHealthSchema,
  enabled: z.boolean(),
  configured: z.boolean(),
  /** First merchant-local day of the current failing streak. */
  failingSince: IsoDate.nullable(),
  /** Merchant-local day (exclusive) synced up to. */
  syncedThrough: IsoDate.nullable(),
  lastSyncUtc: z.string().nullable(),
  latestRun: SupportRunSchema.nullable(),
});
/** A company in search results. */
export type SupportCompanySummary = z.infer<typeof SupportCompanySummarySchema>;

/** Company counts by health (over every company, not only the search results). */
export const SupportTotalsSchema = z.object({
  companies: z.number().int(),
  byHealth: z.record(CompanyHealthSchema, z.number().int()),
  /** The run queue's totals, as `GET /health/queue` reports them (when the service has a queue). */
  queue: QueueFiguresSchema.optional(),
});
/** Company counts by health. */
export type SupportTotals = z.infer<typeof SupportTotalsSchema>;

/** Query of `GET /support/companies`. Runs filters (`statusCode`, `errorCode`, `from`, `to`) match companies with at least one such run. */
export const SupportSearchQuerySchema = z
  .object({
    /** Company name (contains, case-insensitive), company id or sync id. */
    q: z.string().trim().max(200).optional(),
    health: CompanyHealthSchema.optional(),
    statusCode: z.coerce.number().int().min(1000).max(9999).optional(),
    errorCode: SupportErrorCodeSchema.optional(),
    /** First UTC day (inclusive) a matching run started on. */
    from: IsoDate.optional(),
    /** Last UTC day (inclusive) a matching run started on. */
    to: IsoDate.optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must be on or before to.',
    path: ['to'],
  });
/** Query of the company search. */
export type SupportSearchQuery = z.input<typeof SupportSearchQuerySchema>;

/** Response of `GET /support/companies`. */
export const SupportSearchResultSchema = z.object({
  totals: SupportTotalsSchema,
  results: z.array(SupportCompanySummarySchema),
  totalResults: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
/** Response of the company search. */
export type SupportSearchResult = z.infer<typeof SupportSearchResultSchema>;

/** Response of `GET /support/companies/{companyId}`. */
export const SupportCompanyDetailSchema = SupportCompanySummarySchema.extend({
  /** IANA zone the merchant's days follow. */
  timeZone: z.string(),
  /** First day to sync, from the configuration. */
  startDate: IsoDate.nullable(),
  commerce: SupportPlatformSchema.nullable(),
  accounting: SupportPlatformSchema.nullable(),
});
/** Company detail. */
export type SupportCompanyDetail = z.infer<typeof SupportCompanyDetailSchema>;

/** Query of `GET /support/companies/{companyId}/syncs` (newest first). */
export const SupportHistoryQuerySchema = z
  .object({
    statusCode: z.coerce.number().int().min(1000).max(9999).optional(),
    errorCode: SupportErrorCodeSchema.optional(),
    state: SupportRunStateSchema.optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'from must be on or before to.',
    path: ['to'],
  });
/** Query of the sync history. */
export type SupportHistoryQuery = z.input<typeof SupportHistoryQuerySchema>;

/** Response of the sync history. */
export const SupportHistorySchema = z.object({ runs: z.array(SupportRunSchema) });
/** Response of the sync history. */
export type SupportHistory = z.infer<typeof SupportHistorySchema>;

/** One document a run wrote or tried to write ("push item"). */
export const SupportPushItemSchema = z.object({
  /** Idempotency key of the write. */
  reference: z.string(),
  date: IsoDate,
  kind: z.string(),
  revision: z.number().int(),
  status: z.enum(['Pending', 'Written', 'Failed']),
  /** Id of the document in the accounting platform, once written. */
  platformId: z.string().nullable(),
  errorCode: z.string().nullable(),
  merchantMessage: z.string().nullable(),
  supportDetail: z.string().nullable(),
  attempts: z.number().int(),
  updatedUtc: z.string(),
  /** Document total in integer minor units, when the document kind has one. */
  amount: z.object({ minor: z.number().int(), currency: z.string().length(3) }).nullable(),
});
/** One document of a run. */
export type SupportPushItem = z.infer<typeof SupportPushItemSchema>;

/** Response of `GET /support/companies/{companyId}/syncs/{syncId}`. */
export const SupportSyncDetailSchema = z.object({
  run: SupportRunSchema,
  companyName: z.string(),
  timeZone: z.string(),
  commerce: SupportPlatformSchema.nullable(),
  accounting: SupportPlatformSchema.nullable(),
  items: z.array(SupportPushItemSchema),
  counts: z.object({
    written: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
  }),
});
/** Sync detail. */
export type SupportSyncDetail = z.infer<typeof SupportSyncDetailSchema>;

/** Response of `POST …/retry-failed`: only failed or interrupted items are written again, each with its own idempotency key. */
export const SupportRetryResultSchema = z.object({
  /** Items that were not written before the retry. */
  attempted: z.number().int(),
  /** Of those, written now. */
  written: z.number().int(),
  /** Still not written. */
  stillFailing: z.number().int(),
  detail: SupportSyncDetailSchema,
});
/** Result of retrying failed items. */
export type SupportRetryResult = z.infer<typeof SupportRetryResultSchema>;

/** Response of `GET …/configuration` (saved selections, for viewing or download). */
export const SupportConfigurationSchema = z.object({
  companyId: z.string(),
  enabled: z.boolean(),
  configured: z.boolean(),
  configuration: ConfigurationSchema.nullable(),
});
/** Saved configuration of a company. */
export type SupportConfiguration = z.infer<typeof SupportConfigurationSchema>;

/** Body of `POST …/reenable`: days before `startDate` are skipped (a historic sync can still cover them). */
export const SupportReenableRequestSchema = z.object({ startDate: IsoDate }).strict();
/** Body of the re-enable route. */
export type SupportReenableRequest = z.infer<typeof SupportReenableRequestSchema>;

/** Response of re-enable. */
export const SupportReenableResponseSchema = SupportCompanyDetailSchema;
/** Response of re-enable. */
export type SupportReenableResponse = z.infer<typeof SupportReenableResponseSchema>;

/** Response of `GET …/webhook-deliveries` (newest first). `available` is false when no webhook dispatcher is configured. */
export const SupportDeliveriesSchema = z.object({
  available: z.boolean(),
  items: z.array(WebhookDeliverySchema),
});
/** Webhook deliveries of a company. */
export type SupportDeliveries = z.infer<typeof SupportDeliveriesSchema>;

/**
 * Body of `POST …/records/{dataType}/{recordId}/exclude`: support leaves a record that cannot be
 * posted out of its day on purpose, so the day completes without it. Pushing the record again
 * lifts the exclusion (it then posts, as an adjustment when its day was synced).
 */
export const SupportExcludeRecordRequestSchema = z
  .object({ reason: z.string().trim().min(1, 'Say why the record is left out.').max(500, 'Use at most 500 characters.') })
  .strict();
/** Body of the exclude route. */
export type SupportExcludeRecordRequest = z.infer<typeof SupportExcludeRecordRequestSchema>;

/** Response of the exclude route. */
export const SupportExcludedRecordSchema = z.object({
  companyId: z.string(),
  dataType: z.enum(['orders', 'payments', 'transactions']),
  recordId: z.string(),
  reason: z.string(),
  excludedUtc: z.string(),
});
/** A record support excluded. */
export type SupportExcludedRecord = z.infer<typeof SupportExcludedRecordSchema>;

/** A record behind a posted line, with its share of the line (integer minor units, the line's sign). */
export const SupportLineRecordSchema = z.object({
  dataType: z.enum(['orders', 'payments', 'transactions']),
  id: z.string(),
  amount: z.number().int(),
  /** Its share of the line's tax, on invoice-style lines; null on signed (journal-style) lines. */
  taxAmount: z.number().int().nullable(),
});
/** A record behind a posted line. */
export type SupportLineRecord = z.infer<typeof SupportLineRecordSchema>;

/** Most records listed per line by "explain this line" (`recordCount` counts them all). */
export const MAX_EXPLAINED_RECORDS = 200;

/** One posted line and the records behind it. */
export const SupportExplainedLineSchema = z.object({
  /** Position of the line in the document, from 0 (payments and transfers have their own one or two). */
  index: z.number().int(),
  accountId: z.string(),
  description: z.string(),
  role: z.string(),
  /** Signed (debit positive) on journals, payments and transfers; the net amount on invoice-style lines. */
  amount: z.number().int(),
  taxAmount: z.number().int().nullable(),
  /** Records behind the line, largest share first, at most {@link MAX_EXPLAINED_RECORDS}. */
  records: z.array(SupportLineRecordSchema),
  recordCount: z.number().int(),
  /**
   * The line's amount minus the records' shares: rounding spread over the whole day, or, on an
   * adjustment (revision ≥ 1, which carries only a difference), what earlier revisions posted.
   */
  unexplained: z.number().int(),
});
/** One posted line and the records behind it. */
export type SupportExplainedLine = z.infer<typeof SupportExplainedLineSchema>;

/**
 * Response of `GET …/documents/{reference}/lines` ("explain this line"): each line of a
 * document a run wrote, with the ids of the records behind it. Recomputed on demand from the
 * stored records of that one day, each record on its own: nothing is kept while syncing.
 */
export const SupportDocumentLinesSchema = z.object({
  reference: z.string(),
  date: IsoDate,
  kind: z.string(),
  revision: z.number().int(),
  currency: z.string().length(3),
  lines: z.array(SupportExplainedLineSchema),
});
/** A document's lines with the records behind them. */
export type SupportDocumentLines = z.infer<typeof SupportDocumentLinesSchema>;

/** Response schemas by route. */
export const SUPPORT_RESPONSE_SCHEMAS = {
  search: SupportSearchResultSchema,
  company: SupportCompanyDetailSchema,
  history: SupportHistorySchema,
  sync: SupportSyncDetailSchema,
  retryFailed: SupportRetryResultSchema,
  configuration: SupportConfigurationSchema,
  reenable: SupportReenableResponseSchema,
  deliveries: SupportDeliveriesSchema,
  documentLines: SupportDocumentLinesSchema,
  excludeRecord: SupportExcludedRecordSchema,
} as const satisfies Record<SupportRouteName, z.ZodType>;

/** Who a support session belongs to (the BFF's `GET /support/me`). */
export const SupportStaffSchema = z.object({
  staffId: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
});
/** A signed-in support staff member. */
export type SupportStaff = z.infer<typeof SupportStaffSchema>;
