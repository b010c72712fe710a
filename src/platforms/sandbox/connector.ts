import type { z } from 'zod';
import type { AccountingDocument } from '../../contract/documents.js';
import { ERROR_CATALOG } from '../../contract/error-catalog.js';
import type { SyncErrorCode } from '../../contract/error-catalog.js';
import { ConnectorError } from '../connector.js';
import type {
  AccountingConnector,
  AuthorizationRequest,
  CodeExchange,
  CompanyInfo,
  ConnectionTokens,
  ConnectorContext,
  LedgerAccount,
  LedgerContact,
  LedgerTaxRate,
  WriteResult,
} from '../connector.js';
import {
  SandboxAccountSchema,
  SandboxApiErrorSchema,
  SandboxCompanySchema,
  SandboxContactSchema,
  SandboxTaxRateSchema,
  SandboxTokenResponseSchema,
  SandboxWriteResponseSchema,
  listOf,
} from './schemas.js';
import type { SandboxTokenResponse } from './schemas.js';
import { SANDBOX_PLATFORM_NAME } from './store.js';

/**
 * The sandbox's `AccountingConnector`: it reaches the sandbox only over HTTP (`fetch`), with
 * OAuth tokens, exactly like a connector for a third-party vendor, so the sync service and the
 * sandbox can run in one process or in two.
 */

/** What the connector needs to reach the sandbox. */
export interface SandboxConnectorOptions {
  /** Absolute URL of the sandbox mount, e.g. `http://127.0.0.1:4010/sandbox`. */
  publicUrl: string;
  clientId: string;
  clientSecret: string;
  fetch: typeof fetch;
  now: () => Date;
  /** A call unanswered after this long is given up as a platform outage. Default 30,000 ms. */
  timeoutMs?: number;
}

const platform = SANDBOX_PLATFORM_NAME;
const KNOWN_CODES = new Set(Object.keys(ERROR_CATALOG));

function toTokens(body: SandboxTokenResponse, now: () => Date): ConnectionTokens {
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresAt: now().getTime() + body.expires_in * 1000,
    tenantId: body.ledger_id,
    scope: body.scope,
  };
}

async function readError(
  response: Response,
): Promise<z.infer<typeof SandboxApiErrorSchema> | null> {
  try {
    const parsed = SandboxApiErrorSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Builds the sandbox connector. */
export function createSandboxConnector(options: SandboxConnectorOptions): AccountingConnector {
  const base = options.publicUrl.replace(/\/+$/, '');
  const doFetch = options.fetch;
  // One refresh per refresh token at a time: a rotated token can be used only once.
  const refreshes = new Map<string, Promise<ConnectionTokens>>();

  const timeoutMs = options.timeoutMs ?? 30_000;

  async function send(url: string, init: RequestInit): Promise<Response> {
    // Every call has a deadline: a ledger that never answers must not hold a worker forever.
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      // Raced with the signal as well, so a fetch that ignores it cannot hold the call.
      return await Promise.race([
        doFetch(url, { ...init, signal }),
        new Promise<never>((_resolve, reject) => {
          const stop = () => reject(signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError'));
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop, { once: true });
        }),
      ]);
    } catch (error) {
      if (deadline.aborted && !init.signal?.aborted) {
        throw new ConnectorError('platform_outage', `The sandbox did not answer within ${timeoutMs / 1000} s.`, { platform });
      }
      if ((error as Error).name === 'AbortError') throw error;
      throw new ConnectorError(
        'platform_outage',
        `Cannot reach the sandbox: ${(error as Error).message}`,
        { platform },
      );
    }
  }

  async function tokenRequest(form: Record<string, string>, endpoint = 'token'): Promise<Response> {
    const basic = Buffer.from(
      `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
    ).toString('base64');
    return send(`${base}/oauth/${endpoint}`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
    });
  }

  async function tokenResult(
    response: Response,
    failure: SyncErrorCode,
  ): Promise<ConnectionTokens> {
    if (response.ok)
      return toTokens(SandboxTokenResponseSchema.parse(await response.json()), options.now);
    if (response.status >= 500)
      throw new ConnectorError('platform_outage', `Token endpoint answered ${response.status}.`, {
        platform,
      });
    const error = await readError(response);
    const code: SyncErrorCode =
      error?.reason === 'expired' && failure === 'authorization_revoked'
        ? 'authorization_expired'
        : failure;
    throw new ConnectorError(
      code,
      `${error?.error ?? response.status}: ${error?.error_description ?? 'token request failed'}`,
      {
        platform,
      },
    );
  }

  async function refresh(tokens: ConnectionTokens): Promise<ConnectionTokens> {
    const refreshToken = tokens.refreshToken;
    if (!refreshToken) {
      throw new ConnectorError(
        'authorization_expired',
        'No refresh token to renew the access token.',
        { platform },
      );
    }
    const cached = refreshes.get(refreshToken);
    if (cached) {
      // Concurrent callers holding the same (single-use) refresh token share one rotation.
      const fresh = await cached;
      if ((fresh.expiresAt ?? 0) > options.now().getTime()) return fresh;
    }
    const pending = tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }).then(
      (r) => tokenResult(r, 'authorization_revoked'),
    );
    refreshes.set(refreshToken, pending);
    if (refreshes.size > 200) refreshes.delete(refreshes.keys().next().value!);
    try {
      return await pending;
    } catch (error) {
      refreshes.delete(refreshToken);
      throw error;
    }
  }

  /** Refreshes, hands the new tokens to the caller's store, and uses them from now on. */
  async function renew(ctx: ConnectorContext): Promise<void> {
    if (ctx.refreshTokens) {
      // The host refreshes once across instances and stores the result itself.
      ctx.tokens = await ctx.refreshTokens(ctx.tokens, refresh);
      return;
    }
    const fresh = await refresh(ctx.tokens);
    if (fresh.accessToken !== ctx.tokens.accessToken) {
      await ctx.saveTokens(fresh);
      ctx.tokens = fresh;
    }
  }

  async function api(
    ctx: ConnectorContext,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    if (ctx.tokens.expiresAt != null && ctx.tokens.expiresAt <= options.now().getTime())
      await renew(ctx);
    for (let attempt = 0; ; attempt++) {
      const response = await send(`${base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${ctx.tokens.accessToken}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (response.ok) return response.json() as Promise<unknown>;
      const error = await readError(response);
      if (response.status === 401) {
        if (error?.reason === 'expired' && attempt === 0) {
          await renew(ctx);
          continue;
        }
        throw new ConnectorError(
          error?.reason === 'expired' ? 'authorization_expired' : 'authorization_revoked',
          error?.error_description ?? 'The sandbox refused the access token.',
          { platform },
        );
      }
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after'));
        throw new ConnectorError(
          'rate_limited',
          'The sandbox rate limit was hit.',
          { platform },
          Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
        );
      }
      if (response.status >= 500) {
        throw new ConnectorError('platform_outage', `The sandbox answered ${response.status}.`, {
          platform,
        });
      }
      const code =
        error?.code && KNOWN_CODES.has(error.code)
          ? (error.code as SyncErrorCode)
          : 'document_rejected';
      const detail = error?.error_description ?? `The sandbox answered ${response.status}.`;
      throw new ConnectorError(code, detail, { platform, detail, ...(error?.params ?? {}) });
    }
  }

  return {
    platform: {
      key: 'sandbox',
      name: SANDBOX_PLATFORM_NAME,
      supportsPkce: true,
      logoUrl: `${base}/logo.svg`,
    },
    rateLimits: { requestsPerMinute: 600, maxConcurrent: 10 },

    authorizationUrl(request: AuthorizationRequest): string {
      const url = new URL(`${base}/oauth/authorize`);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('redirect_uri', request.redirectUri);
      url.searchParams.set('scope', 'ledger');
      url.searchParams.set('state', request.state);
      if (request.codeChallenge) {
        url.searchParams.set('code_challenge', request.codeChallenge);
        url.searchParams.set('code_challenge_method', 'S256');
      }
      return url.toString();
    },

    async exchangeCode(exchange: CodeExchange): Promise<ConnectionTokens> {
      const response = await tokenRequest({
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
        ...(exchange.codeVerifier ? { code_verifier: exchange.codeVerifier } : {}),
      });
      return tokenResult(response, 'authorization_revoked');
    },

    refresh,

    async revoke(tokens: ConnectionTokens): Promise<void> {
      const token = tokens.refreshToken ?? tokens.accessToken;
      const response = await tokenRequest({ token }, 'revoke');
      if (!response.ok && response.status >= 500) {
        throw new ConnectorError('platform_outage', `Revoke answered ${response.status}.`, {
          platform,
        });
      }
    },

    async getCompanyInfo(ctx: ConnectorContext): Promise<CompanyInfo> {
      const c = SandboxCompanySchema.parse(await api(ctx, 'GET', '/api/company'));
      return {
        id: c.id,
        name: c.name,
        baseCurrency: c.baseCurrency,
        lockDate: c.lockDate,
        countryCode: c.countryCode,
        currencies: c.currencies,
      };
    },

    async listAccounts(ctx: ConnectorContext): Promise<LedgerAccount[]> {
      const { items } = listOf(SandboxAccountSchema).parse(await api(ctx, 'GET', '/api/accounts'));
      return items.map((a) => ({
        id: a.id,
        name: a.name,
        code: a.code,
        classification: a.classification,
        type: a.type,
        status: a.status,
        isBankAccount: a.isBankAccount,
        enablePaymentsToAccount: a.enablePaymentsToAccount,
        currency: a.currency,
      }));
    },

    async listTaxRates(ctx: ConnectorContext): Promise<LedgerTaxRate[]> {
      const { items } = listOf(SandboxTaxRateSchema).parse(await api(ctx, 'GET', '/api/tax-rates'));
      return items.map((t) => ({
        id: t.id,
        name: t.name,
        effectiveRate: t.effectiveRate,
        status: t.status,
        accountId: t.liabilityAccountId,
      }));
    },

    async listCustomers(ctx: ConnectorContext): Promise<LedgerContact[]> {
      const { items } = listOf(SandboxContactSchema).parse(
        await api(ctx, 'GET', '/api/contacts?role=customer'),
      );
      return items.map((c) => ({ id: c.id, name: c.name, status: c.status }));
    },

    async listSuppliers(ctx: ConnectorContext): Promise<LedgerContact[]> {
      const { items } = listOf(SandboxContactSchema).parse(
        await api(ctx, 'GET', '/api/contacts?role=supplier'),
      );
      return items.map((c) => ({ id: c.id, name: c.name, status: c.status }));
    },

    async writeDocument(
      ctx: ConnectorContext,
      document: AccountingDocument,
      writeOptions: { idempotencyKey: string; related: Record<string, string> },
    ): Promise<WriteResult> {
      const result = SandboxWriteResponseSchema.parse(
        await api(
          ctx,
          'POST',
          '/api/documents',
          { document, related: writeOptions.related },
          {
            'Idempotency-Key': writeOptions.idempotencyKey,
          },
        ),
      );
      return { platformId: result.platformId, replayed: result.replayed };
    },
  };
}
