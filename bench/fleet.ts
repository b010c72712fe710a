/**
 * Fleet benchmark (issue 15): scheduled runs spread over worker processes on PostgreSQL.
 *
 *   npm run bench:fleet              # 2,000 companies, 60 s per worker count, 100,000-company tick
 *   npm run bench:fleet -- --quick   # 20 s per worker count
 *
 * A vendor simulator on loopback answers every call after 150–400 ms and enforces Xero's
 * per-tenant limits (60 a minute, 5 at once: 429 beyond). 2,000 companies each have a day of
 * sales; 1, 2 and 4 worker processes (bench/fleet-worker.ts: pg-boss queue, real aggregator,
 * shared call budget in the database) take their jobs for a fixed time each, and the bench prints
 * companies synced per minute beside the 1-worker baseline. Then, with 100,000 companies of which
 * 1% are due, it times a tick's finding of the due companies (the `next_due_at` index, in pages)
 * beside the old way (loading every company), and enqueueing them. Not run in CI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createPgBossQueue } from '../src/server/runs/pg-boss-queue.js';
import { dropPostgresSchema, openStore, type PostgresOptions } from '../src/server/store/index.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, companies: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '8' } } });
const COMPANIES = Number(values.companies);
const WINDOW_MS = values.quick ? 20_000 : 60_000;
const CONCURRENCY = Number(values.concurrency);
const PG: PostgresOptions = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };
const schema = `bench_fleet_${process.pid}`;

// The vendor: latency 150–400 ms, per-tenant 60/min and 5 in flight.
const tenants = new Map<string, { starts: number[]; inFlight: number }>();
let calls = 0;
let refused = 0;
const vendor = createServer((req, res) => {
  const tenant = String(req.headers['xero-tenant-id'] ?? '');
  const t = tenants.get(tenant) ?? { starts: [], inFlight: 0 };
  tenants.set(tenant, t);
  const now = Date.now();
  while (t.starts.length && t.starts[0]! <= now - 60_000) t.starts.shift();
  req.resume();
  if (t.starts.length >= 60 || t.inFlight >= 5) {
    refused += 1;
    res.writeHead(429, { 'retry-after': '1' }).end();
    return;
  }
  calls += 1;
  t.starts.push(now);
  t.inFlight += 1;
  setTimeout(() => {
    t.inFlight -= 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }, 150 + Math.random() * 250);
});
await new Promise<void>((r) => vendor.listen(0, '127.0.0.1', r));
const address = vendor.address();
const vendorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const store = await openStore({ postgres: { ...PG, schema, max: 4 } });
const queue = await createPgBossQueue(store.db, async () => undefined);
const jobsSchema = `${schema}_jobs`;

async function round(workers: number): Promise<number> {
  await store.db.execute(`DELETE FROM ${jobsSchema}.job`);
  await store.db.execute('DELETE FROM call_budget_slots');
  await store.db.execute('DELETE FROM call_budget_counts');
  await queue.enqueue(Array.from({ length: COMPANIES }, (_, i) => ({ companyId: `company-${i}`, end: `2026-03-13-w${workers}` })));
  const done: number[] = [];
  const children: ChildProcess[] = [];
  let ready = 0;
  const allReady = new Promise<void>((resolve) => {
    for (let w = 0; w < workers; w += 1) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fleet-worker.ts'], {
        env: { ...process.env, BENCH_SCHEMA: schema, BENCH_VENDOR_URL: vendorUrl, BENCH_CONCURRENCY: String(CONCURRENCY) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let buffer = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (line === 'ready' && (ready += 1) === workers) resolve();
          else if (line.startsWith('done ')) done.push(Number(line.slice(5)));
        }
      });
    }
  });
  // Jobs are taken only once every worker is up, so no worker count gets a head start.
  await allReady;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  for (const child of children) child.kill('SIGKILL');
  return (done.filter((t) => t >= t0 && t < t0 + WINDOW_MS).length * 60_000) / WINDOW_MS;
}

try {
  console.info(`Fleet bench: ${COMPANIES} companies, ${CONCURRENCY} runs at once per worker process, ${WINDOW_MS / 1000} s per worker count, vendor latency 150–400 ms`);
  const rates = new Map<number, number>();
  for (const workers of [1, 2, 4]) {
    const before = { calls, refused };
    const rate = await round(workers);
    rates.set(workers, rate);
    const base = rates.get(1) ?? rate;
    console.info(`  ${workers} worker process${workers === 1 ? ' ' : 'es'}: ${rate.toFixed(0).padStart(5)} companies/min  (${(rate / base).toFixed(2)}× the 1-worker baseline; ${calls - before.calls} vendor calls, ${refused - before.refused} answered 429)`);
  }
  const speedup = (rates.get(4) ?? 0) / (rates.get(1) ?? 1);
  console.info(`  1 → 4 workers: ${speedup.toFixed(2)}×  target ≥ 3.5×  ${speedup >= 3.5 ? 'PASS' : 'FAIL'}`);

  // A tick at 100,000 companies, 1% due.
  const TOTAL = 100_000;
  await store.db.execute(
    `INSERT INTO companies (id, name, tags, created_at, configured, enabled, next_due_at)
     SELECT 'tick-' || lpad(g::text, 6, '0'), 'Company ' || g, '[]', '2026-01-01T00:00:00.000Z', 1, 1,
            CASE WHEN g % 100 = 0 THEN '2026-03-13T00:00:00.000Z' ELSE '2026-03-14T00:00:00.000Z' END
       FROM generate_series(1, ${TOTAL}) g`,
  );
  await store.db.execute('ANALYZE companies');
  const now = new Date('2026-03-13T00:30:00.000Z');
  const time = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
    const start = performance.now();
    const value = await fn();
    return [performance.now() - start, value];
  };
  const findDue = async () => {
    const found: { id: string; nextDueAt: string }[] = [];
    let after: { nextDueAt: string; id: string } | undefined;
    for (;;) {
      const page = await store.dueCompanies(now, 500, after);
      found.push(...page);
      if (page.length < 500) return found;
      const last = page.at(-1)!;
      after = { nextDueAt: last.nextDueAt, id: last.id };
    }
  };
  const samples: number[] = [];
  let due: { id: string }[] = [];
  for (let i = 0; i < 5; i += 1) {
    const [ms, found] = await time(findDue);
    samples.push(ms);
    due = found;
  }
  samples.sort((a, b) => a - b);
  const [scanMs] = await time(() => store.db.query('SELECT * FROM companies'));
  await store.db.execute(`DELETE FROM ${jobsSchema}.job`);
  const [enqueueMs] = await time(() => queue.enqueue(due.map((c) => ({ companyId: c.id, end: '2026-03-13' }))));
  const findMs = samples[2]!;
  console.info(`Tick at ${TOTAL.toLocaleString('en-GB')} companies, ${due.length} due:`);
  console.info(`  find the due companies: ${findMs.toFixed(1)} ms (median of 5)   baseline, loading every company: ${scanMs.toFixed(0)} ms   target < 50 ms ${findMs < 50 ? 'PASS' : 'FAIL'}`);
  console.info(`  enqueue them (pg-boss, one send each): ${enqueueMs.toFixed(0)} ms`);
} finally {
  await queue.stop();
  await store.close();
  vendor.close();
  await dropPostgresSchema({ ...PG, schema });
  await dropPostgresSchema({ ...PG, schema: `${schema}_jobs` });
}
