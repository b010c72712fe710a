import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SandboxLedgerSummary, SandboxPostedDocument } from '../../src/platforms/sandbox/index.js';
import type { Store, SyncService } from '../../src/server/index.js';
import { addDays } from '../../src/server/time.js';
import { generateMerchant, rng, type GeneratedMerchant } from '../fixtures/index.js';
import { API_KEY, BASE, call, linkSandbox, makeService, SANDBOX_REDIRECT_URI } from './helpers.js';
import { inTheBooks, pushAndConfigure } from './processes/books.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

// Fault injection at process level: the real service (its CLI, from source) in a child process
// on a real store is killed with SIGKILL at random points of a multi-day catch-up run, again and
// again, and restarted each time. Its ledger must end with exactly what a clean run writes.

const SERVE = resolve(import.meta.dirname, 'processes/serve.ts');
const KILLS = 10;
// New kill points every run; the seed is printed, and SIGKILL_SEED=<seed> replays a run's points.
const SEED = Number(process.env.SIGKILL_SEED ?? Math.floor(Math.random() * 2 ** 31));

interface Server {
  /** Resolves with the service's URL once it listens (on SQLite only after a run lets go of the event loop). */
  listening: Promise<string>;
  output(): string;
  /** SIGKILL, then wait until the process is gone (reaped). */
  kill(): Promise<void>;
}

function startServer(args: readonly string[]): Server {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVE, 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', COMMERCE_SYNC_API_KEYS: API_KEY, COMMERCE_SYNC_ENCRYPTION_KEY: 'b'.repeat(64) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const listening = new Promise<string>((ready, fail) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const origin = /listening on (\S+)/.exec(output)?.[1];
      if (origin) ready(origin);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then(() => fail(new Error(`the service exited:\n${output}`)));
  });
  listening.catch(() => undefined);
  return {
    listening,
    output: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * The part of a {@link SyncService} the test helpers use (`fetch`, the sandbox's ledger list),
 * served by a child process over HTTP.
 */
function overHttp(origin: string): SyncService {
  let ledgers: SandboxLedgerSummary[] = [];
  const service = {
    async fetch(request: Request): Promise<Response> {
      const url = new URL(request.url);
      const target = url.origin === BASE ? `${origin}${url.pathname}${url.search}` : request.url;
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
      const response = await fetch(target, { method: request.method, headers: request.headers, body, redirect: request.redirect });
      ledgers = ((await (await fetch(`${origin}/sandbox/ledgers?format=json`)).json()) as { items: SandboxLedgerSummary[] }).items;
      return response;
    },
    sandbox: { admin: { listLedgers: () => ledgers } },
  };
  return service as unknown as SyncService;
}

/** Creates the merchant's company, links a new sandbox ledger, pushes the records and saves the configuration. */
async function setUp(service: SyncService, merchant: GeneratedMerchant): Promise<{ companyId: string; ledgerId: string }> {
  const companyId = (await call(service, 'POST', '/companies', { name: 'Night Market' })).body.id as string;
  const { ledgerId } = await linkSandbox(service, companyId, 'uk');
  await pushAndConfigure(service, companyId, merchant, 'Invoice');
  return { companyId, ledgerId };
}

async function eventually<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

interface RunStatus {
  syncId: string;
  trigger: string;
  syncStatusCode: number;
  syncExceptionMessage: string;
}

/** The CLI options that put the service on a target's store. */
function storeArgs(target: Target): string[] {
  const options = target.options;
  if ('sqlite' in options) return ['--db', options.sqlite];
  const pg = options.postgres;
  return ['--postgres', `postgres://${pg.user}@${pg.host}:${pg.port}/${pg.database}`, '--pg-schema', pg.schema ?? 'public'];
}

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('the service killed with SIGKILL during a multi-day run, restarted each time (%s)', (name, makeTarget: () => Target) => {
  let dir: string;
  let target: Target;
  let server: Server | null = null;
  let observer: Store | null = null;
  let ledgerFile: Database.Database | null = null;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-sigkill-'));
    target = makeTarget();
  });
  afterEach(async () => {
    await server?.kill();
    server = null;
    ledgerFile?.close();
    await observer?.close();
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`ends with exactly the documents of a clean run after ${KILLS} kills, each next run starting at once`, { timeout: 120_000 }, async () => {
    const today = new Date().toISOString().slice(0, 10);
    // About 470 documents: under the sandbox's per-minute write budget, so no run waits for it.
    const merchant = generateMerchant({ seed: 12, days: 35, ordersPerDay: 20, start: addDays(today, -37) });

    // The clean run: the same data, configuration and scheduled run, never interrupted.
    const clean = makeService({ store: { sqlite: ':memory:' } });
    let expected: ReturnType<typeof inTheBooks>;
    try {
      const { companyId, ledgerId } = await setUp(clean, merchant);
      await clean.scheduler.tick(new Date());
      const runs = (await call(clean, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body as RunStatus[];
      expect(runs.map((r) => [r.trigger, r.syncStatusCode]), runs[0]?.syncExceptionMessage).toEqual([['scheduled', 2000]]);
      expected = inTheBooks(clean.sandbox?.admin.documents(ledgerId) ?? [], companyId);
    } finally {
      await clean.close();
    }
    expect(expected.length).toBeGreaterThan(KILLS * 20);

    const sandboxFile = join(dir, 'sandbox.db');
    const args = ['--port', String(40_000 + Math.floor(Math.random() * 20_000)), '--sandbox-db', sandboxFile, '--sandbox-redirect-uri', SANDBOX_REDIRECT_URI, ...storeArgs(target)];
    // Set up with the scheduler off, so the first scheduled run starts only with the first restart.
    server = startServer([...args, '--no-scheduler']);
    const { companyId, ledgerId } = await setUp(overHttp(await server.listening), merchant);
    await server.kill();

    // Watching from outside: the service's own store and the sandbox's file. (A run on SQLite with
    // the in-process sandbox does not give the event loop back to HTTP until it ends.)
    observer = await target.open();
    ledgerFile = new Database(sandboxFile, { readonly: true, fileMustExist: true });
    const inLedger = ledgerFile.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM documents');
    const documentCount = () => inLedger.get()?.n ?? 0;
    const runs = () => (observer ? observer.listRuns(companyId) : Promise.resolve([]));

    const random = rng(SEED);
    // Kill points spread over the whole catch-up: once the ledger holds its n-th document, then up
    // to 20 ms more (before, during or right after a write); a point already passed when the run
    // restarts kills it while it prepares (lease, ledger checks, aggregation) or starts writing.
    const killPoints = Array.from({ length: KILLS }, () => 1 + Math.floor(random() * (expected.length - 60))).sort((a, b) => a - b);
    const seen = new Set<string>();
    const startedAfterMs: number[] = [];
    const killedAtDocuments: number[] = [];
    for (const point of [...killPoints, null]) {
      const spawned = performance.now();
      server = startServer(args);
      const current = server;
      // The scheduler ticks at start: the dead run's lease is taken over and the run goes on at once.
      const run = await eventually('the scheduled run to start after the restart', 30_000, async () => (await runs()).find((r) => !seen.has(r.id))).catch((error: Error) => {
        throw new Error(`${error.message} (restart ${seen.size + 1}, seed ${SEED}); the service said:\n${current.output()}`);
      });
      startedAfterMs.push(Math.round(performance.now() - spawned));
      seen.add(run.id);
      expect(run.trigger).toBe('scheduled');
      expect(run.statusCode, run.exceptionMessage).not.toBe(5080);
      if (point === null) break;
      await eventually(`document ${point} in the ledger`, 60_000, async () => documentCount() >= point);
      await new Promise((r) => setTimeout(r, random() * 20));
      await server.kill();
      server = null;
      killedAtDocuments.push(documentCount());
    }

    await eventually('the last run to finish', 60_000, async () => ((await runs())[0]?.completedAt ? true : null));
    const origin = await (server as Server | null)?.listening;
    const history = ((await (await fetch(`${origin}/companies/${companyId}/sync/commerce/syncs/list/status`, { headers: { Authorization: `Basic ${btoa(API_KEY)}` } })).json()) as RunStatus[]);
    const documents = ((await (await fetch(`${origin}/sandbox/ledgers/${ledgerId}/documents`)).json()) as { items: SandboxPostedDocument[] }).items;
    console.info(
      `SIGKILL on ${name}: ${KILLS} kills with ${killedAtDocuments.join(', ')} of ${expected.length} documents in the ledger; ` +
        `each next run started ${startedAfterMs.join(', ')} ms after its process was spawned (seed ${SEED})`,
    );

    // Every killed run was closed as interrupted by the next one and the last one finished; no
    // run was refused for a lease a dead process held.
    expect(history.map((r) => r.syncStatusCode)).toEqual([2000, ...Array<number>(KILLS).fill(5000)]);
    expect(history.slice(1).every((r) => /interrupted/i.test(r.syncExceptionMessage))).toBe(true);
    expect(history.every((r) => r.trigger === 'scheduled')).toBe(true);

    const references = documents.map((d) => d.reference);
    const duplicated = references.filter((r, i) => references.indexOf(r) !== i);
    const written = new Set(references.map((r) => r.replaceAll(companyId, '<company>')));
    const missing = expected.filter((d) => !written.has(d.reference)).map((d) => d.reference);
    expect({ missing, duplicated }).toEqual({ missing: [], duplicated: [] });
    expect(inTheBooks(documents, companyId)).toEqual(expected);
  });
});
