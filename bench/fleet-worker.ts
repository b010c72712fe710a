/**
 * One worker process of `npm run bench:fleet` (started by bench/fleet.ts, not by hand): takes
 * scheduled-run jobs from the PostgreSQL queue (pg-boss, as `commerce-sync worker` does) and,
 * for each company, reads its ledger (5 calls), aggregates a day of its sales with the real
 * aggregator and writes each document, every vendor call through the connectors' retrying
 * fetch and the shared call budget in the database. Prints `ready`, then `done <epoch ms>` per job.
 */
import { aggregate } from '../src/aggregation/index.js';
import { SharedCallLimiter, XERO_BUDGET } from '../src/platforms/http/call-budget.js';
import { systemClock } from '../src/platforms/http/rate-limiter.js';
import { drain, retryingFetch, type RetryingFetchOptions } from '../src/platforms/http/retrying-fetch.js';
import { createSqlCallBudget } from '../src/server/budgets/sql-budget.js';
import { createPgBossQueue } from '../src/server/runs/pg-boss-queue.js';
import { openPostgres } from '../src/server/store/index.js';
import { buildConfiguration } from '../test/fixtures/builders.js';
import { generateMerchant } from '../test/fixtures/generator.js';

const schema = process.env.BENCH_SCHEMA ?? '';
const vendor = process.env.BENCH_VENDOR_URL ?? '';
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);

const db = await openPostgres({ host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schema, max: concurrency + 6, applicationName: 'bench-fleet-worker' });
const limiter = new SharedCallLimiter({ platformKey: 'xero', platformName: 'Xero', policy: XERO_BUDGET, backend: createSqlCallBudget(db), clock: systemClock });
const fetchOptions: RetryingFetchOptions = { platformName: 'Xero', fetch, now: () => Date.now(), sleep: systemClock.sleep, random: Math.random, limiter };

// A day of sales per merchant profile; companies take them in turn (generating is not syncing).
const days = Array.from({ length: 8 }, (_, seed) => {
  const merchant = generateMerchant({ seed: seed + 1, days: 1, ordersPerDay: 120, start: '2026-03-12' });
  return { merchant, configuration: buildConfiguration({ timeZone: merchant.timeZone }) };
});

async function vendorCall(tenantId: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<void> {
  const response = await retryingFetch(fetchOptions, {
    tenantId,
    url: `${vendor}${path}`,
    method,
    headers: { 'xero-tenant-id': tenantId, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  await drain(response);
  if (!response.ok) throw new Error(`vendor answered ${response.status}`);
}

const queue = await createPgBossQueue(
  db,
  async (job) => {
    const index = Number(job.companyId.replace(/\D+/g, '')) || 0;
    const day = days[index % days.length]!;
    for (const resource of ['Organisation', 'Accounts', 'TaxRates', 'Contacts?customers', 'Contacts?suppliers']) await vendorCall(job.companyId, 'GET', `/api.xro/2.0/${resource}`);
    const { merchant, configuration } = day;
    const result = aggregate({
      companyId: job.companyId,
      configuration,
      period: merchant.period,
      records: { orders: merchant.orders, payments: merchant.payments, transactions: merchant.transactions, taxComponents: merchant.taxComponents, products: merchant.products, locations: merchant.locations },
    });
    for (const document of result.documents) await vendorCall(job.companyId, 'PUT', '/api.xro/2.0/ManualJournals', { reference: document.reference, kind: document.kind });
    process.stdout.write(`done ${Date.now()}\n`);
  },
  { pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 300 },
);
await queue.start(concurrency);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void queue.stop().finally(() => process.exit(0));
});
