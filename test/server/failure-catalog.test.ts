/*
 * Every catalogued sync failure, proved through a real run: the sync service's HTTP API only,
 * plus the sandbox admin to cause the fault in the ledger. Each case links and configures a
 * company, pushes generated records, causes the failure, syncs and checks what the partner and
 * the merchant see (status code, catalog code, merchant message, support detail, wizard step),
 * then fixes the cause the way a merchant would and checks the ledger holds every document once.
 */
import type { Configuration } from '../../src/contract/configuration.js';
import { ERROR_CATALOG, formatCatalogMessage, type SyncErrorCode } from '../../src/contract/error-catalog.js';
import { CompanySyncStatusSchema, PushItemsSchema, type CompanySyncStatus } from '../../src/contract/sync-api.js';
import type { SandboxAdmin } from '../../src/platforms/sandbox/index.js';
import { REFRESH_TOKEN_TTL_MS } from '../../src/platforms/sandbox/index.js';
import { buildConfiguration, buildOrder, buildPayment, generateMerchant, SANDBOX_ACCOUNTS, type ConfigurationFixtureOptions } from '../fixtures/index.js';
import { call, clock, makeService, linkSandbox } from './helpers.js';

type Service = ReturnType<typeof makeService>;

/** Two merchant-local days (27–28 March 2026, Europe/London) of realistic UK sales, fees and payouts. */
const MERCHANT = generateMerchant({ seed: 11, days: 2, ordersPerDay: 12 });
const FIRST_DAY = MERCHANT.period.start;
const SECOND_DAY = '2026-03-28';
/** The morning after the period, past the 02:00 sync hour. */
const NOW = `${MERCHANT.period.end}T09:00:00Z`;

interface Company {
  service: Service;
  admin: SandboxAdmin;
  companyId: string;
  connectionId: string;
  ledgerId: string;
  setClock(iso: string): void;
}

interface FailureCase {
  code: SyncErrorCode;
  /** What the merchant changes before syncing; the company is configured with these options. */
  config?: ConfigurationFixtureOptions;
  /** Strips mappings from the saved configuration (a rate the merchant has not sold at yet). */
  unmapRates?: string[];
  /** Causes the failure (ledger fault, new records, …). */
  cause(company: Company): Promise<void> | void;
  /** Runs the failing sync; default: sync to latest. Returns the sync id. */
  run?(company: Company): Promise<string>;
  /** What the merchant message must say: the cause and what to do. */
  message: RegExp;
  /** Fixes the cause and syncs again; returns the id of the sync that must now be 2000. */
  fix(company: Company, failedSyncId: string): Promise<string>;
}

async function latest(company: Company, body: Record<string, unknown> = {}): Promise<string> {
  const reply = await call(company.service, 'POST', `/companies/${company.companyId}/sync/commerce/latest`, body);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.commerceSyncId as string;
}

async function historic(company: Company, start: string, finish: string): Promise<{ syncId: string; statusCode: number }> {
  const reply = await call(company.service, 'POST', `/meta/companies/${company.companyId}/sync/commerce/historic`, {
    dateRange: { start: `${start}T12:00:00Z`, finish: `${finish}T12:00:00Z` },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return { syncId: reply.body.commerceSyncId as string, statusCode: reply.body.syncStatusCode as number };
}

async function status(company: Company, syncId: string): Promise<CompanySyncStatus> {
  const reply = await call(company.service, 'GET', `/companies/${company.companyId}/sync/commerce/syncs/${syncId}/status`);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return CompanySyncStatusSchema.parse(reply.body);
}

async function saveConfiguration(company: Company, config: Configuration): Promise<void> {
  const saved = await call(company.service, 'POST', `/config/companies/${company.companyId}/sync/commerce`, config);
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
}

function configuration(options: ConfigurationFixtureOptions = {}, unmapRates: readonly string[] = []): Configuration {
  const config = buildConfiguration({ timeZone: MERCHANT.timeZone, ...options });
  config.schedule = { ...config.schedule, startDate: FIRST_DAY };
  const rates = config.configuration?.sales?.taxRates;
  for (const rate of unmapRates) if (rates) delete rates[rate];
  return config;
}

async function push(company: Company, path: string, key: string, records: readonly unknown[]): Promise<void> {
  const reply = await call(company.service, 'POST', `/data/companies/${company.companyId}/sync/${path}`, { [key]: records });
  expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(200);
}

/** A linked, configured company whose partner has pushed the generated days. */
async function setUp(service: Service, setClock: (iso: string) => void, failure: Pick<FailureCase, 'code' | 'config' | 'unmapRates'>): Promise<Company> {
  const admin = service.sandbox?.admin;
  if (!admin) throw new Error('The sandbox is not mounted');
  const companyId = (await call(service, 'POST', '/companies', { name: `Cafe ${failure.code}` })).body.id as string;
  const { connectionId, ledgerId } = await linkSandbox(service, companyId, 'uk');
  const company: Company = { service, admin, companyId, connectionId, ledgerId, setClock };
  // Configured before the partner's first push: the merchant set up the sync, then sales came in.
  await saveConfiguration(company, configuration(failure.config, failure.unmapRates));
  for (const [path, records] of [['commerce-locations', MERCHANT.locations], ['commerce-products', MERCHANT.products], ['commerce-taxComponents', MERCHANT.taxComponents]] as const) {
    expect((await call(service, 'PUT', `/companies/${companyId}/data/${path}`, records)).status).toBe(200);
  }
  await push(company, 'commerce-orders', 'orders', MERCHANT.orders);
  await push(company, 'commerce-payments', 'payments', MERCHANT.payments);
  await push(company, 'commerce-transactions', 'transactions', MERCHANT.transactions);
  return company;
}

/** Parses the form of the sandbox consent page (hidden inputs and action). */
function consentForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('No form on the consent page');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1] ?? ''] = m[2] ?? '';
  return { action: action.replace(/&amp;/g, '&'), fields };
}

/** Reconnects the company's existing (deauthorized) connection to the same ledger, as the merchant would. */
async function reconnect(company: Company): Promise<void> {
  const { service, companyId, connectionId, ledgerId } = company;
  const redirectUri = 'http://partner.test/callback';
  const state = `again-${connectionId}`;
  const start = await call(service, 'POST', `/companies/${companyId}/connections/${connectionId}/authorization/start`, { state, redirectUri });
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const page = await service.fetch(new Request(start.body.url as string));
  const form = consentForm(await page.text());
  const decision = await service.fetch(new Request(form.action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, ledger: ledgerId, ledger_name: '', decision: 'allow' }).toString(),
    redirect: 'manual',
  }));
  expect(decision.status).toBe(302);
  const callback = new URL(decision.headers.get('location') ?? '');
  expect(callback.searchParams.get('state')).toBe(state);
  const done = await call(service, 'PUT', `/companies/${companyId}/connections/${connectionId}/authorization`, { ...Object.fromEntries(callback.searchParams.entries()), redirectUri });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  expect(done.body.status).toBe('Linked');
}

/** A day's sale and its payment of a kind the generated data does not have. */
function extraSale(day: string, payment: { type?: 'Mobile' | 'Card'; currency?: string } = {}) {
  const at = `${day}T12:30:00Z`;
  const currency = payment.currency ?? 'GBP';
  return {
    order: buildOrder({ createdDate: at, modifiedDate: at, sourceModifiedDate: at, currency }),
    payment: buildPayment({ createdDate: at, modifiedDate: at, sourceModifiedDate: at, currency, type: payment.type ?? 'Card' }),
  };
}

async function pushExtraSale(company: Company, day: string, payment: { type?: 'Mobile' | 'Card'; currency?: string } = {}): Promise<void> {
  const sale = extraSale(day, payment);
  await push(company, 'commerce-orders', 'orders', [sale.order]);
  await push(company, 'commerce-payments', 'payments', [sale.payment]);
}

const CASES: FailureCase[] = [
  {
    code: 'account_archived',
    cause: ({ admin, ledgerId }) => admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.sales.id),
    message: /"Sales".*archived in Sandbox ledger\. Restore it/,
    fix: async (company) => {
      company.admin.restoreAccount(company.ledgerId, SANDBOX_ACCOUNTS.sales.id);
      return latest(company);
    },
  },
  {
    code: 'account_missing',
    cause: ({ admin, ledgerId }) => admin.deleteAccount(ledgerId, SANDBOX_ACCOUNTS.shippingIncome.id),
    message: /"Shipping income".*no longer exists in Sandbox ledger\. Choose another account/,
    fix: async (company) => {
      // A deleted account cannot come back: the merchant maps shipping to another income account.
      await saveConfiguration(company, configuration({ salesAccounts: { shipping: SANDBOX_ACCOUNTS.sales.id } }));
      return latest(company);
    },
  },
  {
    code: 'customer_archived',
    config: { outputFormat: 'Invoice' },
    cause: ({ admin, ledgerId }) => admin.archiveContact(ledgerId, 'cus-daily-sales'),
    message: /customer "Daily sales" is archived in Sandbox ledger\. Restore it/,
    fix: async (company) => {
      company.admin.restoreContact(company.ledgerId, 'cus-daily-sales');
      return latest(company);
    },
  },
  {
    code: 'supplier_archived',
    config: { outputFormat: 'Invoice', syncFees: true },
    cause: ({ admin, ledgerId }) => admin.archiveContact(ledgerId, 'sup-card-processor'),
    message: /supplier "Card processor" is archived in Sandbox ledger\. Restore it/,
    fix: async (company) => {
      company.admin.restoreContact(company.ledgerId, 'sup-card-processor');
      return latest(company);
    },
  },
  {
    code: 'tax_rate_missing',
    cause: ({ admin, ledgerId }) => admin.deleteTaxRate(ledgerId, 'tax-uk-zero'),
    message: /tax rate mapped to 0% no longer exists in Sandbox ledger\. Choose another tax rate/,
    fix: async (company) => {
      const config = configuration({ taxRates: { '0': 'tax-uk-exempt' } });
      const newTaxRates = config.configuration?.sales?.newTaxRates;
      if (newTaxRates) newTaxRates.selectedDefaultZeroTaxRateId = 'tax-uk-exempt';
      await saveConfiguration(company, config);
      return latest(company);
    },
  },
  {
    code: 'tax_rate_unmapped',
    // Set up before any reduced-rate sale: the generated days then bring 5% sales.
    unmapRates: ['5'],
    cause: () => undefined,
    message: /Sales at a 5% tax rate have no tax rate mapped\. Map it under Tax rates/,
    fix: async (company) => {
      await saveConfiguration(company, configuration());
      return latest(company);
    },
  },
  {
    code: 'payment_type_unmapped',
    cause: (company) => pushExtraSale(company, SECOND_DAY, { type: 'Mobile' }),
    message: /new payment type, Mobile,.*Choose the account it should be paid into under Payments/,
    fix: async (company) => {
      await saveConfiguration(company, configuration({ paymentAccounts: { mobile: SANDBOX_ACCOUNTS.cardClearing.id } }));
      return latest(company);
    },
  },
  {
    code: 'period_locked',
    cause: ({ admin, ledgerId }) => admin.setLockDate(ledgerId, FIRST_DAY),
    message: new RegExp(`locked up to ${FIRST_DAY}, so sales for ${FIRST_DAY} cannot be posted\\. Move the lock date`),
    fix: async (company, failedSyncId) => {
      company.admin.setLockDate(company.ledgerId, null);
      // A write failure: the documented path is retrying only the failed documents.
      const retried = await call(company.service, 'POST', `/companies/${company.companyId}/sync/commerce/syncs/${failedSyncId}/retry`);
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      return failedSyncId;
    },
  },
  {
    code: 'authorization_revoked',
    cause: ({ admin, ledgerId }) => admin.revokeAuthorizations(ledgerId),
    message: /Access to Sandbox ledger was revoked\. Reconnect Sandbox ledger/,
    fix: async (company) => {
      await reconnect(company);
      return latest(company);
    },
  },
  {
    code: 'authorization_expired',
    // Nobody synced for longer than the refresh token lives: the stored grant has lapsed.
    cause: (company) => company.setClock(new Date(Date.parse(NOW) + REFRESH_TOKEN_TTL_MS + 86_400_000).toISOString()),
    run: (company) => latest(company, { syncTo: `${MERCHANT.period.end}T12:00:00Z` }),
    message: /connection to Sandbox ledger has expired\. Reconnect Sandbox ledger/,
    fix: async (company) => {
      await reconnect(company);
      return latest(company, { syncTo: `${MERCHANT.period.end}T12:00:00Z` });
    },
  },
  {
    code: 'subscription_expired',
    cause: ({ admin, ledgerId }) => admin.setSubscriptionExpired(ledgerId, true),
    message: /Sandbox ledger subscription has expired.*Renew it in Sandbox ledger/,
    fix: async (company) => {
      company.admin.setSubscriptionExpired(company.ledgerId, false);
      return latest(company);
    },
  },
  {
    code: 'platform_outage',
    // As many 503s as the engine's attempts: its retries run out.
    cause: ({ admin, ledgerId }) => admin.failNextRequests(ledgerId, 5, 503),
    message: /Sandbox ledger is not responding\. The sync will retry automatically/,
    fix: (company) => latest(company),
  },
  {
    code: 'rate_limited',
    cause: ({ admin, ledgerId }) => admin.failNextRequests(ledgerId, 5, 429),
    message: /Sandbox ledger asked us to slow down\. The sync will retry automatically/,
    fix: (company) => latest(company),
  },
  {
    code: 'duplication_protection',
    cause: async (company) => {
      const first = await historic(company, FIRST_DAY, SECOND_DAY);
      expect(first.statusCode, JSON.stringify(await status(company, first.syncId))).toBe(2000);
    },
    // The partner asks again for days that overlap the ones just synced.
    run: async (company) => (await historic(company, SECOND_DAY, SECOND_DAY)).syncId,
    message: /already synced or syncing, so nothing was posted twice\. Choose dates that have not been synced/,
    fix: async (company) => {
      await pushExtraSale(company, '2026-03-26');
      return (await historic(company, '2026-03-26', '2026-03-26')).syncId;
    },
  },
  {
    code: 'currency_mismatch',
    cause: (company) => pushExtraSale(company, SECOND_DAY, { currency: 'USD' }),
    message: /in USD, which Sandbox ledger is not set up to accept\. Enable USD in Sandbox ledger/,
    fix: async (company) => {
      company.admin.addCurrency(company.ledgerId, 'USD');
      return latest(company);
    },
  },
];

describe('every catalogued failure through a real sync', () => {
  const c = clock(NOW);
  let service: Service;

  beforeEach(() => {
    c.set(NOW);
    service = makeService({ now: c.now });
  });
  afterEach(async () => {
    await service.close();
  });

  it('covers every code the brief lists (no_sales_account has its own case below)', () => {
    expect(CASES.map((x) => x.code).sort()).toEqual([
      'account_archived', 'account_missing', 'authorization_expired', 'authorization_revoked', 'currency_mismatch',
      'customer_archived', 'duplication_protection', 'payment_type_unmapped', 'period_locked', 'platform_outage',
      'rate_limited', 'subscription_expired', 'supplier_archived', 'tax_rate_missing', 'tax_rate_unmapped',
    ]);
  });

  it.each(CASES.map((x) => [x.code, x] as const))('%s: fails with the catalog status, message and wizard step, then syncs once fixed', async (_code, failure) => {
    const company = await setUp(service, c.set, failure);
    await failure.cause(company);
    const failedId = await (failure.run ?? ((x: Company) => latest(x)))(company);
    const failed = await status(company, failedId);
    const entry = ERROR_CATALOG[failure.code];
    expect({ code: failed.errorCode, status: failed.syncStatusCode }, failed.syncExceptionMessage).toEqual({ code: failure.code, status: entry.statusCode });
    expect(failed.wizardStep).toBe(entry.step);
    expect(failed.errorMessage).toMatch(failure.message);
    expect(failed.errorMessage).not.toMatch(/\{\w+\}/);
    // The run keeps the specifics its message was written with, so clients can word it in
    // another language: the catalog text filled with them is exactly the message.
    if (entry.message.includes('{platform}')) expect(failed.errorParams?.platform).toBe('Sandbox ledger');
    expect(formatCatalogMessage(entry.message, failed.errorParams ?? {})).toBe(failed.errorMessage);
    if (failure.code === 'account_archived' || failure.code === 'account_missing') expect(failed.errorParams?.mappingKey).toMatch(/^sales\.\w+$/);
    if (failure.code === 'payment_type_unmapped') expect(failed.errorParams?.paymentTypeKey).toBe('mobile');
    expect(failed.syncExceptionMessage.length).toBeGreaterThan(0);
    expect(failed.syncExceptionMessage).not.toEqual(failed.errorMessage);

    const fixedId = await failure.fix(company, failedId);
    const fixed = await status(company, fixedId);
    expect(fixed.syncStatusCode, `${fixed.errorCode ?? ''}: ${fixed.errorMessage} / ${fixed.syncExceptionMessage}`).toBe(2000);
    expect(fixed).toMatchObject({ errorCode: null, wizardStep: null, errorMessage: '' });
    await expectEachDocumentOnce(company);
  });

  it('no_sales_account: a ledger left without an income account fails the run and refuses the settings, until one is chosen', async () => {
    const company = await setUp(service, c.set, { code: 'no_sales_account' });
    const income = [SANDBOX_ACCOUNTS.sales, SANDBOX_ACCOUNTS.shippingIncome, SANDBOX_ACCOUNTS.gratuities];
    // The template's only other income account, "Sales - old till" (acc-201), is archived.
    for (const account of income) company.admin.deleteAccount(company.ledgerId, account.id);
    const failed = await status(company, await latest(company));
    expect({ code: failed.errorCode, status: failed.syncStatusCode, step: failed.wizardStep }).toEqual({ code: 'no_sales_account', status: ERROR_CATALOG.no_sales_account.statusCode, step: ERROR_CATALOG.no_sales_account.step });
    expect(failed.errorMessage).toBe('Your Sandbox ledger chart of accounts has no income (sales) account. Create one in Sandbox ledger, then choose it under Sales.');
    expect(failed.syncExceptionMessage).not.toEqual(failed.errorMessage);
    expect(company.admin.documents(company.ledgerId)).toEqual([]);

    // The wizard says the same when the merchant opens it: the settings cannot be saved as they are.
    const refused = await call(company.service, 'POST', `/config/companies/${company.companyId}/sync/commerce`, configuration());
    expect(refused.status).toBe(400);
    expect(refused.body.validation.errors).toEqual(expect.arrayContaining([expect.objectContaining({ itemId: 'configuration.sales.accounts.sales', validatorName: 'no_sales_account' })]));

    // The merchant brings an income account back into use in the ledger and chooses it for every sales row.
    company.admin.restoreAccount(company.ledgerId, 'acc-201');
    await saveConfiguration(company, configuration({ salesAccounts: { sales: 'acc-201', shipping: 'acc-201', gratuity: 'acc-201' } }));
    const fixed = await status(company, await latest(company));
    expect(fixed.syncStatusCode, fixed.syncExceptionMessage).toBe(2000);
    await expectEachDocumentOnce(company);
    const postings = company.admin.documents(company.ledgerId).flatMap((d) => d.postings.map((p) => p.accountId));
    expect(postings).toContain('acc-201');
    expect(postings.filter((id) => income.some((a) => a.id === id))).toEqual([]);
  });
});

/**
 * The ledger holds exactly the documents the company's syncs wrote, each once: every push item
 * of every sync is written, and the ledger's references are those items' references, unrepeated.
 */
async function expectEachDocumentOnce(company: Company): Promise<void> {
  const list = await call(company.service, 'GET', `/companies/${company.companyId}/sync/commerce/syncs/list/status`);
  const expected = new Set<string>();
  const attempted = new Set<string>();
  for (const run of list.body as { syncId: string }[]) {
    const items = PushItemsSchema.parse((await call(company.service, 'GET', `/companies/${company.companyId}/sync/commerce/syncs/${run.syncId}/items`)).body).results;
    for (const item of items) {
      attempted.add(item.reference);
      if (item.status === 'Written') expected.add(item.reference);
    }
  }
  // Nothing a failed sync tried to post is left unposted once the cause is fixed.
  expect([...attempted].sort()).toEqual([...expected].sort());
  const posted = company.admin.documents(company.ledgerId).map((d) => d.reference);
  expect(posted.length).toBeGreaterThan(0);
  expect(new Set(posted).size, 'a document was posted twice').toBe(posted.length);
  expect([...posted].sort()).toEqual([...expected].sort());
}
