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
import type { AccountingDocument, PaymentDocument } from '../../contract/documents.js';
import { TenantRateLimiter } from '../http/rate-limiter.js';
import { SharedCallLimiter, QUICKBOOKS_BUDGET, type CallLimiter } from '../http/call-budget.js';
import { authorizedJsonCall } from '../http/authorized-call.js';
import { drain } from '../http/retrying-fetch.js';
import { hashedKey } from '../http/idempotency.js';
import { basicAuthorization, connectionTokensFrom, requestTokens, TokenKeeper } from '../http/oauth.js';
import type { TokenResponse } from '../http/oauth.js';
import { TtlCache, vendorRuntime } from '../http/runtime.js';
import type { VendorRuntimeOptions } from '../http/runtime.js';
import { quickBooksError } from './errors.js';
import { refundJournal, refundLink, toQuickBooksWrite } from './mapping.js';
import type { QuickBooksWrite, QuickBooksWriteContext } from './mapping.js';
import type { LedgerRate } from '../journal-tax.js';

export { toQuickBooksWrite, refundJournal, refundLink } from './mapping.js';
export type { QuickBooksEntity, QuickBooksWrite, QuickBooksWriteContext } from './mapping.js';
export { quickBooksError, quickBooksFaults } from './errors.js';

/** Intuit's OAuth2 endpoints and the API hosts per environment. */
export const QUICKBOOKS_ENDPOINTS = {
  authorize: 'https://appcenter.intuit.com/connect/oauth2',
  token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
  api: {
    sandbox: 'https://sandbox-quickbooks.api.intuit.com',
    production: 'https://quickbooks.api.intuit.com',
  },
} as const;

/** The accounting scope the connector asks for. */
export const QUICKBOOKS_SCOPE = 'com.intuit.quickbooks.accounting';

/** API minor version sent on every call (Intuit's minimum supported version). */
export const QUICKBOOKS_MINOR_VERSION = '75';

/** Intuit's published per-realm limits. */
export const QUICKBOOKS_RATE_LIMITS = { requestsPerMinute: 500, maxConcurrent: 10 } as const;

/** Options of {@link createQuickBooksConnector}. */
export interface QuickBooksConnectorOptions extends VendorRuntimeOptions {
  clientId: string;
  clientSecret: string;
  environment: 'sandbox' | 'production';
  /** Per-attempt time-out of API calls (default 30 s). */
  timeoutMs?: number;
}

const PLATFORM = 'QuickBooks Online';
const PLATFORM_KEY = 'quickbooks-online';
const PAGE_SIZE = 1000;

const RefSchema = z.object({ value: z.string(), name: z.string().optional() }).loose();

const AccountSchema = z
  .object({
    Id: z.string(),
    Name: z.string(),
    FullyQualifiedName: z.string().optional(),
    AcctNum: z.string().optional(),
    Active: z.boolean().optional(),
    Classification: z.string().optional(),
    AccountType: z.string(),
    CurrencyRef: RefSchema.optional(),
  })
  .loose();
type QuickBooksAccount = z.infer<typeof AccountSchema>;

const TaxCodeSchema = z
  .object({
    Id: z.string(),
    Name: z.string(),
    Active: z.boolean().optional(),
    SalesTaxRateList: z
      .object({ TaxRateDetail: z.array(z.object({ TaxRateRef: RefSchema }).loose()).optional() })
      .loose()
      .optional(),
  })
  .loose();
const TaxRateSchema = z
  .object({
    Id: z.string(),
    RateValue: z.coerce.number().optional(),
    Active: z.boolean().optional(),
  })
  .loose();
const PartySchema = z
  .object({ Id: z.string(), DisplayName: z.string(), Active: z.boolean().optional() })
  .loose();
const ItemSchema = z.object({ Id: z.string(), Name: z.string() }).loose();

const CLASS: Record<string, LedgerAccountClass> = {
  Asset: 'Asset',
  Liability: 'Liability',
  Equity: 'Equity',
  Revenue: 'Income',
  Expense: 'Expense',
};
const PAYMENT_ACCOUNT_TYPES = new Set(['Bank', 'Other Current Asset']);

/** What an entity read back from a create call looks like. */
const CreatedSchema = z.object({ Id: z.string() }).loose();

/**
 * The QuickBooks Online connector (platform key `quickbooks-online`): Intuit OAuth2 with the
 * realm from the callback, single-flight refresh with rotation, per-realm pacing (500/min,
 * 10 concurrent), retries with backoff and jitter, idempotent writes through `requestid`
 * (a deterministic hash of the document reference) and Intuit faults mapped to catalogue codes.
 *
 * @example
 * const qbo = createQuickBooksConnector({ clientId, clientSecret, environment: 'production' });
 * const tokens = await qbo.exchangeCode({ code, redirectUri, callbackParams: { realmId } });
 */
export function createQuickBooksConnector(
  options: QuickBooksConnectorOptions,
): AccountingConnector {
  if (!options.clientId || !options.clientSecret) {
    throw new TypeError(
      'createQuickBooksConnector needs clientId and clientSecret (from the Intuit developer portal app).',
    );
  }
  if (options.environment !== 'sandbox' && options.environment !== 'production') {
    throw new TypeError(
      `createQuickBooksConnector: environment must be 'sandbox' or 'production', not ${JSON.stringify(options.environment)}.`,
    );
  }
  const runtime = vendorRuntime(options);
  const apiBase = QUICKBOOKS_ENDPOINTS.api[options.environment];
  // Shared with every instance when the host gives a budget; else counted in this process.
  const limiter: CallLimiter = runtime.budget
    ? new SharedCallLimiter({ platformKey: PLATFORM_KEY, platformName: PLATFORM, policy: QUICKBOOKS_BUDGET, backend: runtime.budget, clock: runtime })
    : new TenantRateLimiter(
      {
        perMinute: QUICKBOOKS_RATE_LIMITS.requestsPerMinute,
        maxConcurrent: QUICKBOOKS_RATE_LIMITS.maxConcurrent,
      },
      runtime,
      PLATFORM,
    );
  const tokenEndpoint = {
    platformName: PLATFORM,
    url: QUICKBOOKS_ENDPOINTS.token,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    fetch: runtime.fetch,
    sleep: (ms: number) => runtime.sleep(ms),
  };
  const charts = new TtlCache<QuickBooksAccount[]>(15 * 60_000, runtime.now);
  const items = new TtlCache<string>(60 * 60_000, runtime.now);
  const lockDates = new TtlCache<string | null>(15 * 60_000, runtime.now);
  const currencyPrefs = new TtlCache<{ home: string; multicurrency: boolean }>(
    15 * 60_000,
    runtime.now,
  );
  /** Customer/vendor of transactions this process wrote, by realm and transaction id. */
  const parties = new Map<string, string>();

  const toConnectionTokens = (response: TokenResponse, tenantId: string, previous?: ConnectionTokens): ConnectionTokens =>
    connectionTokensFrom(response, tenantId, runtime.now(), previous, QUICKBOOKS_SCOPE);

  const refresh = async (tokens: ConnectionTokens): Promise<ConnectionTokens> => {
    if (!tokens.refreshToken)
      throw new ConnectorError('authorization_expired', 'No QuickBooks refresh token stored', {
        platform: PLATFORM,
      });
    const response = await requestTokens(tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    return toConnectionTokens(response, tokens.tenantId, tokens);
  };
  const keeper = new TokenKeeper(refresh, runtime.now, PLATFORM);

  async function call(
    ctx: ConnectorContext,
    request: {
      method: 'GET' | 'POST';
      path: string;
      query?: Record<string, string>;
      body?: unknown;
      document?: AccountingDocument;
      operation: string;
    },
  ): Promise<Record<string, unknown>> {
    const { ok, status, json, tokens } = await authorizedJsonCall(
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
      (current) => {
        const url = new URL(`${apiBase}/v3/company/${encodeURIComponent(current.tenantId)}${request.path}`);
        for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
        url.searchParams.set('minorversion', QUICKBOOKS_MINOR_VERSION);
        return { url: url.toString(), method: request.method, body: request.body };
      },
      faultBody,
    );
    if (!ok) {
      const context = { document: request.document, operation: request.operation };
      const error = quickBooksError(status, json, context);
      if (error.code !== 'period_locked') throw error;
      // The fault does not say where the books close; the merchant message should.
      const lockDate = await lockDates
        .get(tokens.tenantId, () => readLockDate(ctx))
        .catch(() => null);
      throw quickBooksError(status, json, { ...context, lockDate });
    }
    if (!json || typeof json !== 'object') {
      throw new ConnectorError(
        'platform_outage',
        `${request.operation}: QuickBooks sent an unexpected body`,
        { platform: PLATFORM },
      );
    }
    return json as Record<string, unknown>;
  }

  /** Runs a query over every page (STARTPOSITION/MAXRESULTS) and returns all rows of `entity`. */
  async function queryAll<T>(
    ctx: ConnectorContext,
    entity: string,
    where: string,
    schema: z.ZodType<T>,
  ): Promise<T[]> {
    const rows: T[] = [];
    for (let start = 1; ; start += PAGE_SIZE) {
      const body = await call(ctx, {
        method: 'GET',
        path: '/query',
        query: {
          query: `select * from ${entity}${where ? ` where ${where}` : ''} STARTPOSITION ${start} MAXRESULTS ${PAGE_SIZE}`,
        },
        operation: `read ${entity}`,
      });
      const page = z
        .object({ QueryResponse: z.object({ [entity]: z.array(schema).optional() }).loose() })
        .loose()
        .safeParse(body);
      if (!page.success)
        throw new ConnectorError(
          'platform_outage',
          `read ${entity}: QuickBooks sent an unexpected body`,
          { platform: PLATFORM },
        );
      const batch = (page.data.QueryResponse[entity] ?? []) as T[];
      rows.push(...batch);
      if (batch.length < PAGE_SIZE) return rows;
    }
  }

  /** Active tax codes with their active sales rates, read fresh for each journal that uses them. */
  async function readTaxCodes(ctx: ConnectorContext): Promise<Map<string, LedgerRate>> {
    const [codes, rates] = await Promise.all([
      queryAll(ctx, 'TaxCode', 'Active IN (true, false)', TaxCodeSchema),
      queryAll(ctx, 'TaxRate', 'Active IN (true, false)', TaxRateSchema),
    ]);
    const activeRates = new Map(
      rates.filter((r) => r.Active !== false).map((r) => [r.Id, r.RateValue ?? 0]),
    );
    const result = new Map<string, LedgerRate>();
    for (const code of codes) {
      if (code.Active === false) continue;
      const details = code.SalesTaxRateList?.TaxRateDetail ?? [];
      // A code whose rate was made inactive cannot charge tax any more: treat the code as gone.
      if (details.some((d) => !activeRates.has(d.TaxRateRef.value))) continue;
      result.set(code.Id, {
        components: details.map((d) => ({
          id: d.TaxRateRef.value,
          percent: activeRates.get(d.TaxRateRef.value)!,
        })),
      });
    }
    return result;
  }

  async function readLockDate(ctx: ConnectorContext): Promise<string | null> {
    const body = await call(ctx, {
      method: 'GET',
      path: '/preferences',
      operation: 'read preferences',
    });
    const prefs = z
      .object({
        Preferences: z
          .object({
            AccountingInfoPrefs: z
              .object({ BookCloseDate: z.string().optional() })
              .loose()
              .optional(),
          })
          .loose(),
      })
      .loose()
      .parse(body);
    return prefs.Preferences.AccountingInfoPrefs?.BookCloseDate?.slice(0, 10) ?? null;
  }

  /**
   * QuickBooks' rate for a journal in a foreign currency (null in the home currency): read from
   * its exchange-rate table for the journal's date, so the entry converts as QuickBooks itself
   * would, with the rate stated on the entry. Needs multicurrency on.
   */
  async function journalExchangeRate(
    ctx: ConnectorContext,
    document: AccountingDocument,
  ): Promise<{ rate: number; source: string } | null> {
    const { home, multicurrency } = await currencyPrefs.get(ctx.tokens.tenantId, async () => {
      const prefs = z
        .object({
          Preferences: z
            .object({
              CurrencyPrefs: z
                .object({
                  HomeCurrency: RefSchema.optional(),
                  MultiCurrencyEnabled: z.boolean().optional(),
                })
                .loose()
                .optional(),
            })
            .loose(),
        })
        .loose()
        .parse(
          await call(ctx, { method: 'GET', path: '/preferences', operation: 'read preferences' }),
        ).Preferences.CurrencyPrefs;
      return {
        home: prefs?.HomeCurrency?.value ?? 'USD',
        multicurrency: prefs?.MultiCurrencyEnabled === true,
      };
    });
    if (document.currency === home) return null;
    if (!multicurrency) {
      currencyPrefs.invalidate(ctx.tokens.tenantId);
      throw new ConnectorError(
        'currency_mismatch',
        `QuickBooks company has multicurrency off; ${document.reference} is in ${document.currency}, the home currency is ${home}`,
        { platform: PLATFORM, currency: document.currency },
      );
    }
    const body = await call(ctx, {
      method: 'GET',
      path: '/exchangerate',
      query: { sourcecurrencycode: document.currency, asofdate: document.date },
      document,
      operation: `read the ${document.currency} exchange rate for ${document.date}`,
    });
    const rate = z
      .object({ ExchangeRate: z.object({ Rate: z.number().positive() }).loose() })
      .loose()
      .safeParse(body);
    if (!rate.success) {
      throw new ConnectorError(
        'currency_mismatch',
        `QuickBooks has no ${document.currency} to ${home} exchange rate for ${document.date}`,
        { platform: PLATFORM, currency: document.currency },
      );
    }
    const value = rate.data.ExchangeRate.Rate;
    return {
      rate: value,
      source: `1 ${document.currency} = ${value} ${home}, QuickBooks exchange rate for ${document.date}`,
    };
  }

  const getChart = (ctx: ConnectorContext) =>
    charts.get(ctx.tokens.tenantId, () =>
      queryAll(ctx, 'Account', 'Active IN (true, false)', AccountSchema),
    );

  async function create(
    ctx: ConnectorContext,
    write: QuickBooksWrite,
    requestKey: string,
    document: AccountingDocument | undefined,
    operation: string,
  ): Promise<string> {
    const body = await call(ctx, {
      method: 'POST',
      path: `/${write.entity.toLowerCase()}`,
      query: { requestid: hashedKey(requestKey) },
      body: write.body,
      document,
      operation,
    });
    const created = CreatedSchema.safeParse(body[write.entity]);
    if (!created.success)
      throw new ConnectorError(
        'platform_outage',
        `${operation}: QuickBooks returned no ${write.entity} id`,
        { platform: PLATFORM },
      );
    return created.data.Id;
  }

  /** The service item whose income account is `accountId`, created (idempotently) when missing. */
  function itemFor(ctx: ConnectorContext, accountId: string): Promise<string> {
    const realm = ctx.tokens.tenantId;
    return items.get(`${realm}:${accountId}`, async () => {
      const name = `Commerce sync ${accountId}`;
      const found = await queryAll(
        ctx,
        'Item',
        `Name = '${name.replace(/'/g, "\\'")}'`,
        ItemSchema,
      );
      if (found[0]) return found[0].Id;
      return create(
        ctx,
        {
          entity: 'Item',
          body: {
            Name: name,
            Type: 'Service',
            IncomeAccountRef: { value: accountId },
            Description: 'Daily sales summary line posted by commerce-sync',
          },
        },
        `item:${realm}:${accountId}`,
        undefined,
        `create item for account ${accountId}`,
      );
    });
  }

  /** Customer or vendor of a transaction: remembered from our own write, else read back. */
  async function partyOf(
    ctx: ConnectorContext,
    document: PaymentDocument,
    transactionId: string,
  ): Promise<string> {
    const key = `${ctx.tokens.tenantId}:${transactionId}`;
    const known = parties.get(key);
    if (known) return known;
    const entity =
      document.direction === 'received'
        ? 'Invoice'
        : document.direction === 'refunded'
          ? 'CreditMemo'
          : document.direction === 'paid'
            ? 'Bill'
            : 'VendorCredit';
    const body = await call(ctx, {
      method: 'GET',
      path: `/${entity.toLowerCase()}/${encodeURIComponent(transactionId)}`,
      operation: `read ${entity} ${transactionId}`,
    });
    const parsed = z
      .object({ CustomerRef: RefSchema.optional(), VendorRef: RefSchema.optional() })
      .loose()
      .safeParse(body[entity]);
    const party = parsed.success
      ? (parsed.data.CustomerRef ?? parsed.data.VendorRef)?.value
      : undefined;
    if (!party)
      throw new ConnectorError(
        'document_rejected',
        `QuickBooks ${entity} ${transactionId} has no customer or vendor`,
        {
          platform: PLATFORM,
          document: 'payment',
          date: document.date,
          detail: `${entity} not found`,
        },
      );
    parties.set(key, party);
    return party;
  }

  async function partyList(
    ctx: ConnectorContext,
    entity: 'Customer' | 'Vendor',
  ): Promise<LedgerContact[]> {
    const rows = await queryAll(ctx, entity, 'Active IN (true, false)', PartySchema);
    return rows.map((r) => ({
      id: r.Id,
      name: r.DisplayName,
      status: r.Active === false ? 'Archived' : 'Active',
    }));
  }

  return {
    platform: { key: PLATFORM_KEY, name: 'QuickBooks Online', supportsPkce: false },
    rateLimits: { ...QUICKBOOKS_RATE_LIMITS },

    authorizationUrl(request) {
      const url = new URL(QUICKBOOKS_ENDPOINTS.authorize);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('scope', QUICKBOOKS_SCOPE);
      url.searchParams.set('redirect_uri', request.redirectUri);
      url.searchParams.set('state', request.state);
      return url.toString();
    },

    async exchangeCode(exchange) {
      const realmId = exchange.callbackParams?.realmId;
      if (!realmId) {
        throw new ConnectorError(
          'configuration_invalid',
          'The QuickBooks callback carried no realmId',
          {
            detail:
              'pass every query parameter of the QuickBooks callback (including realmId) to the authorization endpoint.',
          },
        );
      }
      const response = await requestTokens(tokenEndpoint, {
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
      });
      return toConnectionTokens(response, realmId);
    },

    refresh,

    async revoke(tokens) {
      const response = await runtime.fetch(QUICKBOOKS_ENDPOINTS.revoke, {
        method: 'POST',
        headers: {
          authorization: basicAuthorization(options.clientId, options.clientSecret),
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify({ token: tokens.refreshToken ?? tokens.accessToken }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      await drain(response);
      // 400 means the token is already invalid, which is what de-authorise wants.
      if (!response.ok && response.status !== 400) {
        throw new ConnectorError(
          'platform_outage',
          `QuickBooks revocation answered HTTP ${response.status}`,
          { platform: PLATFORM },
        );
      }
    },

    async getCompanyInfo(ctx): Promise<CompanyInfo> {
      const realm = ctx.tokens.tenantId;
      const info = await call(ctx, {
        method: 'GET',
        path: `/companyinfo/${encodeURIComponent(realm)}`,
        operation: 'read company info',
      });
      const company = z
        .object({
          CompanyInfo: z
            .object({ Id: z.string(), CompanyName: z.string(), Country: z.string().optional() })
            .loose(),
        })
        .loose()
        .parse(info).CompanyInfo;
      const prefsBody = await call(ctx, {
        method: 'GET',
        path: '/preferences',
        operation: 'read preferences',
      });
      const prefs = z
        .object({
          Preferences: z
            .object({
              AccountingInfoPrefs: z
                .object({ BookCloseDate: z.string().optional() })
                .loose()
                .optional(),
              CurrencyPrefs: z
                .object({
                  HomeCurrency: RefSchema.optional(),
                  MultiCurrencyEnabled: z.boolean().optional(),
                })
                .loose()
                .optional(),
            })
            .loose(),
        })
        .loose()
        .parse(prefsBody).Preferences;
      const home = prefs.CurrencyPrefs?.HomeCurrency?.value ?? 'USD';
      const currencies = new Set([home]);
      if (prefs.CurrencyPrefs?.MultiCurrencyEnabled) {
        for (const c of await queryAll(
          ctx,
          'CompanyCurrency',
          '',
          z.object({ Code: z.string(), Active: z.boolean().optional() }).loose(),
        )) {
          if (c.Active !== false) currencies.add(c.Code);
        }
      }
      const lockDate = prefs.AccountingInfoPrefs?.BookCloseDate?.slice(0, 10) ?? null;
      lockDates.invalidate(realm);
      return {
        id: company.Id,
        name: company.CompanyName,
        baseCurrency: home,
        lockDate,
        countryCode: company.Country ?? null,
        currencies: [...currencies],
      };
    },

    async listAccounts(ctx): Promise<LedgerAccount[]> {
      charts.invalidate(ctx.tokens.tenantId);
      const accounts = await getChart(ctx);
      return accounts.map((a) => ({
        id: a.Id,
        name: a.FullyQualifiedName ?? a.Name,
        code: a.AcctNum ?? null,
        classification: CLASS[a.Classification ?? ''] ?? 'Asset',
        type: a.AccountType,
        status: a.Active === false ? 'Archived' : 'Active',
        isBankAccount: a.AccountType === 'Bank',
        enablePaymentsToAccount: PAYMENT_ACCOUNT_TYPES.has(a.AccountType),
        currency: a.CurrencyRef?.value ?? null,
      }));
    },

    async listTaxRates(ctx): Promise<LedgerTaxRate[]> {
      const [codes, rates] = await Promise.all([
        queryAll(ctx, 'TaxCode', 'Active IN (true, false)', TaxCodeSchema),
        queryAll(ctx, 'TaxRate', 'Active IN (true, false)', TaxRateSchema),
      ]);
      const rateById = new Map(rates.map((r) => [r.Id, r.RateValue ?? 0]));
      return codes.map((code) => ({
        id: code.Id,
        name: code.Name,
        // A combined code (e.g. GST + PST) charges the sum of its component sales rates.
        effectiveRate: (code.SalesTaxRateList?.TaxRateDetail ?? []).reduce(
          (sum, d) => sum + (rateById.get(d.TaxRateRef.value) ?? 0),
          0,
        ),
        status: code.Active === false ? 'Archived' : 'Active',
      }));
    },

    listCustomers: (ctx) => partyList(ctx, 'Customer'),
    listSuppliers: (ctx) => partyList(ctx, 'Vendor'),

    async writeDocument(ctx, document, { idempotencyKey, related }) {
      const realm = ctx.tokens.tenantId;
      const itemIds = new Map<string, string>();
      if (document.kind === 'invoice' || document.kind === 'creditNote') {
        for (const line of document.lines)
          if (!itemIds.has(line.accountId))
            itemIds.set(line.accountId, await itemFor(ctx, line.accountId));
      }
      const partyIds = new Map<string, string>();
      let receivableAccountId: string | null = null;
      let payableAccountId: string | null = null;
      if (document.kind === 'payment') {
        const settled = related[document.appliesTo];
        if (settled) partyIds.set(settled, await partyOf(ctx, document, settled));
        if (document.direction === 'refunded' || document.direction === 'refundReceived') {
          const chart = await getChart(ctx);
          const active = chart.filter((a) => a.Active !== false);
          receivableAccountId =
            active.find((a) => a.AccountType === 'Accounts Receivable')?.Id ?? null;
          payableAccountId = active.find((a) => a.AccountType === 'Accounts Payable')?.Id ?? null;
        }
      }
      const taxCodes =
        document.kind === 'journal' && document.lines.some((l) => l.taxRateId)
          ? await readTaxCodes(ctx)
          : new Map<string, LedgerRate>();
      const exchangeRate =
        document.kind === 'journal' ? await journalExchangeRate(ctx, document) : null;
      const context: QuickBooksWriteContext = {
        related,
        exchangeRate,
        taxCode: (codeId) => taxCodes.get(codeId),
        itemFor: (accountId) => itemIds.get(accountId)!,
        partyOf: (id) => partyIds.get(id)!,
        receivableAccountId,
        payableAccountId,
      };
      const operation = `write ${document.kind} ${document.reference}`;
      if (document.kind === 'payment' && document.direction === 'refunded') {
        const journalId = await create(
          ctx,
          refundJournal(document, context),
          `${idempotencyKey}#journal`,
          document,
          operation,
        );
        const linkId = await create(
          ctx,
          refundLink(document, journalId, context),
          `${idempotencyKey}#link`,
          document,
          operation,
        );
        return { platformId: linkId };
      }
      const write = toQuickBooksWrite(document, context);
      const id = await create(ctx, write, idempotencyKey, document, operation);
      if ('contactId' in document && document.contactId) {
        parties.set(`${realm}:${id}`, document.contactId);
        // Only the latest writes are needed (payments follow their document within a run).
        if (parties.size > 50_000) parties.delete(parties.keys().next().value!);
      }
      return { platformId: id };
    },
  };
}

/** A non-JSON error body (an HTML error page, say) in the shape of an Intuit fault. */
function faultBody(text: string): unknown {
  return { Fault: { Error: [{ Message: text }] } };
}
