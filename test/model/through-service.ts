import { createHash, randomBytes } from 'node:crypto';
import type { Configuration, OutputFormat } from '../../src/contract/configuration.js';
import type { SandboxPostedDocument } from '../../src/platforms/sandbox/schemas.js';
import { SandboxDocumentListSchema } from '../../src/platforms/sandbox/schemas.js';
import type { SandboxTaxReport } from '../../src/platforms/sandbox/tax-report.js';
import { buildConfiguration, CA_COMPONENTS, SANDBOX_ACCOUNTS as A, SANDBOX_TAX_RATES } from '../fixtures/index.js';
import type { GeneratedMerchant } from '../fixtures/index.js';
import { BASE, call, clock, linkSandbox, makeService, SANDBOX_REDIRECT_URI } from '../server/helpers.js';
import type { ModelChart } from './ledger-model.js';

/**
 * Drives a generated merchant through a real sync service (embedded SQLite, sandbox mounted)
 * over HTTP only: link the sandbox, push, configure, run; then read what the ledger holds
 * (`GET /sandbox/ledgers/{id}/documents`) and its tax report (`GET /sandbox/api/tax-report`,
 * with a token of the merchant's own OAuth grant), for comparison with the model.
 */

/** The model's chart for the fixture configuration of a sandbox template. */
export function modelChart(template: 'uk' | 'ca', timeZone: string): ModelChart {
  const rates: Record<string, string> = { ...SANDBOX_TAX_RATES[template] };
  const taxAccounts: Record<string, string> = Object.fromEntries(Object.values(rates).map((id) => [id, A.taxPayable.id]));
  const components: Record<string, string> = {};
  if (template === 'ca') {
    for (const c of Object.values(CA_COMPONENTS)) components[c.id] = c.taxRateId;
    taxAccounts[CA_COMPONENTS.gst.taxRateId] = A.taxPayable.id;
    // The sandbox's PST BC rate posts to PST payable (src/platforms/sandbox/templates.ts).
    taxAccounts[CA_COMPONENTS.pst.taxRateId] = 'acc-825';
  }
  return {
    timeZone,
    sales: A.sales.id,
    shipping: A.shippingIncome.id,
    gratuity: A.gratuities.id,
    prepaid: A.giftCardLiability.id,
    receivable: A.accountsReceivable.id,
    payments: { Card: A.cardClearing.id, OnlineCard: A.cardClearing.id, Cash: A.cashClearing.id, Paypal: A.paypalClearing.id, Prepaid: A.undepositedFunds.id, Invoice: A.accountsReceivable.id },
    payout: A.businessBank.id,
    fee: A.merchantFees.id,
    feeRefund: A.merchantFees.id,
    rates,
    components,
    taxAccounts,
  };
}

type Service = ReturnType<typeof makeService>;

async function push(service: Service, companyId: string, path: string, key: string, records: readonly unknown[]) {
  for (let i = 0; i < records.length; i += 5000) {
    const reply = await call(service, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records.slice(i, i + 5000) });
    if (reply.status !== 200) throw new Error(`push ${path}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 400)}`);
  }
}

/** A token for the merchant's ledger from a second OAuth grant (what an accountant's report tool would hold). */
async function reportToken(service: Service, ledgerId: string): Promise<string> {
  const sandbox = service.sandbox!;
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const url = sandbox.connector.authorizationUrl({ state: 'report', redirectUri: SANDBOX_REDIRECT_URI, codeChallenge: challenge });
  const page = await sandbox.handler(new Request(url));
  const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!requestId) throw new Error('no consent form');
  const decision = await sandbox.handler(
    new Request(new URL('oauth/authorize', `${BASE}/sandbox/`).toString(), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId, decision: 'allow', ledger: ledgerId, ledger_name: '' }).toString(),
    }),
  );
  const code = new URL(decision.headers.get('location') ?? 'x:').searchParams.get('code');
  if (!code) throw new Error(`consent decision ${decision.status}`);
  const tokens = await sandbox.connector.exchangeCode({ code, redirectUri: SANDBOX_REDIRECT_URI, codeVerifier: verifier });
  return tokens.accessToken;
}

/** A merchant linked, configured and pushed, with helpers to run and read the books. */
export interface SyncedMerchant {
  service: Service;
  companyId: string;
  ledgerId: string;
  configuration: Configuration;
  /** Moves the clock and runs "latest"; returns the run's status body. */
  runLatest(at: string): Promise<{ syncStatusCode: number; errorMessage?: string | null; commerceSyncId: string }>;
  push(records: Pick<GeneratedMerchant, 'orders' | 'payments' | 'transactions'>): Promise<void>;
  /** What the ledger holds, over HTTP. */
  documents(): Promise<SandboxPostedDocument[]>;
  /** The ledger's tax report for local dates `from`..`to` inclusive, over HTTP. */
  taxReport(from: string, to: string): Promise<SandboxTaxReport>;
  close(): Promise<void>;
}

/** Creates a company, links a new sandbox ledger, pushes the merchant's records and saves its configuration. */
export async function syncedMerchant(merchant: GeneratedMerchant, options: { template: 'uk' | 'ca'; outputFormat: OutputFormat; service?: Parameters<typeof makeService>[0]; linkAt?: string; groupBy?: ('Location' | 'Country')[] }): Promise<SyncedMerchant> {
  // Sandbox refresh tokens last 60 days: link close to the first run when that is far off.
  const c = clock(options.linkAt ?? `${merchant.period.start}T00:00:00Z`);
  const service = makeService({ ...options.service, now: c.now });
  const companyId = (await call(service, 'POST', '/companies', { name: 'Generated merchant' })).body.id as string;
  const { ledgerId } = await linkSandbox(service, companyId, options.template);
  if (options.template === 'uk') service.sandbox!.admin.addCurrency(ledgerId, 'EUR');
  for (const [path, list] of [['commerce-locations', merchant.locations], ['commerce-products', merchant.products], ['commerce-taxComponents', merchant.taxComponents]] as const) {
    if (list.length === 0) continue;
    const reply = await call(service, 'PUT', `/companies/${companyId}/data/${path}`, list);
    if (reply.status !== 200) throw new Error(`${path}: ${reply.status}`);
  }
  const pushRecords = async (r: Pick<GeneratedMerchant, 'orders' | 'payments' | 'transactions'>) => {
    await push(service, companyId, 'commerce-orders', 'orders', r.orders);
    await push(service, companyId, 'commerce-payments', 'payments', r.payments);
    await push(service, companyId, 'commerce-transactions', 'transactions', r.transactions);
  };
  await pushRecords(merchant);
  // Canadian 12 % lines carry their tax as GST and PST components, each mapped to its own rate; the
  // service still asks for a rate for the 12 % key itself: the zero rate (the sales line's code).
  const taxRates: Record<string, string> = options.template === 'ca' ? { '12': SANDBOX_TAX_RATES.ca['0'] } : {};
  const wanted = buildConfiguration({ template: options.template, outputFormat: options.outputFormat, timeZone: merchant.timeZone, taxRates, groupBy: options.groupBy ?? [] });
  wanted.schedule = { ...wanted.schedule, startDate: merchant.period.start };
  const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, wanted);
  if (saved.status !== 200) throw new Error(`configuration: ${saved.status} ${JSON.stringify(saved.body).slice(0, 400)}`);
  const configuration = (await call<Configuration>(service, 'GET', `/config/companies/${companyId}/sync/commerce`)).body;
  let token: string | null = null;
  return {
    service,
    companyId,
    ledgerId,
    configuration,
    async runLatest(at) {
      c.set(at);
      token = null; // a report token lasts 30 minutes of the test clock

      return (await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {})).body;
    },
    push: pushRecords,
    async documents() {
      const response = await service.fetch(new Request(`${BASE}/sandbox/ledgers/${encodeURIComponent(ledgerId)}/documents`, { headers: { accept: 'application/json' } }));
      return SandboxDocumentListSchema.parse(await response.json()).items;
    },
    async taxReport(from, to) {
      token ??= await reportToken(service, ledgerId);
      const response = await service.fetch(new Request(`${BASE}/sandbox/api/tax-report?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${token}` } }));
      if (response.status !== 200) throw new Error(`tax report: ${response.status} ${await response.text()}`);
      return (await response.json()) as SandboxTaxReport;
    },
    close: async () => {
      await service.close();
    },
  };
}

/** Net movement per `date|currency|account` (debit positive) of what the ledger holds. */
export function ledgerBooks(documents: readonly SandboxPostedDocument[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of documents) {
    for (const p of d.postings) {
      const key = `${d.date}|${d.currency}|${p.accountId}`;
      const v = (out.get(key) ?? 0) + p.debit - p.credit;
      if (v === 0) out.delete(key);
      else out.set(key, v);
    }
  }
  return out;
}
