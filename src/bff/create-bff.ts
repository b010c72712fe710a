import { z } from 'zod';
import {
  AUTHORIZATION_RETURN_PARAM,
  BFF_ROUTES,
  CreateSessionRequestSchema,
  DEFAULT_BFF_BASE_PATH,
  RunSyncRequestSchema,
  SaveConfigurationRequestSchema,
  StartAuthorizationRequestSchema,
  SyncErrorCodeSchema,
  SyncHistoryQuerySchema,
  WizardStepSchema,
  configurationSelections,
} from '../contract/bff.js';
import type {
  AuthorizationFailureReason,
  AuthorizationMode,
  AuthorizationResult,
  ConnectionView,
  DeleteCompanyResponse,
  Platform,
  PlatformList,
  RunSyncResponse,
  SessionToken,
  StartAuthorizationResponse,
  SyncHistory,
  SyncProblem,
  SyncRun,
  SyncStatusView,
  SyncToggleResponse,
} from '../contract/bff.js';
import type { Configuration } from '../contract/configuration.js';
import type { SyncPreview } from '../contract/preview.js';
import { isValidTimeZone } from '../contract/configuration-helpers.js';
import { absentNotNull } from '../contract/wire.js';
import { ERROR_CATALOG } from '../contract/error-catalog.js';
import type { SyncErrorCode } from '../contract/error-catalog.js';
import type { Company, CompanySyncStatus, Connection, Integration } from '../contract/sync-api.js';
import { callbackPage } from './callback-page.js';
import { BffHttpError, assertDecodablePath, errorResponse, issuesToFieldErrors, json, jsonText, readJsonBody, requestIdFor } from './http.js';
import { createMemoryNonceStore } from './nonce-store.js';
import { createReadCache } from './read-cache.js';
import type { NonceStore } from './nonce-store.js';
import { MIN_SECRET_BYTES, createPkcePair, createTokenSigner, randomId } from './signing.js';
import { SyncServiceError, SyncServiceUnavailableError, createSyncServiceClient } from './sync-client.js';
import type { SyncServiceClient, SyncServiceOptions } from './sync-client.js';

/** The signed-in merchant, as the partner's `authenticate` reports it. */
export interface BffMerchant {
  /** The partner's stable id for the merchant; the BFF tags the merchant's company with it. */
  merchantId: string;
  /** The merchant's business name (used when the company is created on first use). */
  companyName: string;
  /**
   * The merchant's IANA time zone (e.g. `America/Vancouver`), when the partner knows it: the
   * wizard's default for a sync not yet set up (otherwise the browser's zone). Checked against the
   * time-zone database; a saved configuration's own zone always wins.
   */
  timeZone?: string | undefined;
}

/** Where the BFF reports failures it hides from the browser. */
export interface BffLogger {
  error(message: string, details: Record<string, unknown>): void;
  warn(message: string, details: Record<string, unknown>): void;
}

/** Options of {@link createBff}. */
export interface BffOptions {
  /**
   * The partner's sign-in check: returns the merchant signed in on this request (typically from
   * the partner's own session cookie), or null. Called by `POST /session` and by the OAuth callback.
   */
  authenticate(request: Request): Promise<BffMerchant | null> | BffMerchant | null;
  /** How to reach the sync service (base URL, API key, optional transport). */
  syncService: SyncServiceOptions;
  /** HMAC secret for session tokens and OAuth `state`, at least 32 bytes; from the environment. */
  secret: string;
  /**
   * Absolute URL of the BFF base path as the browser reaches it, e.g.
   * `https://partner.example/api/commerce-sync`. The OAuth redirect URI is `{publicUrl}/oauth/callback`.
   */
  publicUrl: string;
  /** The partner page the merchant returns to after consent, unless the widget names another. */
  returnUrl: string;
  /** Origins `returnTo` may point at; defaults to the origin of `returnUrl`. */
  allowedReturnOrigins?: string[];
  /** Path prefix the handler serves; defaults to the path of `publicUrl` (`/api/commerce-sync`). */
  basePath?: string;
  /** Single-use store for OAuth attempts; in-memory by default, Redis for several instances. */
  nonceStore?: NonceStore;
  /** Widget session token lifetime in seconds (default 600). */
  sessionTtlSeconds?: number;
  /** How long an OAuth attempt stays valid, in seconds (default 600). */
  authorizationTtlSeconds?: number;
  /** Platform keys to offer (default: every enabled accounting integration of the sync service). */
  platformKeys?: string[];
  /** Popup size suggested to the widget (default 600 × 720). */
  popup?: { width: number; height: number };
  /**
   * How long the merchant's company, configuration and sync history read from the sync service
   * are reused, in milliseconds (default 1500; 0 only shares reads in flight at once). Writes
   * through this BFF drop the merchant's cached reads at once; changes made elsewhere (another
   * BFF instance, the partner's backend, a scheduled run) show within this time.
   */
  readCacheMs?: number;
  /** Clock; defaults to the system clock. */
  now?: () => Date;
  /** Defaults to `console`. */
  logger?: BffLogger;
}

/** A mounted BFF: a fetch-style handler. */
export interface Bff {
  /** Handles one request under {@link Bff.basePath}; anything else gets a 404 envelope. */
  fetch(request: Request): Promise<Response>;
  /** The path prefix it serves. */
  readonly basePath: string;
  /** The redirect URI registered with accounting platforms. */
  readonly redirectUri: string;
}

const OptionsSchema = z.object({
  secret: z
    .string()
    .refine((s) => Buffer.byteLength(s) >= MIN_SECRET_BYTES, `secret must be at least ${MIN_SECRET_BYTES} bytes; generate one with \`openssl rand -base64 48\`.`),
  publicUrl: z.url({ protocol: /^https?$/, message: 'publicUrl must be the absolute http(s) URL of the BFF base path.' }),
  returnUrl: z.url({ protocol: /^https?$/, message: 'returnUrl must be an absolute http(s) URL of the partner page.' }),
  allowedReturnOrigins: z.array(z.url({ protocol: /^https?$/ })).optional(),
  basePath: z.string().regex(/^\/.*[^/]$|^\/$/, 'basePath starts with "/" and has no trailing "/".').optional(),
  sessionTtlSeconds: z.number().int().min(30).max(3600).optional(),
  authorizationTtlSeconds: z.number().int().min(60).max(3600).optional(),
  platformKeys: z.array(z.string().min(1)).optional(),
  popup: z.object({ width: z.number().int().min(200), height: z.number().int().min(200) }).optional(),
  readCacheMs: z.number().int().min(0).max(10_000, 'readCacheMs is at most 10000 (10 s).').optional(),
  syncService: z.object({ baseUrl: z.url(), apiKey: z.string().min(1, 'syncService.apiKey is required.') }),
});

const MerchantSchema = z.object({
  merchantId: z.string().min(1).max(100),
  companyName: z.string().trim().min(1).max(200),
  timeZone: z
    .string()
    .refine(isValidTimeZone, 'timeZone must be an IANA time zone name such as "America/Vancouver" (or left out).')
    .optional(),
});

const SessionClaimsSchema = z.object({
  v: z.literal(1),
  sub: z.string(),
  name: z.string(),
  /** The merchant's time zone from `authenticate`, when given. */
  tz: z.string().optional(),
  sid: z.string(),
  iat: z.number(),
  exp: z.number(),
});
type SessionClaims = z.infer<typeof SessionClaimsSchema>;

const StateClaimsSchema = z.object({
  v: z.literal(1),
  /** Nonce: key of the server-side record, consumed on use. */
  n: z.string().min(16),
  /** Public authorization id. */
  a: z.string(),
  /** Merchant the attempt is bound to. */
  m: z.string(),
  p: z.string(),
  md: z.enum(['popup', 'redirect']),
  r: z.string(),
  exp: z.number(),
});
type StateClaims = z.infer<typeof StateClaimsSchema>;

const AttemptRecordSchema = z.object({
  merchantId: z.string(),
  companyId: z.string(),
  connectionId: z.string(),
  platformKey: z.string(),
  codeVerifier: z.string().nullable(),
});
type AttemptRecord = z.infer<typeof AttemptRecordSchema>;

const CALLBACK_PASSTHROUGH_PARAM = /^[A-Za-z0-9_.-]{1,64}$/;
const CALLBACK_RESERVED_PARAMS = new Set(['state', 'code', 'error', 'error_description', 'error_uri', 'redirectUri', 'codeVerifier']);
const PLATFORM_CACHE_MS = 60_000;
const DEFAULT_READ_CACHE_MS = 1_500;

// Status codes the catalog uses, for runs whose service did not name a catalog code.
const FALLBACK_CODE_BY_STATUS: Record<number, SyncErrorCode> = {
  4000: 'configuration_invalid',
  4040: 'connection_deleted',
  4220: 'authorization_revoked',
  4260: 'subscription_expired',
  5000: 'internal_error',
  5080: 'duplication_protection',
  5120: 'internal_error',
  5130: 'document_rejected',
};

interface RouteContext {
  request: Request;
  url: URL;
  requestId: string;
}

type RouteHandler = (ctx: RouteContext) => Promise<Response>;

/**
 * Builds the backend-for-frontend the widget talks to: a `(Request) => Promise<Response>`
 * handler, mountable in any server (see `toNodeHandler` and the README). It authenticates the
 * merchant through the partner's `authenticate`, resolves the merchant's own company in the sync
 * service (by company tag `merchantId`, creating it on first use) and never takes a company id
 * from the browser. The sync service API key stays on the server.
 *
 * @example
 * const bff = createBff({
 *   authenticate: async (req) => sessions.merchantFor(req),
 *   syncService: { baseUrl: 'http://127.0.0.1:4010', apiKey: process.env.COMMERCE_SYNC_API_KEY! },
 *   secret: process.env.COMMERCE_SYNC_BFF_SECRET!,
 *   publicUrl: 'https://partner.example/api/commerce-sync',
 *   returnUrl: 'https://partner.example/settings/accounting',
 * });
 * const response = await bff.fetch(request);
 */
export function createBff(options: BffOptions): Bff {
  const checked = OptionsSchema.safeParse(options);
  if (!checked.success) {
    const details = checked.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new TypeError(`createBff: invalid options: ${details}`);
  }
  if (typeof options.authenticate !== 'function') throw new TypeError('createBff: authenticate must be a function.');

  const now = options.now ?? (() => new Date());
  const nowSeconds = () => Math.floor(now().getTime() / 1000);
  const logger: BffLogger = options.logger ?? {
    error: (message, details) => console.error(`[commerce-sync bff] ${message}`, details),
    warn: (message, details) => console.warn(`[commerce-sync bff] ${message}`, details),
  };
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const basePath = options.basePath ?? (new URL(publicUrl).pathname.replace(/\/+$/, '') || DEFAULT_BFF_BASE_PATH);
  const redirectUri = `${publicUrl}${BFF_ROUTES.oauthCallback.path}`;
  const messageOrigin = new URL(publicUrl).origin;
  const defaultReturnUrl = options.returnUrl;
  const allowedOrigins = new Set((options.allowedReturnOrigins ?? [defaultReturnUrl]).map((u) => new URL(u).origin));
  const sessionTtl = options.sessionTtlSeconds ?? 600;
  const attemptTtl = options.authorizationTtlSeconds ?? 600;
  const popup = options.popup ?? { width: 600, height: 720 };
  const nonceStore = options.nonceStore ?? createMemoryNonceStore({ now });
  const sessionSigner = createTokenSigner(options.secret, 'session');
  const stateSigner = createTokenSigner(options.secret, 'oauth-state');
  const client: SyncServiceClient = createSyncServiceClient(options.syncService);
  // Per merchant: identical reads in flight share one upstream call, answers live briefly, and
  // this BFF's own writes drop them (see BffOptions.readCacheMs).
  const reads = createReadCache({ ttlMs: options.readCacheMs ?? DEFAULT_READ_CACHE_MS });

  // ------------------------------------------------------------------ helpers

  const parse = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
    const result = schema.safeParse(value ?? {});
    if (result.success) return result.data;
    throw new BffHttpError(400, 'validation_failed', `The ${what} is not valid: ${result.error.issues[0]?.message ?? 'check the fields.'}`, {
      validation: issuesToFieldErrors(result.error.issues),
      retryable: false,
    });
  };

  const authenticateMerchant = async (request: Request): Promise<BffMerchant | null> => {
    const merchant = await options.authenticate(request);
    if (merchant === null || merchant === undefined) return null;
    const parsed = MerchantSchema.safeParse(merchant);
    if (!parsed.success) {
      throw new Error(`authenticate() returned an invalid merchant: ${parsed.error.message}`);
    }
    return parsed.data;
  };

  const requireSession = (request: Request): SessionClaims => {
    const header = request.headers.get('authorization');
    if (!header) {
      throw new BffHttpError(401, 'unauthenticated', 'This request has no session token. Send Authorization: Bearer <token> from POST /session.', {
        retryable: false,
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)$/.exec(header.trim());
    const verified = match?.[1] ? sessionSigner.verify<SessionClaims>(match[1], nowSeconds()) : null;
    if (verified && !verified.ok && verified.failure === 'expired') {
      throw new BffHttpError(401, 'session_expired', 'The session token has expired. Get a fresh one from the host page and retry.', {
        retryable: true,
        headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' },
      });
    }
    const claims = verified?.ok ? SessionClaimsSchema.safeParse(verified.payload) : null;
    if (!claims?.success) {
      throw new BffHttpError(401, 'session_invalid', 'The session token is not valid. Get a fresh one from the host page.', {
        retryable: false,
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    return claims.data;
  };

  // Serialises the find-or-create steps of one merchant within this instance, so two tabs
  // starting at once share one company and one connection.
  const merchantLocks = new Map<string, Promise<unknown>>();
  const withMerchantLock = <T>(merchantId: string, task: () => Promise<T>): Promise<T> => {
    const previous = merchantLocks.get(merchantId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    const settled = next.catch(() => undefined);
    merchantLocks.set(merchantId, settled);
    void settled.then(() => {
      if (merchantLocks.get(merchantId) === settled) merchantLocks.delete(merchantId);
    });
    return next;
  };

  const findCompany = (session: SessionClaims) =>
    reads.read(session.sub, 'company', () => client.findCompanyByMerchant(session.sub));
  const syncStatuses = (session: SessionClaims, companyId: string) =>
    reads.read(session.sub, `statuses:${companyId}`, () => client.listSyncStatuses(companyId));
  const configurationOf = (session: SessionClaims, companyId: string) =>
    reads.read(session.sub, `configuration:${companyId}`, () => client.getConfiguration(companyId));
  // A configuration with its option lists runs to tens of kilobytes: a cached one is serialised
  // once for every request it answers.
  const serialized = new WeakMap<Configuration, string>();
  const configurationJson = (configuration: Configuration): string => {
    let text = serialized.get(configuration);
    if (text === undefined) {
      text = JSON.stringify(configuration);
      serialized.set(configuration, text);
    }
    return text;
  };
  // Call under the merchant lock (and as a write: uncached reads). A re-read after creating
  // settles a race with another instance on the oldest company, which every later lookup also picks.
  const findOrCreateCompany = async (session: SessionClaims): Promise<Company> => {
    const existing = await client.findCompanyByMerchant(session.sub);
    if (existing) return existing;
    const created = await client.createCompany(session.name, session.sub);
    return (await client.findCompanyByMerchant(session.sub)) ?? created;
  };

  const accountingConnection = (company: Company | null): Connection | null => {
    if (!company) return null;
    const candidates = company.dataConnections.filter((c) => c.sourceType === 'Accounting');
    const linked = candidates.find((c) => c.status === 'Linked');
    if (linked) return linked;
    return [...candidates].sort((a, b) => b.created.localeCompare(a.created))[0] ?? null;
  };

  const requireLinked = (company: Company | null): { company: Company; connection: Connection } => {
    const connection = accountingConnection(company);
    if (!company || !connection || connection.status !== 'Linked') {
      throw new BffHttpError(409, 'not_connected', 'Connect an accounting platform first.', { retryable: false });
    }
    return { company, connection };
  };

  const connectionView = (connection: Connection | null): ConnectionView => {
    if (!connection) {
      return { status: 'NotConnected', platform: null, accountingCompanyName: null, createdAt: null, lastSyncAt: null };
    }
    const info = connection.connectionInfo ?? {};
    const name = [info.accountingCompanyName, info.companyName, info.tenantName].find((v) => typeof v === 'string');
    return {
      status: connection.status,
      platform: { key: connection.integrationKey, name: connection.platformName },
      accountingCompanyName: typeof name === 'string' ? name : null,
      createdAt: connection.created,
      lastSyncAt: connection.lastSync ?? null,
    };
  };

  let platformCache: { at: number; value: { integration: Integration; platform: Platform }[] } | null = null;
  const platforms = async () => {
    const at = now().getTime();
    if (platformCache && at - platformCache.at < PLATFORM_CACHE_MS) return platformCache.value;
    const integrations = (await client.listIntegrations()).filter(
      (i) => i.sourceType === 'Accounting' && i.enabled && (!options.platformKeys || options.platformKeys.includes(i.key)),
    );
    const value = await Promise.all(
      integrations.map(async (integration) => {
        const branding = await client.getBranding(integration.key).catch((error: unknown) => {
          logger.warn('branding unavailable', { platformKey: integration.key, error: String(error) });
          return null;
        });
        const image = (ref: { image: { src: string; alt: string } } | undefined) =>
          ref ? { src: ref.image.src, alt: ref.image.alt } : null;
        const platform: Platform = {
          key: integration.key,
          name: integration.name,
          logoUrl: integration.logoUrl || null,
          isBeta: integration.isBeta,
          branding: branding
            ? {
                logo: { full: image(branding.logo.full), square: image(branding.logo.square) },
                button: { default: image(branding.button.default), hover: image(branding.button.hover) },
              }
            : null,
        };
        return { integration, platform };
      }),
    );
    platformCache = { at, value };
    return value;
  };

  const problemFor = (status: { syncStatusCode: number; errorMessage: string; errorCode?: string | null; wizardStep?: string | null; errorParams?: Record<string, string> | null }): SyncProblem | null => {
    if (status.syncStatusCode < 4000) return null;
    const named = SyncErrorCodeSchema.safeParse(status.errorCode);
    const code: SyncErrorCode = named.success ? named.data : (FALLBACK_CODE_BY_STATUS[status.syncStatusCode] ?? 'internal_error');
    const entry = ERROR_CATALOG[code];
    const step = WizardStepSchema.safeParse(status.wizardStep);
    // The catalog text has placeholders the service fills; without the service's text, a
    // generic sentence is better than visible `{placeholders}`.
    const message = status.errorMessage.trim() || (/\{\w+\}/.test(entry.message) ? ERROR_CATALOG.internal_error.message : entry.message);
    return {
      code,
      statusCode: status.syncStatusCode,
      message,
      step: step.success ? step.data : entry.step,
      retryable: entry.retryable,
      // Only with the service's own message: the params are the specifics that message names.
      ...(status.errorMessage.trim() && status.errorParams ? { params: status.errorParams } : {}),
    };
  };

  // The service reports `finish` exclusive; the widget shows (and asks for) inclusive days.
  const inclusiveRange = (period: { start: string; finish: string } | null): SyncRun['dateRange'] => {
    if (!period || !/^\d{4}-\d{2}-\d{2}$/.test(period.start) || !/^\d{4}-\d{2}-\d{2}$/.test(period.finish)) return null;
    if (period.finish <= period.start) return null;
    const last = new Date(`${period.finish}T00:00:00Z`);
    last.setUTCDate(last.getUTCDate() - 1);
    return { start: period.start, finish: last.toISOString().slice(0, 10) };
  };

  const runState = (code: number): SyncRun['state'] => (code < 2000 ? 'running' : code < 4000 ? 'succeeded' : 'failed');

  const runFromStatus = (s: CompanySyncStatus): SyncRun => ({
    id: s.syncId,
    state: runState(s.syncStatusCode),
    statusCode: s.syncStatusCode,
    syncedAt: s.syncUtc || null,
    dataPushed: s.dataPushed,
    dateRange: inclusiveRange(s.period),
    problem: problemFor(s),
  });

  // The service lists newest first; the stable sort only guards that, keeping its order on ties.
  const newestFirst = (list: CompanySyncStatus[]) => [...list].sort((a, b) => b.syncUtc.localeCompare(a.syncUtc));

  const setEnabled = async (ctx: RouteContext, enabled: boolean): Promise<Response> => {
    const session = requireSession(ctx.request);
    const { company } = requireLinked(await findCompany(session));
    const saved = await reads.write(session.sub, async () => {
      const current = await client.getConfiguration(company.id);
      if (!current.configured) {
        throw new BffHttpError(409, 'conflict', 'Finish setting up the sync before pausing or resuming it.', { retryable: false });
      }
      const { enable: _legacy, ...rest } = current;
      return client.setConfiguration(company.id, { ...configurationSelections(rest), companyId: company.id, enabled });
    });
    const body: SyncToggleResponse = { enabled: saved.enabled ?? saved.enable ?? enabled };
    return json(ctx.requestId, 200, body);
  };

  const returnOriginAllowed = (target: string): boolean => {
    try {
      return allowedOrigins.has(new URL(target).origin);
    } catch {
      return false;
    }
  };

  // ------------------------------------------------------------------ OAuth callback

  const finishAuthorization = (
    requestId: string,
    channel: { mode: AuthorizationMode; returnTo: string } | null,
    result: AuthorizationResult,
    status: number,
  ): Response => {
    // Without a trustworthy channel (the state did not verify) the answer goes only to the
    // partner's configured page and origin.
    const returnTo = channel && returnOriginAllowed(channel.returnTo) ? channel.returnTo : defaultReturnUrl;
    if (channel?.mode === 'redirect') {
      const target = new URL(returnTo);
      target.searchParams.set(AUTHORIZATION_RETURN_PARAM, result.outcome);
      if (result.reason) target.searchParams.set('reason', result.reason);
      if (result.authorizationId) target.searchParams.set('authorizationId', result.authorizationId);
      return new Response(null, {
        status: 302,
        headers: {
          location: target.toString(),
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          'x-request-id': requestId,
        },
      });
    }
    return callbackPage({ result, targetOrigin: new URL(returnTo).origin, returnTo, requestId, status });
  };

  const oauthCallback: RouteHandler = async ({ url, request, requestId }) => {
    const q = url.searchParams;
    const failed = (
      channel: { mode: AuthorizationMode; returnTo: string } | null,
      claims: Pick<StateClaims, 'a' | 'p'> | null,
      outcome: 'denied' | 'error',
      reason: AuthorizationFailureReason,
      status: number,
    ) =>
      finishAuthorization(
        requestId,
        channel,
        { outcome, reason, authorizationId: claims?.a ?? null, platformKey: claims?.p ?? null },
        status,
      );

    const stateToken = q.get('state');
    const verified = stateToken ? stateSigner.verify<StateClaims>(stateToken, nowSeconds()) : null;
    const claimsParsed = verified && (verified.ok || verified.failure === 'expired') ? StateClaimsSchema.safeParse(verified.payload) : null;
    if (!claimsParsed?.success) {
      logger.warn('oauth callback with an invalid state', { requestId, reason: verified?.ok === false ? verified.failure : 'missing' });
      return failed(null, null, 'error', 'state_invalid', 400);
    }
    const claims = claimsParsed.data;
    const channel = { mode: claims.md, returnTo: claims.r };
    if (verified && !verified.ok) return failed(channel, claims, 'error', 'state_expired', 400);

    // The session first: the signed state names the merchant, so a callback opened in another
    // browser is refused without consuming the nonce, and the real merchant can still finish.
    const merchant = await authenticateMerchant(request);
    const mismatch = () => {
      logger.warn('oauth callback from a browser not signed in as the merchant who started it', { requestId, authorizationId: claims.a });
      return failed(channel, claims, 'error', 'session_mismatch', 403);
    };
    if (!merchant || merchant.merchantId !== claims.m) return mismatch();

    const stored = await nonceStore.take(`oauth:${claims.n}`);
    if (stored === null) {
      logger.warn('oauth callback with a state already used', { requestId, authorizationId: claims.a });
      return failed(channel, claims, 'error', 'state_replayed', 400);
    }
    let attempt: AttemptRecord;
    try {
      attempt = AttemptRecordSchema.parse(JSON.parse(stored));
    } catch {
      return failed(channel, claims, 'error', 'state_invalid', 400);
    }
    if (attempt.merchantId !== claims.m) return mismatch();

    const error = q.get('error');
    if (error) {
      return error === 'access_denied'
        ? failed(channel, claims, 'denied', 'access_denied', 200)
        : failed(channel, claims, 'error', 'platform_error', 502);
    }
    const code = q.get('code');
    if (!code) return failed(channel, claims, 'error', 'invalid_callback', 400);

    const body: Record<string, string> = {};
    let extra = 0;
    for (const [key, value] of q) {
      if (CALLBACK_RESERVED_PARAMS.has(key) || !CALLBACK_PASSTHROUGH_PARAM.test(key) || value.length > 2048) continue;
      if (++extra > 20) break;
      body[key] = value;
    }
    body.code = code;
    body.redirectUri = redirectUri;
    if (attempt.codeVerifier) body.codeVerifier = attempt.codeVerifier;
    try {
      const connection = await reads.write(claims.m, () => client.completeAuthorization(attempt.companyId, attempt.connectionId, body));
      if (connection.status !== 'Linked') return failed(channel, claims, 'error', 'exchange_failed', 400);
    } catch (caught) {
      const clientSide = caught instanceof SyncServiceError && caught.status >= 400 && caught.status < 500;
      (clientSide ? logger.warn : logger.error)('authorization could not be completed', { requestId, error: String(caught) });
      return clientSide
        ? failed(channel, claims, 'error', 'exchange_failed', 400)
        : failed(channel, claims, 'error', 'platform_error', 502);
    }
    return finishAuthorization(
      requestId,
      channel,
      { outcome: 'connected', reason: null, authorizationId: claims.a, platformKey: claims.p },
      200,
    );
  };

  // ------------------------------------------------------------------ routes

  const routes: Record<keyof typeof BFF_ROUTES, RouteHandler> = {
    async createSession({ request, requestId }) {
      parse(CreateSessionRequestSchema, await readJsonBody(request), 'session request');
      const merchant = await authenticateMerchant(request);
      if (!merchant) {
        throw new BffHttpError(401, 'unauthenticated', 'You are not signed in. Sign in to the partner site, then try again.', {
          retryable: false,
        });
      }
      const iat = nowSeconds();
      const exp = iat + sessionTtl;
      const token = sessionSigner.sign({
        v: 1,
        sub: merchant.merchantId,
        name: merchant.companyName,
        ...(merchant.timeZone ? { tz: merchant.timeZone } : {}),
        sid: randomId(12),
        iat,
        exp,
      });
      const body: SessionToken = { token, expiresAt: new Date(exp * 1000).toISOString(), expiresInSeconds: sessionTtl };
      return json(requestId, 201, body);
    },

    async listPlatforms({ request, requestId }) {
      requireSession(request);
      const body: PlatformList = { platforms: (await platforms()).map((p) => p.platform) };
      return json(requestId, 200, body);
    },

    async startAuthorization({ request, requestId }) {
      const session = requireSession(request);
      const input = parse(StartAuthorizationRequestSchema, await readJsonBody(request), 'authorization request');
      const offered = (await platforms()).find((p) => p.integration.key === input.platformKey);
      if (!offered) {
        throw new BffHttpError(400, 'platform_unknown', `"${input.platformKey}" is not an accounting platform you can connect here. Choose one from the list.`, {
          validation: [{ itemId: 'platformKey', message: 'Choose an accounting platform from the list.', validatorName: 'platform_unknown' }],
          retryable: false,
        });
      }
      const returnTo = input.returnTo ?? defaultReturnUrl;
      if (!returnOriginAllowed(returnTo)) {
        throw new BffHttpError(400, 'return_url_not_allowed', 'returnTo must be a page on an origin the partner allowed.', {
          validation: [{ itemId: 'returnTo', message: 'Use a page of this site as returnTo.', validatorName: 'return_url_not_allowed' }],
          retryable: false,
        });
      }
      const { company, connection } = await withMerchantLock(session.sub, () => reads.write(session.sub, async () => {
        const found = await findOrCreateCompany(session);
        const current = accountingConnection(found);
        if (current?.status === 'Linked') {
          throw new BffHttpError(409, 'conflict', `Your books are already connected to ${current.platformName}. Disconnect it before connecting another platform.`, {
            retryable: false,
          });
        }
        const reusable = found.dataConnections
          .filter((c) => c.sourceType === 'Accounting' && c.integrationKey === input.platformKey)
          .sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id))[0];
        return { company: found, connection: reusable ?? (await client.createConnection(found.id, input.platformKey)) };
      }));

      const nonce = randomId(24);
      const authorizationId = randomId(12);
      const pkce = offered.integration.supportsPkce ? createPkcePair() : null;
      const exp = nowSeconds() + attemptTtl;
      const record: AttemptRecord = {
        merchantId: session.sub,
        companyId: company.id,
        connectionId: connection.id,
        platformKey: input.platformKey,
        codeVerifier: pkce?.codeVerifier ?? null,
      };
      if (!(await nonceStore.add(`oauth:${nonce}`, JSON.stringify(record), attemptTtl * 1000))) {
        throw new Error('nonce collision while starting an authorization');
      }
      const state = stateSigner.sign({ v: 1, n: nonce, a: authorizationId, m: session.sub, p: input.platformKey, md: input.mode, r: returnTo, exp });
      const started = await client.startAuthorization(company.id, connection.id, {
        state,
        redirectUri,
        ...(pkce ? { codeChallenge: pkce.codeChallenge } : {}),
      });
      if (!/^https?:\/\//i.test(started.url)) throw new Error('the sync service returned a consent URL that is not http(s)');
      const body: StartAuthorizationResponse = {
        url: started.url,
        mode: input.mode,
        popup,
        authorizationId,
        messageOrigin,
        expiresAt: new Date(exp * 1000).toISOString(),
      };
      return json(requestId, 201, body);
    },

    oauthCallback,

    async getConnection({ request, requestId }) {
      const session = requireSession(request);
      return json(requestId, 200, connectionView(accountingConnection(await findCompany(session))));
    },

    async deauthorize({ request, requestId }) {
      const session = requireSession(request);
      const company = await findCompany(session);
      const connection = accountingConnection(company);
      if (!company || !connection || connection.status !== 'Linked') return json(requestId, 200, connectionView(connection));
      const updated = await reads.write(session.sub, () => client.updateConnectionStatus(company.id, connection.id, 'Unlinked'));
      return json(requestId, 200, connectionView(updated));
    },

    async getConfiguration({ request, requestId }) {
      const session = requireSession(request);
      const { company } = requireLinked(await findCompany(session));
      const view = await configurationOf(session, company.id);
      // Before the first save the service fills in Etc/UTC, which nobody chose: offer the
      // partner's zone for the merchant instead, or none so the widget takes the browser's.
      // (A copy: the cached view is shared by every request of this merchant.)
      if (!view.configured) {
        const { timeZone: _filledIn, ...schedule } = view.schedule ?? {};
        return json(requestId, 200, { ...view, schedule: session.tz ? { ...schedule, timeZone: session.tz } : schedule });
      }
      return jsonText(requestId, 200, configurationJson(view));
    },

    async saveConfiguration({ request, requestId }) {
      const session = requireSession(request);
      const input = parse(SaveConfigurationRequestSchema, absentNotNull(SaveConfigurationRequestSchema, await readJsonBody(request)), 'configuration');
      const { company } = requireLinked(await findCompany(session));
      if (input.companyId && input.companyId !== company.id) {
        throw new BffHttpError(404, 'not_found', 'There is no such company.', { retryable: false });
      }
      const saved: Configuration = await reads.write(session.sub, () => client.setConfiguration(company.id, { ...input, companyId: company.id }));
      return json(requestId, 200, saved);
    },

    async previewConfiguration({ request, requestId }) {
      const session = requireSession(request);
      const input = parse(SaveConfigurationRequestSchema, absentNotNull(SaveConfigurationRequestSchema, await readJsonBody(request)), 'configuration');
      const { company } = requireLinked(await findCompany(session));
      if (input.companyId && input.companyId !== company.id) {
        throw new BffHttpError(404, 'not_found', 'There is no such company.', { retryable: false });
      }
      // A read: nothing is written, so the merchant's cached reads stay valid.
      const preview: SyncPreview = await client.previewConfiguration(company.id, { ...input, companyId: company.id });
      return json(requestId, 200, preview);
    },

    pauseSync: (ctx) => setEnabled(ctx, false),
    resumeSync: (ctx) => setEnabled(ctx, true),

    async runSync({ request, requestId }) {
      const session = requireSession(request);
      const input = parse(RunSyncRequestSchema, await readJsonBody(request), 'sync request');
      const { company } = requireLinked(await findCompany(session));
      const summary = await reads.write(session.sub, () =>
        input.kind === 'latest'
          ? client.requestLatestSync(company.id)
          : client.requestHistoricSync(company.id, input.dateRange),
      );
      // The summary reports UTC instants; the run's status has the merchant-local days.
      const body: RunSyncResponse = { run: runFromStatus(await client.getSyncStatus(company.id, summary.commerceSyncId)) };
      return json(requestId, 202, body);
    },

    async getSyncStatus({ request, requestId }) {
      const session = requireSession(request);
      const company = await findCompany(session);
      const connection = accountingConnection(company);
      // Both reads at once (and shared with concurrent requests of the same merchant).
      const [history, configuration] = company
        ? await Promise.all([syncStatuses(session, company.id), configurationOf(session, company.id)])
        : [[], null];
      const statuses = newestFirst(history);
      const linked = connection?.status === 'Linked';
      const enabled = Boolean(configuration?.enabled ?? configuration?.enable ?? false);
      const configured = Boolean(configuration?.configured);
      const latest = statuses[0] ? runFromStatus(statuses[0]) : null;
      const successful = statuses.find((s) => s.syncStatusCode >= 2000 && s.syncStatusCode < 3000);
      const health: SyncStatusView['health'] = !linked
        ? 'not_connected'
        : !configured
          ? 'not_configured'
          : !enabled
            ? 'paused'
            : !latest
              ? 'never_run'
              : latest.state === 'running'
                ? 'running'
                : latest.state === 'failed'
                  ? 'failing'
                  : 'healthy';
      const body: SyncStatusView = {
        health,
        enabled,
        configured,
        latest,
        lastSuccessful: successful ? runFromStatus(successful) : null,
      };
      return json(requestId, 200, body);
    },

    async getSyncHistory({ request, requestId, url }) {
      const session = requireSession(request);
      const query = parse(SyncHistoryQuerySchema, Object.fromEntries(url.searchParams), 'history query');
      const company = await findCompany(session);
      const statuses = company ? newestFirst(await syncStatuses(session, company.id)) : [];
      const body: SyncHistory = { items: statuses.slice(0, query.limit).map(runFromStatus) };
      return json(requestId, 200, body);
    },

    async deleteCompany({ request, requestId }) {
      const session = requireSession(request);
      const company = await findCompany(session);
      if (company) await reads.write(session.sub, () => client.deleteCompany(company.id));
      const body: DeleteCompanyResponse = { deleted: true };
      return json(requestId, 200, body);
    },
  };

  const table = Object.entries(BFF_ROUTES).map(([name, route]) => ({
    ...route,
    handle: routes[name as keyof typeof BFF_ROUTES],
  }));

  const fromSyncService = (error: SyncServiceError): BffHttpError => {
    const upstream = error.envelope;
    // A catalogued platform failure (revoked access, outage, expired subscription…) is the
    // merchant's to act on, not a fault of ours: pass its merchant message and fix step on.
    const catalogued = SyncErrorCodeSchema.safeParse(upstream?.code);
    if (upstream && catalogued.success && catalogued.data !== 'internal_error') {
      const entry = ERROR_CATALOG[catalogued.data];
      const problem: SyncProblem = {
        code: entry.code,
        statusCode: entry.statusCode,
        message: upstream.error,
        step: entry.step,
        retryable: entry.retryable,
      };
      return new BffHttpError(entry.retryable ? 503 : 409, 'accounting_platform_error', upstream.error, {
        retryable: entry.retryable,
        problem,
        ...(error.retryAfter ? { headers: { 'retry-after': error.retryAfter } } : {}),
      });
    }
    if (error.status === 400 || error.status === 422) {
      const validation = upstream?.validation?.errors;
      return new BffHttpError(400, 'validation_failed', upstream?.error ?? 'Some values are not valid.', {
        ...(validation ? { validation } : {}),
        retryable: false,
      });
    }
    if (error.status === 404) return new BffHttpError(404, 'not_found', 'There is no such resource.', { retryable: false });
    if (error.status === 409) {
      return upstream?.code === 'duplication_protection'
        ? new BffHttpError(409, 'duplication_protection', ERROR_CATALOG.duplication_protection.message, { retryable: false })
        : new BffHttpError(409, 'conflict', upstream?.error ?? 'The request conflicts with the current state.', { retryable: false });
    }
    if (error.status === 429) {
      return new BffHttpError(429, 'rate_limited', 'Too many requests. Wait a moment and try again.', {
        retryable: true,
        ...(error.retryAfter ? { headers: { 'retry-after': error.retryAfter } } : {}),
      });
    }
    if (error.status >= 500) {
      return new BffHttpError(502, 'upstream_unavailable', 'The sync service is not available right now. Try again shortly.', { retryable: true });
    }
    return new BffHttpError(500, 'internal_error', 'Something went wrong on our side. Try again; contact support if it continues.', {
      retryable: true,
    });
  };

  async function handle(request: Request): Promise<Response> {
    const requestId = requestIdFor(request);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return errorResponse(requestId, new BffHttpError(400, 'validation_failed', 'The request URL is not valid.'));
    }
    try {
      assertDecodablePath(url);
      const prefix = basePath === '/' ? '' : basePath;
      if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
        throw new BffHttpError(404, 'not_found', 'There is no such endpoint.', { retryable: false });
      }
      const path = url.pathname.slice(prefix.length).replace(/\/+$/, '') || '/';
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      const candidates = table.filter((r) => r.path === path);
      const route = candidates.find((r) => r.method === method);
      if (!route) {
        if (candidates.length > 0) {
          throw new BffHttpError(405, 'method_not_allowed', `Use ${candidates.map((r) => r.method).join(' or ')} for this endpoint.`, {
            retryable: false,
            headers: { allow: candidates.map((r) => r.method).join(', ') },
          });
        }
        throw new BffHttpError(404, 'not_found', 'There is no such endpoint.', { retryable: false });
      }
      return await route.handle({ request, url, requestId });
    } catch (caught) {
      if (caught instanceof BffHttpError) return errorResponse(requestId, caught);
      if (caught instanceof SyncServiceError) {
        const mapped = fromSyncService(caught);
        if (mapped.status >= 500) logger.error('sync service call failed', { requestId, error: caught.message });
        return errorResponse(requestId, mapped);
      }
      if (caught instanceof SyncServiceUnavailableError) {
        logger.error('sync service unavailable', { requestId, error: caught.message });
        return errorResponse(
          requestId,
          new BffHttpError(502, 'upstream_unavailable', 'The sync service is not available right now. Try again shortly.', { retryable: true }),
        );
      }
      logger.error('unexpected failure', { requestId, error: caught instanceof Error ? (caught.stack ?? caught.message) : String(caught) });
      return errorResponse(
        requestId,
        new BffHttpError(500, 'internal_error', 'Something went wrong on our side. Try again; contact support if it continues.', {
          retryable: true,
        }),
      );
    }
  }

  return { fetch: handle, basePath, redirectUri };
}

