import { createHash, randomUUID } from 'node:crypto';
import { delay, http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import { fromMinor, taxAtPercent, toMinor } from '../../../src/contract/money.js';
import { loadXeroSpecValidator } from './openapi-validator.js';
import type { XeroSpecValidator } from './openapi-validator.js';

/**
 * A stateful stand-in for Xero (identity server + Accounting API) for MSW. It validates every
 * create body against the published OpenAPI file, enforces Xero's per-tenant limits (429 with
 * Retry-After beyond 60 calls a minute or 5 at once), stores writes by Idempotency-Key and
 * replays them, and rejects what Xero rejects (locked periods, archived or unknown accounts,
 * unknown or inactive TaxTypes, currencies the organisation does not use, unbalanced journals,
 * over-payments). Manual journal lines get their `TaxAmount` calculated from `TaxType` and
 * `LineAmount` under the journal's `LineAmountTypes` (NoTax by default), as Xero does; a journal
 * balances with that tax included.
 */

export const XERO_CLIENT = { clientId: 'xero-client-id', clientSecret: 'xero-client-secret' };

export interface XeroAccountFixture {
  AccountID: string;
  Code: string;
  Name: string;
  Type: string;
  Class: 'ASSET' | 'LIABILITY' | 'EQUITY' | 'REVENUE' | 'EXPENSE';
  Status: 'ACTIVE' | 'ARCHIVED' | 'DELETED';
  EnablePaymentsToAccount?: boolean;
  /** A bank account's currency (absent: the base currency). */
  CurrencyCode?: string;
  /** Xero system accounts (e.g. DEBTORS for accounts receivable). */
  SystemAccount?: string;
}

export interface XeroContactFixture {
  ContactID: string;
  Name: string;
  ContactStatus: 'ACTIVE' | 'ARCHIVED';
  IsCustomer: boolean;
  IsSupplier: boolean;
}

export interface XeroTenant {
  tenantId: string;
  name: string;
  baseCurrency: string;
  periodLockDate: string | null;
  accounts: XeroAccountFixture[];
  taxRates: Array<{ TaxType: string; Name: string; EffectiveRate: number; Status: string }>;
  contacts: XeroContactFixture[];
  /** Created documents by collection, in order. */
  documents: Record<string, Array<Record<string, unknown>>>;
  idempotency: Map<string, { status: number; body: unknown }>;
  /** Start time of every API call (ms), for rate-limit assertions. */
  calls: number[];
  inFlight: number;
  maxInFlight: number;
  subscriptionExpired: boolean;
}

interface Grant {
  tenantIds: string[];
  authEventId: string;
  codeChallenge?: string;
  redirectUri: string;
}

interface FaultRule {
  remaining: number;
  status: number;
  headers?: Record<string, string>;
  /** Process and store the write first, then answer with the fault (a lost response). */
  afterCommit?: boolean;
}

export interface XeroMockOptions {
  now?: () => number;
  /** Simulated service time of each API call. */
  latencyMs?: number;
  /** Enforce Xero's 60/min and 5-concurrent limits with 429s (default true). */
  enforceLimits?: boolean;
  accessTokenTtlSeconds?: number;
}

const API = 'https://api.xero.com/api.xro/2.0';

/** Currencies every mock organisation has enabled (`GET /Currencies`). */
const CURRENCIES = [
  { Code: 'GBP', Description: 'British Pound' },
  { Code: 'EUR', Description: 'Euro' },
];

export const ids = {
  sales: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6001',
  vat: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6002',
  gratuity: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6003',
  cardClearing: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6004',
  cashClearing: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6005',
  bank: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6006',
  fees: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6007',
  refunds: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6008',
  oldSales: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6009',
  savings: '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6010',
  customer: '7c1d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e01',
  supplier: '7c1d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e02',
};

/** A fresh UK organisation with a typical chart of accounts. */
export function ukTenant(tenantId: string = randomUUID(), contactCount = 3): XeroTenant {
  const contacts: XeroContactFixture[] = [
    {
      ContactID: ids.customer,
      Name: 'Daily Sales',
      ContactStatus: 'ACTIVE',
      IsCustomer: true,
      IsSupplier: false,
    },
    {
      ContactID: ids.supplier,
      Name: 'Card Processor Ltd',
      ContactStatus: 'ACTIVE',
      IsCustomer: false,
      IsSupplier: true,
    },
  ];
  for (let i = contacts.length; i < contactCount; i += 1) {
    contacts.push({
      ContactID: randomUUID(),
      Name: `Contact ${String(i).padStart(4, '0')}`,
      ContactStatus: i % 7 === 0 ? 'ARCHIVED' : 'ACTIVE',
      IsCustomer: i % 2 === 0,
      IsSupplier: i % 2 === 1,
    });
  }
  return {
    tenantId,
    name: 'Corner Café Ltd',
    baseCurrency: 'GBP',
    periodLockDate: null,
    accounts: [
      {
        AccountID: ids.sales,
        Code: '200',
        Name: 'Sales',
        Type: 'REVENUE',
        Class: 'REVENUE',
        Status: 'ACTIVE',
      },
      {
        AccountID: ids.vat,
        Code: '820',
        Name: 'VAT',
        Type: 'CURRLIAB',
        Class: 'LIABILITY',
        Status: 'ACTIVE',
      },
      {
        AccountID: ids.gratuity,
        Code: '210',
        Name: 'Gratuities',
        Type: 'CURRLIAB',
        Class: 'LIABILITY',
        Status: 'ACTIVE',
      },
      {
        AccountID: ids.cardClearing,
        Code: '610',
        Name: 'Card clearing',
        Type: 'CURRENT',
        Class: 'ASSET',
        Status: 'ACTIVE',
        EnablePaymentsToAccount: true,
      },
      {
        AccountID: ids.cashClearing,
        Code: '611',
        Name: 'Cash in till',
        Type: 'CURRENT',
        Class: 'ASSET',
        Status: 'ACTIVE',
        EnablePaymentsToAccount: true,
      },
      {
        AccountID: ids.bank,
        Code: '090',
        Name: 'Business Current Account',
        Type: 'BANK',
        Class: 'ASSET',
        Status: 'ACTIVE',
      },
      {
        AccountID: ids.savings,
        Code: '091',
        Name: 'Savings',
        Type: 'BANK',
        Class: 'ASSET',
        Status: 'ACTIVE',
      },
      {
        AccountID: ids.fees,
        Code: '404',
        Name: 'Bank and card fees',
        Type: 'EXPENSE',
        Class: 'EXPENSE',
        Status: 'ACTIVE',
      },
      {
        AccountID: ids.refunds,
        Code: '205',
        Name: 'Refunds',
        Type: 'REVENUE',
        Class: 'REVENUE',
        Status: 'ACTIVE',
      },
      {
        AccountID: ids.oldSales,
        Code: '201',
        Name: 'Old sales',
        Type: 'REVENUE',
        Class: 'REVENUE',
        Status: 'ARCHIVED',
      },
    ],
    taxRates: [
      { TaxType: 'OUTPUT2', Name: '20% (VAT on Income)', EffectiveRate: 20, Status: 'ACTIVE' },
      { TaxType: 'RROUTPUT', Name: '5% (VAT on Income)', EffectiveRate: 5, Status: 'ACTIVE' },
      { TaxType: 'NONE', Name: 'No VAT', EffectiveRate: 0, Status: 'ACTIVE' },
      { TaxType: 'INPUT2', Name: '20% (VAT on Expenses)', EffectiveRate: 20, Status: 'ACTIVE' },
    ],
    contacts,
    documents: {},
    idempotency: new Map(),
    calls: [],
    inFlight: 0,
    maxInFlight: 0,
    subscriptionExpired: false,
  };
}

const COLLECTIONS: Record<string, { idField: string; schema: string }> = {
  ManualJournals: { idField: 'ManualJournalID', schema: 'ManualJournals' },
  Invoices: { idField: 'InvoiceID', schema: 'Invoices' },
  CreditNotes: { idField: 'CreditNoteID', schema: 'CreditNotes' },
  Payments: { idField: 'PaymentID', schema: 'Payments' },
  BankTransactions: { idField: 'BankTransactionID', schema: 'BankTransactions' },
  BankTransfers: { idField: 'BankTransferID', schema: 'BankTransfers' },
  Contacts: { idField: 'ContactID', schema: 'Contacts' },
};

let sharedValidator: XeroSpecValidator | null = null;

/** The mock Xero: state plus the MSW handlers that serve it. */
export class XeroMock {
  readonly tenants = new Map<string, XeroTenant>();
  readonly validator: XeroSpecValidator;
  readonly #grants = new Map<string, Grant>();
  readonly #refreshTokens = new Map<string, { grant: Grant; revoked: boolean }>();
  readonly #accessTokens = new Map<string, { grant: Grant; expiresAt: number; revoked: boolean }>();
  readonly #faults: FaultRule[] = [];
  readonly now: () => number;
  refreshCount = 0;
  revocations = 0;
  /** Every request body the validator rejected, with its errors. */
  readonly rejectedBodies: Array<{ path: string; errors: string[] }> = [];

  constructor(private readonly options: XeroMockOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    sharedValidator ??= loadXeroSpecValidator();
    this.validator = sharedValidator;
  }

  addTenant(tenant: XeroTenant): XeroTenant {
    this.tenants.set(tenant.tenantId, tenant);
    return tenant;
  }

  /** What Xero does when the merchant clicks Allow: returns the code sent to the redirect URI. */
  consent(tenantIds: string[], redirectUri: string, codeChallenge?: string): string {
    const code = randomUUID();
    this.#grants.set(code, {
      tenantIds,
      authEventId: randomUUID(),
      redirectUri,
      ...(codeChallenge ? { codeChallenge } : {}),
    });
    return code;
  }

  /** Hands out tokens directly (as if a consent had happened) for tests that start linked. */
  issueTokens(
    tenantId: string,
    ttlSeconds = this.options.accessTokenTtlSeconds ?? 1800,
  ): { accessToken: string; refreshToken: string; expiresAt: number } {
    const grant: Grant = {
      tenantIds: [tenantId],
      authEventId: randomUUID(),
      redirectUri: 'https://partner.example/cb',
    };
    return this.#mint(grant, ttlSeconds);
  }

  /** Expires every access token now (Xero tokens last 30 minutes). */
  expireAccessTokens(): void {
    for (const t of this.#accessTokens.values()) t.expiresAt = this.now() - 1;
  }

  /** The merchant disconnected the app in Xero: every token stops working. */
  revokeAll(): void {
    for (const t of this.#accessTokens.values()) t.revoked = true;
    for (const t of this.#refreshTokens.values()) t.revoked = true;
  }

  /** The next `count` API calls answer `status` (before touching state unless afterCommit). */
  failNext(
    count: number,
    status: number,
    headers?: Record<string, string>,
    afterCommit = false,
  ): void {
    this.#faults.push({ remaining: count, status, ...(headers ? { headers } : {}), afterCommit });
  }

  #mint(grant: Grant, ttlSeconds: number) {
    const payload = Buffer.from(
      JSON.stringify({ authentication_event_id: grant.authEventId, jti: randomUUID() }),
    ).toString('base64url');
    const accessToken = `eyJhbGciOiJub25lIn0.${payload}.`;
    const refreshToken = randomUUID();
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.#accessTokens.set(accessToken, { grant, expiresAt, revoked: false });
    this.#refreshTokens.set(refreshToken, { grant, revoked: false });
    return { accessToken, refreshToken, expiresAt };
  }

  /** MSW handlers for the identity server, the connections endpoint and the Accounting API. */
  handlers(): HttpHandler[] {
    return [
      http.post('https://identity.xero.com/connect/token', async ({ request }) => {
        if (
          request.headers.get('authorization') !==
          `Basic ${Buffer.from(`${XERO_CLIENT.clientId}:${XERO_CLIENT.clientSecret}`).toString('base64')}`
        ) {
          return HttpResponse.json({ error: 'invalid_client' }, { status: 400 });
        }
        const form = new URLSearchParams(await request.text());
        const ttl = this.options.accessTokenTtlSeconds ?? 1800;
        if (form.get('grant_type') === 'authorization_code') {
          const grant = this.#grants.get(form.get('code') ?? '');
          if (!grant || grant.redirectUri !== form.get('redirect_uri'))
            return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
          if (grant.codeChallenge) {
            const verifier = form.get('code_verifier') ?? '';
            const challenge = createHash('sha256').update(verifier).digest('base64url');
            if (challenge !== grant.codeChallenge)
              return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
          }
          this.#grants.delete(form.get('code')!);
          const minted = this.#mint(grant, ttl);
          return HttpResponse.json({
            access_token: minted.accessToken,
            refresh_token: minted.refreshToken,
            expires_in: ttl,
            token_type: 'Bearer',
            scope: 'openid offline_access accounting.invoices',
          });
        }
        if (form.get('grant_type') === 'refresh_token') {
          const stored = this.#refreshTokens.get(form.get('refresh_token') ?? '');
          if (!stored || stored.revoked)
            return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
          stored.revoked = true;
          this.refreshCount += 1;
          const minted = this.#mint(stored.grant, ttl);
          return HttpResponse.json({
            access_token: minted.accessToken,
            refresh_token: minted.refreshToken,
            expires_in: ttl,
            token_type: 'Bearer',
          });
        }
        return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 });
      }),

      http.post('https://identity.xero.com/connect/revocation', async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        const token = form.get('token') ?? '';
        const stored = this.#refreshTokens.get(token);
        if (stored) {
          stored.revoked = true;
          for (const a of this.#accessTokens.values())
            if (a.grant === stored.grant) a.revoked = true;
          this.revocations += 1;
        }
        return new HttpResponse(null, { status: 200 });
      }),

      http.get('https://api.xero.com/connections', ({ request }) => {
        const token = this.#accessTokens.get(
          (request.headers.get('authorization') ?? '').replace(/^Bearer /, ''),
        );
        if (!token || token.revoked || token.expiresAt <= this.now())
          return HttpResponse.json({ Title: 'Unauthorized', Status: 401 }, { status: 401 });
        return HttpResponse.json(
          [...this.tenants.values()]
            .filter((t) => token.grant.tenantIds.includes(t.tenantId))
            .map((t, i) => ({
              id: randomUUID(),
              authEventId: token.grant.authEventId,
              tenantId: t.tenantId,
              tenantType: 'ORGANISATION',
              tenantName: t.name,
              createdDateUtc: new Date(this.now() - i * 1000).toISOString(),
              updatedDateUtc: new Date(this.now()).toISOString(),
            })),
        );
      }),

      http.all(`${API}/:resource`, async ({ request, params }) =>
        this.#api(request, String(params.resource)),
      ),
    ];
  }

  async #api(request: Request, resource: string): Promise<Response> {
    const token = this.#accessTokens.get(
      (request.headers.get('authorization') ?? '').replace(/^Bearer /, ''),
    );
    if (!token || token.revoked)
      return HttpResponse.json(
        {
          Type: 'Unauthorized',
          Title: 'Unauthorized',
          Status: 401,
          Detail: 'AuthenticationUnsuccessful',
        },
        { status: 401 },
      );
    if (token.expiresAt <= this.now())
      return HttpResponse.json(
        {
          Type: 'Unauthorized',
          Title: 'Unauthorized',
          Status: 401,
          Detail: 'TokenExpired: token expired',
        },
        { status: 401 },
      );
    const tenantId = request.headers.get('xero-tenant-id') ?? '';
    const tenant = this.tenants.get(tenantId);
    if (!tenant || !token.grant.tenantIds.includes(tenantId)) {
      return HttpResponse.json(
        {
          Type: 'AuthorizationUnsuccessful',
          Title: 'Forbidden',
          Status: 403,
          Detail: 'AuthorizationUnsuccessful',
        },
        { status: 403 },
      );
    }
    const now = this.now();
    tenant.calls.push(now);
    if (this.options.enforceLimits !== false) {
      const lastMinute = tenant.calls.filter((t) => t > now - 60_000).length;
      if (lastMinute > 60 || tenant.inFlight >= 5) {
        return new HttpResponse(null, {
          status: 429,
          headers: {
            'retry-after': '60',
            'x-rate-limit-problem': lastMinute > 60 ? 'minute' : 'concurrent',
          },
        });
      }
    }
    tenant.inFlight += 1;
    tenant.maxInFlight = Math.max(tenant.maxInFlight, tenant.inFlight);
    try {
      if (this.options.latencyMs) await delay(this.options.latencyMs);
      const fault = this.#faults[0];
      if (fault && !fault.afterCommit) {
        if (--fault.remaining <= 0) this.#faults.shift();
        return HttpResponse.json(
          { Title: 'Server error' },
          { status: fault.status, ...(fault.headers ? { headers: fault.headers } : {}) },
        );
      }
      if (tenant.subscriptionExpired) {
        return HttpResponse.json(
          {
            Type: 'Forbidden',
            Title: 'Forbidden',
            Status: 403,
            Detail: 'The organisation subscription has expired',
          },
          { status: 403 },
        );
      }
      const response =
        request.method === 'GET'
          ? this.#read(tenant, resource, new URL(request.url))
          : await this.#write(tenant, resource, request);
      const after = this.#faults[0];
      if (after?.afterCommit) {
        if (--after.remaining <= 0) this.#faults.shift();
        return HttpResponse.json({ Title: 'Server error' }, { status: after.status });
      }
      return response;
    } finally {
      tenant.inFlight -= 1;
    }
  }

  #read(tenant: XeroTenant, resource: string, url: URL): Response {
    const envelope = {
      Id: randomUUID(),
      Status: 'OK',
      ProviderName: 'commerce-sync tests',
      DateTimeUTC: `/Date(${this.now()})/`,
    };
    switch (resource) {
      case 'Organisation':
        return HttpResponse.json({
          ...envelope,
          Organisations: [
            {
              OrganisationID: tenant.tenantId,
              Name: tenant.name,
              BaseCurrency: tenant.baseCurrency,
              CountryCode: 'GB',
              Version: 'UK',
              PeriodLockDate: tenant.periodLockDate
                ? `/Date(${Date.parse(`${tenant.periodLockDate}T00:00:00Z`)}+0000)/`
                : undefined,
            },
          ],
        });
      case 'Currencies':
        return HttpResponse.json({
          ...envelope,
          Currencies: CURRENCIES,
        });
      case 'Accounts':
        return HttpResponse.json({ ...envelope, Accounts: tenant.accounts });
      case 'TaxRates':
        return HttpResponse.json({ ...envelope, TaxRates: tenant.taxRates });
      case 'Contacts': {
        const page = Number(url.searchParams.get('page') ?? '1');
        const pageSize = Math.min(1000, Number(url.searchParams.get('pageSize') ?? '100'));
        // The one `where` form the connector sends: Name=="…".
        const named = /^Name=="(.*)"$/.exec(url.searchParams.get('where') ?? '')?.[1];
        const visible = (
          url.searchParams.get('includeArchived') === 'true'
            ? tenant.contacts
            : tenant.contacts.filter((c) => c.ContactStatus !== 'ARCHIVED')
        ).filter((c) => named === undefined || c.Name === named);
        const pageCount = Math.max(1, Math.ceil(visible.length / pageSize));
        return HttpResponse.json({
          ...envelope,
          pagination: { page, pageSize, pageCount, itemCount: visible.length },
          Contacts: visible.slice((page - 1) * pageSize, page * pageSize),
        });
      }
      default:
        return HttpResponse.json({ Title: 'Not found' }, { status: 404 });
    }
  }

  async #write(tenant: XeroTenant, resource: string, request: Request): Promise<Response> {
    const collection = COLLECTIONS[resource];
    if (!collection || request.method !== 'PUT')
      return HttpResponse.json({ Title: 'Not found' }, { status: 404 });
    const key = request.headers.get('idempotency-key');
    if (key && key.length > 128)
      return validation(['Idempotency-Key must be 128 characters or fewer']);
    if (key) {
      const seen = tenant.idempotency.get(`${resource}:${key}`);
      if (seen)
        return HttpResponse.json(seen.body as Record<string, unknown>, { status: seen.status });
    }
    const body = (await request.json()) as Record<string, unknown>;
    const errors = this.validator.validate(collection.schema, body);
    if (errors.length > 0) {
      this.rejectedBodies.push({ path: resource, errors });
      return validation(
        errors.map((e) => `Request does not match the Xero schema ${collection.schema}: ${e}`),
      );
    }
    const item = (body[resource] as Array<Record<string, unknown>>)[0]!;
    const problems = this.#business(tenant, resource, item);
    const journal = resource === 'ManualJournals' ? manualJournalTax(tenant, item) : null;
    if (journal) problems.push(...journal.problems);
    if (problems.length > 0) return validation(problems);
    const created = {
      ...item,
      ...(journal ? { JournalLines: journal.lines } : {}),
      [collection.idField]: randomUUID(),
      UpdatedDateUTC: `/Date(${this.now()})/`,
    };
    (tenant.documents[resource] ??= []).push(created);
    if (resource === 'Contacts') {
      tenant.contacts.push({
        ContactID: (created as Record<string, unknown>).ContactID as string,
        Name: String(item.Name),
        ContactStatus: 'ACTIVE',
        IsCustomer: false,
        IsSupplier: false,
      });
    }
    const reply = {
      Id: randomUUID(),
      Status: 'OK',
      ProviderName: 'commerce-sync tests',
      DateTimeUTC: `/Date(${this.now()})/`,
      [resource]: [created],
    };
    if (key) tenant.idempotency.set(`${resource}:${key}`, { status: 200, body: reply });
    return HttpResponse.json(reply);
  }

  /** Xero's business rules that the schema cannot express. */
  #business(tenant: XeroTenant, resource: string, item: Record<string, unknown>): string[] {
    const problems: string[] = [];
    const date = typeof item.Date === 'string' ? item.Date : null;
    if (date && tenant.periodLockDate && date <= tenant.periodLockDate) {
      problems.push(
        `The period is locked: the document date cannot be on or before the period lock date (${tenant.periodLockDate}).`,
      );
    }
    const accountIds: string[] = [];
    const lines = (item.JournalLines ?? item.LineItems ?? []) as Array<Record<string, unknown>>;
    for (const line of lines)
      if (typeof line.AccountID === 'string') accountIds.push(line.AccountID);
    for (const ref of [item.Account, item.BankAccount, item.FromBankAccount, item.ToBankAccount]) {
      const id =
        ref && typeof ref === 'object' ? (ref as Record<string, unknown>).AccountID : undefined;
      if (typeof id === 'string') accountIds.push(id);
    }
    for (const id of accountIds) {
      const account = tenant.accounts.find((a) => a.AccountID === id);
      if (!account || account.Status === 'DELETED')
        problems.push(`Account '${id}' is not a valid account for this organisation.`);
      else if (account.Status === 'ARCHIVED')
        problems.push(
          `Account code '${account.Code}' has been archived, or has been deleted. Each line item must reference a valid account.`,
        );
    }
    const currency =
      typeof item.CurrencyCode === 'string' ? item.CurrencyCode : tenant.baseCurrency;
    if (!CURRENCIES.some((c) => c.Code === currency))
      problems.push(`The currency '${currency}' is not enabled for this organisation.`);
    const minor = (n: unknown) => toMinor(n as number, currency);
    for (const line of lines) {
      if (line.TaxType === undefined) continue;
      const rate = tenant.taxRates.find((t) => t.TaxType === line.TaxType);
      if (!rate || rate.Status !== 'ACTIVE')
        problems.push(
          `The TaxType code '${String(line.TaxType)}' does not exist or cannot be used for this type of transaction.`,
        );
    }
    if (resource === 'Contacts') {
      const taken = tenant.contacts.some(
        (c) => c.ContactStatus === 'ACTIVE' && c.Name === String(item.Name),
      );
      if (taken)
        problems.push(
          `The contact name ${String(item.Name)} is already assigned to another contact. The contact name must be unique across all active contacts.`,
        );
    }
    if (resource === 'Invoices' || resource === 'CreditNotes') {
      for (const line of lines) {
        const account = tenant.accounts.find((a) => a.AccountID === line.AccountID);
        if (account?.Type === 'BANK')
          problems.push(
            `Account code '${account.Code}' is a bank account and cannot be used on a line item.`,
          );
      }
      const total = lines.reduce(
        (s, l) => s + minor(l.LineAmount ?? 0) + minor(l.TaxAmount ?? 0),
        0,
      );
      if (total < 0) problems.push('The document total cannot be negative.');
    }
    if (resource === 'ManualJournals') {
      // System accounts (accounts receivable, payable, …) take no manual journals in Xero.
      for (const line of lines) {
        const account = tenant.accounts.find((a) => a.AccountID === line.AccountID);
        if (account?.SystemAccount)
          problems.push(
            `Account code '${account.Code}' is a system account and cannot be used in a manual journal.`,
          );
      }
    }
    if (resource === 'BankTransactions') {
      // Spend/receive money sits on a bank account, in that account's currency, coded to
      // non-bank accounts (bank to bank is a BankTransfer).
      const bankId = (item.BankAccount as { AccountID?: string } | undefined)?.AccountID;
      const bank = tenant.accounts.find((a) => a.AccountID === bankId);
      if (bank && bank.Type !== 'BANK')
        problems.push(`Account code '${bank.Code}' is not a bank account.`);
      else if (bank && (bank.CurrencyCode ?? tenant.baseCurrency) !== currency)
        problems.push(
          `The currency of the bank transaction (${currency}) must match the currency of the bank account (${bank.CurrencyCode ?? tenant.baseCurrency}).`,
        );
      for (const line of lines) {
        const account = tenant.accounts.find((a) => a.AccountID === line.AccountID);
        if (account?.Type === 'BANK')
          problems.push(
            `Account code '${account.Code}' is a bank account and cannot be used on a line item.`,
          );
      }
    }
    if (resource === 'Payments') {
      const account = tenant.accounts.find(
        (a) => a.AccountID === (item.Account as { AccountID: string }).AccountID,
      );
      if (account && account.Type !== 'BANK' && !account.EnablePaymentsToAccount)
        problems.push(`Payments cannot be made to account '${account.Code}'.`);
      const invoiceId = (item.Invoice as { InvoiceID?: string } | undefined)?.InvoiceID;
      const creditNoteId = (item.CreditNote as { CreditNoteID?: string } | undefined)?.CreditNoteID;
      const target = invoiceId
        ? (tenant.documents.Invoices ?? []).find((d) => d.InvoiceID === invoiceId)
        : (tenant.documents.CreditNotes ?? []).find((d) => d.CreditNoteID === creditNoteId);
      if (!target) problems.push('Invoice or credit note could not be found.');
      else {
        const lineTotal = ((target.LineItems ?? []) as Array<Record<string, unknown>>).reduce(
          (s, l) => s + minor(l.LineAmount) + minor(l.TaxAmount ?? 0),
          0,
        );
        const settles = (p: Record<string, unknown>) =>
          invoiceId
            ? (p.Invoice as { InvoiceID?: string } | undefined)?.InvoiceID === invoiceId
            : (p.CreditNote as { CreditNoteID?: string } | undefined)?.CreditNoteID ===
              creditNoteId;
        const paid = (tenant.documents.Payments ?? [])
          .filter(settles)
          .reduce((s, p) => s + minor(p.Amount), 0);
        if (paid + minor(item.Amount) > lineTotal)
          problems.push('Payment amount exceeds the amount outstanding on this document.');
      }
    }
    for (const contactRef of [item.Contact]) {
      const id = (contactRef as { ContactID?: string } | undefined)?.ContactID;
      if (!id) continue;
      const contact = tenant.contacts.find((c) => c.ContactID === id);
      if (!contact) problems.push('The contact could not be found.');
      else if (contact.ContactStatus === 'ARCHIVED')
        problems.push(`The contact '${contact.Name}' has been archived.`);
    }
    return problems;
  }
}

/**
 * A manual journal's lines with Xero's calculated `TaxAmount`, and what Xero refuses: a TaxAmount
 * that is not the calculated one (the field is calculated from TaxType and LineAmount), tax-free
 * journals (NoTax, the default) whose lines do not sum to zero, and tax-exclusive or -inclusive
 * ones whose debits and credits differ once the tax is added. A line without TaxType takes the
 * account's default rate (revenue: the first active output rate, expenses: input, else none).
 */
function manualJournalTax(
  tenant: XeroTenant,
  item: Record<string, unknown>,
): { lines: Array<Record<string, unknown>>; problems: string[] } {
  const problems: string[] = [];
  const currency = tenant.baseCurrency;
  const mode = (item.LineAmountTypes as string | undefined) ?? 'NoTax';
  const percent = (taxType: string | undefined): number =>
    tenant.taxRates.find((t) => t.TaxType === taxType && t.Status === 'ACTIVE')?.EffectiveRate ?? 0;
  const defaultTaxType = (accountId: unknown): string => {
    const account = tenant.accounts.find((a) => a.AccountID === accountId);
    const prefix =
      account?.Class === 'REVENUE' ? 'OUTPUT' : account?.Class === 'EXPENSE' ? 'INPUT' : null;
    const rate = prefix
      ? tenant.taxRates.find((t) => t.TaxType.startsWith(prefix) && t.Status === 'ACTIVE')
      : undefined;
    return rate?.TaxType ?? 'NONE';
  };
  let balance = 0;
  const lines = ((item.JournalLines ?? []) as Array<Record<string, unknown>>).map(
    (line): Record<string, unknown> => {
      const amount = toMinor(line.LineAmount as number, currency);
      const taxType = (line.TaxType as string | undefined) ?? defaultTaxType(line.AccountID);
      const p = percent(taxType);
      let tax = 0;
      if (mode === 'Exclusive') tax = taxAtPercent(amount, p);
      else if (mode === 'Inclusive')
        tax = Math.sign(amount) * Math.round((Math.abs(amount) * p) / (100 + p));
      if (line.TaxAmount !== undefined && toMinor(line.TaxAmount as number, currency) !== tax)
        problems.push(
          `TaxAmount ${String(line.TaxAmount)} on "${String(line.Description ?? '')}" is not the tax calculated from its TaxType and LineAmount (${fromMinor(tax, currency)}).`,
        );
      balance += mode === 'Exclusive' ? amount + tax : amount;
      return { ...line, TaxType: taxType, TaxAmount: Number(fromMinor(tax, currency)) };
    },
  );
  if (balance !== 0) {
    const debits = lines.reduce((s, l) => {
      const total =
        toMinor(l.LineAmount as number, currency) +
        (mode === 'Exclusive' ? toMinor(l.TaxAmount as number, currency) : 0);
      return total > 0 ? s + total : s;
    }, 0);
    problems.push(
      `The total debits (${fromMinor(debits, currency)}) must equal total credits (${fromMinor(balance - debits, currency)}).`,
    );
  }
  return { lines, problems };
}

function validation(messages: string[]): Response {
  return HttpResponse.json(
    {
      ErrorNumber: 10,
      Type: 'ValidationException',
      Message: 'A validation exception occurred',
      Elements: [{ ValidationErrors: messages.map((Message) => ({ Message })) }],
    },
    { status: 400 },
  );
}
