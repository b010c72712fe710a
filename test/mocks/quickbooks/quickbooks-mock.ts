import { randomUUID } from 'node:crypto';
import { delay, http, HttpResponse } from 'msw';
import type { HttpHandler } from 'msw';
import { taxAtPercent, toMinor } from '../../../src/contract/money.js';
import { QUICKBOOKS_CREATE_SCHEMAS } from './schemas.js';
import type { QuickBooksCreateEntity } from './schemas.js';

/**
 * A stateful stand-in for QuickBooks Online (Intuit OAuth + Accounting API v3) for MSW. Create
 * bodies are validated with the zod schemas in `schemas.ts`; writes are stored by `requestid`
 * and replayed; queries honour STARTPOSITION/MAXRESULTS; closed books, inactive references and
 * unbalanced journals are refused with Intuit-style faults; 500/min and 10 concurrent per realm
 * are enforced with 429s. Journal lines with a tax code get QuickBooks' per-line tax (each of the
 * code's sales rates on the line amount, rounded per line, as non-US editions compute it): the
 * sent TaxAmount and TxnTaxDetail must match it, and debits equal credits with the tax included.
 * Unknown or inactive tax codes and currencies the company has not enabled are refused.
 */

/** The company's currency list (`CompanyCurrency`); USD is listed but inactive. */
const COMPANY_CURRENCIES = [
  { Code: 'GBP', Active: true },
  { Code: 'EUR', Active: true },
  { Code: 'USD', Active: false },
];

export const QUICKBOOKS_CLIENT = { clientId: 'qbo-client-id', clientSecret: 'qbo-client-secret' };
export const QBO_API = 'https://sandbox-quickbooks.api.intuit.com/v3/company';

export interface QboAccount {
  Id: string;
  Name: string;
  AcctNum?: string;
  AccountType: string;
  Classification: 'Asset' | 'Liability' | 'Equity' | 'Revenue' | 'Expense';
  Active: boolean;
  CurrencyRef?: { value: string };
}

export interface QboParty {
  Id: string;
  DisplayName: string;
  Active: boolean;
}

export interface QboRealm {
  realmId: string;
  companyName: string;
  homeCurrency: string;
  bookCloseDate: string | null;
  accounts: QboAccount[];
  taxCodes: Array<{
    Id: string;
    Name: string;
    Active: boolean;
    SalesTaxRateList: { TaxRateDetail: Array<{ TaxRateRef: { value: string } }> };
  }>;
  taxRates: Array<{ Id: string; Name: string; RateValue: number; Active: boolean }>;
  customers: QboParty[];
  vendors: QboParty[];
  items: Array<{ Id: string; Name: string; Type: string; IncomeAccountRef: { value: string } }>;
  created: Partial<Record<QuickBooksCreateEntity, Array<Record<string, unknown>>>>;
  requestIds: Map<string, unknown>;
  calls: number[];
  inFlight: number;
  maxInFlight: number;
  subscriptionEnded: boolean;
  nextId: number;
  /** Preferences › CurrencyPrefs › MultiCurrencyEnabled (default true). */
  multiCurrency?: boolean;
  /** QuickBooks' exchange-rate table: home-currency units per unit, by currency and date. */
  exchangeRates?: Record<string, Record<string, number>>;
}

export const qboIds = {
  sales: '79',
  vat: '88',
  gratuity: '81',
  cardClearing: '90',
  cashClearing: '91',
  bank: '35',
  savings: '36',
  fees: '54',
  receivable: '84',
  payable: '33',
  customer: '58',
  supplier: '41',
  salesTax: '3',
  noTax: '10',
};

/** A UK-edition company with the chart, VAT codes and parties the tests use. */
export function ukRealm(realmId = '9130355555555555', customerCount = 2): QboRealm {
  const customers: QboParty[] = [{ Id: qboIds.customer, DisplayName: 'Daily Sales', Active: true }];
  for (let i = 1; i < customerCount; i += 1)
    customers.push({ Id: String(1000 + i), DisplayName: `Customer ${i}`, Active: i % 9 !== 0 });
  const a = (
    Id: string,
    Name: string,
    AccountType: string,
    Classification: QboAccount['Classification'],
  ): QboAccount => ({ Id, Name, AccountType, Classification, Active: true });
  return {
    realmId,
    companyName: 'Corner Café Ltd',
    homeCurrency: 'GBP',
    bookCloseDate: null,
    accounts: [
      a(qboIds.sales, 'Sales', 'Income', 'Revenue'),
      a(qboIds.vat, 'VAT Control', 'Other Current Liability', 'Liability'),
      a(qboIds.gratuity, 'Gratuities', 'Other Current Liability', 'Liability'),
      a(qboIds.cardClearing, 'Card clearing', 'Other Current Asset', 'Asset'),
      a(qboIds.cashClearing, 'Cash in till', 'Other Current Asset', 'Asset'),
      a(qboIds.bank, 'Current account', 'Bank', 'Asset'),
      a(qboIds.savings, 'Savings', 'Bank', 'Asset'),
      a(qboIds.fees, 'Card fees', 'Expense', 'Expense'),
      a(qboIds.receivable, 'Debtors', 'Accounts Receivable', 'Asset'),
      a(qboIds.payable, 'Creditors', 'Accounts Payable', 'Liability'),
      { ...a('12', 'Old sales', 'Income', 'Revenue'), Active: false },
    ],
    taxCodes: [
      {
        Id: qboIds.salesTax,
        Name: '20.0% S',
        Active: true,
        SalesTaxRateList: { TaxRateDetail: [{ TaxRateRef: { value: '7' } }] },
      },
      { Id: qboIds.noTax, Name: 'No VAT', Active: true, SalesTaxRateList: { TaxRateDetail: [] } },
      {
        Id: '14',
        Name: 'GST/PST BC',
        Active: true,
        SalesTaxRateList: {
          TaxRateDetail: [{ TaxRateRef: { value: '21' } }, { TaxRateRef: { value: '22' } }],
        },
      },
    ],
    taxRates: [
      { Id: '7', Name: '20.0% S (sales)', RateValue: 20, Active: true },
      { Id: '21', Name: 'GST', RateValue: 5, Active: true },
      { Id: '22', Name: 'PST (BC)', RateValue: 7, Active: true },
    ],
    customers,
    vendors: [{ Id: qboIds.supplier, DisplayName: 'Card Processor Ltd', Active: true }],
    items: [],
    created: {},
    requestIds: new Map(),
    calls: [],
    inFlight: 0,
    maxInFlight: 0,
    subscriptionEnded: false,
    nextId: 500,
  };
}

const ENTITY_BY_PATH = new Map(
  Object.keys(QUICKBOOKS_CREATE_SCHEMAS).map((e) => [e.toLowerCase(), e as QuickBooksCreateEntity]),
);

function fault(
  status: number,
  code: string,
  message: string,
  detail: string,
  type = 'ValidationFault',
): Response {
  return HttpResponse.json(
    {
      Fault: { Error: [{ Message: message, Detail: detail, code, element: '' }], type },
      time: new Date().toISOString(),
    },
    { status },
  );
}

/** The mock QuickBooks Online: state plus MSW handlers. */
export class QuickBooksMock {
  readonly realms = new Map<string, QboRealm>();
  readonly #codes = new Map<string, { redirectUri: string }>();
  readonly #access = new Map<string, { expiresAt: number; revoked: boolean; family: string }>();
  readonly #refresh = new Map<string, { revoked: boolean; family: string }>();
  readonly #faults: Array<{
    remaining: number;
    status: number;
    headers?: Record<string, string>;
    afterCommit: boolean;
  }> = [];
  readonly now: () => number;
  refreshCount = 0;
  revocations = 0;
  readonly rejectedBodies: Array<{ entity: string; issues: string[] }> = [];

  constructor(private readonly options: { now?: () => number; latencyMs?: number } = {}) {
    this.now = options.now ?? (() => Date.now());
  }

  addRealm(realm: QboRealm): QboRealm {
    this.realms.set(realm.realmId, realm);
    return realm;
  }

  consent(redirectUri: string): string {
    const code = `AB${randomUUID().replace(/-/g, '')}`;
    this.#codes.set(code, { redirectUri });
    return code;
  }

  issueTokens(ttlSeconds = 3600): { accessToken: string; refreshToken: string; expiresAt: number } {
    return this.#mint(randomUUID(), ttlSeconds);
  }

  expireAccessTokens(): void {
    for (const t of this.#access.values()) t.expiresAt = this.now() - 1;
  }

  revokeAll(): void {
    for (const t of this.#access.values()) t.revoked = true;
    for (const t of this.#refresh.values()) t.revoked = true;
  }

  failNext(
    count: number,
    status: number,
    headers?: Record<string, string>,
    afterCommit = false,
  ): void {
    this.#faults.push({ remaining: count, status, ...(headers ? { headers } : {}), afterCommit });
  }

  #mint(family: string, ttlSeconds: number) {
    const accessToken = `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${randomUUID()}`;
    const refreshToken = `AB11${randomUUID().replace(/-/g, '')}`;
    const expiresAt = this.now() + ttlSeconds * 1000;
    this.#access.set(accessToken, { expiresAt, revoked: false, family });
    this.#refresh.set(refreshToken, { revoked: false, family });
    return { accessToken, refreshToken, expiresAt };
  }

  handlers(): HttpHandler[] {
    const basic = `Basic ${Buffer.from(`${QUICKBOOKS_CLIENT.clientId}:${QUICKBOOKS_CLIENT.clientSecret}`).toString('base64')}`;
    return [
      http.post(
        'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
        async ({ request }) => {
          if (request.headers.get('authorization') !== basic)
            return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
          const form = new URLSearchParams(await request.text());
          const reply = (m: { accessToken: string; refreshToken: string }) =>
            HttpResponse.json({
              access_token: m.accessToken,
              refresh_token: m.refreshToken,
              expires_in: 3600,
              x_refresh_token_expires_in: 8726400,
              token_type: 'bearer',
            });
          if (form.get('grant_type') === 'authorization_code') {
            const code = this.#codes.get(form.get('code') ?? '');
            if (!code || code.redirectUri !== form.get('redirect_uri'))
              return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
            this.#codes.delete(form.get('code')!);
            return reply(this.#mint(randomUUID(), 3600));
          }
          if (form.get('grant_type') === 'refresh_token') {
            const stored = this.#refresh.get(form.get('refresh_token') ?? '');
            if (!stored || stored.revoked)
              return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
            stored.revoked = true;
            this.refreshCount += 1;
            return reply(this.#mint(stored.family, 3600));
          }
          return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 });
        },
      ),

      http.post('https://developer.api.intuit.com/v2/oauth2/tokens/revoke', async ({ request }) => {
        if (request.headers.get('authorization') !== basic)
          return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
        const { token } = (await request.json()) as { token?: string };
        const family =
          this.#refresh.get(token ?? '')?.family ?? this.#access.get(token ?? '')?.family;
        if (!family) return HttpResponse.json({ error: 'invalid_token' }, { status: 400 });
        for (const t of [...this.#refresh.values(), ...this.#access.values()])
          if (t.family === family) t.revoked = true;
        this.revocations += 1;
        return new HttpResponse(null, { status: 200 });
      }),

      http.all(`${QBO_API}/:realmId/*`, async ({ request, params }) =>
        this.#api(request, String(params.realmId)),
      ),
    ];
  }

  async #api(request: Request, realmId: string): Promise<Response> {
    const token = this.#access.get(
      (request.headers.get('authorization') ?? '').replace(/^Bearer /, ''),
    );
    if (!token || token.revoked || token.expiresAt <= this.now()) {
      return HttpResponse.json(
        {
          fault: {
            error: [
              {
                message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
                detail: 'Token expired',
                code: '3200',
              },
            ],
            type: 'AUTHENTICATION',
          },
        },
        { status: 401 },
      );
    }
    const realm = this.realms.get(realmId);
    if (!realm)
      return fault(
        403,
        '3100',
        'ApplicationAuthorizationFailed',
        'The app is not connected to this company',
        'AuthorizationFault',
      );
    const url = new URL(request.url);
    if (url.searchParams.get('minorversion') === null)
      return fault(
        400,
        '2010',
        'Request has invalid or unsupported property',
        'minorversion is required',
      );
    const now = this.now();
    realm.calls.push(now);
    if (realm.calls.filter((t) => t > now - 60_000).length > 500 || realm.inFlight >= 10) {
      return fault(429, '003001', 'ThrottleExceeded', 'Throttle exceeded', 'ThrottleFault');
    }
    realm.inFlight += 1;
    realm.maxInFlight = Math.max(realm.maxInFlight, realm.inFlight);
    try {
      if (this.options.latencyMs) await delay(this.options.latencyMs);
      const first = this.#faults[0];
      if (first && !first.afterCommit) {
        if (--first.remaining <= 0) this.#faults.shift();
        return HttpResponse.json(
          {
            Fault: {
              Error: [{ Message: 'An application error has occurred', code: '10000' }],
              type: 'SystemFault',
            },
          },
          { status: first.status, ...(first.headers ? { headers: first.headers } : {}) },
        );
      }
      if (realm.subscriptionEnded)
        return fault(
          403,
          '6190',
          'Invalid Company Status',
          'The subscription period has ended or the account has been cancelled.',
        );
      const path = url.pathname.slice(`/v3/company/${realmId}/`.length);
      const response =
        request.method === 'GET'
          ? this.#read(realm, path, url)
          : await this.#create(realm, path, url, request);
      const after = this.#faults[0];
      if (after?.afterCommit) {
        if (--after.remaining <= 0) this.#faults.shift();
        return HttpResponse.json(
          {
            Fault: {
              Error: [{ Message: 'An application error has occurred', code: '10000' }],
              type: 'SystemFault',
            },
          },
          { status: after.status },
        );
      }
      return response;
    } finally {
      realm.inFlight -= 1;
    }
  }

  #read(realm: QboRealm, path: string, url: URL): Response {
    const time = new Date(this.now()).toISOString();
    if (path === `companyinfo/${realm.realmId}`)
      return HttpResponse.json({
        CompanyInfo: {
          Id: realm.realmId,
          CompanyName: realm.companyName,
          Country: 'GB',
          SyncToken: '3',
        },
        time,
      });
    if (path === 'preferences') {
      return HttpResponse.json({
        Preferences: {
          AccountingInfoPrefs: realm.bookCloseDate ? { BookCloseDate: realm.bookCloseDate } : {},
          CurrencyPrefs: {
            HomeCurrency: { value: realm.homeCurrency },
            MultiCurrencyEnabled: realm.multiCurrency !== false,
          },
        },
        time,
      });
    }
    if (path === 'exchangerate') {
      const source = url.searchParams.get('sourcecurrencycode') ?? '';
      const asOf = url.searchParams.get('asofdate') ?? new Date(this.now()).toISOString().slice(0, 10);
      const rate = realm.exchangeRates?.[source]?.[asOf];
      if (realm.multiCurrency === false || rate === undefined)
        return fault(400, '610', 'Object Not Found', `No exchange rate for ${source} on ${asOf}`);
      return HttpResponse.json({
        ExchangeRate: {
          SourceCurrencyCode: source,
          TargetCurrencyCode: realm.homeCurrency,
          Rate: rate,
          AsOfDate: asOf,
        },
        time,
      });
    }
    const single = /^(invoice|creditmemo|bill|vendorcredit)\/(\w+)$/.exec(path);
    if (single) {
      const entity = ENTITY_BY_PATH.get(single[1]!)!;
      const found = (realm.created[entity] ?? []).find((e) => e.Id === single[2]);
      return found
        ? HttpResponse.json({ [entity]: found, time })
        : fault(400, '610', 'Object Not Found', `${entity} ${single[2]} not found`);
    }
    if (path !== 'query') return fault(400, '2030', 'Invalid ID', `Unknown path ${path}`);
    const query = url.searchParams.get('query') ?? '';
    const m = /^select \* from (\w+)(?: where (.+?))? STARTPOSITION (\d+) MAXRESULTS (\d+)$/i.exec(
      query,
    );
    if (!m) return fault(400, '4000', 'Error parsing query', `QueryParserError: ${query}`);
    const [, entity, where, start, max] = m;
    const source: Record<string, unknown[]> = {
      Account: realm.accounts,
      TaxCode: realm.taxCodes,
      TaxRate: realm.taxRates,
      Customer: realm.customers,
      Vendor: realm.vendors,
      Item: realm.items,
      CompanyCurrency: COMPANY_CURRENCIES,
    };
    let rows = (source[entity!] ?? []) as Array<Record<string, unknown>>;
    if (where && !/^Active IN \(true, false\)$/i.test(where)) {
      const byName = /^Name = '(.*)'$/.exec(where);
      if (!byName) return fault(400, '4000', 'Error parsing query', `Unsupported where: ${where}`);
      rows = rows.filter((r) => r.Name === byName[1]!.replace(/\\'/g, "'"));
    } else if (!where) {
      rows = rows.filter((r) => r.Active !== false);
    }
    const page = rows.slice(Number(start) - 1, Number(start) - 1 + Math.min(Number(max), 1000));
    return HttpResponse.json({
      QueryResponse:
        page.length > 0
          ? { [entity!]: page, startPosition: Number(start), maxResults: page.length }
          : {},
      time,
    });
  }

  async #create(realm: QboRealm, path: string, url: URL, request: Request): Promise<Response> {
    const entity = ENTITY_BY_PATH.get(path);
    if (!entity) return fault(400, '2030', 'Invalid ID', `Unknown entity ${path}`);
    const requestId = url.searchParams.get('requestid');
    if (requestId && requestId.length > 50)
      return fault(400, '2050', 'Invalid String Length', 'requestid is longer than 50 characters');
    if (requestId) {
      const seen = realm.requestIds.get(requestId);
      if (seen) return HttpResponse.json(seen);
    }
    const body = (await request.json()) as Record<string, unknown>;
    const parsed = QUICKBOOKS_CREATE_SCHEMAS[entity].safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      this.rejectedBodies.push({ entity, issues });
      return fault(
        400,
        '2020',
        'Required param missing, need to supply the required value for the API',
        issues.join('; '),
      );
    }
    const problems = this.#business(realm, entity, body);
    if (problems) return problems;
    const Id = String(realm.nextId++);
    const stamp = new Date(this.now()).toISOString();
    const created = {
      ...body,
      Id,
      SyncToken: '0',
      domain: 'QBO',
      MetaData: { CreateTime: stamp, LastUpdatedTime: stamp },
    };
    (realm.created[entity] ??= []).push(created);
    if (entity === 'Item') realm.items.push(created as unknown as QboRealm['items'][number]);
    const reply = { [entity]: created, time: stamp };
    if (requestId) realm.requestIds.set(requestId, reply);
    return HttpResponse.json(reply);
  }

  #business(
    realm: QboRealm,
    entity: QuickBooksCreateEntity,
    body: Record<string, unknown>,
  ): Response | null {
    const date = body.TxnDate as string | undefined;
    if (date && realm.bookCloseDate && date <= realm.bookCloseDate) {
      return fault(
        400,
        '6210',
        'Account Period Closed, Cannot Update Through Services API',
        'The account period has closed and the account books cannot be updated through the QBO Services API. Please use the QBO website to make these changes.',
      );
    }
    const refs: Array<{ kind: 'Account' | 'Customer' | 'Vendor'; id: string }> = [];
    const walk = (node: unknown, key = ''): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, key));
      if (!node || typeof node !== 'object') return;
      const obj = node as Record<string, unknown>;
      if (key === 'Entity' && typeof obj.Type === 'string') {
        refs.push({
          kind: obj.Type === 'Customer' ? 'Customer' : 'Vendor',
          id: (obj.EntityRef as { value: string }).value,
        });
        return;
      }
      if (typeof obj.value === 'string') {
        if (/AccountRef$/.test(key)) refs.push({ kind: 'Account', id: obj.value });
        if (key === 'CustomerRef') refs.push({ kind: 'Customer', id: obj.value });
        if (key === 'VendorRef') refs.push({ kind: 'Vendor', id: obj.value });
        if (key === 'Entity' || key === 'EntityRef')
          refs.push({ kind: obj.type === 'Customer' ? 'Customer' : 'Vendor', id: obj.value });
      }
      for (const [k, v] of Object.entries(obj)) walk(v, k);
    };
    walk(body);
    for (const ref of refs) {
      const pool: Array<{ Id: string; Active: boolean }> =
        ref.kind === 'Account'
          ? realm.accounts
          : ref.kind === 'Customer'
            ? realm.customers
            : realm.vendors;
      const found = pool.find((p) => p.Id === ref.id);
      if (!found)
        return fault(
          400,
          '2500',
          'Invalid Reference Id',
          `Invalid Reference Id : ${ref.kind} ${ref.id} does not exist`,
        );
      if (!found.Active)
        return fault(
          400,
          '610',
          'Object Not Found',
          `${ref.kind} (Id ${ref.id}) has been made inactive. Make it active or choose another.`,
        );
    }
    const currency =
      (body.CurrencyRef as { value?: string } | undefined)?.value ?? realm.homeCurrency;
    if (!COMPANY_CURRENCIES.some((c) => c.Code === currency && c.Active))
      return fault(
        400,
        '6000',
        'A business validation error has occurred while processing your request',
        `Currency ${currency} is not enabled in this company's currency list.`,
      );
    const foreignProblem = currencyProblem(realm, body, currency);
    if (foreignProblem)
      return fault(
        400,
        '6000',
        'A business validation error has occurred while processing your request',
        foreignProblem,
      );
    if (entity === 'JournalEntry') {
      const problem = journalTaxProblem(realm, body, currency);
      if (problem)
        return fault(
          400,
          '6000',
          'A business validation error has occurred while processing your request',
          problem,
        );
    }
    if (entity === 'Payment' || entity === 'BillPayment') {
      for (const line of (body.Line ?? []) as Array<{
        LinkedTxn: Array<{ TxnId: string; TxnType: QuickBooksCreateEntity }>;
      }>) {
        for (const link of line.LinkedTxn) {
          if (!(realm.created[link.TxnType] ?? []).some((t) => t.Id === link.TxnId))
            return fault(
              400,
              '610',
              'Object Not Found',
              `Linked ${link.TxnType} ${link.TxnId} not found`,
            );
        }
      }
    }
    return null;
  }
}

type JournalLineBody = {
  Amount: number;
  Description?: string;
  JournalEntryLineDetail: {
    PostingType: string;
    TaxCodeRef?: { value: string };
    TaxApplicableOn?: string;
    TaxAmount?: number;
  };
};

/**
 * What QuickBooks refuses in a journal entry's tax: an unknown or inactive tax code, a coded line
 * without TaxApplicableOn, a TaxAmount that is not the code's rates on the line amount (each
 * rounded per line) or one without a tax code, a TxnTaxDetail that does not add up to the lines'
 * tax per rate (payable positive), and debits that differ from credits once the tax is added.
 */
function journalTaxProblem(
  realm: QboRealm,
  body: Record<string, unknown>,
  currency: string,
): string | null {
  let balance = 0;
  let payable = 0;
  const perRate = new Map<string, number>();
  for (const line of body.Line as JournalLineBody[]) {
    const detail = line.JournalEntryLineDetail;
    const sign = detail.PostingType === 'Debit' ? 1 : -1;
    const amount = toMinor(line.Amount, currency);
    const sent = detail.TaxAmount === undefined ? 0 : toMinor(detail.TaxAmount, currency);
    let tax = 0;
    if (detail.TaxCodeRef) {
      const code = realm.taxCodes.find((c) => c.Id === detail.TaxCodeRef!.value);
      if (!code || !code.Active)
        return `Invalid Reference Id : TaxCode ${detail.TaxCodeRef.value} does not exist or is inactive.`;
      if (!detail.TaxApplicableOn)
        return `TaxApplicableOn is required on a line with a TaxCodeRef ("${line.Description ?? ''}").`;
      for (const { TaxRateRef } of code.SalesTaxRateList.TaxRateDetail) {
        const rate = realm.taxRates.find((r) => r.Id === TaxRateRef.value);
        if (!rate || !rate.Active) return `TaxRate ${TaxRateRef.value} is inactive.`;
        const part = taxAtPercent(amount, rate.RateValue);
        tax += part;
        perRate.set(rate.Id, (perRate.get(rate.Id) ?? 0) - sign * part);
      }
      if (sent !== tax)
        return `TaxAmount ${detail.TaxAmount ?? 0} on "${line.Description ?? ''}" is not the tax of its tax code (${tax / 100}).`;
    } else if (sent !== 0) {
      return `A TaxAmount needs a TaxCodeRef ("${line.Description ?? ''}").`;
    }
    balance += sign * (amount + tax);
    payable -= sign * tax;
  }
  if (balance !== 0) return 'Transaction is not balanced: debits must equal credits.';
  const detail = body.TxnTaxDetail as
    | {
        TotalTax: number;
        TaxLine?: Array<{ Amount: number; TaxLineDetail: { TaxRateRef: { value: string } } }>;
      }
    | undefined;
  const itemised = [...perRate].filter(([, v]) => v !== 0);
  if (!detail) return itemised.length > 0 ? 'TxnTaxDetail is required when lines carry tax.' : null;
  if (toMinor(detail.TotalTax, currency) !== payable)
    return `TxnTaxDetail.TotalTax ${detail.TotalTax} is not the lines' tax (${payable / 100}).`;
  for (const [rateId, tax] of itemised) {
    const line = (detail.TaxLine ?? []).find((l) => l.TaxLineDetail.TaxRateRef.value === rateId);
    if (!line || toMinor(line.Amount, currency) !== tax)
      return `TxnTaxDetail has no TaxLine of ${tax / 100} for TaxRate ${rateId}.`;
  }
  return null;
}

/**
 * QuickBooks' multicurrency rules: a transaction in a currency other than the home currency
 * needs multicurrency on; its ExchangeRate (home units per unit) must be positive, and exactly 1
 * in the home currency; every account it posts to is in the home currency or the transaction's.
 */
function currencyProblem(
  realm: QboRealm,
  body: Record<string, unknown>,
  currency: string,
): string | null {
  const rate = body.ExchangeRate as number | undefined;
  if (currency === realm.homeCurrency) {
    return rate !== undefined && rate !== 1
      ? `ExchangeRate must be 1 for a ${currency} transaction in a ${currency} company.`
      : null;
  }
  if (realm.multiCurrency === false)
    return `Multicurrency is not turned on: transactions must be in ${realm.homeCurrency}.`;
  if (rate !== undefined && !(rate > 0)) return `ExchangeRate ${String(rate)} must be positive.`;
  for (const line of (body.Line ?? []) as Array<Record<string, unknown>>) {
    const detail = line.JournalEntryLineDetail as { AccountRef?: { value: string } } | undefined;
    const account = realm.accounts.find((a) => a.Id === detail?.AccountRef?.value);
    const accountCurrency = account?.CurrencyRef?.value ?? realm.homeCurrency;
    if (account && accountCurrency !== realm.homeCurrency && accountCurrency !== currency)
      return `Account ${account.Name} is in ${accountCurrency}; a ${currency} transaction can only post to ${realm.homeCurrency} or ${currency} accounts.`;
  }
  return null;
}
