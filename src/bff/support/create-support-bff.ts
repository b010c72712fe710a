import { DEFAULT_BFF_BASE_PATH } from '../../contract/bff.js';
import { ErrorEnvelopeSchema } from '../../contract/errors.js';
import {
  SUPPORT_PATH_PREFIX,
  SUPPORT_RESPONSE_SCHEMAS,
  SUPPORT_ROUTES,
  SupportReenableRequestSchema,
  SupportStaffSchema,
  type SupportRouteName,
  type SupportStaff,
} from '../../contract/support.js';
import type { BffLogger } from '../create-bff.js';
import {
  BffHttpError,
  assertDecodablePath,
  errorResponse,
  issuesToFieldErrors,
  json,
  readJsonBody,
  requestIdFor,
} from '../http.js';
import type { SyncServiceOptions } from '../sync-client.js';

/** Options of {@link createSupportBff}. */
export interface SupportBffOptions {
  /**
   * The partner's support-staff sign-in check, separate from merchant sessions: returns the
   * staff member behind this request, or null. `createSupportTokens(...).authenticate` fits.
   */
  authenticateSupport(request: Request): Promise<SupportStaff | null> | SupportStaff | null;
  /** How to reach the sync service (its support routes are under `/support`). */
  syncService: SyncServiceOptions;
  /** The BFF base path; support routes are served under `{basePath}/support`. Default `/api/commerce-sync`. */
  basePath?: string;
  /** Called after every support action that changes something (retry, re-enable, exclude a record), for the partner's audit log. */
  onAudit?(entry: {
    staff: SupportStaff;
    action: 'retryFailed' | 'reenable' | 'excludeRecord';
    companyId: string;
    syncId?: string;
    status: number;
  }): void;
  /** Defaults to `console`. */
  logger?: BffLogger;
}

/** A mounted support BFF: a fetch handler for `{basePath}/support/*`. */
export interface SupportBff {
  fetch(request: Request): Promise<Response>;
  /** Path prefix it serves, e.g. `/api/commerce-sync/support`. */
  readonly pathPrefix: string;
}

const ROUTE_MATCHERS = (
  Object.entries(SUPPORT_ROUTES) as [SupportRouteName, (typeof SUPPORT_ROUTES)[SupportRouteName]][]
).map(([name, route]) => {
  const keys: string[] = [];
  const pattern = route.path.replace(/:(\w+)/g, (_m, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { name, method: route.method, keys, regex: new RegExp(`^${pattern}$`) };
});

function match(
  method: string,
  path: string,
): { name: SupportRouteName; params: Record<string, string> } | 'method' | null {
  let wrongMethod = false;
  for (const m of ROUTE_MATCHERS) {
    const found = m.regex.exec(path);
    if (!found) continue;
    if (m.method !== method) {
      wrongMethod = true;
      continue;
    }
    const params: Record<string, string> = {};
    m.keys.forEach((key, i) => (params[key] = decodeURIComponent(found[i + 1] ?? '')));
    return { name: m.name, params };
  }
  return wrongMethod ? 'method' : null;
}

const UPSTREAM_CODES: Record<
  number,
  'validation_failed' | 'not_found' | 'conflict' | 'unauthenticated'
> = {
  400: 'validation_failed',
  404: 'not_found',
  409: 'conflict',
};

/**
 * The support part of the BFF: `{basePath}/support/*` behind support-staff authentication
 * (never a merchant session), forwarding to the sync service's `/support` routes with the API
 * key and checking every answer against src/contract/support.ts.
 *
 * @example
 * const tokens = createSupportTokens({ secret: process.env.SUPPORT_TOKEN_SECRET! });
 * const support = createSupportBff({ authenticateSupport: tokens.authenticate, syncService: { baseUrl, apiKey } });
 * const handle = (r: Request) => (new URL(r.url).pathname.startsWith(support.pathPrefix + '/') ? support.fetch(r) : bff.fetch(r));
 */
export function createSupportBff(options: SupportBffOptions): SupportBff {
  if (!options.syncService.apiKey) throw new Error('syncService.apiKey is required.');
  const base = new URL(options.syncService.baseUrl);
  const pathPrefix = `${(options.basePath ?? DEFAULT_BFF_BASE_PATH).replace(/\/+$/, '')}${SUPPORT_PATH_PREFIX}`;
  const logger = options.logger ?? console;
  const doFetch = options.syncService.fetch ?? ((request: Request) => globalThis.fetch(request));
  const timeoutMs = options.syncService.timeoutMs ?? 30_000;
  const authorization = `Basic ${Buffer.from(options.syncService.apiKey).toString('base64')}`;

  async function forward(
    route: SupportRouteName,
    path: string,
    search: string,
    method: string,
    body: unknown,
    requestId: string,
  ): Promise<Response> {
    const target = new URL(
      `${base.pathname.replace(/\/+$/, '')}${SUPPORT_PATH_PREFIX}${path}${search}`,
      base,
    );
    let upstream: Response;
    try {
      upstream = await doFetch(
        new Request(target, {
          method,
          headers: {
            authorization,
            accept: 'application/json',
            'x-correlation-id': requestId,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        }),
      );
    } catch (error) {
      logger.error('support: sync service unreachable', { requestId, route, error: String(error) });
      throw new BffHttpError(
        503,
        'upstream_unavailable',
        'The sync service did not answer. Try again in a moment.',
        { retryable: true },
      );
    }
    const payload = (await upstream.json().catch(() => null)) as unknown;
    if (!upstream.ok) {
      const envelope = ErrorEnvelopeSchema.safeParse(payload);
      const code = UPSTREAM_CODES[upstream.status];
      if (code && envelope.success) {
        // 4xx messages from the sync service say what to fix and carry no internals: pass them on.
        throw new BffHttpError(upstream.status, code, envelope.data.error, {
          retryable: envelope.data.canBeRetried === 'Yes',
          ...(envelope.data.validation ? { validation: envelope.data.validation.errors } : {}),
        });
      }
      logger.error('support: sync service failed', {
        requestId,
        route,
        status: upstream.status,
        body: payload,
      });
      throw new BffHttpError(
        502,
        'upstream_unavailable',
        'The sync service failed to answer this support request. Try again; if it keeps failing, check the sync service logs.',
        { retryable: true },
      );
    }
    const parsed = SUPPORT_RESPONSE_SCHEMAS[route].safeParse(payload);
    if (!parsed.success) {
      logger.error('support: sync service answer breaks the contract', {
        requestId,
        route,
        issue: parsed.error.issues[0]?.message,
      });
      throw new BffHttpError(
        502,
        'upstream_unavailable',
        'The sync service answered in an unexpected shape. Check that the sync service and BFF versions match.',
        { retryable: false },
      );
    }
    return json(requestId, upstream.status, parsed.data);
  }

  return {
    pathPrefix,
    async fetch(request) {
      const requestId = requestIdFor(request);
      try {
        const url = new URL(request.url);
        assertDecodablePath(url);
        if (url.pathname !== pathPrefix && !url.pathname.startsWith(`${pathPrefix}/`)) {
          throw new BffHttpError(
            404,
            'not_found',
            `No support route ${url.pathname}; support routes live under ${pathPrefix}.`,
          );
        }
        const staffRaw = await options.authenticateSupport(request);
        const staff = staffRaw ? SupportStaffSchema.safeParse(staffRaw) : null;
        if (!staff?.success) {
          throw new BffHttpError(
            401,
            'unauthenticated',
            'Support routes need a support-staff sign-in (Authorization: Bearer <support token>); merchant session tokens are not accepted.',
            {
              headers: { 'www-authenticate': 'Bearer realm="commerce-sync-support"' },
              retryable: false,
            },
          );
        }
        const path = url.pathname.slice(pathPrefix.length) || '/';
        const found = match(request.method, path);
        if (found === 'method')
          throw new BffHttpError(
            405,
            'method_not_allowed',
            `${request.method} is not allowed on ${url.pathname}.`,
          );
        if (!found)
          throw new BffHttpError(
            404,
            'not_found',
            `No support route ${request.method} ${url.pathname}.`,
          );

        let body: unknown;
        if (request.method === 'POST') {
          // JSON only: a cross-site form post cannot set it without a CORS preflight, so cookie-based staff sign-ins stay CSRF-safe.
          if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
            throw new BffHttpError(
              415,
              'unsupported_media_type',
              'Send support actions with Content-Type: application/json (an empty object is fine).',
            );
          }
          body = (await readJsonBody(request)) ?? {};
          if (found.name === 'reenable') {
            const parsed = SupportReenableRequestSchema.safeParse(body);
            if (!parsed.success) {
              throw new BffHttpError(
                400,
                'validation_failed',
                'Give the new start date as YYYY-MM-DD.',
                { validation: issuesToFieldErrors(parsed.error.issues), retryable: false },
              );
            }
            body = parsed.data;
          }
        }
        const response = await forward(
          found.name,
          path,
          request.method === 'GET' ? url.search : '',
          request.method,
          body,
          requestId,
        );
        if (found.name === 'retryFailed' || found.name === 'reenable' || found.name === 'excludeRecord') {
          options.onAudit?.({
            staff: staff.data,
            action: found.name,
            companyId: found.params.companyId ?? '',
            ...(found.params.syncId ? { syncId: found.params.syncId } : {}),
            status: response.status,
          });
        }
        return response;
      } catch (error) {
        if (error instanceof BffHttpError) return errorResponse(requestId, error);
        logger.error('support: unexpected failure', { requestId, error: String(error) });
        return errorResponse(
          requestId,
          new BffHttpError(
            500,
            'internal_error',
            'Something failed on the server; the logs have details under this request id.',
          ),
        );
      }
    },
  };
}
