import { z } from 'zod';

/**
 * Wire shapes of the sync service's HTTP API (Codat Sync for Commerce compatible: current
 * contract, the 2023 push endpoints and the partner push endpoints), plus our documented
 * extensions (authorization start, push items, retry, sync-flow code redemption).
 */

/** ISO 8601 date-time as text (Codat's `DateTime`). */
export const DateTimeSchema = z.string().refine((s) => !Number.isNaN(Date.parse(s)), {
  message: 'Use an ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z.',
});

/** Company tags: at most 10, keys 1–27 characters, values up to 100 characters. */
export const CompanyTagsSchema = z
  .record(
    z.string().min(1, 'A tag name cannot be empty.').max(27, 'A tag name can be at most 27 characters.'),
    z.string().max(100, 'A tag value can be at most 100 characters.'),
  )
  .refine((tags) => Object.keys(tags).length <= 10, { message: 'A company can have at most 10 tags.' });

/** Body of `POST /companies`. */
export const CreateCompanySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the company a name.')
    .max(200, 'A company name can be at most 200 characters.'),
  description: z.string().max(1000).nullish(),
  tags: CompanyTagsSchema.optional(),
});
export type CreateCompany = z.infer<typeof CreateCompanySchema>;

/** Connection status (Codat `dataConnectionStatus`). */
export const ConnectionStatusSchema = z.enum(['PendingAuth', 'Linked', 'Unlinked', 'Deauthorized']);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** Codat `sourceType`. */
export const SourceTypeSchema = z.enum(['Accounting', 'Banking', 'BankFeed', 'Commerce', 'Expense', 'Other', 'Unknown']);

/** A problem the connection hit (e.g. authorization revoked during a run). */
export const ConnectionErrorSchema = z.object({
  statusCode: z.string().nullish(),
  statusText: z.string().nullish(),
  errorMessage: z.string().nullish(),
  erroredOnUtc: z.string().nullish(),
  status: z.enum(['Active', 'Resolved']).nullish(),
  resolvedOnUtc: z.string().nullish(),
});

/** A data connection of a company (the commerce source or the accounting platform). */
export const ConnectionSchema = z.object({
  id: z.string(),
  integrationId: z.string(),
  integrationKey: z.string(),
  sourceId: z.string(),
  sourceType: SourceTypeSchema,
  platformName: z.string(),
  linkUrl: z.string(),
  status: ConnectionStatusSchema,
  /** Absent until the first sync (the contract has no `null` here). */
  lastSync: z.string().optional(),
  created: z.string(),
  dataConnectionErrors: z.array(ConnectionErrorSchema).nullable(),
  /** Absent until linked (the partner contract has no `null` here). */
  connectionInfo: z.record(z.string(), z.unknown()).optional(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

/** A company (one merchant). */
export const CompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Absent when none was given (the contract has no `null` here). */
  description: z.string().optional(),
  redirect: z.string(),
  /** Absent until the first sync. */
  lastSync: z.string().optional(),
  created: z.string(),
  /** Not sent: companies are created by API key, not by a named user (the partner contract has no `null` here). */
  createdByUserName: z.string().optional(),
  products: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
  referenceSubsidiaryCompanies: z.array(z.unknown()),
  dataConnections: z.array(ConnectionSchema),
});
export type Company = z.infer<typeof CompanySchema>;

const HalRefSchema = z.object({ href: z.string() });

/** Paging info of list responses. */
export const PagingInfoSchema = z.object({
  pageNumber: z.number().int(),
  pageSize: z.number().int(),
  totalResults: z.number().int(),
  _links: z.object({
    self: HalRefSchema,
    current: HalRefSchema,
    next: HalRefSchema.optional(),
    previous: HalRefSchema.optional(),
  }),
});

/** Query parameters of list endpoints (`page`, `pageSize`, `query`, `orderBy`). */
export const ListQuerySchema = z.object({
  page: z.coerce.number().int().min(1, 'page starts at 1.').default(1),
  pageSize: z.coerce.number().int().min(1).max(5000, 'pageSize can be at most 5000.').default(100),
  query: z.string().optional(),
  orderBy: z.string().optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;

/** `GET /companies` response. */
export const CompaniesSchema = PagingInfoSchema.extend({ results: z.array(CompanySchema) });
export type Companies = z.infer<typeof CompaniesSchema>;

/** `GET /companies/{companyId}/connections` response. */
export const ConnectionsSchema = PagingInfoSchema.extend({ results: z.array(ConnectionSchema) });
export type Connections = z.infer<typeof ConnectionsSchema>;

/** Body of `POST /companies/{companyId}/connections`. */
export const CreateConnectionSchema = z.object({
  platformKey: z.string().min(1, 'Name the platform to connect (platformKey), e.g. "sandbox".'),
});

/** Body of `PATCH /companies/{companyId}/connections/{connectionId}`: `Unlinked` de-authorises. */
export const UpdateConnectionSchema = z
  .object({ status: ConnectionStatusSchema.nullish() })
  .strict();

/** Extension: body of `POST …/connections/{connectionId}/authorization/start`. */
export const AuthorizationStartSchema = z.object({
  state: z.string().min(8, 'state must be an unguessable value of at least 8 characters.'),
  redirectUri: z.url('redirectUri must be an absolute URL.'),
  codeChallenge: z.string().min(43).max(128).optional(),
});
export type AuthorizationStart = z.infer<typeof AuthorizationStartSchema>;

/** Extension: response of authorization start. */
export const AuthorizationUrlSchema = z.object({ url: z.string() });

/**
 * Body of `PUT …/connections/{connectionId}/authorization` (Codat: a map of strings): the
 * callback's `code`, the `redirectUri` used, the PKCE `codeVerifier`, and any other callback
 * parameters (QuickBooks `realmId`, …).
 */
export const AuthorizationCallbackSchema = z
  .record(z.string(), z.string())
  .superRefine((body, ctx) => {
    if (!body.code) ctx.addIssue({ code: 'custom', path: ['code'], message: 'code is required: pass the code from the platform callback.' });
    if (!body.redirectUri) ctx.addIssue({ code: 'custom', path: ['redirectUri'], message: 'redirectUri is required: pass the redirect URI used to start authorization.' });
  });

/** Image reference in branding. */
const BrandingImageSchema = z.object({ image: z.object({ src: z.string(), alt: z.string() }) });

/** `GET /config/integrations/{platformKey}/branding`. */
export const BrandingSchema = z.object({
  logo: z.object({ full: BrandingImageSchema, square: BrandingImageSchema }),
  button: z.object({ default: BrandingImageSchema, hover: BrandingImageSchema }),
  sourceId: z.string(),
});
export type Branding = z.infer<typeof BrandingSchema>;

/** One integration (accounting platform or commerce source) the service offers. */
export const IntegrationSchema = z.object({
  key: z.string(),
  logoUrl: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  sourceId: z.string(),
  sourceType: SourceTypeSchema,
  integrationId: z.string(),
  isOfflineConnector: z.boolean(),
  isBeta: z.boolean(),
  dataProvidedBy: z.string(),
  /** Extension: whether the authorization flow supports PKCE. */
  supportsPkce: z.boolean(),
});
export type Integration = z.infer<typeof IntegrationSchema>;

/** `GET /config/integrations`. */
export const IntegrationsSchema = PagingInfoSchema.extend({ results: z.array(IntegrationSchema) });

/** `GET /config/sync/commerce/{commerceKey}/{accountingKey}/start` response. */
export const SyncFlowUrlSchema = z.object({ url: z.string() });

/** Extension: body of `POST /sync-flow/redeem` (the single-use code from a sync-flow URL). */
export const SyncFlowRedeemSchema = z.object({ code: z.string().min(1, 'Pass the code from the sync-flow URL.') });

/** Extension: what a redeemed sync-flow code resolves to. */
export const SyncFlowSessionSchema = z.object({
  companyId: z.string(),
  commerceKey: z.string(),
  accountingKey: z.string(),
  merchantIdentifier: z.string().nullable(),
});
export type SyncFlowSession = z.infer<typeof SyncFlowSessionSchema>;

/** UI locales the sync flow text is available in. */
export const UiLocaleSchema = z.enum(['en-us', 'fr-fr'], { message: 'locale must be en-us or fr-fr.' });
export type UiLocale = z.infer<typeof UiLocaleSchema>;

/** One localizable text of the sync flow. */
export const LocalizationSchema = z.object({ text: z.string().nullable(), required: z.boolean() });

/** Map of text key → localization. */
export const LocalizationInfoSchema = z.record(z.string(), LocalizationSchema);
export type LocalizationInfo = z.infer<typeof LocalizationInfoSchema>;

/**
 * Which configuration account rows the sync flow shows for a platform: `null` (or, on input,
 * left out: `{}`) means all of them.
 */
export const VisibleAccountsSchema = z.object({ visibleAccounts: z.array(z.string()).nullish() });
export type VisibleAccounts = z.infer<typeof VisibleAccountsSchema>;

/** Body of `POST /companies/{companyId}/sync/commerce/latest`. */
export const SyncToLatestArgsSchema = z.object({ syncTo: DateTimeSchema.nullish() });

/** Body of `POST /meta/companies/{companyId}/sync/commerce/historic`. */
export const SyncRangeSchema = z.object({
  dateRange: z
    .object({ start: DateTimeSchema, finish: DateTimeSchema })
    .refine((r) => Date.parse(r.start) <= Date.parse(r.finish), {
      message: 'The start of the date range must be on or before its finish.',
      path: ['finish'],
    }),
});
export type SyncRange = z.infer<typeof SyncRangeSchema>;

/** Codat sync status codes (domain.md §5). */
export const SyncStatusCodes = [1000, 1010, 2000, 2040, 4000, 4040, 4220, 4260, 5000, 5080, 5120, 5130] as const;

/** Status of one sync (latest, last successful, by id, list items). */
export const CompanySyncStatusSchema = z.object({
  companyId: z.string(),
  syncId: z.string(),
  syncStatusCode: z.number().int(),
  syncStatus: z.string(),
  /** For the merchant: what happened and what to do. */
  errorMessage: z.string(),
  /** For support: technical detail. Never shown to merchants. */
  syncExceptionMessage: z.string(),
  syncUtc: z.string(),
  dataPushed: z.boolean(),
  /** Extensions: the merchant-local days covered (`finish` exclusive), the catalog code and wizard step. */
  period: z.object({ start: z.string(), finish: z.string() }).nullable(),
  errorCode: z.string().nullable(),
  wizardStep: z.string().nullable(),
  /**
   * Extension: the parameters of the catalog message (`platform`, `accountName`, `mappingKey`,
   * `taxRate`, `date`, …), as strings, so a client can word `errorMessage` in its own language.
   */
  errorParams: z.record(z.string(), z.string()).nullable().optional(),
  trigger: z.enum(['scheduled', 'latest', 'historic', 'retry']),
  completedUtc: z.string().nullable(),
});
export type CompanySyncStatus = z.infer<typeof CompanySyncStatusSchema>;

/** `GET /meta/companies/{companyId}/sync/commerce/status`: latest sync with the connections. */
export const SyncStatusSchema = CompanySyncStatusSchema.extend({
  commerceSyncId: z.string(),
  dataConnections: z.array(ConnectionSchema),
});

/** Response of request-sync (latest and historic). */
export const SyncSummarySchema = z.object({
  syncDateRangeUtc: z.object({ start: z.string(), finish: z.string() }),
  companyId: z.string(),
  commerceSyncId: z.string(),
  syncStatusCode: z.number().int(),
  syncStatus: z.string(),
  errorMessage: z.string(),
  syncExceptionMessage: z.string(),
  syncUtc: z.string(),
  dataConnections: z.array(ConnectionSchema),
  dataPushed: z.boolean(),
});
export type SyncSummary = z.infer<typeof SyncSummarySchema>;

/** Extension: one document a sync wrote (or tried to), retryable on its own. */
export const PushItemSchema = z.object({
  syncId: z.string(),
  reference: z.string(),
  date: z.string(),
  kind: z.string(),
  revision: z.number().int(),
  status: z.enum(['Pending', 'Written', 'Failed']),
  platformId: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  attempts: z.number().int(),
  updatedUtc: z.string(),
});
export type PushItem = z.infer<typeof PushItemSchema>;

/** Extension: `GET …/syncs/{syncId}/items`. */
export const PushItemsSchema = z.object({ results: z.array(PushItemSchema) });

/** Commerce data types the partner pushes. */
export const PushDataTypeSchema = z.enum([
  'orders',
  'payments',
  'transactions',
  'taxComponents',
  'locations',
  'products',
  'paymentMethods',
  'productCategories',
]);
export type PushDataType = z.infer<typeof PushDataTypeSchema>;

/** At most this many records per push request (domain.md §3). */
export const MAX_PUSH_RECORDS = 5000;

/** Status of one pushed dataset (`GET /meta/companies/{companyId}/pull/history/{datasetId}`). */
export const DatasetStatusSchema = z.object({
  id: z.string(),
  companyId: z.string(),
  dataType: z.string(),
  status: z.enum(['Complete', 'ValidationError', 'Failed']),
  requested: z.string(),
  completed: z.string().nullable(),
  progress: z.number(),
  isCompleted: z.boolean(),
  isErrored: z.boolean(),
  recordCount: z.number().int(),
  accepted: z.number().int(),
  ignored: z.number().int(),
  deleted: z.number().int(),
  /** Merchant-local days already synced that this push changed; they get adjustments on the next run. */
  reopenedDays: z.array(z.string()),
});
export type DatasetStatus = z.infer<typeof DatasetStatusSchema>;

/** Response of the 2023 push endpoints: `{ data: { <dataType>: [...] }, datasetId }`. */
export const PushResponseSchema = z.object({
  data: z.record(z.string(), z.array(z.unknown())),
  datasetId: z.string(),
});
