import { z } from 'zod';
import { ConnectorError } from '../connector.js';
import type { ConnectionTokens, ConnectorContext } from '../connector.js';
import { abortableSleep } from './rate-limiter.js';
import { drain } from './retrying-fetch.js';

/** RFC 6749 §5.1 token response, as both Xero and Intuit send it. */
const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  id_token: z.string().optional(),
});
/** A parsed OAuth2 token endpoint response. */
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

/** RFC 6749 §5.2 error body. */
const OAuthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** What the token endpoint helper needs. */
export interface TokenEndpointOptions {
  platformName: string;
  url: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

/** `Basic base64(id:secret)` client authentication (RFC 6749 §2.3.1). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64')}`;
}

/**
 * POSTs a form to an OAuth2 endpoint with client basic auth and a time-out, retrying network
 * errors and 5xx twice (token grants are safe to repeat: vendors keep the previous refresh
 * token valid for a grace period). Maps `invalid_grant` to `authorization_expired`.
 */
export async function postOAuthForm(
  options: TokenEndpointOptions,
  form: Record<string, string>,
): Promise<Response> {
  const sleep = options.sleep ?? abortableSleep;
  let problem = '';
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      const response = await options.fetch(options.url, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(options.clientId, options.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      if (response.status < 500) return response;
      problem = `HTTP ${response.status}`;
      await drain(response);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (attempt < 3) await sleep(250 * attempt);
  }
  throw new ConnectorError(
    'platform_outage',
    `${options.platformName} OAuth endpoint unavailable (${problem})`,
    {
      platform: options.platformName,
    },
  );
}

/** Calls the token endpoint for a grant and parses the answer; never includes tokens in errors. */
export async function requestTokens(
  options: TokenEndpointOptions,
  form: Record<string, string>,
): Promise<TokenResponse> {
  const response = await postOAuthForm(options, form);
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Non-JSON bodies are handled below as an unexpected answer.
  }
  if (!response.ok) {
    const error = OAuthErrorSchema.safeParse(json);
    const code = error.success ? error.data.error : `HTTP ${response.status}`;
    if (code === 'invalid_grant' || code === 'invalid_token') {
      throw new ConnectorError(
        'authorization_expired',
        `${options.platformName} refused the ${form.grant_type} grant (${code})`,
        { platform: options.platformName },
      );
    }
    if (code === 'invalid_client' || code === 'unauthorized_client') {
      throw new ConnectorError(
        'authorization_revoked',
        `${options.platformName} rejected the app's client credentials (${code}); check the client id and secret`,
        { platform: options.platformName },
      );
    }
    throw new ConnectorError(
      'document_rejected',
      `${options.platformName} token endpoint answered ${code}`,
      {
        platform: options.platformName,
        document: 'authorisation',
        date: '',
        detail: code,
      },
    );
  }
  const parsed = TokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConnectorError(
      'platform_outage',
      `${options.platformName} token endpoint sent an unexpected body`,
      {
        platform: options.platformName,
      },
    );
  }
  return parsed.data;
}

/**
 * Connection tokens from a token-endpoint answer. Vendors may omit the refresh token or scope
 * on a refresh; the previous values then stay in force.
 */
export function connectionTokensFrom(
  response: TokenResponse,
  tenantId: string,
  nowMs: number,
  previous?: ConnectionTokens,
  defaultScope: string | null = null,
): ConnectionTokens {
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: nowMs + response.expires_in * 1000,
    tenantId,
    scope: response.scope ?? previous?.scope ?? defaultScope,
  };
}

/**
 * Keeps a connection's tokens fresh: refreshes shortly before expiry, lets exactly one refresh
 * run per refresh token however many calls of this process notice the expiry at once, persists
 * the rotated tokens through `ctx.saveTokens` once (or leaves refresh and storage to
 * `ctx.refreshTokens`, which coordinates instances), and hands later callers holding the stale
 * tokens the rotated ones.
 */
export class TokenKeeper {
  readonly #inflight = new Map<string, Promise<ConnectionTokens>>();
  /** Old refresh token → tokens that replaced it (bounded; newest kept). */
  readonly #rotated = new Map<string, ConnectionTokens>();

  constructor(
    private readonly refresh: (tokens: ConnectionTokens) => Promise<ConnectionTokens>,
    private readonly now: () => number,
    private readonly platformName: string,
    private readonly skewMs = 60_000,
  ) {}

  /** Tokens valid for at least the skew, refreshing first when needed. */
  async current(ctx: ConnectorContext): Promise<ConnectionTokens> {
    let tokens = this.#latest(ctx.tokens);
    if (tokens.expiresAt != null && tokens.expiresAt - this.skewMs <= this.now()) {
      tokens = await this.#refreshOnce(ctx, tokens);
    }
    ctx.tokens = tokens;
    return tokens;
  }

  /** After a 401 with `used`: refresh (once), or adopt tokens another call already rotated. */
  async afterUnauthorized(
    ctx: ConnectorContext,
    used: ConnectionTokens,
  ): Promise<ConnectionTokens> {
    const latest = this.#latest(used);
    const tokens = latest !== used ? latest : await this.#refreshOnce(ctx, used);
    ctx.tokens = tokens;
    return tokens;
  }

  #latest(tokens: ConnectionTokens): ConnectionTokens {
    let current = tokens;
    for (let hops = 0; current.refreshToken && hops < 100; hops += 1) {
      const next = this.#rotated.get(current.refreshToken);
      if (!next) break;
      current = next;
    }
    return current;
  }

  #refreshOnce(ctx: ConnectorContext, tokens: ConnectionTokens): Promise<ConnectionTokens> {
    const key = tokens.refreshToken;
    if (!key) {
      return Promise.reject(
        new ConnectorError(
          'authorization_expired',
          `${this.platformName} access token expired and no refresh token is stored`,
          {
            platform: this.platformName,
          },
        ),
      );
    }
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = (async () => {
        // With a host-provided refresh, the host serialises it across instances and stores it.
        const next = ctx.refreshTokens
          ? await ctx.refreshTokens(tokens, this.refresh)
          : await this.refresh(tokens);
        this.#rotated.set(key, next);
        if (this.#rotated.size > 10_000) this.#rotated.delete(this.#rotated.keys().next().value!);
        if (!ctx.refreshTokens) await ctx.saveTokens(next);
        return next;
      })();
      this.#inflight.set(key, pending);
      const forget = () => this.#inflight.delete(key);
      pending.then(forget, forget);
    }
    return pending;
  }
}
