import { z } from 'zod';
import { ConnectorError } from '../connector.js';
import type {
  AccountingConnector,
  CompanyInfo,
  ConnectionTokens,
  ConnectorContext,
  LedgerAccount,
  LedgerAccountClass,
  LedgerContact,
  LedgerTaxRate,
} from '../connector.js';
import type { AccountingDocument } from '../../contract/documents.js';
import { TenantRateLimiter } from '../http/rate-limiter.js';
import { SharedCallLimiter, XERO_BUDGET, type CallLimiter } from '../http/call-budget.js';
import { drain } from '../http/retrying-fetch.js';
import { authorizedJsonCall } from '../http/authorized-call.js';
import { boundedKey } from '../http/idempotency.js';
import { connectionTokensFrom, postOAuthForm, requestTokens, TokenKeeper } from '../http/oauth.js';
import type { TokenResponse } from '../http/oauth.js';
import { TtlCache, vendorRuntime } from '../http/runtime.js';
import type { VendorRuntimeOptions } from '../http/runtime.js';
import { parseXeroDate, xeroError } from './errors.js';
import { foreignJournalWrites, foreignTransferWrite, toXeroWrite, XERO_DAY_CONTACT_NAME } from './mapping.js';
import type { XeroWrite } from './mapping.js';

export { foreignJournalWrites, foreignTransferWrite, toXeroWrite, XERO_DAY_CONTACT_NAME } from './mapping.js';
export type { XeroWrite, XeroWriteContext } from './mapping.js';
export { xeroError, parseXeroDate } from './errors.js';

/** Xero's OAuth2 and API endpoints. */
export const XERO_ENDPOINTS = {
  authorize: 'https://login.xero.com/identity/connect/authorize',
  token: 'https://identity.xero.com/connect/token',
  revoke: 'https://identity.xero.com/connect/revocation',
  connections: 'https://api.xero.com/connections',
  api: 'https://api.xero.com/api.xro/2.0',
} as const;

/**
 * Default scopes: the granular accounting scopes Xero requires for apps created from
 * 2 March 2026 (invoices, payments, bank transactions, manual journals), plus settings and
 * contacts. Apps created earlier may pass {@link XERO_LEGACY_SCOPES} until they migrate.
 */
export const XERO_DEFAULT_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.settings',
  'accounting.contacts',
  'accounting.invoices',
  'accounting.payments',
  'accounting.banktransactions',
  'accounting.manualjournals',
];

/** The broad pre-2026 scope set (`accounting.transactions`), for apps registered before the change. */
export const XERO_LEGACY_SCOPES: readonly string[] = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'accounting.transactions',
  'accounting.settings',
  'accounting.contacts',
];

/** Xero's published per-tenant limits. */
export const XERO_RATE_LIMITS = {
  requestsPerMinute: 60,
  maxConcurrent: 5,
  requestsPerDay: 5000,
} as const;

/** Options of {@link createXeroConnector}. */
export interface XeroConnectorOptions extends VendorRuntimeOptions {
  clientId: string;
  clientSecret: string;
  /** OAuth scopes to request; defaults to {@link XERO_DEFAULT_SCOPES}. */
  scopes?: readonly string[];
  /** Per-attempt time-out of API calls (default 30 s). */
  timeoutMs?: number;
}

const PLATFORM = 'Xero';
const PLATFORM_KEY = 'xero';
const IDEMPOTENCY_KEY_MAX = 128;
const CONTACTS_PAGE_SIZE = 100;

const ConnectionSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    tenantType: z.string(),
    tenantName: z.string().nullish(),
    authEventId: z.string().nullish(),
    createdDateUtc: z.string().nullish(),
  })
  .loose();

const OrganisationSchema = z
  .object({
    OrganisationID: z.string(),
    Name: z.string(),
    BaseCurrency: z.string(),
    CountryCode: z.string().nullish(),
    PeriodLockDate: z.string().nullish(),
    EndOfYearLockDate: z.string().nullish(),
  })
  .loose();

const AccountSchema = z
  .object({
    AccountID: z.string(),
    Code: z.string().nullish(),
    Name: z.string(),
    Type: z.string(),
    Status: z.enum(['ACTIVE', 'ARCHIVED', 'DELETED']).catch('ACTIVE'),
    Class: z.string().nullish(),
    EnablePaymentsToAccount: z.boolean().nullish(),
    CurrencyCode: z.string().nullish(),
    SystemAccount: z.string().nullish(),
  })
  .loose();

const TaxRateSchema = z
  .object({
    TaxType: z.string(),
    Name: z.string(),
    EffectiveRate: z.coerce.number().nullish(),
    DisplayTaxRate: z.coerce.number().nullish(),
    Status: z.string().nullish(),
  })
  .loose();

const ContactSchema = z
  .object({
    ContactID: z.string(),
    Name: z.string(),
    ContactStatus: z.string().nullish(),
    IsCustomer: z.boolean().nullish(),
    IsSupplier: z.boolean().nullish(),
  })
  .loose();

const CLASS: Record<string, LedgerAccountClass> = {
  ASSET: 'Asset',
  LIABILITY: 'Liability',
  EQUITY: 'Equity',
  REVENUE: 'Income',
  EXPENSE: 'Expense',
};

const STATUS = { ACTIVE: 'Active', ARCHIVED: 'Archived', DELETED: 'Deleted' } as const;

/**
 * The Xero accounting connector (platform key `xero`): OAuth2 authorization code with PKCE,
 * tenant selection through the connections endpoint, single-flight token refresh with
 * rotation, per-tenant pacing (60/min, 5 concurrent, 5,000/day), retries with backoff and
 * jitter, idempotent writes (`Idempotency-Key` = the document reference) and vendor errors
 * mapped to catalogue codes.
 *
 * @example
 * const xero = createXeroConnector({ clientId: env.XERO_CLIENT_ID, clientSecret: env.XERO_CLIENT_SECRET });
 * const url = xero.authorizationUrl({ state, redirectUri, codeChallenge });
 */
export function createXeroConnector(options: XeroConnectorOptions): AccountingConnector {
  if (!options.clientId || !options.clientSecret) {
    throw new TypeError(
      'createXeroConnector needs clientId and clientSecret (from the Xero developer portal app).',
    );
  }
  const runtime = vendorRuntime(options);
  const scopes = options.scopes ?? XERO_DEFAULT_SCOPES;
  // Shared with every instance when the host gives a budget; else counted in this process.
  const limiter: CallLimiter = runtime.budget
    ? new SharedCallLimiter({ platformKey: PLATFORM_KEY, platformName: PLATFORM, policy: XERO_BUDGET, backend: runtime.budget, clock: runtime })
    : new TenantRateLimiter(
      {
        perMinute: XERO_RATE_LIMITS.requestsPerMinute,
        maxConcurrent: XERO_RATE_LIMITS.maxConcurrent,
        perDay: XERO_RATE_LIMITS.requestsPerDay,
      },
      runtime,
      PLATFORM,
    );
  const tokenEndpoint = {
    platformName: PLATFORM,
    url: XERO_ENDPOINTS.token,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    fetch: runtime.fetch,
    sleep: (ms: number) => runtime.sleep(ms),
  };
  const organisations = new TtlCache<z.infer<typeof OrganisationSchema>>(15 * 60_000, runtime.now);
  const charts = new TtlCache<z.infer<typeof AccountSchema>[]>(15 * 60_000, runtime.now);
  const dayContacts = new TtlCache<string>(15 * 60_000, runtime.now);

  const toConnectionTokens = (response: TokenResponse, tenantId: string, previous?: ConnectionTokens): ConnectionTokens =>
    connectionTokensFrom(response, tenantId, runtime.now(), previous, null);

  const refresh = async (tokens: ConnectionTokens): Promise<ConnectionTokens> => {
    if (!tokens.refreshToken) {
      throw new ConnectorError('authorization_expired', 'No Xero refresh token stored', {
        platform: PLATFORM,
      });
    }
    const response = await requestTokens(tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    return toConnectionTokens(response, tokens.tenantId, tokens);
  };
  const keeper = new TokenKeeper(refresh, runtime.now, PLATFORM);

  async function call<T>(
    ctx: ConnectorContext,
    request: {
      method: 'GET' | 'PUT';
      path: string;
      query?: Record<string, string>;
      body?: unknown;
      idempotencyKey?: string;
      document?: AccountingDocument;
      operation: string;
    },
    schema: z.ZodType<T>,
  ): Promise<T> {
    const url = new URL(XERO_ENDPOINTS.api + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const { ok, status, json } = await authorizedJsonCall(
      {
        platformName: PLATFORM,
        fetch: runtime.fetch,
        now: runtime.now,
        sleep: runtime.sleep,
        random: runtime.random,
        limiter,
        timeoutMs: options.timeoutMs,
      },
      keeper,
      ctx,
      (tokens) => ({
        url: url.toString(),
        method: request.method,
        headers: {
          'xero-tenant-id': tokens.tenantId,
          ...(request.idempotencyKey ? { 'idempotency-key': request.idempotencyKey } : {}),
        },
        body: request.body,
      }),
      (text) => ({ Message: text }),
    );
    if (!ok) throw xeroError(status, json, { document: request.document, operation: request.operation });
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ConnectorError(
        'platform_outage',
        `${request.operation}: Xero sent an unexpected body (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        { platform: PLATFORM },
      );
    }
    return parsed.data;
  }

  const getOrganisation = (ctx: ConnectorContext) =>
    organisations.get(ctx.tokens.tenantId, async () => {
      const body = await call(
        ctx,
        { method: 'GET', path: '/Organisation', operation: 'read organisation' },
        z.object({ Organisations: z.array(OrganisationSchema).min(1) }).loose(),
      );
      return body.Organisations[0]!;
    });

  const getChart = (ctx: ConnectorContext) =>
    charts.get(ctx.tokens.tenantId, async () => {
      const body = await call(
        ctx,
        { method: 'GET', path: '/Accounts', operation: 'read chart of accounts' },
        z.object({ Accounts: z.array(AccountSchema) }).loose(),
      );
      return body.Accounts;
    });

  // Read fresh for every journal with tax rates: a rate deleted since setup must fail the write.
  const getTaxRates = async (ctx: ConnectorContext) =>
    (
      await call(
        ctx,
        { method: 'GET', path: '/TaxRates', operation: 'read tax rates' },
        z.object({ TaxRates: z.array(TaxRateSchema) }).loose(),
      )
    ).TaxRates;

  /** One create call; returns the created document's id. */
  async function create(
    ctx: ConnectorContext,
    write: XeroWrite,
    idempotencyKey: string,
    document?: AccountingDocument,
  ): Promise<string> {
    const what = document ? `${document.kind} ${document.reference}` : write.collection;
    const body = await call(
      ctx,
      {
        method: 'PUT',
        path: write.path,
        body: write.body,
        idempotencyKey,
        document,
        operation: `write ${what}`,
      },
      z.record(z.string(), z.unknown()),
    );
    const created = z.array(z.record(z.string(), z.unknown())).safeParse(body[write.collection]);
    const id = (created.success ? created.data[0] : undefined)?.[write.idField];
    if (typeof id !== 'string') {
      throw new ConnectorError(
        'platform_outage',
        `Xero accepted ${what} but returned no ${write.idField}`,
        { platform: PLATFORM },
      );
    }
    return id;
  }

  /** The contact foreign-currency days are raised to: found by name, else created once. */
  const dayContact = (ctx: ConnectorContext) =>
    dayContacts.get(ctx.tokens.tenantId, async () => {
      const found = await call(
        ctx,
        {
          method: 'GET',
          path: '/Contacts',
          query: { where: `Name=="${XERO_DAY_CONTACT_NAME}"` },
          operation: 'read the daily sales contact',
        },
        z.object({ Contacts: z.array(ContactSchema) }).loose(),
      );
      const existing = found.Contacts.find((c) => c.Name === XERO_DAY_CONTACT_NAME);
      if (existing) return existing.ContactID;
      return create(
        ctx,
        {
          path: '/Contacts',
          collection: 'Contacts',
          idField: 'ContactID',
          body: { Contacts: [{ Name: XERO_DAY_CONTACT_NAME }] },
        },
        `${ctx.tokens.tenantId}:daily-sales-contact`,
      );
    });

  async function listContacts(
    ctx: ConnectorContext,
    keep: (c: z.infer<typeof ContactSchema>) => boolean,
  ): Promise<LedgerContact[]> {
    const result: LedgerContact[] = [];
    for (let page = 1; ; page += 1) {
      const body = await call(
        ctx,
        {
          method: 'GET',
          path: '/Contacts',
          query: {
            page: String(page),
            pageSize: String(CONTACTS_PAGE_SIZE),
            includeArchived: 'true',
            order: 'Name ASC',
          },
          operation: 'read contacts',
        },
        z
          .object({
            Contacts: z.array(ContactSchema),
            pagination: z.object({ page: z.number(), pageCount: z.number() }).loose().nullish(),
          })
          .loose(),
      );
      for (const contact of body.Contacts) {
        if (!keep(contact)) continue;
        result.push({
          id: contact.ContactID,
          name: contact.Name,
          status: contact.ContactStatus === 'ARCHIVED' ? 'Archived' : 'Active',
        });
      }
      const more = body.pagination
        ? body.pagination.page < body.pagination.pageCount
        : body.Contacts.length >= CONTACTS_PAGE_SIZE;
      if (!more || body.Contacts.length === 0) return result;
    }
  }

  return {
    platform: { key: PLATFORM_KEY, name: 'Xero', supportsPkce: true },
    rateLimits: { ...XERO_RATE_LIMITS },

    authorizationUrl(request) {
      const url = new URL(XERO_ENDPOINTS.authorize);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('redirect_uri', request.redirectUri);
      url.searchParams.set('scope', scopes.join(' '));
      url.searchParams.set('state', request.state);
      if (request.codeChallenge) {
        url.searchParams.set('code_challenge', request.codeChallenge);
        url.searchParams.set('code_challenge_method', 'S256');
      }
      return url.toString();
    },

    async exchangeCode(exchange) {
      const form: Record<string, string> = {
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
      };
      if (exchange.codeVerifier) form.code_verifier = exchange.codeVerifier;
      const response = await requestTokens(tokenEndpoint, form);
      const tenantId = await selectTenant(
        runtime.fetch,
        response.access_token,
        exchange.callbackParams?.tenantId,
      );
      return toConnectionTokens(response, tenantId);
    },

    refresh,

    async revoke(tokens) {
      const form = tokens.refreshToken
        ? { token: tokens.refreshToken, token_type_hint: 'refresh_token' }
        : { token: tokens.accessToken, token_type_hint: 'access_token' };
      const response = await postOAuthForm({ ...tokenEndpoint, url: XERO_ENDPOINTS.revoke }, form);
      await drain(response);
      // 400 means the token is already invalid, which is the outcome de-authorise wants.
      if (!response.ok && response.status !== 400) {
        throw new ConnectorError(
          'platform_outage',
          `Xero revocation answered HTTP ${response.status}`,
          { platform: PLATFORM },
        );
      }
    },

    async getCompanyInfo(ctx): Promise<CompanyInfo> {
      organisations.invalidate(ctx.tokens.tenantId);
      const org = await getOrganisation(ctx);
      const currencies = await call(
        ctx,
        { method: 'GET', path: '/Currencies', operation: 'read currencies' },
        z.object({ Currencies: z.array(z.object({ Code: z.string() }).loose()) }).loose(),
      );
      const locks = [parseXeroDate(org.PeriodLockDate), parseXeroDate(org.EndOfYearLockDate)]
        .filter((d): d is string => d !== null)
        .sort();
      const codes = new Set([org.BaseCurrency, ...currencies.Currencies.map((c) => c.Code)]);
      return {
        id: org.OrganisationID,
        name: org.Name,
        baseCurrency: org.BaseCurrency,
        lockDate: locks.at(-1) ?? null,
        countryCode: org.CountryCode ?? null,
        currencies: [...codes],
      };
    },

    async listAccounts(ctx): Promise<LedgerAccount[]> {
      charts.invalidate(ctx.tokens.tenantId);
      const accounts = await getChart(ctx);
      return accounts.map((a) => ({
        id: a.AccountID,
        name: a.Name,
        code: a.Code ?? null,
        classification: CLASS[a.Class ?? ''] ?? (a.Type === 'BANK' ? 'Asset' : 'Expense'),
        type: a.Type,
        status: STATUS[a.Status],
        isBankAccount: a.Type === 'BANK',
        enablePaymentsToAccount: a.Type === 'BANK' || a.EnablePaymentsToAccount === true,
        currency: a.CurrencyCode ?? null,
      }));
    },

    async listTaxRates(ctx): Promise<LedgerTaxRate[]> {
      return (await getTaxRates(ctx)).map((t) => ({
        id: t.TaxType,
        name: t.Name,
        effectiveRate: t.EffectiveRate ?? t.DisplayTaxRate ?? 0,
        status:
          t.Status === 'ARCHIVED' ? 'Archived' : t.Status === 'DELETED' ? 'Deleted' : 'Active',
      }));
    },

    // Xero contacts are both: a contact with no history is neither flagged customer nor supplier.
    listCustomers: (ctx) =>
      listContacts(ctx, (c) => c.IsCustomer === true || c.IsSupplier !== true),
    listSuppliers: (ctx) =>
      listContacts(ctx, (c) => c.IsSupplier === true || c.IsCustomer !== true),

    async writeDocument(ctx, document, { idempotencyKey, related }) {
      const base =
        document.kind === 'journal' || document.kind === 'transfer'
          ? (await getOrganisation(ctx)).BaseCurrency
          : null;
      const foreign = base !== null && document.currency !== base;
      const chart = document.kind === 'transfer' || document.kind === 'journal' ? await getChart(ctx) : [];
      if (document.kind === 'journal' && !foreign) {
        // Xero refuses manual journals on system accounts (accounts receivable above all): say
        // which mapping to change instead of passing on Xero's validation error.
        const system = document.lines.map((l) => chart.find((a) => a.AccountID === l.accountId)).find((a) => a?.SystemAccount);
        if (system) {
          throw new ConnectorError(
            'configuration_invalid',
            `Journal ${document.reference} has a line on the Xero system account ${system.Code ?? system.AccountID} (${system.SystemAccount}), which manual journals cannot use`,
            { detail: `${system.Name} is a Xero system account, which journals cannot post to: map Unpaid sales clearing under Payments to a current-asset account that is not ${system.Name}, then sync again.` },
          );
        }
      }
      const banks = new Set(chart.filter((a) => a.Type === 'BANK').map((a) => a.AccountID));
      const taxed = document.kind === 'journal' && document.lines.some((l) => l.taxRateId);
      const rates = new Map(
        (taxed ? await getTaxRates(ctx) : [])
          .filter((t) => (t.Status ?? 'ACTIVE') === 'ACTIVE')
          .map((t) => [t.TaxType, t.EffectiveRate ?? t.DisplayTaxRate ?? 0]),
      );
      const context = {
        related,
        isBankAccount: (id: string) => banks.has(id),
        taxRatePercent: (taxType: string) => rates.get(taxType),
      };
      const put = (write: XeroWrite, key: string) =>
        create(ctx, write, boundedKey(key, IDEMPOTENCY_KEY_MAX), document);
      if (foreign && document.kind === 'transfer') {
        // Manual journals are base-currency only: receive/spend money in the currency (or a bank transfer).
        const both = banks.has(document.fromAccountId) && banks.has(document.toAccountId);
        const write = foreignTransferWrite(document, {
          isBankAccount: (id) => banks.has(id),
          bankCurrency: (id) => chart.find((a) => a.AccountID === id)?.CurrencyCode ?? base,
          contactId: both ? '' : await dayContact(ctx),
        });
        return { platformId: await put(write, idempotencyKey) };
      }
      if (foreign && document.kind === 'journal') {
        // Manual journals are base-currency only: the day goes as an invoice paid in its currency.
        const day = foreignJournalWrites(document, { ...context, contactId: await dayContact(ctx) });
        const invoiceId = await put(day.invoice, `${idempotencyKey}#invoice`);
        for (const [i, payment] of day.payments(invoiceId).entries())
          await put(payment, `${idempotencyKey}#payment${i}`);
        return { platformId: invoiceId };
      }
      return { platformId: await put(toXeroWrite(document, context), idempotencyKey) };
    },
  };
}

/**
 * Picks the organisation this authorisation was for: the tenant the caller names, else the
 * organisations connected by this very consent (matching the token's `authentication_event_id`),
 * else the most recently connected organisation.
 */
async function selectTenant(
  fetchFn: typeof fetch,
  accessToken: string,
  wanted?: string,
): Promise<string> {
  const response = await fetchFn(XERO_ENDPOINTS.connections, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) {
    await drain(response);
    throw new ConnectorError(
      response.status >= 500 ? 'platform_outage' : 'authorization_revoked',
      `Xero connections endpoint answered HTTP ${response.status}`,
      { platform: PLATFORM },
    );
  }
  const connections = z
    .array(ConnectionSchema)
    .parse(await response.json())
    .filter((c) => c.tenantType === 'ORGANISATION');
  if (wanted) {
    const match = connections.find((c) => c.tenantId === wanted);
    if (match) return match.tenantId;
  }
  const eventId = jwtClaim(accessToken, 'authentication_event_id');
  const fromThisConsent = eventId ? connections.filter((c) => c.authEventId === eventId) : [];
  const pool = fromThisConsent.length > 0 ? fromThisConsent : connections;
  const latest = [...pool].sort((a, b) =>
    (b.createdDateUtc ?? '').localeCompare(a.createdDateUtc ?? ''),
  )[0];
  if (!latest) {
    throw new ConnectorError(
      'authorization_revoked',
      'The Xero consent did not connect any organisation',
      { platform: PLATFORM },
    );
  }
  return latest.tenantId;
}

function jwtClaim(token: string, claim: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const value = (
      JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
    )[claim];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}
