/**
 * Sync service benchmark: ingest rate of 5,000-record pushes through the HTTP handler, next
 * to raw inserts of the same rows into the same SQLite store in the same run, and the time of
 * a full sync of a 10,000-order merchant day into the sandbox ledger.
 *
 *   npm run bench:server                     # defaults: 8 pushes of 5,000 orders, 10,000-order day
 *   npm run bench:server -- --batches 2 --day-orders 500   # quick
 *
 * Prints figures and PASS/FAIL for the target: ingest ≥ 0.5 × raw-insert baseline.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Order } from '../src/contract/commerce.js';
import { createSyncService } from '../src/server/index.js';
import { buildConfiguration, generateMerchant } from '../test/fixtures/index.js';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '8' },
    'day-orders': { type: 'string', default: '10000' },
  },
});
const BATCH = 5000;
const batches = Number(values.batches);
const dayOrders = Number(values['day-orders']);
const API_KEY = 'bench-api-key-0001';
const AUTH = `Basic ${Buffer.from(API_KEY).toString('base64')}`;
const BASE = 'http://127.0.0.1:4010';

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

/** Reads a response body to its end, keeping the chunks as they arrived. */
async function drain(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  if (!response.body) return chunks;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

async function request(service: ReturnType<typeof createSyncService>, method: string, path: string, body?: unknown) {
  const response = await service.fetch(new Request(`${BASE}${path}`, {
    method,
    headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-'));
  const file = join(dir, 'sync.db');
  try {
    // Orders to ingest: distinct ids across batches. Three extra batches warm up both paths (JIT,
    // statement caches) before anything is timed: a service runs warm, and so does the baseline.
    const WARMUP = 3 * BATCH;
    const source = generateMerchant({ seed: 11, days: Math.ceil((batches * BATCH + WARMUP) / 2000), ordersPerDay: 2000 });
    const warmup: Order[] = source.orders.slice(0, WARMUP);
    const orders: Order[] = source.orders.slice(WARMUP, WARMUP + batches * BATCH);
    if (orders.length < batches * BATCH) throw new Error(`generator produced ${source.orders.length} orders, need ${batches * BATCH + WARMUP}`);

    const service = createSyncService({ apiKeys: [API_KEY], store: { sqlite: file }, dev: true, publicUrl: BASE, sleep: async () => undefined });
    await service.ready;
    const companyId = String((await request(service, 'POST', '/companies', { name: 'Bench Cafe' })).id);

    // Baseline: raw prepared inserts of the same rows into the same database file (its own
    // connection), one transaction per 5,000 rows, under another company id.
    const raw = new Database(file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.prepare("INSERT INTO companies (id, name, tags, created_at) VALUES ('raw-baseline', 'raw', '{}', '2026-01-01T00:00:00Z')").run();
    const insert = raw.prepare('INSERT INTO records (company_id, data_type, id, created_at, source_modified, body) VALUES (?, ?, ?, ?, ?, ?)');
    const insertBatch = raw.transaction((rows: Order[]) => {
      for (const o of rows) {
        insert.run('raw-baseline', 'orders', o.id, new Date(o.createdDate).toISOString(), o.sourceModifiedDate ?? null, JSON.stringify(o));
      }
    });

    // Warm both paths (JIT, statement caches) before anything is timed: a service runs warm,
    // and so does the baseline.
    for (let w = 0; w < WARMUP; w += BATCH) {
      await request(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: warmup.slice(w, w + BATCH) });
      insertBatch(warmup.slice(w, w + BATCH).map((o) => ({ ...o, id: `${o.id}-raw-warmup` })));
    }

    // Ingest through the HTTP handler (JSON bodies, auth, validation, upsert semantics, dataset),
    // batch by batch alternating with the baseline's insert of the same rows, so both see the
    // same machine. Each timed section starts from a collected heap when node runs with
    // --expose-gc (the npm script does), so neither pays for the other's garbage.
    // The client's own encoding is not the service's work: requests are built before the clock
    // starts; the clock stops when the whole response body has been received.
    const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
    const bodies = Array.from({ length: batches }, (_, b) => JSON.stringify({ orders: orders.slice(b * BATCH, (b + 1) * BATCH) }));
    let ingestMs = 0;
    let rawMs = 0;
    const pairRatios: number[] = [];
    for (let b = 0; b < batches; b += 1) {
      const pushRequest = new Request(`${BASE}/data/companies/${companyId}/sync/commerce-orders`, {
        method: 'POST',
        headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
        body: bodies[b] ?? '',
      });
      collect();
      let t = process.hrtime.bigint();
      const response = await service.fetch(pushRequest);
      // Received means every byte of the body has been read; decoding the echo is the client's work.
      const received = await drain(response);
      const pushMs = ms(t);
      if (response.status !== 200) throw new Error(`push failed: ${response.status} ${Buffer.concat(received).toString('utf8').slice(0, 300)}`);

      const rows = orders.slice(b * BATCH, (b + 1) * BATCH);
      collect();
      t = process.hrtime.bigint();
      insertBatch(rows);
      const insertMs = ms(t);
      ingestMs += pushMs;
      rawMs += insertMs;
      pairRatios.push(insertMs / pushMs);
    }
    raw.close();
    const ingestRate = (batches * BATCH) / (ingestMs / 1000);
    const rawRate = (batches * BATCH) / (rawMs / 1000);
    await service.close();

    // A full sync of one 10,000-order day into the sandbox.
    const day = generateMerchant({ seed: 5, days: 1, ordersPerDay: dayOrders });
    let now = new Date(`${day.period.start}T08:00:00Z`);
    const syncService = createSyncService({ apiKeys: [API_KEY], store: { sqlite: join(dir, 'day.db') }, dev: true, publicUrl: BASE, now: () => now, sleep: async () => undefined, sandbox: { redirectUris: ['http://partner.test/cb'] } });
    const sandbox = syncService.sandbox;
    if (!sandbox) throw new Error('sandbox missing');
    const dayCompany = String((await request(syncService, 'POST', '/companies', { name: 'Busy Day' })).id);
    const connection = String((await request(syncService, 'POST', `/companies/${dayCompany}/connections`, { platformKey: 'sandbox' })).id);
    const start = await request(syncService, 'POST', `/companies/${dayCompany}/connections/${connection}/authorization/start`, { state: 'bench-state-1', redirectUri: 'http://partner.test/cb' });
    const consent = await (await syncService.fetch(new Request(String(start.url)))).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(consent)?.[1] ?? '';
    const decision = await syncService.fetch(new Request(`${BASE}/sandbox/oauth/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId, ledger: 'new:uk', decision: 'allow' }).toString(),
      redirect: 'manual',
    }));
    const callback = new URL(decision.headers.get('location') ?? '');
    await request(syncService, 'PUT', `/companies/${dayCompany}/connections/${connection}/authorization`, { code: callback.searchParams.get('code'), redirectUri: 'http://partner.test/cb' });
    const ledgerId = sandbox.admin.listLedgers()[0]?.id ?? '';
    sandbox.admin.addCurrency(ledgerId, 'EUR');
    for (const [path, key, records] of [
      ['commerce-orders', 'orders', day.orders],
      ['commerce-payments', 'payments', day.payments],
      ['commerce-transactions', 'transactions', day.transactions],
    ] as const) {
      for (let i = 0; i < records.length; i += BATCH) {
        await request(syncService, 'POST', `/data/companies/${dayCompany}/sync/${path}`, { [key]: records.slice(i, i + BATCH) });
      }
    }
    const config = buildConfiguration({ timeZone: day.timeZone });
    config.schedule = { ...config.schedule, startDate: day.period.start };
    await request(syncService, 'POST', `/config/companies/${dayCompany}/sync/commerce`, config);
    now = new Date(`${day.period.end}T09:00:00Z`);
    const t = process.hrtime.bigint();
    const run = await request(syncService, 'POST', `/companies/${dayCompany}/sync/commerce/latest`, {});
    const syncMs = ms(t);
    const documents = sandbox.admin.documents(ledgerId).length;
    await syncService.close();

    const ratio = ingestRate / rawRate;
    const pass = ratio >= 0.5 && run.syncStatusCode === 2000;
    console.log('commerce-sync server benchmark');
    console.log(`  ingest via HTTP handler : ${ingestRate.toFixed(0).padStart(8)} records/s  (${batches} × ${BATCH} orders, ${ingestMs.toFixed(0)} ms)`);
    console.log(`  raw insert baseline     : ${rawRate.toFixed(0).padStart(8)} records/s  (same rows, same SQLite file, ${rawMs.toFixed(0)} ms)`);
    pairRatios.sort((a, b) => a - b);
    console.log(`  ratio                   : ${ratio.toFixed(2)} (target ≥ 0.50; per batch ${pairRatios[0]?.toFixed(2)}–${pairRatios.at(-1)?.toFixed(2)}, median ${pairRatios[Math.floor(pairRatios.length / 2)]?.toFixed(2)})`);
    console.log(`  full sync of one day    : ${syncMs.toFixed(0).padStart(8)} ms  (${day.orders.length} orders, ${day.payments.length} payments, ${day.transactions.length} transactions → ${documents} documents, status ${String(run.syncStatusCode)})`);
    console.log(pass ? 'PASS' : 'FAIL');
    process.exitCode = pass ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
