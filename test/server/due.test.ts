import type { Configuration } from '../../src/contract/configuration.js';
import type { CompanyRecord, Store } from '../../src/server/store/index.js';
import { createInProcessQueue } from '../../src/server/runs/queue.js';
import { createScheduler } from '../../src/server/scheduler.js';
import { buildConfiguration } from '../fixtures/index.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

// Due-time scheduling: each company's next due instant is stored (`next_due_at`), recomputed on
// every change it depends on, and a tick reads only `next_due_at <= now` through its index.
// Every expected instant below is worked out by hand from the zone's rules (comments say how).

function schedule(timeZone: string, startDate: string, syncHour: number): Configuration {
  const config = buildConfiguration({ timeZone });
  config.schedule = { ...config.schedule, timeZone, startDate, syncHour };
  return config;
}

function company(id: string, config: Configuration | null, patch: Partial<CompanyRecord> = {}): CompanyRecord {
  return {
    id, name: id, description: null, tags: {}, createdAt: '2026-01-01T00:00:00.000Z', lastSync: null, syncedThrough: null,
    config, configured: true, enabled: true, failingSince: null, failedRunDays: 0, lastFailedRunDay: null, ...patch,
  };
}

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('next due time per company (%s)', (_name, makeTarget: () => Target) => {
  let target: Target;
  let store: Store;
  beforeEach(async () => {
    target = makeTarget();
    store = await target.open();
  });
  afterEach(async () => {
    await store.close();
    await target.cleanup();
  });

  const dueIds = async (at: string) => (await store.dueCompanies(new Date(at), 100)).map((c) => c.id).sort();

  it('is the sync hour of the day after the first unsynced day, in the merchant zone, across DST', async () => {
    // London springs forward at 01:00 UTC on 29 March 2026: 02:00 local that day is BST (UTC+1) = 01:00Z.
    await store.insertCompany(company('london', schedule('Europe/London', '2026-03-28', 2)));
    // New York springs forward on 8 March 2026 at 02:00: 06:00 local that day is EDT (UTC-4) = 10:00Z.
    await store.insertCompany(company('new-york', schedule('America/New_York', '2026-03-07', 6)));
    // New York falls back on 1 November 2026: 01:00 local happens twice; the earlier (EDT) is 05:00Z.
    await store.insertCompany(company('fall-back', schedule('America/New_York', '2026-10-31', 1)));
    // Sydney falls back on 5 April 2026 at 03:00 AEDT; midnight that day is still AEDT (UTC+11) = 13:00Z on the 4th.
    await store.insertCompany(company('sydney', schedule('Australia/Sydney', '2026-04-04', 0)));
    // Never due: paused, not configured, no start date.
    await store.insertCompany(company('paused', schedule('Etc/UTC', '2026-01-01', 0), { enabled: false }));
    await store.insertCompany(company('unconfigured', schedule('Etc/UTC', '2026-01-01', 0), { configured: false }));
    const noStart = buildConfiguration({ timeZone: 'Etc/UTC' });
    noStart.schedule = { selectedFrequency: 'Daily', syncHour: 0, timeZone: 'Etc/UTC' };
    await store.insertCompany(company('no-start', noStart));

    expect(await store.nextDue('london')).toBe('2026-03-29T01:00:00.000Z');
    expect(await store.nextDue('new-york')).toBe('2026-03-08T10:00:00.000Z');
    expect(await store.nextDue('fall-back')).toBe('2026-11-01T05:00:00.000Z');
    expect(await store.nextDue('sydney')).toBe('2026-04-04T13:00:00.000Z');
    for (const id of ['paused', 'unconfigured', 'no-start']) expect(await store.nextDue(id)).toBeNull();

    expect(await dueIds('2026-03-08T09:59:59.999Z')).toEqual([]);
    expect(await dueIds('2026-03-08T10:00:00.000Z')).toEqual(['new-york']);
    expect(await dueIds('2026-03-29T00:59:59.999Z')).toEqual(['new-york']);
    expect(await dueIds('2026-03-29T01:00:00.000Z')).toEqual(['london', 'new-york']);
    expect(await dueIds('2026-04-04T13:00:00.000Z')).toEqual(['london', 'new-york', 'sydney']);
    expect(await dueIds('2027-01-01T00:00:00.000Z')).toEqual(['fall-back', 'london', 'new-york', 'sydney']);
  });

  it('is recomputed when the configuration, zone, sync hour, switches or last success change', async () => {
    const config = schedule('America/New_York', '2026-03-07', 6);
    await store.insertCompany(company('c', config));
    expect(await store.nextDue('c')).toBe('2026-03-08T10:00:00.000Z');

    // A last success through the 9th: the 9th is due at 06:00 EDT on the 10th = 10:00Z.
    await store.updateCompany('c', { syncedThrough: '2026-03-09' });
    expect(await store.nextDue('c')).toBe('2026-03-10T10:00:00.000Z');
    // Tokyo (UTC+9, no DST): 06:00 on the 10th is 21:00Z on the 9th.
    await store.updateCompany('c', { config: schedule('Asia/Tokyo', '2026-03-07', 6) });
    expect(await store.nextDue('c')).toBe('2026-03-09T21:00:00.000Z');
    // Sync hour 0 in Tokyo: midnight on the 10th is 15:00Z on the 9th.
    await store.updateCompany('c', { config: schedule('Asia/Tokyo', '2026-03-07', 0) });
    expect(await store.nextDue('c')).toBe('2026-03-09T15:00:00.000Z');
    // Paused: never due; switched back on: due again.
    await store.updateCompany('c', { enabled: false });
    expect(await store.nextDue('c')).toBeNull();
    expect(await dueIds('2027-01-01T00:00:00.000Z')).toEqual([]);
    await store.updateCompany('c', { enabled: true });
    expect(await store.nextDue('c')).toBe('2026-03-09T15:00:00.000Z');
    await store.updateCompany('c', { configured: false });
    expect(await store.nextDue('c')).toBeNull();
    await store.updateCompany('c', { configured: true, syncedThrough: null });
    // Back to the start date, the 7th: midnight on the 8th in Tokyo is 15:00Z on the 7th.
    expect(await store.nextDue('c')).toBe('2026-03-07T15:00:00.000Z');
    // A change the due time does not depend on keeps it.
    await store.updateCompany('c', { name: 'Renamed', lastSync: '2026-03-08T00:00:00.000Z' });
    expect(await store.nextDue('c')).toBe('2026-03-07T15:00:00.000Z');
  });

  it('reads the due companies through the next_due_at index', async () => {
    const sql = 'SELECT * FROM companies WHERE next_due_at <= $1 ORDER BY next_due_at, id LIMIT 500';
    if (target.name === 'sqlite') {
      const plan = await store.db.query('EXPLAIN QUERY PLAN ' + sql, ['2026-03-08T00:00:00.000Z']);
      expect(JSON.stringify(plan)).toContain('companies_next_due');
    } else {
      // A handful of rows would be read by a scan; forbid it to see that the index serves the query.
      const plan = await store.db.transaction(async (tx) => {
        await tx.execute('SET LOCAL enable_seqscan = off');
        return tx.query('EXPLAIN ' + sql, ['2026-03-08T00:00:00.000Z']);
      });
      expect(JSON.stringify(plan)).toContain('companies_next_due');
    }
  });

  it('a tick reads only the due companies and runs each once; a failed attempt waits for the next day', async () => {
    // 200 companies not due until 2027, one due since 10:00Z on 8 March (New York, sync hour 6).
    for (let i = 0; i < 200; i += 1) await store.insertCompany(company(`later-${String(i).padStart(3, '0')}`, schedule('Etc/UTC', '2026-12-31', 0)));
    await store.insertCompany(company('due', schedule('America/New_York', '2026-03-07', 6)));
    let companyRowsRead = 0;
    const db = store.db;
    const counting = new Proxy(store, {
      get(object, key, receiver) {
        if (key !== 'db') return Reflect.get(object, key, receiver) as unknown;
        return new Proxy(db, {
          get(inner, name, r) {
            if (name !== 'query') return Reflect.get(inner, name, r) as unknown;
            return async (sql: string, params?: never[]) => {
              const rows = await inner.query(sql, params);
              if (/FROM companies/.test(sql)) companyRowsRead += rows.length;
              return rows;
            };
          },
        });
      },
    });
    const ran: { companyId: string; end: string }[] = [];
    const scheduler = createScheduler({
      store: counting,
      now: () => new Date(),
      queue: createInProcessQueue(async ({ companyId, end }) => {
        ran.push({ companyId, end });
        // What a failing scheduled run leaves behind.
        const at = '2026-03-08T12:00:00.000Z';
        await store.insertRun({ id: `run-${ran.length}`, companyId, trigger: 'scheduled', periodStart: '2026-03-07', periodEnd: end,
          statusCode: 5000, statusText: 'ServerError', errorMessage: 'x', exceptionMessage: 'x', errorCode: null, wizardStep: null,
          errorParams: null, dataPushed: false, createdAt: at, completedAt: at });
      }),
    });
    await scheduler.tick(new Date('2026-03-08T12:00:00.000Z'));
    expect(ran).toEqual([{ companyId: 'due', end: '2026-03-08' }]);
    expect(companyRowsRead).toBe(1);
    // The failed attempt is the day's: the next tick that day runs nothing and the due time
    // moves to the next day's sync hour (06:00 EDT on 9 March = 10:00Z).
    await scheduler.tick(new Date('2026-03-08T13:00:00.000Z'));
    expect(ran).toHaveLength(1);
    expect(await store.nextDue('due')).toBe('2026-03-09T10:00:00.000Z');
    await scheduler.tick(new Date('2026-03-09T09:59:00.000Z'));
    expect(ran).toHaveLength(1);
    await scheduler.tick(new Date('2026-03-09T10:00:00.000Z'));
    expect(ran).toEqual([{ companyId: 'due', end: '2026-03-08' }, { companyId: 'due', end: '2026-03-09' }]);
  });
});
