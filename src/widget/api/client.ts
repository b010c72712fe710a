import { BFF_ROUTES, DEFAULT_BFF_BASE_PATH } from '../../contract/bff-routes.js';
import type {
  BffError,
  BffRouteName,
  ConfigurationView,
  ConnectionView,
  DeleteCompanyResponse,
  PlatformList,
  RunSyncRequest,
  RunSyncResponse,
  SaveConfigurationRequest,
  StartAuthorizationRequest,
  StartAuthorizationResponse,
  SyncHistory,
  SyncStatusView,
  SyncToggleResponse,
} from '../../contract/bff.js';
import type { SyncPreview } from '../../contract/preview.js';
import { CommerceSyncError } from './errors.js';
import { expectShape, isBffErrorBody } from './shape.js';
import type { Shape } from './shape.js';

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** URL of the BFF mount, absolute or relative to the page. Default `/api/commerce-sync`. */
  baseUrl?: string;
  /** The current session token (from the partner's `POST /session`). */
  sessionToken?: string;
  /** Asked for a fresh token when the BFF answers 401 `session_expired`; the call is retried once. */
  getSessionToken?: () => Promise<string> | string;
  /** Fetch implementation; defaults to the global one at call time. */
  fetch?: typeof fetch;
}

/** A typed client for every BFF route the widget uses; responses are typed by the contract and shape-checked. */
export interface ApiClient {
  readonly baseUrl: string;
  listPlatforms(signal?: AbortSignal): Promise<PlatformList>;
  startAuthorization(body: StartAuthorizationRequest): Promise<StartAuthorizationResponse>;
  getConnection(signal?: AbortSignal): Promise<ConnectionView>;
  deauthorize(): Promise<ConnectionView>;
  getConfiguration(signal?: AbortSignal): Promise<ConfigurationView>;
  saveConfiguration(body: SaveConfigurationRequest): Promise<ConfigurationView>;
  /** What an unsaved configuration would post for the most recent day with data (nothing is saved or posted). */
  previewConfiguration(body: SaveConfigurationRequest, signal?: AbortSignal): Promise<SyncPreview>;
  pauseSync(): Promise<SyncToggleResponse>;
  resumeSync(): Promise<SyncToggleResponse>;
  runSync(body: RunSyncRequest): Promise<RunSyncResponse>;
  getSyncStatus(signal?: AbortSignal): Promise<SyncStatusView>;
  getSyncHistory(limit?: number, signal?: AbortSignal): Promise<SyncHistory>;
  deleteCompany(): Promise<DeleteCompanyResponse>;
  /** Replaces the token used by later calls (the provider calls it when its prop changes). */
  setSessionToken(token: string | undefined): void;
  /** Replaces the fresh-token getter (the provider calls it when its prop changes). */
  setSessionTokenGetter(getter: (() => Promise<string> | string) | undefined): void;
}

// What the widget reads from each answer; deeper fields are typed by the contract and produced by
// the BFF's own zod validation.
const CONNECTION: Shape = { status: 'string', platform: 'object?', accountingCompanyName: 'string?' };
const CONFIGURATION: Shape = { configured: 'boolean?', configuration: 'object?', schedule: 'object?' };
const TOGGLE: Shape = { enabled: 'boolean' };

// Browsers resolve relative URLs in fetch; other runtimes (jsdom on Node, some webviews) do not.
function resolveUrl(url: string): string {
  const base = typeof location === 'undefined' ? undefined : location.href;
  return base ? new URL(url, base).toString() : url;
}

/**
 * Creates the BFF client. It sends `Authorization: Bearer <token>`, checks the shape of every
 * body the widget relies on (the BFF validates with the contract's zod schemas on its side, so
 * the browser does not ship them), turns error bodies into {@link CommerceSyncError}, and on 401
 * `session_expired` asks `getSessionToken()` once for a fresh token and retries.
 *
 * @example
 * const client = createApiClient({ baseUrl: '/api/commerce-sync', getSessionToken: fetchToken });
 * const { platforms } = await client.listPlatforms();
 */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = (options.baseUrl ?? DEFAULT_BFF_BASE_PATH).replace(/\/+$/, '');
  let token = options.sessionToken;
  let getSessionToken = options.getSessionToken;
  let refreshing: Promise<string> | null = null;

  async function freshToken(): Promise<string | undefined> {
    const getter = getSessionToken;
    if (!getter) return undefined;
    // Concurrent 401s share one refresh so the host is asked once.
    refreshing ??= Promise.resolve(getter()).finally(() => {
      refreshing = null;
    });
    token = await refreshing;
    return token;
  }

  async function send(route: BffRouteName, init: { body?: unknown; query?: string; signal?: AbortSignal }, retried = false): Promise<unknown> {
    const { method, path } = BFF_ROUTES[route];
    if (token === undefined && getSessionToken && !retried) await freshToken();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const doFetch = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await doFetch(resolveUrl(`${baseUrl}${path}${init.query ?? ''}`), {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
        credentials: 'same-origin',
      });
    } catch (cause) {
      if (init.signal?.aborted) throw cause;
      throw new CommerceSyncError({ code: 'network_error', message: `Could not reach ${baseUrl}${path}.`, cause });
    }
    const text = await response.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new CommerceSyncError({ code: 'invalid_response', status: response.status, message: `${method} ${path} answered ${response.status} with a body that is not JSON.`, cause });
      }
    }
    if (!response.ok) {
      const error = isBffErrorBody(json)
        ? CommerceSyncError.fromBody(response.status, json as BffError)
        : new CommerceSyncError({ code: response.status >= 500 ? 'internal_error' : 'invalid_response', status: response.status, message: `${method} ${path} failed with HTTP ${response.status}.` });
      if (error.code === 'session_expired' && !retried && getSessionToken) {
        await freshToken();
        return send(route, init, true);
      }
      throw error;
    }
    return json;
  }

  async function call<T>(route: BffRouteName, shape: Shape, init: { body?: unknown; query?: string; signal?: AbortSignal } = {}): Promise<T> {
    const json = await send(route, init);
    const problem = expectShape(json, shape);
    if (problem !== null) {
      throw new CommerceSyncError({
        code: 'invalid_response',
        message: `${BFF_ROUTES[route].method} ${BFF_ROUTES[route].path} answered a body that does not match the contract: ${problem}`,
      });
    }
    return json as T;
  }

  return {
    baseUrl,
    listPlatforms: (signal) => call<PlatformList>('listPlatforms', { platforms: 'array' }, { signal }),
    startAuthorization: (body) => call<StartAuthorizationResponse>('startAuthorization', { url: 'string', mode: 'string', popup: 'object', authorizationId: 'string', messageOrigin: 'string', expiresAt: 'string' }, { body }),
    getConnection: (signal) => call<ConnectionView>('getConnection', CONNECTION, { signal }),
    deauthorize: () => call<ConnectionView>('deauthorize', CONNECTION),
    getConfiguration: (signal) => call<ConfigurationView>('getConfiguration', CONFIGURATION, { signal }),
    saveConfiguration: (body) => call<ConfigurationView>('saveConfiguration', CONFIGURATION, { body }),
    previewConfiguration: (body, signal) => call<SyncPreview>('previewConfiguration', { date: 'string?', documents: 'array', posted: 'array', problems: 'array' }, { body, signal }),
    pauseSync: () => call<SyncToggleResponse>('pauseSync', TOGGLE),
    resumeSync: () => call<SyncToggleResponse>('resumeSync', TOGGLE),
    runSync: (body) => call<RunSyncResponse>('runSync', { run: 'object' }, { body }),
    getSyncStatus: (signal) => call<SyncStatusView>('getSyncStatus', { health: 'string', enabled: 'boolean', configured: 'boolean', latest: 'object?', lastSuccessful: 'object?' }, { signal }),
    getSyncHistory: (limit = 20, signal) => call<SyncHistory>('getSyncHistory', { items: 'array' }, { query: `?limit=${limit}`, signal }),
    deleteCompany: () => call<DeleteCompanyResponse>('deleteCompany', { deleted: 'boolean' }),
    setSessionToken(next) {
      token = next;
    },
    setSessionTokenGetter(next) {
      getSessionToken = next;
    },
  };
}
