import { MALFORMED_PATH_MESSAGE, isDecodablePath } from '../../contract/url-path.js';
import type { AccountingConnector } from '../connector.js';
import { handleApi } from './api.js';
import { createSandboxConnector } from './connector.js';
import { errorPage, jsonResponse } from './html.js';
import {
  authorizeDecision,
  authorizePage,
  expireLedgerAccessTokens,
  isRedirectUri,
  revokeEndpoint,
  revokeLedgerTokens,
  tokenEndpoint,
} from './oauth.js';
import type { OAuthContext } from './oauth.js';
import type {
  SandboxLedgerSummary,
  SandboxPostedDocument,
  SandboxTrialBalance,
} from './schemas.js';
import { SandboxStore } from './store.js';
import type { SandboxTemplateKey } from './templates.js';
import { ledgerDocumentsJson, ledgerList, ledgerPage, ledgerTrialBalanceJson } from './views.js';

/**
 * `createSandboxPlatform`: a local accounting platform (OAuth consent, ledger API, HTML and
 * JSON views) backed by SQLite, plus the connector that talks to it over HTTP. It lets anyone
 * run commerce-sync with no account anywhere and check exactly what landed.
 */

export { SANDBOX_TEMPLATES, SANDBOX_TEMPLATE_KEYS, isSandboxTemplateKey } from './templates.js';
export type {
  SandboxTemplate,
  SandboxTemplateKey,
  SandboxAccountSeed,
  SandboxTaxRateSeed,
  SandboxContactSeed,
} from './templates.js';
export {
  SandboxDocumentInputSchema,
  SandboxWriteRequestSchema,
  SandboxWriteResponseSchema,
  SandboxApiErrorSchema,
  SandboxTokenResponseSchema,
  SandboxCompanySchema,
  SandboxAccountSchema,
  SandboxTaxRateSchema,
  SandboxContactSchema,
  SandboxPostingSchema,
  SandboxPostedDocumentSchema,
  SandboxTrialBalanceRowSchema,
  SandboxTrialBalanceSchema,
  SandboxLedgerSummarySchema,
  SandboxLedgerListSchema,
  SandboxDocumentListSchema,
} from './schemas.js';
export type {
  SandboxDocumentInput,
  SandboxWriteRequest,
  SandboxApiError,
  SandboxTokenResponse,
  SandboxCompany,
  SandboxAccount,
  SandboxTaxRate,
  SandboxContact,
  SandboxPosting,
  SandboxPostedDocument,
  SandboxTrialBalanceRow,
  SandboxTrialBalance,
  SandboxTrialBalanceSection,
  SandboxLedgerSummary,
} from './schemas.js';
export { SANDBOX_PLATFORM_NAME } from './store.js';
export { ACCESS_TOKEN_TTL_MS, CODE_TTL_MS, REFRESH_TOKEN_TTL_MS } from './oauth.js';

/** Options of {@link createSandboxPlatform}. */
export interface SandboxPlatformOptions {
  /** SQLite file for the sandbox ledgers; `':memory:'` for tests. */
  databasePath: string;
  /** Absolute URL where `handler` is reachable, e.g. `http://127.0.0.1:4010/sandbox`. */
  publicUrl: string;
  /** OAuth client the sync service uses (default `sandbox-client`). */
  clientId?: string;
  /** Its secret (default `sandbox-secret`). */
  clientSecret?: string;
  /** Application name the consent page shows (default `commerce-sync`). */
  clientName?: string;
  /**
   * The client's registered redirect URIs (absolute http(s), no fragment). The consent page
   * accepts only an exact match and shows an error page, never a redirect, for anything else.
   */
  redirectUris: readonly string[];
  now?: () => Date;
  /** How the connector reaches the sandbox API; default calls `handler` in-process. */
  fetch?: typeof fetch;
  /** The connector gives up on a call unanswered after this long (a platform outage). Default 30,000 ms. */
  callTimeoutMs?: number;
}

/** Direct control of the sandbox for tests, the demo and failure drills. */
export interface SandboxAdmin {
  /** Creates a ledger seeded from a template and returns its id. */
  createLedger(template: SandboxTemplateKey, name?: string): string;
  listLedgers(): SandboxLedgerSummary[];
  /** Posted documents in posting order, with their postings. */
  documents(ledgerId: string): SandboxPostedDocument[];
  trialBalance(ledgerId: string): SandboxTrialBalance;
  archiveAccount(ledgerId: string, accountId: string): void;
  restoreAccount(ledgerId: string, accountId: string): void;
  deleteAccount(ledgerId: string, accountId: string): void;
  /** Turns "enable payments to this account" on or off. */
  setAccountPayments(ledgerId: string, accountId: string, enabled: boolean): void;
  deleteTaxRate(ledgerId: string, taxRateId: string): void;
  archiveContact(ledgerId: string, contactId: string): void;
  restoreContact(ledgerId: string, contactId: string): void;
  /** Documents dated on or before `date` are rejected; `null` removes the lock. */
  setLockDate(ledgerId: string, date: string | null): void;
  /** Revokes every token issued for the ledger (the merchant disconnected the app). */
  revokeAuthorizations(ledgerId: string): void;
  /** Makes the ledger's access tokens expired now, so the next call must refresh. */
  expireAccessTokens(ledgerId: string): void;
  /** An expired subscription makes the ledger read-only. */
  setSubscriptionExpired(ledgerId: string, expired: boolean): void;
  /** The next `count` API calls for the ledger fail with `status` (429 or 5xx). */
  failNextRequests(ledgerId: string, count: number, status: number): void;
  /** The next `count` API calls for the ledger never answer (a hung ledger): the caller must give up on its own; 0 ends it. */
  hangNextRequests(ledgerId: string, count: number): void;
  /** Enables another currency on the ledger. */
  addCurrency(ledgerId: string, currency: string): void;
}

/** A running sandbox platform. */
export interface SandboxPlatform {
  /** The connector the sync service uses; `platform.key === 'sandbox'`. */
  connector: AccountingConnector;
  /** Serves everything under `publicUrl`'s path. */
  handler(request: Request): Promise<Response>;
  admin: SandboxAdmin;
  close(): void;
}

const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Sandbox ledger"><rect width="64" height="64" rx="12" fill="#12344d"/><path d="M16 20h32M16 32h32M16 44h20" stroke="#f4c95d" stroke-width="5" stroke-linecap="round"/></svg>`;

/**
 * Creates the sandbox platform: its HTTP handler, its admin controls and its connector.
 *
 * @example
 * const sandbox = createSandboxPlatform({ databasePath: ':memory:', publicUrl: 'http://127.0.0.1:4010/sandbox' });
 * const ledgerId = sandbox.admin.createLedger('uk');
 * const response = await sandbox.handler(new Request(`http://127.0.0.1:4010/sandbox/ledgers/${ledgerId}`));
 */
export function createSandboxPlatform(options: SandboxPlatformOptions): SandboxPlatform {
  const publicUrl = new URL(options.publicUrl).toString().replace(/\/+$/, '');
  const mountPath = new URL(publicUrl).pathname.replace(/\/+$/, '');
  const now = options.now ?? (() => new Date());
  const invalid = options.redirectUris.find((uri) => !isRedirectUri(uri));
  if (invalid !== undefined) {
    throw new Error(`Sandbox redirect URI "${invalid}" is not an absolute http(s) URL without a fragment. Register the exact callback URL, e.g. https://partner.example/api/commerce-sync/oauth/callback.`);
  }
  const store = new SandboxStore(options.databasePath, now);
  const ctx: OAuthContext = {
    store,
    now,
    publicUrl,
    clientId: options.clientId ?? 'sandbox-client',
    clientSecret: options.clientSecret ?? 'sandbox-secret',
    clientName: options.clientName ?? 'commerce-sync',
    redirectUris: new Set(options.redirectUris),
  };

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (!isDecodablePath(url.pathname)) {
      return jsonResponse({ error: 'invalid_request', error_description: MALFORMED_PATH_MESSAGE }, 400);
    }
    // Accept both full paths (…/sandbox/api/…) and paths already stripped by the host's router.
    const path =
      mountPath && (url.pathname === mountPath || url.pathname.startsWith(`${mountPath}/`))
        ? url.pathname.slice(mountPath.length) || '/'
        : url.pathname;
    const method = request.method;
    if (path.startsWith('/api/')) return handleApi(ctx, request, path);
    if (path === '/oauth/authorize') {
      if (method === 'GET') return authorizePage(ctx, url);
      if (method === 'POST') return authorizeDecision(ctx, request);
    } else if (path === '/oauth/token' && method === 'POST') {
      return tokenEndpoint(ctx, request);
    } else if (path === '/oauth/revoke' && method === 'POST') {
      return revokeEndpoint(ctx, request);
    } else if (method === 'GET' || method === 'HEAD') {
      if (path === '/logo.svg') {
        return new Response(LOGO_SVG, {
          headers: {
            'Content-Type': 'image/svg+xml',
            'Cache-Control': 'public, max-age=86400',
            'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
            'X-Frame-Options': 'DENY',
            'X-Content-Type-Options': 'nosniff',
          },
        });
      }
      if (path === '/ledgers' || path === '/ledgers/' || path === '/')
        return ledgerList(store, publicUrl, request);
      const m = /^\/ledgers\/([^/]+)(\/documents|\/trial-balance)?$/.exec(path);
      if (m) {
        const ledgerId = decodeURIComponent(m[1]!);
        if (m[2] === '/documents') return ledgerDocumentsJson(store, ledgerId);
        if (m[2] === '/trial-balance') return ledgerTrialBalanceJson(store, ledgerId);
        return ledgerPage(store, publicUrl, ledgerId);
      }
    }
    const readOnly = /^\/(ledgers(\/[^/]+(\/documents|\/trial-balance)?)?|logo\.svg)$/.test(path);
    if (
      /^\/oauth\/(authorize|token|revoke)$/.test(path) ||
      (readOnly && method !== 'GET' && method !== 'HEAD')
    ) {
      return jsonResponse(
        { error: 'method_not_allowed', error_description: `${method} is not allowed on ${path}.` },
        405,
      );
    }
    return errorPage(404, 'Not found', `The sandbox has no page at ${path}.`);
  }

  const admin: SandboxAdmin = {
    createLedger: (template, name) => store.createLedger(template, name),
    listLedgers: () => store.listLedgers(),
    documents: (ledgerId) => store.documents(ledgerId),
    trialBalance: (ledgerId) => store.trialBalance(ledgerId),
    archiveAccount: (ledgerId, accountId) =>
      store.setAccountStatus(ledgerId, accountId, 'Archived'),
    restoreAccount: (ledgerId, accountId) => store.setAccountStatus(ledgerId, accountId, 'Active'),
    deleteAccount: (ledgerId, accountId) => store.setAccountStatus(ledgerId, accountId, 'Deleted'),
    setAccountPayments: (ledgerId, accountId, enabled) =>
      store.setAccountPayments(ledgerId, accountId, enabled),
    deleteTaxRate: (ledgerId, taxRateId) => store.setTaxRateStatus(ledgerId, taxRateId, 'Deleted'),
    archiveContact: (ledgerId, contactId) =>
      store.setContactStatus(ledgerId, contactId, 'Archived'),
    restoreContact: (ledgerId, contactId) => store.setContactStatus(ledgerId, contactId, 'Active'),
    setLockDate: (ledgerId, date) => store.setLockDate(ledgerId, date),
    revokeAuthorizations: (ledgerId) => revokeLedgerTokens(ctx, ledgerId),
    expireAccessTokens: (ledgerId) => expireLedgerAccessTokens(ctx, ledgerId),
    setSubscriptionExpired: (ledgerId, expired) => store.setSubscriptionExpired(ledgerId, expired),
    failNextRequests: (ledgerId, count, status) => store.failNextRequests(ledgerId, count, status),
    hangNextRequests: (ledgerId, count) => store.failNextRequests(ledgerId, count, 0),
    addCurrency: (ledgerId, currency) => store.addCurrency(ledgerId, currency),
  };

  async function handler(request: Request): Promise<Response> {
    try {
      return await route(request);
    } catch (error) {
      console.error('sandbox: unhandled error', error);
      return jsonResponse(
        { error: 'server_error', error_description: 'The sandbox failed to handle the request.' },
        500,
      );
    }
  }

  const connector = createSandboxConnector({
    publicUrl,
    clientId: ctx.clientId,
    clientSecret: ctx.clientSecret,
    now,
    fetch: options.fetch ?? ((input, init) => handler(new Request(input, init))),
    ...(options.callTimeoutMs ? { timeoutMs: options.callTimeoutMs } : {}),
  });

  return { connector, handler, admin, close: () => store.close() };
}
