import { z } from 'zod';
import { AUTHORIZATION_MESSAGE_TYPE, type BffRouteName } from './bff-routes.js';
import { ConfigurationSchema } from './configuration.js';
import { LocalDateSchema } from './documents.js';
import { SyncErrorCodeSchema, WizardStepSchema } from './catalog-schemas.js';
import { ErrorEnvelopeSchema } from './errors.js';
import { SyncPreviewSchema } from './preview.js';

/**
 * The wire contract between the embeddable widget (browser) and the BFF (the partner's server).
 * Every route's request and response body is a zod schema here; the widget's API client, the
 * MSW handlers that play the BFF in tests and the BFF itself all import these. Nothing in this
 * module may describe a secret: no API keys, OAuth tokens, PKCE verifiers or support-only
 * exception text ever reach the browser (a test walks these schemas to prove it).
 */

export {
  DEFAULT_BFF_BASE_PATH,
  REQUEST_ID_HEADER,
  BFF_ROUTES,
  AUTHORIZATION_MESSAGE_TYPE,
  AUTHORIZATION_RETURN_PARAM,
} from './bff-routes.js';
export type { BffRouteName } from './bff-routes.js';

// ---------------------------------------------------------------------------------------------
// Sync failures (shared by errors, status and history)
// ---------------------------------------------------------------------------------------------

export { SyncErrorCodeSchema, WizardStepSchema };

/** A failure explained for the merchant: catalog code, text, where to fix it. */
export const SyncProblemSchema = z.object({
  code: SyncErrorCodeSchema,
  /** Codat-compatible status code (4000, 4220, 5080, …). */
  statusCode: z.number().int(),
  /** Merchant-facing message saying what to do (never support-only detail). */
  message: z.string(),
  /** Wizard step where it is fixed, or null when there is nothing for the merchant to change. */
  step: WizardStepSchema.nullable(),
  /** Whether it can succeed on a later retry without any change. */
  retryable: z.boolean(),
  /**
   * The specifics `message` was written with (`platform`, `accountName`, `mappingKey`, `taxRate`,
   * `date`, …), so the widget can say the same in the merchant's language.
   */
  params: z.record(z.string(), z.string()).optional(),
});
/** A merchant-facing sync failure. */
export type SyncProblem = z.infer<typeof SyncProblemSchema>;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * Stable error codes the BFF answers with. The widget switches on these; the message in
 * `error` is English text for logs and fallbacks (the widget shows its own localized text).
 */
export const BffErrorCodeSchema = z.enum([
  /** The body or query failed validation; see `validation.errors` (itemId = field path). */
  'validation_failed',
  /** The body is not valid JSON. */
  'invalid_json',
  /** The body is larger than the BFF accepts (64 KB). */
  'payload_too_large',
  /** The body is not `application/json`. */
  'unsupported_media_type',
  /** No session token (or, on `POST /session`, the partner's sign-in was not recognised). */
  'unauthenticated',
  /** The session token expired: ask the host page for a fresh one (`getSessionToken`) and retry. */
  'session_expired',
  /** The session token is malformed or its signature does not verify. */
  'session_invalid',
  /** No such resource for this merchant (also any other merchant's resource). */
  'not_found',
  /** The route exists but not with this method. */
  'method_not_allowed',
  /** The merchant has not connected an accounting platform yet. */
  'not_connected',
  /** The platform key is not one this deployment offers. */
  'platform_unknown',
  /** `returnTo` is not on an origin the partner allowed. */
  'return_url_not_allowed',
  /** The request conflicts with the current state (e.g. output mode change, sync already running). */
  'conflict',
  /** The requested dates are already synced or syncing (sync status 5080). */
  'duplication_protection',
  /** Too many requests; retry after the `Retry-After` header. */
  'rate_limited',
  /** The sync service or accounting platform did not answer; retrying later can succeed. */
  'upstream_unavailable',
  /** Something failed on the server; details are in the server logs under the request id. */
  'internal_error',
  /**
   * The accounting platform refused or failed (access revoked, subscription expired, outage…);
   * `problem` says what the merchant should do and which wizard step fixes it.
   */
  'accounting_platform_error',
]);
/** A stable BFF error code. */
export type BffErrorCode = z.infer<typeof BffErrorCodeSchema>;

/**
 * The error body of every non-2xx BFF response: the project's error envelope with `code`
 * narrowed to {@link BffErrorCodeSchema}. `correlationId` equals the `x-request-id` header.
 * On `validation_failed`, `validation.errors[].itemId` is the path of the field in the request
 * body (for `PUT /configuration`, exactly the sync service's path, e.g.
 * `configuration.payments.accounts.card.selectedAccountId`) so the widget can put it on the field.
 */
export const BffErrorSchema = ErrorEnvelopeSchema.extend({
  code: BffErrorCodeSchema,
  /** On `accounting_platform_error`: the catalogued failure, explained for the merchant. */
  problem: SyncProblemSchema.optional(),
});
/** A BFF error body. */
export type BffError = z.infer<typeof BffErrorSchema>;

// ---------------------------------------------------------------------------------------------
// Session
// ---------------------------------------------------------------------------------------------

/**
 * `POST /session` response. The partner's page calls this with its own sign-in (cookie) and hands
 * `token` to the widget, which sends it as `Authorization: Bearer <token>`. When a call answers
 * 401 `session_expired`, the widget asks the host (`getSessionToken`) for a fresh one.
 */
export const SessionTokenSchema = z.object({
  token: z.string().min(1),
  /** ISO date-time when the token stops being accepted. */
  expiresAt: z.iso.datetime(),
  /** Lifetime in seconds at issue time (e.g. 600). */
  expiresInSeconds: z.number().int().positive(),
});
/** A short-lived widget session token. */
export type SessionToken = z.infer<typeof SessionTokenSchema>;

/** `POST /session` request body: nothing is needed (the partner's sign-in identifies the merchant). */
export const CreateSessionRequestSchema = z.object({}).strict();
/** `POST /session` request body. */
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Platforms
// ---------------------------------------------------------------------------------------------

/** One branding image. */
export const BrandingImageSchema = z.object({ src: z.string().min(1), alt: z.string().nullish() });
/** One branding image. */
export type BrandingImage = z.infer<typeof BrandingImageSchema>;

/** Platform branding, following Codat's `Branding` (logo full/square, button default/hover). */
export const PlatformBrandingSchema = z.object({
  logo: z
    .object({ full: BrandingImageSchema.nullish(), square: BrandingImageSchema.nullish() })
    .nullish(),
  button: z
    .object({ default: BrandingImageSchema.nullish(), hover: BrandingImageSchema.nullish() })
    .nullish(),
});
/** Platform branding. */
export type PlatformBranding = z.infer<typeof PlatformBrandingSchema>;

/** An accounting platform the merchant can connect. */
export const PlatformSchema = z.object({
  /** Stable platform key, e.g. `sandbox`, `xero`, `quickbooks-online`. */
  key: z.string().min(1),
  name: z.string().min(1),
  /** Static logo URL (may be relative to the sync service or absolute). */
  logoUrl: z.string().nullish(),
  isBeta: z.boolean().default(false),
  branding: PlatformBrandingSchema.nullish(),
});
/** An accounting platform the merchant can connect. */
export type Platform = z.infer<typeof PlatformSchema>;

/** `GET /platforms` response. */
export const PlatformListSchema = z.object({ platforms: z.array(PlatformSchema) });
/** `GET /platforms` response. */
export type PlatformList = z.infer<typeof PlatformListSchema>;

// ---------------------------------------------------------------------------------------------
// Authorization (OAuth) start and result
// ---------------------------------------------------------------------------------------------

/** How the consent page is shown: in a popup (result by postMessage) or a full-page redirect. */
export const AuthorizationModeSchema = z.enum(['popup', 'redirect']);
/** How the consent page is shown. */
export type AuthorizationMode = z.infer<typeof AuthorizationModeSchema>;

/** `POST /authorizations` request body. */
export const StartAuthorizationRequestSchema = z
  .object({
    platformKey: z.string().min(1, 'Choose an accounting platform.').max(100),
    mode: AuthorizationModeSchema,
    /**
     * Absolute URL of the partner page to come back to (redirect mode) or whose origin receives
     * the popup's message (popup mode). Must be on an origin the partner configured; defaults to
     * the BFF's configured `returnUrl`.
     */
    returnTo: z.url({ protocol: /^https?$/, message: 'Give returnTo as an absolute http(s) URL.' }).max(2048).optional(),
  })
  .strict();
/** `POST /authorizations` request body. */
export type StartAuthorizationRequest = z.infer<typeof StartAuthorizationRequestSchema>;

/** Suggested popup size for the consent page. */
export const PopupSizeSchema = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
/** Suggested popup size. */
export type PopupSize = z.infer<typeof PopupSizeSchema>;

/** `POST /authorizations` response. */
export const StartAuthorizationResponseSchema = z.object({
  /** The platform's consent URL: open it in the popup, or assign it to `window.location`. */
  url: z.url(),
  mode: AuthorizationModeSchema,
  /** Popup size to use (also present in redirect mode, for a popup fallback). */
  popup: PopupSizeSchema,
  /** Public id of this attempt; the result message and return URL carry it back. */
  authorizationId: z.string().min(1),
  /** Origin the callback page posts its message from; check `event.origin` against it. */
  messageOrigin: z.string().min(1),
  /** ISO date-time after which the attempt can no longer complete (10 minutes). */
  expiresAt: z.iso.datetime(),
});
/** `POST /authorizations` response. */
export type StartAuthorizationResponse = z.infer<typeof StartAuthorizationResponseSchema>;

/** Outcome of an authorization, as reported by the callback. */
export const AuthorizationOutcomeSchema = z.enum(['connected', 'denied', 'error']);
/** Outcome of an authorization. */
export type AuthorizationOutcome = z.infer<typeof AuthorizationOutcomeSchema>;

/** Why an authorization did not connect. */
export const AuthorizationFailureReasonSchema = z.enum([
  /** The merchant pressed Deny on the platform's consent page. */
  'access_denied',
  /** The `state` is missing, malformed or its signature does not verify. */
  'state_invalid',
  /** The attempt took longer than 10 minutes. */
  'state_expired',
  /** This `state` was already used. */
  'state_replayed',
  /** The browser finishing the attempt is not signed in as the merchant who started it. */
  'session_mismatch',
  /** The callback carried neither a code nor an error. */
  'invalid_callback',
  /** The platform refused to exchange the code (expired or already used). */
  'exchange_failed',
  /** The platform or the sync service failed; trying again later can work. */
  'platform_error',
]);
/** Why an authorization did not connect. */
export type AuthorizationFailureReason = z.infer<typeof AuthorizationFailureReasonSchema>;

/** The result of an authorization attempt. */
export const AuthorizationResultSchema = z.object({
  outcome: AuthorizationOutcomeSchema,
  /** Null when connected. */
  reason: AuthorizationFailureReasonSchema.nullable(),
  /** The attempt's id (from {@link StartAuthorizationResponseSchema}), when the state was readable. */
  authorizationId: z.string().nullable(),
  platformKey: z.string().nullable(),
});
/** The result of an authorization attempt. */
export type AuthorizationResult = z.infer<typeof AuthorizationResultSchema>;


/**
 * The message the callback page posts to `window.opener` (popup mode), with the exact partner
 * origin as target origin, before closing itself.
 */
export const AuthorizationMessageSchema = z.object({
  type: z.literal(AUTHORIZATION_MESSAGE_TYPE),
  result: AuthorizationResultSchema,
});
/** The popup's result message. */
export type AuthorizationMessage = z.infer<typeof AuthorizationMessageSchema>;


/**
 * Query parameters appended to `returnTo` in redirect mode:
 * `?commerceSync=connected|denied|error&reason=…&authorizationId=…`.
 */
export const AuthorizationReturnQuerySchema = z.object({
  commerceSync: AuthorizationOutcomeSchema,
  reason: AuthorizationFailureReasonSchema.optional(),
  authorizationId: z.string().optional(),
});
/** Redirect-mode return parameters. */
export type AuthorizationReturnQuery = z.infer<typeof AuthorizationReturnQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------------

/** State of the merchant's accounting connection (`NotConnected` before the first attempt). */
export const ConnectionStateSchema = z.enum(['NotConnected', 'PendingAuth', 'Linked', 'Unlinked', 'Deauthorized']);
/** State of the merchant's accounting connection. */
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

/** `GET /connection` and `DELETE /connection` response. */
export const ConnectionViewSchema = z.object({
  status: ConnectionStateSchema,
  /** The connected (or last attempted) platform; null when never connected. */
  platform: z.object({ key: z.string(), name: z.string() }).nullable(),
  /** Name of the company in the accounting platform, once linked and known. */
  accountingCompanyName: z.string().nullable(),
  /** ISO date-time the connection was created. */
  createdAt: z.string().nullable(),
  /** ISO date-time of the last sync that used it. */
  lastSyncAt: z.string().nullable(),
});
/** The merchant's accounting connection. */
export type ConnectionView = z.infer<typeof ConnectionViewSchema>;

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/**
 * `GET /configuration` response and `PUT /configuration` request and response: the
 * Codat-compatible configuration document ("options + selected"). On save the BFF forwards the
 * body unchanged; only `selected*` values and flags matter, options are refilled from the
 * ledger. Validation failures come back as `validation_failed` with `itemId` = path in this body.
 */
export const ConfigurationViewSchema = ConfigurationSchema;
/** The configuration document as the widget reads and saves it. */
export type ConfigurationView = z.infer<typeof ConfigurationViewSchema>;

/**
 * `PUT /configuration` request body: the same document, sent with selections only (use
 * {@link configurationSelections}); the option lists are refilled from the ledger on the server
 * and would push a real chart of accounts past the 64 KB body limit.
 */
export const SaveConfigurationRequestSchema = ConfigurationSchema;
/** `PUT /configuration` request body. */
export type SaveConfigurationRequest = z.infer<typeof SaveConfigurationRequestSchema>;

/**
 * Strips every server-filled option list (`accountOptions`, `taxRateOptions`,
 * `customerOptions`, `frequencyOptions`, …) from a configuration, keeping the `selected*`
 * values, flags, labels and schedule: the body to send to `PUT /configuration`. Pure.
 *
 * @example
 * await api.put('/configuration', configurationSelections({ ...current, enabled: true }));
 */
export function configurationSelections(configuration: ConfigurationView): SaveConfigurationRequest {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (/Options$/.test(key) && !key.startsWith('selected')) continue;
      out[key] = strip(child);
    }
    return out;
  };
  return strip(configuration) as SaveConfigurationRequest;
}

// ---------------------------------------------------------------------------------------------
// Sync: pause/resume, run now, status and history
// ---------------------------------------------------------------------------------------------

/** `POST /sync/pause` and `POST /sync/resume` response. */
export const SyncToggleResponseSchema = z.object({
  /** False when paused. */
  enabled: z.boolean(),
});
/** Pause/resume response. */
export type SyncToggleResponse = z.infer<typeof SyncToggleResponseSchema>;

/** `POST /sync/run` request body: sync up to now, or re-sync an explicit range of local days. */
export const RunSyncRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latest') }).strict(),
  z
    .object({
      kind: z.literal('historic'),
      /** Merchant-local days `YYYY-MM-DD`, both inclusive; `finish` must be a day that has ended. */
      dateRange: z
        .object({ start: LocalDateSchema, finish: LocalDateSchema })
        .strict()
        .refine((r) => r.start <= r.finish, {
          message: 'The end date must be on or after the start date.',
          path: ['finish'],
        }),
    })
    .strict(),
]);
/** `POST /sync/run` request body. */
export type RunSyncRequest = z.infer<typeof RunSyncRequestSchema>;

/** Coarse state of one sync run. */
export const SyncRunStateSchema = z.enum(['running', 'succeeded', 'failed']);
/** Coarse state of one sync run. */
export type SyncRunState = z.infer<typeof SyncRunStateSchema>;

/** One sync run, as shown in status and history. */
export const SyncRunSchema = z.object({
  id: z.string(),
  state: SyncRunStateSchema,
  /** Codat status code: 1000/1010 running, 2000/2040 success, ≥ 4000 failed. */
  statusCode: z.number().int(),
  /** ISO date-time the run was recorded. */
  syncedAt: z.string().nullable(),
  /** Whether anything was written to the ledger. */
  dataPushed: z.boolean(),
  /** Merchant-local days the run covered, both inclusive (`YYYY-MM-DD`); null when it covered none. */
  dateRange: z.object({ start: LocalDateSchema, finish: LocalDateSchema }).nullable(),
  /** Null unless failed. */
  problem: SyncProblemSchema.nullable(),
});
/** One sync run. */
export type SyncRun = z.infer<typeof SyncRunSchema>;

/** `POST /sync/run` response: the run that was started (or finished, for short runs). */
export const RunSyncResponseSchema = z.object({ run: SyncRunSchema });
/** `POST /sync/run` response. */
export type RunSyncResponse = z.infer<typeof RunSyncResponseSchema>;

/** Overall health shown on the sync settings screen. */
export const SyncHealthSchema = z.enum(['not_connected', 'not_configured', 'paused', 'never_run', 'running', 'healthy', 'failing']);
/** Overall sync health. */
export type SyncHealth = z.infer<typeof SyncHealthSchema>;

/** `GET /sync/status` response. */
export const SyncStatusViewSchema = z.object({
  health: SyncHealthSchema,
  enabled: z.boolean(),
  configured: z.boolean(),
  latest: SyncRunSchema.nullable(),
  lastSuccessful: SyncRunSchema.nullable(),
});
/** `GET /sync/status` response. */
export type SyncStatusView = z.infer<typeof SyncStatusViewSchema>;

/** `GET /sync/history` query. */
export const SyncHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** `GET /sync/history` query. */
export type SyncHistoryQuery = z.infer<typeof SyncHistoryQuerySchema>;

/** `GET /sync/history` response, newest first. */
export const SyncHistorySchema = z.object({ items: z.array(SyncRunSchema) });
/** `GET /sync/history` response. */
export type SyncHistory = z.infer<typeof SyncHistorySchema>;

// ---------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------

/** `DELETE /company` response: the merchant's company, connection, configuration and data are gone. */
export const DeleteCompanyResponseSchema = z.object({ deleted: z.literal(true) });
/** `DELETE /company` response. */
export type DeleteCompanyResponse = z.infer<typeof DeleteCompanyResponseSchema>;

/**
 * The schemas of every route, by route name: `request` is the body (or query) schema, `response`
 * the 2xx body schema. `oauthCallback` answers with a redirect or an HTML page, not JSON.
 */
export const BFF_SCHEMAS = {
  createSession: { request: CreateSessionRequestSchema, response: SessionTokenSchema },
  listPlatforms: { request: null, response: PlatformListSchema },
  startAuthorization: { request: StartAuthorizationRequestSchema, response: StartAuthorizationResponseSchema },
  oauthCallback: { request: null, response: null },
  getConnection: { request: null, response: ConnectionViewSchema },
  deauthorize: { request: null, response: ConnectionViewSchema },
  getConfiguration: { request: null, response: ConfigurationViewSchema },
  saveConfiguration: { request: SaveConfigurationRequestSchema, response: ConfigurationViewSchema },
  previewConfiguration: { request: SaveConfigurationRequestSchema, response: SyncPreviewSchema },
  pauseSync: { request: null, response: SyncToggleResponseSchema },
  resumeSync: { request: null, response: SyncToggleResponseSchema },
  runSync: { request: RunSyncRequestSchema, response: RunSyncResponseSchema },
  getSyncStatus: { request: null, response: SyncStatusViewSchema },
  getSyncHistory: { request: SyncHistoryQuerySchema, response: SyncHistorySchema },
  deleteCompany: { request: null, response: DeleteCompanyResponseSchema },
} as const satisfies Record<BffRouteName, { request: z.ZodType | null; response: z.ZodType | null }>;
