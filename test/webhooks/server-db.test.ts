/*
 * The outbox on the sync service's own database layer (src/server/store: `Db`), which is how the
 * service wires webhooks in. Runs the same store and dispatcher suites as the dedicated stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientBase } from 'pg';
import type { Db } from '../../src/server/store/db.js';
import { openPostgres } from '../../src/server/store/postgres.js';
import { openSqlite } from '../../src/server/store/sqlite.js';
import { createWebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { createSqlWebhookStore } from '../../src/webhooks/sql-store.js';
import type { WebhookDeliveryStore } from '../../src/webhooks/store.js';
import { dispatcherSuite, SECRET } from './dispatcher-suite.js';
import { syncFailed, testClock } from './harness.js';
import type { StoreHarness } from './harness.js';
import { storeSuite } from './store-suite.js';

function serverDbHarness(dialect: 'sqlite' | 'postgres'): StoreHarness & { db(): Db } {
  const schema = `webhooks_db_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  let dir = '';
  const opened: Db[] = [];
  const connect = async () => {
    const db =
      dialect === 'sqlite'
        ? openSqlite(join(dir, 'service.sqlite'))
        : await openPostgres({
            host: '127.0.0.1',
            port: 5432,
            database: 'test',
            user: 'postgres',
            schema,
            max: 4,
          });
    opened.push(db);
    return db;
  };
  return {
    name: `server Db (${dialect})`,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), 'webhooks-db-'));
      await createSqlWebhookStore(await connect()).migrate();
    },
    async reset() {
      await opened[0]?.execute('DELETE FROM webhook_deliveries');
    },
    async teardown() {
      if (dialect === 'postgres')
        await opened[0]?.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await Promise.all(opened.splice(0).map((db) => db.close()));
      rmSync(dir, { recursive: true, force: true });
    },
    // The suites are typed for the pg store's `tx`; this store takes the host's transaction handle instead.
    async open() {
      return createSqlWebhookStore(await connect()) as unknown as WebhookDeliveryStore<ClientBase>;
    },
    db: () => {
      const db = opened[0];
      if (!db) throw new Error('setup() first');
      return db;
    },
  };
}

describe.each([serverDbHarness('sqlite'), serverDbHarness('postgres')])(
  'on the sync service $name',
  (harness) => {
    describe('store', () => storeSuite(harness));
    describe('dispatcher', () => dispatcherSuite(harness));
  },
);

describe.each(['sqlite', 'postgres'] as const)(
  'enqueue inside a sync service transaction (%s)',
  (dialect) => {
    const harness = serverDbHarness(dialect);
    beforeAll(() => harness.setup());
    afterAll(() => harness.teardown());

    it('commits with the transaction and rolls back with it', async () => {
      const db = harness.db();
      await db.execute('CREATE TABLE IF NOT EXISTS sync_runs (id TEXT PRIMARY KEY)');
      const webhooks = createWebhookDispatcher({
        store: createSqlWebhookStore(db),
        endpoints: [{ id: 'ep', url: 'http://127.0.0.1:1/x', secret: SECRET, events: ['*'] }],
        now: testClock().now,
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.execute('INSERT INTO sync_runs (id) VALUES ($1)', ['rolled-back']);
          await webhooks.enqueue(syncFailed('company-1', 'rolled-back'), { tx });
          throw new Error('the run failed to save');
        }),
      ).rejects.toThrow(/failed to save/);
      await db.transaction(async (tx) => {
        await tx.execute('INSERT INTO sync_runs (id) VALUES ($1)', ['committed']);
        await webhooks.enqueue(syncFailed('company-1', 'committed'), { tx });
      });
      const page = await webhooks.listDeliveries();
      expect(
        page.items.map((d) => (d.event.type === 'sync.failed' ? d.event.data.syncId : '')),
      ).toEqual(['committed']);
      expect(await db.query('SELECT id FROM sync_runs')).toEqual([{ id: 'committed' }]);
    });
  },
);
