import { QueueHealthSchema, type QueueHealth } from '../../src/contract/queue-health.js';
import { SupportSearchResultSchema } from '../../src/contract/support.js';
import type { SyncService } from '../../src/server/index.js';
import { buildConfiguration, generateMerchant } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';
import { eventually } from './processes/spawn.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

// GET /health/queue on both stores: the figures before a tick (companies due, none queued),
// while a run is held inside its first write (one running, the rest queued behind the only
// worker) and after the tick (nothing due, nothing queued). Expected figures are worked out by
// hand from the companies' start dates (domain rule: a day's sync is due at syncHour local on
// the following day; Europe/London is on GMT in early March).

const NOW = '2026-03-05T10:00:00.000Z';

async function health(service: SyncService): Promise<QueueHealth> {
  const reply = await call(service, 'GET', '/health/queue');
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return QueueHealthSchema.parse(reply.body);
}

async function dueCompany(service: SyncService, name: string, start: string, seed: number): Promise<string> {
  const merchant = generateMerchant({ seed, days: 1, ordersPerDay: 3, start });
  const companyId = (await call(service, 'POST', '/companies', { name })).body.id as string;
  await linkSandbox(service, companyId, 'uk');
  expect((await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: merchant.orders })).status).toBe(200);
  expect((await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-payments`, { payments: merchant.payments })).status).toBe(200);
  const config = buildConfiguration({ timeZone: 'Europe/London' });
  config.schedule = { ...config.schedule, startDate: start, syncHour: 0, timeZone: 'Europe/London' };
  expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status).toBe(200);
  return companyId;
}

const idle = { queued: 0, running: 0, waitingOnBudget: 0, failed: 0 };

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('GET /health/queue (%s)', (_name, makeTarget: () => Target) => {
  let target: Target;
  let service: SyncService | null = null;
  beforeEach(() => {
    target = makeTarget();
  });
  afterEach(async () => {
    await service?.close();
    service = null;
    await target.cleanup();
  });

  it('reports due companies, the oldest due time and its age, then running and queued jobs, then nothing', { timeout: 60_000 }, async () => {
    const c = clock(NOW);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const s = makeService({
      now: c.now,
      store: await target.open(),
      workers: 1,
      queue: { pollingIntervalSeconds: 0.1 },
      hooks: {
        afterWrite: async ({ count }) => {
          if (count === 1) await gate;
        },
      },
    });
    service = s;
    await dueCompany(s, 'Oldest Deli', '2026-03-01', 1);
    await dueCompany(s, 'Middle Bakery', '2026-03-02', 2);
    await dueCompany(s, 'Newest Bar', '2026-03-03', 3);
    // Created but never configured: never due, counted nowhere.
    await call(s, 'POST', '/companies', { name: 'Unconfigured' });

    expect((await call(s, 'GET', '/health/queue', undefined, { auth: false })).status).toBe(401);

    // Day 2026-03-01 is due at 2026-03-02 00:00 London = 00:00 UTC; now is 3 days 10 hours later.
    const before = await health(s);
    const dueFigures = { due: 3, oldestDueAt: '2026-03-02T00:00:00.000Z', oldestDueAgeSeconds: 3 * 86_400 + 10 * 3_600 };
    expect(before).toEqual({
      queue: target.name === 'postgres' ? 'pg-boss' : 'in-process',
      at: NOW,
      totals: { ...idle, ...dueFigures },
      byPlatform: [{ platformKey: 'sandbox', ...idle, ...dueFigures }],
    });

    // The tick queues all three; the only worker holds the first one inside its first write.
    const ticking = s.scheduler.tick(c.now());
    const during = await eventually('a run to be inside its first write', 30_000, async () => {
      const h = await health(s);
      return h.totals.running === 1 && h.totals.queued === 2 ? h : null;
    });
    expect(during.totals).toEqual({ queued: 2, running: 1, waitingOnBudget: 0, failed: 0, ...dueFigures });
    expect(during.byPlatform).toEqual([{ platformKey: 'sandbox', queued: 2, running: 1, waitingOnBudget: 0, failed: 0, ...dueFigures }]);
    // Sync Health's totals carry the same figures.
    const search = SupportSearchResultSchema.parse((await call(s, 'GET', '/support/companies')).body);
    expect(search.totals.queue).toEqual({ queued: 2, running: 1, waitingOnBudget: 0, failed: 0, ...dueFigures });

    release();
    await ticking;
    const after = await health(s);
    const none = { ...idle, due: 0, oldestDueAt: null, oldestDueAgeSeconds: null };
    expect(after.totals).toEqual(none);
    // Completed jobs leave no figures behind.
    expect(after.byPlatform).toEqual([]);
  });
});
