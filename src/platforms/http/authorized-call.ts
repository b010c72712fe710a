import type { ConnectionTokens, ConnectorContext } from '../connector.js';
import type { TokenKeeper } from './oauth.js';
import { drain, retryingFetch, type RetryingFetchOptions } from './retrying-fetch.js';

/** What one authorized vendor request needs, built from the tokens in force. */
export interface AuthorizedRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Vendor-specific headers; `authorization`, `accept` and `content-type` are added here. */
  headers?: Record<string, string>;
  body?: unknown;
}

/** The vendor's answer: status and body text parsed as JSON (`null` when empty). */
export interface AuthorizedResponse {
  status: number;
  ok: boolean;
  /** Parsed JSON, `null` for an empty body, or the caller's `nonJsonBody(text)` when not JSON. */
  json: unknown;
  /** The tokens the successful attempt used (after a refresh, the new ones). */
  tokens: ConnectionTokens;
}

/**
 * Sends one JSON request with the connection's bearer token through the paced, retrying fetch.
 * A 401 is answered once by refreshing the tokens (single-flight, rotation saved through the
 * keeper) and sending again; error mapping stays with each vendor.
 */
export async function authorizedJsonCall(
  fetchOptions: RetryingFetchOptions,
  keeper: TokenKeeper,
  ctx: ConnectorContext,
  build: (tokens: ConnectionTokens) => AuthorizedRequest,
  /** Shapes a non-JSON body (an HTML error page, say) like the vendor's own error body. */
  nonJsonBody: (text: string) => unknown,
): Promise<AuthorizedResponse> {
  let tokens = await keeper.current(ctx);
  for (let attempt = 0; ; attempt += 1) {
    const request = build(tokens);
    const headers: Record<string, string> = {
      authorization: `Bearer ${tokens.accessToken}`,
      accept: 'application/json',
      ...request.headers,
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await retryingFetch(fetchOptions, {
      tenantId: tokens.tenantId,
      url: request.url,
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: ctx.signal,
    });
    if (response.status === 401 && attempt === 0) {
      await drain(response);
      tokens = await keeper.afterUnauthorized(ctx, tokens);
      continue;
    }
    return { status: response.status, ok: response.ok, json: await readJson(response, nonJsonBody), tokens };
  }
}

async function readJson(response: Response, nonJsonBody: (text: string) => unknown): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return nonJsonBody(text.slice(0, 500));
  }
}
