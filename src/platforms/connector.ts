import type { AccountingDocument } from '../contract/documents.js';
import type { SyncErrorCode } from '../contract/error-catalog.js';

/**
 * The port every accounting platform implements (sandbox ledger, Xero, QuickBooks Online).
 * The sync service knows nothing else about a platform. All amounts in documents are integer
 * minor units; a connector converts to the vendor's decimal representation at its edge.
 */

/** Tokens of one connection. Stored encrypted at rest by the sync service. */
export interface ConnectionTokens {
  accessToken: string;
  refreshToken?: string | null;
  /** Epoch milliseconds when the access token expires. */
  expiresAt?: number | null;
  /** Platform tenant/company id (Xero tenant id, QuickBooks realm id, sandbox ledger id). */
  tenantId: string;
  scope?: string | null;
}

export interface AuthorizationRequest {
  /** Opaque, signed state owned by the caller (BFF/sync service). */
  state: string;
  redirectUri: string;
  /** PKCE S256 challenge, when the platform supports PKCE. */
  codeChallenge?: string;
}

export interface CodeExchange {
  code: string;
  redirectUri: string;
  codeVerifier?: string;
  /** Extra query parameters from the callback (QuickBooks `realmId`, …). */
  callbackParams?: Record<string, string>;
}

export interface CompanyInfo {
  id: string;
  name: string;
  baseCurrency: string;
  /** Merchant-local date (YYYY-MM-DD) on or before which documents are rejected, if any. */
  lockDate: string | null;
  countryCode?: string | null;
  /** Currencies the ledger accepts (base currency included). */
  currencies?: string[];
}

export type LedgerAccountClass = 'Asset' | 'Liability' | 'Equity' | 'Income' | 'Expense';

export interface LedgerAccount {
  id: string;
  name: string;
  code?: string | null;
  classification: LedgerAccountClass;
  /** The platform's own type (Xero `BANK`, `REVENUE`, …; QuickBooks `Bank`, `Income`, …). */
  type: string;
  status: 'Active' | 'Archived' | 'Deleted';
  isBankAccount: boolean;
  /** Whether payments can be made to/from this account. */
  enablePaymentsToAccount: boolean;
  currency?: string | null;
}

export interface LedgerTaxRate {
  id: string;
  name: string;
  /** Effective rate as a percentage (20 for 20%). */
  effectiveRate: number;
  status: 'Active' | 'Archived' | 'Deleted';
  /**
   * The account the ledger posts this rate's tax to, when the ledger reports it (the sandbox
   * does; Xero and QuickBooks do not expose it). The default of a tax component's own account row.
   */
  accountId?: string | null;
}

export interface LedgerContact {
  id: string;
  name: string;
  status: 'Active' | 'Archived';
}

/** Result of one write: the platform's id for the document. */
export interface WriteResult {
  platformId: string;
  /** True when the platform recognised the idempotency key and returned the earlier result. */
  replayed?: boolean;
}

/** Hints the scheduler uses to pace writes. */
export interface RateLimitHints {
  requestsPerMinute: number;
  maxConcurrent: number;
  requestsPerDay?: number;
}

/**
 * A typed failure from a platform. `code` is a catalog code the run maps to a merchant
 * message; `detail` is for support only (never shown to the merchant verbatim).
 */
export class ConnectorError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    readonly detail: string,
    readonly params: Record<string, string | number> = {},
    readonly retryAfterMs?: number,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ConnectorError';
  }
}

/** Everything a connector needs from the outside world, injected. */
export interface ConnectorContext {
  tokens: ConnectionTokens;
  /** Persist refreshed/rotated tokens (called at most once per refresh). */
  saveTokens(tokens: ConnectionTokens): Promise<void>;
  /**
   * Refreshes across every instance sharing the token store, when the host provides it:
   * exactly one caller at a time runs `refresh` on the stored tokens and stores the result;
   * a caller whose `used` tokens another instance has meanwhile replaced gets those instead
   * (vendors rotate refresh tokens, so a second refresh with the same one is refused). The
   * host persists the result; connectors then skip `saveTokens`.
   */
  refreshTokens?(
    used: ConnectionTokens,
    refresh: (current: ConnectionTokens) => Promise<ConnectionTokens>,
  ): Promise<ConnectionTokens>;
  /** Abort long calls when the run is cancelled. */
  signal?: AbortSignal;
}

/** What the platform picker shows. */
export interface PlatformDescriptor {
  /** Stable key, e.g. `sandbox`, `xero`, `quickbooks-online`. Codat-style platformKey. */
  key: string;
  name: string;
  logoUrl?: string;
  iconUrl?: string;
  supportsPkce: boolean;
}

export interface AccountingConnector {
  readonly platform: PlatformDescriptor;
  readonly rateLimits: RateLimitHints;

  /** The vendor consent URL the merchant is sent to. */
  authorizationUrl(request: AuthorizationRequest): string;
  /** Exchanges the callback code for tokens (and resolves the tenant). */
  exchangeCode(exchange: CodeExchange): Promise<ConnectionTokens>;
  /** Refreshes tokens; implementations must rotate refresh tokens when the vendor does. */
  refresh(tokens: ConnectionTokens): Promise<ConnectionTokens>;
  /** Revokes tokens on de-authorise. Must not throw when already revoked. */
  revoke(tokens: ConnectionTokens): Promise<void>;

  getCompanyInfo(ctx: ConnectorContext): Promise<CompanyInfo>;
  listAccounts(ctx: ConnectorContext): Promise<LedgerAccount[]>;
  listTaxRates(ctx: ConnectorContext): Promise<LedgerTaxRate[]>;
  listCustomers(ctx: ConnectorContext): Promise<LedgerContact[]>;
  listSuppliers(ctx: ConnectorContext): Promise<LedgerContact[]>;

  /**
   * Writes one document. `idempotencyKey` is the document's deterministic reference; writing
   * the same key twice must return the first result and create nothing new.
   * `related` gives the platform ids of already-written documents this one refers to
   * (e.g. the invoice a payment applies to), keyed by document reference.
   */
  writeDocument(
    ctx: ConnectorContext,
    document: AccountingDocument,
    options: { idempotencyKey: string; related: Record<string, string> },
  ): Promise<WriteResult>;
}
