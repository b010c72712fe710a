import type { z } from 'zod';
import { BffErrorSchema, DEFAULT_BFF_BASE_PATH } from '../../contract/bff.js';
import {
  SUPPORT_PATH_PREFIX,
  SUPPORT_RESPONSE_SCHEMAS,
  SUPPORT_ROUTES,
  supportPath,
  type SupportCompanyDetail,
  type SupportConfiguration,
  type SupportDeliveries,
  type SupportDocumentLines,
  type SupportHistory,
  type SupportHistoryQuery,
  type SupportReenableRequest,
  type SupportReenableResponse,
  type SupportRetryResult,
  type SupportRouteName,
  type SupportSearchQuery,
  type SupportSearchResult,
  type SupportSyncDetail,
} from '../../contract/support.js';
import { CommerceSyncError } from '../api/errors.js';

/** Options of {@link createSupportClient}. */
export interface SupportClientOptions {
  /** URL of the BFF mount (support routes are under `{baseUrl}/support`). Default `/api/commerce-sync`. */
  baseUrl?: string;
  /** The support-staff token (never a merchant session token). */
  supportToken?: string;
  /** Returns the support-staff token; called before the first request and again once after a 401. */
  getSupportToken?: () => Promise<string> | string;
  /** Fetch implementation; defaults to the global one at call time. */
  fetch?: typeof fetch;
}

/** A typed client for the BFF's support routes; every answer is checked against src/contract/support.ts. */
export interface SupportClient {
  readonly baseUrl: string;
  search(query: SupportSearchQuery, signal?: AbortSignal): Promise<SupportSearchResult>;
  company(companyId: string, signal?: AbortSignal): Promise<SupportCompanyDetail>;
  history(
    companyId: string,
    query?: SupportHistoryQuery,
    signal?: AbortSignal,
  ): Promise<SupportHistory>;
  sync(companyId: string, syncId: string, signal?: AbortSignal): Promise<SupportSyncDetail>;
  retryFailed(companyId: string, syncId: string): Promise<SupportRetryResult>;
  configuration(companyId: string, signal?: AbortSignal): Promise<SupportConfiguration>;
  reenable(companyId: string, body: SupportReenableRequest): Promise<SupportReenableResponse>;
  deliveries(companyId: string, signal?: AbortSignal): Promise<SupportDeliveries>;
  /** "Explain this line": a written document's lines with the records behind each. */
  documentLines(companyId: string, reference: string, signal?: AbortSignal): Promise<SupportDocumentLines>;
}

function toSearch(query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

// Browsers resolve relative URLs in fetch; jsdom on Node does not.
function resolveUrl(url: string): string {
  const base = typeof location === 'undefined' ? undefined : location.href;
  return base ? new URL(url, base).toString() : url;
}

/**
 * Creates the support client `<SyncHealth>` uses.
 *
 * @example
 * const client = createSupportClient({ baseUrl: '/api/commerce-sync', getSupportToken: () => staffSession.token });
 * const { totals } = await client.search({ health: 'failing' });
 */
export function createSupportClient(options: SupportClientOptions = {}): SupportClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_BFF_BASE_PATH).replace(/\/+$/, '');
  let token = options.supportToken;

  async function call<R extends SupportRouteName>(
    route: R,
    params: Record<string, string>,
    init: { query?: string; body?: unknown; signal?: AbortSignal | undefined } = {},
    retried = false,
  ): Promise<z.infer<(typeof SUPPORT_RESPONSE_SCHEMAS)[R]>> {
    if (token === undefined && options.getSupportToken) token = await options.getSupportToken();
    const { method } = SUPPORT_ROUTES[route];
    const path = `${SUPPORT_PATH_PREFIX}${supportPath(route, params)}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (method === 'POST') headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(
        resolveUrl(`${baseUrl}${path}${init.query ?? ''}`),
        {
          method,
          headers,
          body: method === 'POST' ? JSON.stringify(init.body ?? {}) : undefined,
          signal: init.signal,
          credentials: 'same-origin',
        },
      );
    } catch (cause) {
      if (init.signal?.aborted) throw cause;
      throw new CommerceSyncError({
        code: 'network_error',
        message: `Could not reach ${baseUrl}${path}.`,
        cause,
      });
    }
    const json = (await response.json().catch(() => undefined)) as unknown;
    if (!response.ok) {
      if (response.status === 401 && !retried && options.getSupportToken) {
        token = await options.getSupportToken();
        return call(route, params, init, true);
      }
      const parsed = BffErrorSchema.safeParse(json);
      throw parsed.success
        ? CommerceSyncError.fromBody(response.status, parsed.data)
        : new CommerceSyncError({
            code: response.status >= 500 ? 'internal_error' : 'invalid_response',
            status: response.status,
            message: `${method} ${path} failed with HTTP ${response.status}.`,
          });
    }
    const parsed = SUPPORT_RESPONSE_SCHEMAS[route].safeParse(json);
    if (!parsed.success) {
      throw new CommerceSyncError({
        code: 'invalid_response',
        status: response.status,
        message: `${method} ${path} answered a body that does not match the contract: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      });
    }
    return parsed.data as z.infer<(typeof SUPPORT_RESPONSE_SCHEMAS)[R]>;
  }

  return {
    baseUrl,
    search: (query, signal) =>
      call(
        'search',
        {},
        { query: toSearch(query as Record<string, string | number | undefined>), signal },
      ),
    company: (companyId, signal) => call('company', { companyId }, { signal }),
    history: (companyId, query = {}, signal) =>
      call(
        'history',
        { companyId },
        { query: toSearch(query as Record<string, string | number | undefined>), signal },
      ),
    sync: (companyId, syncId, signal) => call('sync', { companyId, syncId }, { signal }),
    retryFailed: (companyId, syncId) => call('retryFailed', { companyId, syncId }, { body: {} }),
    configuration: (companyId, signal) => call('configuration', { companyId }, { signal }),
    reenable: (companyId, body) => call('reenable', { companyId }, { body }),
    deliveries: (companyId, signal) => call('deliveries', { companyId }, { signal }),
    documentLines: (companyId, reference, signal) => call('documentLines', { companyId, reference }, { signal }),
  };
}
