import {
  createWebhookDispatcher,
  DEFAULT_RETRY_DELAYS_SECONDS,
  retryDelayMs,
} from '../../src/webhooks/dispatcher.js';
import { createSqliteWebhookStore } from '../../src/webhooks/sqlite-store.js';
import { harnesses, postgresHarness, sqliteHarness, syncFailed, testClock } from './harness.js';
import { dispatcherSuite, SECRET } from './dispatcher-suite.js';

describe('retryDelayMs', () => {
  it('follows the schedule, with jitter bounded to ±20 %', () => {
    const none = DEFAULT_RETRY_DELAYS_SECONDS.map((_, i) =>
      retryDelayMs(i + 1, { random: () => 0.5 }),
    );
    expect(none).toEqual([30_000, 120_000, 600_000, 3_600_000, 21_600_000, 43_200_000, 86_400_000]);
    expect(retryDelayMs(DEFAULT_RETRY_DELAYS_SECONDS.length + 1, { random: () => 0.5 })).toBeNull();
    expect(retryDelayMs(1, { random: () => 0 })).toBe(24_000);
    expect(retryDelayMs(1, { random: () => 0.999999 })).toBe(36_000);
    expect(retryDelayMs(2, { random: () => 0.25, jitter: 0.5 })).toBe(90_000);
  });
});

describe.each(harnesses())('webhook dispatcher on $name', dispatcherSuite);

describe('enqueue inside the caller transaction', () => {
  it('SQLite: rows commit and roll back with the caller’s db.transaction', async () => {
    const harness = sqliteHarness();
    await harness.setup();
    try {
      const db = harness.database();
      db.exec('CREATE TABLE syncs (id TEXT PRIMARY KEY, status TEXT NOT NULL)');
      const webhooks = createWebhookDispatcher({
        store: createSqliteWebhookStore({ database: db }),
        endpoints: [{ id: 'ep', url: 'http://127.0.0.1:1/x', secret: SECRET, events: ['*'] }],
        now: testClock().now,
      });
      const fail = db.transaction((syncId: string) => {
        db.prepare('INSERT INTO syncs VALUES (?, ?)').run(syncId, 'failed');
        void webhooks.enqueue(syncFailed('company-1', syncId));
      });
      expect(() =>
        db.transaction(() => {
          fail('rolled-back');
          throw new Error('something later in the same unit of work failed');
        })(),
      ).toThrow(/later/);
      fail('committed');
      const page = await webhooks.listDeliveries();
      expect(
        page.items.map((d) => (d.event.type === 'sync.failed' ? d.event.data.syncId : '')),
      ).toEqual(['committed']);
      expect(db.prepare('SELECT id FROM syncs').all()).toEqual([{ id: 'committed' }]);
    } finally {
      await harness.teardown();
    }
  });

  it('PostgreSQL: rows commit and roll back with the caller’s client', async () => {
    const harness = postgresHarness();
    await harness.setup();
    try {
      const webhooks = createWebhookDispatcher({
        store: await harness.open(),
        endpoints: [{ id: 'ep', url: 'http://127.0.0.1:1/x', secret: SECRET, events: ['*'] }],
        now: testClock().now,
      });
      const client = await harness.pool().connect();
      try {
        await client.query('BEGIN');
        await webhooks.enqueue(syncFailed('company-1', 'rolled-back'), { tx: client });
        await client.query('ROLLBACK');
        await client.query('BEGIN');
        await webhooks.enqueue(syncFailed('company-1', 'committed'), { tx: client });
        // Not visible outside the transaction until it commits.
        expect((await webhooks.listDeliveries()).items).toEqual([]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      const page = await webhooks.listDeliveries();
      expect(
        page.items.map((d) => (d.event.type === 'sync.failed' ? d.event.data.syncId : '')),
      ).toEqual(['committed']);
    } finally {
      await harness.teardown();
    }
  });
});
