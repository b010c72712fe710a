import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import pg from 'pg';
import { createPostgresWebhookStore } from '../../src/webhooks/postgres-store.js';
import { createSqliteWebhookStore } from '../../src/webhooks/sqlite-store.js';
import type { WebhookDeliveryStore } from '../../src/webhooks/store.js';
import type { WebhookEventInput } from '../../src/contract/webhooks.js';

/** One storage backend under test: `open()` returns a store on a new connection to the same database. */
export interface StoreHarness {
  name: string;
  setup(): Promise<void>;
  /** Empties the table between tests. */
  reset(): Promise<void>;
  teardown(): Promise<void>;
  open(): Promise<WebhookDeliveryStore<pg.ClientBase>>;
}

export function sqliteHarness(): StoreHarness & { database(): SqliteDatabase } {
  let dir = '';
  let file = '';
  const connections: SqliteDatabase[] = [];
  const connect = () => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    connections.push(db);
    return db;
  };
  return {
    name: 'sqlite',
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'webhooks-'));
      file = join(dir, 'outbox.sqlite');
    },
    async reset() {
      const db = connect();
      createSqliteWebhookStore({ database: db });
      db.exec('DELETE FROM webhook_deliveries');
    },
    async teardown() {
      for (const db of connections.splice(0)) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
    // The SQLite store takes no transaction client; the cast lets both backends share one suite.
    async open() {
      return createSqliteWebhookStore({
        database: connect(),
      }) as unknown as WebhookDeliveryStore<pg.ClientBase>;
    },
    database: connect,
  };
}

export function postgresHarness(): StoreHarness & { pool(): pg.Pool; schema: string } {
  const schema = `webhooks_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const pools: pg.Pool[] = [];
  const newPool = () => {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: 5432,
      database: 'test',
      user: 'postgres',
      max: 4,
    });
    pools.push(pool);
    return pool;
  };
  return {
    name: 'postgres',
    schema,
    async setup() {
      await createPostgresWebhookStore({ pool: newPool(), schema }).migrate();
    },
    async reset() {
      await pools[0]?.query(`TRUNCATE "${schema}".webhook_deliveries`);
    },
    async teardown() {
      await pools[0]?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(pools.splice(0).map((p) => p.end()));
    },
    async open() {
      return createPostgresWebhookStore({ pool: newPool(), schema });
    },
    pool: () => pools[0] ?? newPool(),
  };
}

export const harnesses = (): StoreHarness[] => [sqliteHarness(), postgresHarness()];

/** A test clock: tests move it explicitly, never read the wall clock. */
export function testClock(start = '2026-03-02T09:00:00.000Z') {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at: Date | string) => {
      current = new Date(at).getTime();
    },
    advance: (seconds: number) => {
      current += seconds * 1000;
      return new Date(current);
    },
  };
}

/** A sequential id generator, so ids are readable in failures and deterministic. */
export function sequentialIds(prefix = 'id') {
  let n = 0;
  return () => `${prefix}_${String(++n).padStart(4, '0')}`;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP receiver on 127.0.0.1. `respond` decides the status per request; `down()` closes the
 * port (connections are refused) and `up()` listens again on the same port.
 */
export function createReceiver(
  options: { respond?: (req: ReceivedRequest) => number | Promise<number> } = {},
) {
  const received: ReceivedRequest[] = [];
  let respond = options.respond ?? (() => 200);
  let headers: Record<string, string> = {};
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const entry = {
            method: req.method ?? '',
            url: req.url ?? '',
            headers: req.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          };
          received.push(entry);
          void Promise.resolve(respond(entry)).then((status) => {
            res.writeHead(status, { 'content-type': 'text/plain', ...headers });
            res.end(status >= 300 ? `receiver says ${status}` : 'ok');
          });
        });
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.closeAllConnections();
      s.close(() => resolve());
    });
  return {
    received,
    url: () => `http://127.0.0.1:${port}/hooks`,
    up: listen,
    down: close,
    isUp: () => server !== null,
    setRespond(fn: (req: ReceivedRequest) => number | Promise<number>) {
      respond = fn;
    },
    /** Extra response headers (e.g. Retry-After) for the following requests. */
    setHeaders(next: Record<string, string>) {
      headers = next;
    },
  };
}

/** A schema-valid `sync.failed` event for company `companyId`. */
export function syncFailed(companyId = 'company-1', syncId = 'sync-1'): WebhookEventInput {
  return {
    type: 'sync.failed',
    companyId,
    data: {
      syncId,
      dataConnectionId: 'conn-acc-1',
      period: { start: '2026-03-01', finish: '2026-03-02' },
      syncStatusCode: 4000,
      errorCode: 'payment_type_unmapped',
      merchantMessage:
        'A new payment type, Swish, appeared in your sales. Choose the account it should be paid into under Payments, then sync again.',
      retryable: false,
      wizardStep: 'payments',
    },
  };
}

/** A schema-valid `sync.succeeded` event. */
export function syncSucceeded(companyId = 'company-1', syncId = 'sync-2'): WebhookEventInput {
  return {
    type: 'sync.succeeded',
    companyId,
    data: {
      syncId,
      dataConnectionId: 'conn-acc-1',
      period: { start: '2026-03-01', finish: '2026-03-02' },
      syncStatusCode: 2000,
      errorCode: null,
      merchantMessage: null,
      documentCount: 3,
    },
  };
}
