import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { SandboxPostedDocument } from '../../src/platforms/sandbox/index.js';
import { openStore, type Store, type SyncService } from '../../src/server/index.js';
import { addDays } from '../../src/server/time.js';
import { generateMerchant, type GeneratedMerchant } from '../fixtures/index.js';
import { API_KEY, AUTH, call, linkSandbox, makeService } from './helpers.js';
import { eventually, startCli, type CliProcess } from './processes/spawn.js';
import { inTheBooks, pushAndConfigure } from './processes/books.js';
import { PG, postgresTarget, type Target } from './targets.js';

// A fleet on one PostgreSQL database, each part its own OS process started with the real CLI:
// two scheduling-only instances (`commerce-sync scheduler`, ticking every second) and three
// worker instances (`commerce-sync worker --workers 2`). Fifty companies are due at once. One
// worker is killed with SIGKILL while it writes the biggest company's day; another worker must
// finish that company, and every ledger must hold exactly what a clean single-process run writes.

const ENCRYPTION_KEY = 'b'.repeat(64);
const COMPANIES = 50;
const WORKERS = 3;

/** A small merchant (one day of a few sales) for most companies; company 0 has three weeks of busy days. */
function merchantFor(index: number, today: string): GeneratedMerchant {
  return index === 0
    ? generateMerchant({ seed: 900, days: 21, ordersPerDay: 12, start: addDays(today, -22) })
    : generateMerchant({ seed: 900 + index, days: 1, ordersPerDay: 3, start: addDays(today, -2) });
}

/** Creates a company, links a new sandbox ledger, pushes the merchant's records and saves the configuration. */
async function setUp(service: SyncService, merchant: GeneratedMerchant, index: number): Promise<{ companyId: string; ledgerId: string }> {
  const companyId = (await call(service, 'POST', '/companies', { name: `Fleet shop ${index}` })).body.id as string;
  // A ledger made beforehand and chosen on the consent page, so set-ups can run side by side.
  const ledgerId = service.sandbox?.admin.createLedger('uk') as string;
  await linkSandbox(service, companyId, 'uk', ledgerId);
  await pushAndConfigure(service, companyId, merchant, index === 0 ? 'Invoice' : 'JournalEntry');
  return { companyId, ledgerId };
}

type RunRow = {
  id: string;
  company_id: string;
  trigger_kind: string;
  status_code: number;
  exception_message: string;
  completed_at: string | null;
};

describe('a fleet on PostgreSQL: two schedulers and three workers, separate processes', () => {
  let dir: string;
  let target: Target;
  let schema: string;
  const processes: CliProcess[] = [];
  let observer: Store | null = null;
  let ledgerFile: Database.Database | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-fleet-'));
    target = postgresTarget();
    schema = 'postgres' in target.options ? (target.options.postgres.schema as string) : '';
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    ledgerFile?.close();
    await observer?.close();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs each of 50 due companies once, with no 5080, and a worker killed mid-run changes nothing in the books', { timeout: 120_000 }, async () => {
    const t0 = performance.now();
    // The workers start first (they wait on an empty queue): the companies become due only when the schedulers start.
    const sandboxFile = join(dir, 'sandbox.db');
    const url = (name: string) => `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}?application_name=${name}`;
    const common = ['--pg-schema', schema, '--sandbox-db', sandboxFile];
    const env = { COMMERCE_SYNC_API_KEYS: API_KEY, COMMERCE_SYNC_ENCRYPTION_KEY: ENCRYPTION_KEY };
    const workers = Array.from({ length: WORKERS }, (_, i) =>
      startCli(`worker ${i + 1}`, ['worker', '--workers', '2', '--postgres', url(`fleet-worker-${i + 1}`), ...common], env, /worker ready/),
    );
    processes.push(...workers);
    const today = new Date().toISOString().slice(0, 10);
    const merchants = Array.from({ length: COMPANIES }, (_, i) => merchantFor(i, today));

    // The clean run: the same data and configurations in one process, never interrupted.
    const clean = makeService({ store: { sqlite: ':memory:' } });
    const expected: ReturnType<typeof inTheBooks>[] = [];
    try {
      const companies = [];
      for (let i = 0; i < COMPANIES; i += 5) companies.push(...(await Promise.all(merchants.slice(i, i + 5).map((m, j) => setUp(clean, m, i + j)))));
      await clean.scheduler.tick(new Date());
      for (const { companyId, ledgerId } of companies) expected.push(inTheBooks(clean.sandbox?.admin.documents(ledgerId) ?? [], companyId));
    } finally {
      await clean.close();
    }
    expect(expected.every((books) => books.length > 0)).toBe(true);
    const bigDocuments = expected[0]?.length ?? 0;
    expect(bigDocuments).toBeGreaterThan(100);
    const tClean = performance.now();

    // The fleet's companies, set up by an enqueue-only instance in this process, then left to the fleet.
    const setup = makeService({ store: target.options, encryptionKey: ENCRYPTION_KEY, workers: 0, sandbox: { databasePath: sandboxFile } });
    const companies: { companyId: string; ledgerId: string }[] = [];
    try {
      for (let i = 0; i < COMPANIES; i += 5) companies.push(...(await Promise.all(merchants.slice(i, i + 5).map((m, j) => setUp(setup, m, i + j)))));
    } finally {
      await setup.close();
    }
    const big = companies[0] as { companyId: string; ledgerId: string };
    const tSetUp = performance.now();

    const ports = [0, 1].map(() => 40_000 + Math.floor(Math.random() * 20_000));
    const schedulers = ports.map((port, i) =>
      startCli(`scheduler ${i + 1}`, ['scheduler', '--port', String(port), '--scheduler-interval', '1', '--postgres', url(`fleet-scheduler-${i + 1}`), ...common], env, /listening on (\S+)/),
    );
    processes.push(...schedulers);
    const origin = (await (schedulers[0] as CliProcess).ready)[1] as string;
    await Promise.all([...schedulers, ...workers].map((p) => p.ready));
    const tStarted = performance.now();

    observer = await openStore(target.options);
    const db = observer.db;
    const runs = () => db.query<RunRow>('SELECT id, company_id, trigger_kind, status_code, exception_message, completed_at FROM runs');
    ledgerFile = new Database(sandboxFile, { readonly: true, fileMustExist: true });
    const inBigLedger = ledgerFile.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM documents WHERE ledger_id = ?');

    // Kill the worker that holds the big company's run lease once a third of its day is in the ledger.
    await eventually('a third of the big company in its ledger', 60_000, async () => (inBigLedger.get(big.ledgerId)?.n ?? 0) >= bigDocuments / 3);
    const admin = new pg.Client(PG);
    await admin.connect();
    let holder: string | undefined;
    try {
      // The run lease is a session advisory lock on hashtext('<schema>:run:<company>'), one 64-bit key.
      const rows = await admin.query<{ application_name: string }>(
        `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext($1)::bigint`,
        [`${schema}:run:${big.companyId}`],
      );
      holder = rows.rows[0]?.application_name;
    } finally {
      await admin.end();
    }
    const victim = workers.find((w) => holder === `fleet-${w.name.replace(' ', '-')}`);
    expect(victim, `lease holder ${holder}`).toBeDefined();
    // Runs in flight now: the big company's, and maybe others on any worker (the victim has two slots).
    const inFlight = (await runs()).filter((r) => r.completed_at === null);
    const killedRun = inFlight.find((r) => r.company_id === big.companyId);
    expect(killedRun).toBeDefined();
    await victim?.kill();
    const killedAtDocuments = inBigLedger.get(big.ledgerId)?.n ?? 0;
    const tKilled = performance.now();

    const takeover = await eventually('another worker to take the big company over', 30_000, async () =>
      (await runs()).find((r) => r.company_id === big.companyId && r.id !== killedRun?.id),
    );
    const tTakenOver = performance.now();
    await eventually('the big company to finish', 30_000, async () =>
      (await runs()).some((r) => r.id === takeover.id && r.completed_at !== null),
    );
    const tBigDone = performance.now();
    await eventually('every company to finish', 60_000, async () => {
      const done = new Set((await runs()).filter((r) => r.completed_at !== null && r.status_code < 5000).map((r) => r.company_id));
      return companies.every((c) => done.has(c.companyId));
    });
    const tAllDone = performance.now();
    // Several more ticks of both schedulers: a synced day is never queued or run again.
    const settle = (await runs()).length;
    await new Promise((r) => setTimeout(r, 3_000));
    const history = await runs();
    expect(history.length).toBe(settle);

    const ms = (from: number, to: number) => `${Math.round(to - from)} ms`;
    console.info(
      `Fleet of 2 schedulers + ${WORKERS} workers on PostgreSQL, ${COMPANIES} companies due at once: ` +
        `clean run ${ms(t0, tClean)}, set-up ${ms(tClean, tSetUp)}, processes ready ${ms(tSetUp, tStarted)}, ` +
        `all synced ${ms(tStarted, tAllDone)} after start; ${victim?.name} killed with ${killedAtDocuments} of ${bigDocuments} ` +
        `documents written, taken over ${ms(tKilled, tTakenOver)} and finished ${ms(tKilled, tBigDone)} after the kill`,
    );

    // Each company synced once for the day; the only other runs are the ones the kill cut short
    // (in flight on the victim), each closed as interrupted by the run that took over.
    expect(history.filter((r) => r.status_code === 5080)).toEqual([]);
    expect(history.every((r) => r.trigger_kind === 'scheduled')).toBe(true);
    for (const { companyId } of companies) {
      const own = history.filter((r) => r.company_id === companyId);
      expect(own.filter((r) => r.status_code === 2000 || r.status_code === 2040).length, companyId).toBe(1);
    }
    const cutShort = history.filter((r) => r.status_code !== 2000 && r.status_code !== 2040);
    console.info(`Runs the kill cut short (resumed by another worker): ${cutShort.length}; runs in all: ${history.length}`);
    expect(cutShort.map((r) => r.id)).toContain(killedRun?.id);
    for (const run of cutShort) {
      expect(inFlight.map((r) => r.id)).toContain(run.id);
      expect([run.status_code, run.exception_message]).toEqual([5000, expect.stringMatching(/interrupted/i)]);
    }

    // Every ledger, read through the sandbox's HTTP API, holds exactly what the clean run wrote.
    for (const [i, { companyId, ledgerId }] of companies.entries()) {
      const response = await fetch(`${origin}/sandbox/ledgers/${ledgerId}/documents`);
      const documents = ((await response.json()) as { items: SandboxPostedDocument[] }).items;
      expect(inTheBooks(documents, companyId), `company ${i}`).toEqual(expected[i]);
    }
    // The schedulers' HTTP API reports the same history.
    const status = await fetch(`${origin}/companies/${big.companyId}/sync/commerce/syncs/list/status`, { headers: { Authorization: AUTH } });
    expect(((await status.json()) as { syncStatusCode: number }[]).map((s) => s.syncStatusCode)).toEqual([2000, 5000]);
  });
});
