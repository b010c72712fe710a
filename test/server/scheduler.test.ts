import { dueEnd } from '../../src/server/scheduler.js';
import { openStore, type Store } from '../../src/server/index.js';
import { buildConfiguration, buildOrder, buildPayment, SANDBOX_ACCOUNTS } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';

describe('dueEnd', () => {
  it('makes a day due at the sync hour of the following local day, across DST', () => {
    expect(dueEnd(new Date('2026-03-29T00:30:00Z'), 'Europe/London', 2)).toMatchObject({ end: '2026-03-28' });
    // 01:30 UTC on the spring-forward day is 02:30 BST: the 28th has ended and its hour has come.
    expect(dueEnd(new Date('2026-03-29T01:30:00Z'), 'Europe/London', 2).end).toBe('2026-03-29');
    expect(dueEnd(new Date('2026-03-29T01:30:00Z'), 'Europe/London', 2).dueAt.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(dueEnd(new Date('2026-01-15T07:59:00Z'), 'America/Vancouver', 0).end).toBe('2026-01-14');
    expect(dueEnd(new Date('2026-01-15T08:00:00Z'), 'America/Vancouver', 0).end).toBe('2026-01-15');
  });
});

describe('scheduler', () => {
  let store: Store;
  const c = clock('2026-03-10T08:00:00Z');
  let service: ReturnType<typeof makeService>;

  beforeEach(async () => {
    c.set('2026-03-10T08:00:00Z');
    store = await openStore({ sqlite: ':memory:' });
    service = makeService({ now: c.now, store });
  });
  afterEach(async () => {
    await service.close();
    await store.close();
  });

  async function setup(startDate: string, syncHour: number, timeZone = 'America/New_York', enabled = true) {
    const companyId = (await call(service, 'POST', '/companies', { name: 'Deli' })).body.id as string;
    const { ledgerId } = await linkSandbox(service, companyId, 'uk');
    const config = buildConfiguration({ timeZone });
    config.enabled = enabled;
    config.schedule = { ...config.schedule, startDate, syncHour };
    const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
    expect(saved.status, JSON.stringify(saved.body.validation)).toBe(200);
    return { companyId, ledgerId };
  }

  it('syncs each enabled company once a day after its sync hour, covering whole local days', async () => {
    const { companyId, ledgerId } = await setup('2026-03-09', 6);
    const paused = await setup('2026-03-09', 6, 'America/New_York', false);
    // Sales late on the 9th New York time are already the 10th in UTC.
    await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ createdDate: '2026-03-10T03:00:00Z' })]);
    await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment({ createdDate: '2026-03-10T03:00:00Z' })]);

    // 05:00 in New York (UTC-4 after the 8 March DST change): the 9th has ended, but its sync hour has not come.
    c.set('2026-03-10T09:00:00Z');
    await service.scheduler.tick(c.now());
    expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body).toEqual([]);

    c.set('2026-03-10T10:30:00Z');
    await service.scheduler.tick(c.now());
    const runs = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'scheduled', syncStatusCode: 2000, period: { start: '2026-03-09', finish: '2026-03-10' } });
    expect(service.sandbox?.admin.documents(ledgerId).map((d) => d.date)).toEqual(['2026-03-09']);
    expect((await call(service, 'GET', `/companies/${paused.companyId}/sync/commerce/syncs/list/status`)).body).toEqual([]);

    // Later the same day: nothing more is due.
    c.set('2026-03-10T20:00:00Z');
    await service.scheduler.tick(c.now());
    expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body).toHaveLength(1);

    c.set('2026-03-11T10:30:00Z');
    await service.scheduler.tick(c.now());
    const next = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body;
    expect(next[0]).toMatchObject({ syncStatusCode: 2040, period: { start: '2026-03-10', finish: '2026-03-11' } });
  });

  it('ticks as soon as it starts, so a restart picks up due work at once rather than an interval later', { timeout: 30_000 }, async () => {
    await service.close();
    service = makeService({ now: c.now, store, schedulerIntervalMs: 3_600_000 });
    const { companyId } = await setup('2026-03-09', 6);
    c.set('2026-03-10T10:30:00Z');
    service.scheduler.start();
    try {
      let runs: { trigger: string; syncStatusCode: number }[] = [];
      for (let i = 0; i < 100 && !runs.some((r) => r.syncStatusCode !== 1000); i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        runs = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body;
      }
      expect(runs.map((r) => [r.trigger, r.syncStatusCode])).toEqual([['scheduled', 2040]]);
    } finally {
      service.scheduler.stop();
    }
  });

  /** The UTC instant `hh:00` on `day` + `n` days (test clock arithmetic only). */
  function dayAt(day: string, n: number, hour = 3): string {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00Z`;
  }
  const enabledOf = async (companyId: string) => (await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`)).body.enabled as boolean;
  const latestOf = async (companyId: string) => (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/latest/status`)).body;

  it('rolls failed days into the next run; one failing 40-day catch-up run does not switch the company off', async () => {
    const { companyId, ledgerId } = await setup('2026-02-01', 1, 'Europe/London');
    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);

    // 1 February to 12 March: 28 + 12 = 40 days in one scheduled run, which fails.
    c.set('2026-03-13T03:00:00Z');
    await service.scheduler.tick(c.now());
    let latest = await latestOf(companyId);
    expect(latest).toMatchObject({ trigger: 'scheduled', syncStatusCode: 4000, period: { start: '2026-02-01', finish: '2026-03-13' } });
    expect(latest.errorMessage).not.toMatch(/paused/);
    expect(await enabledOf(companyId)).toBe(true);

    // The next day's run covers the failed days again.
    c.set('2026-03-14T03:00:00Z');
    await service.scheduler.tick(c.now());
    latest = await latestOf(companyId);
    expect(latest).toMatchObject({ syncStatusCode: 4000, period: { start: '2026-02-01', finish: '2026-03-14' } });
    expect(await enabledOf(companyId)).toBe(true);
  });

  it('pauses the company when scheduled runs failed on 31 distinct days; manual and same-day runs add none', { timeout: 60_000 }, async () => {
    // From 15 January: the first run already covers 18 days, which must not count as 18.
    const { companyId, ledgerId } = await setup('2026-01-15', 1, 'Europe/London');
    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);

    // Day 1 (2 February): the scheduled run fails, then a manual run, then (the latest run no
    // longer being scheduled) a second scheduled run the same day: still one failing day.
    c.set(dayAt('2026-02-02', 0));
    await service.scheduler.tick(c.now());
    c.set(dayAt('2026-02-02', 0, 5));
    expect((await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {})).body.syncStatusCode).toBe(4000);
    c.set(dayAt('2026-02-02', 0, 6));
    await service.scheduler.tick(c.now());
    const day1 = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body as { trigger: string }[];
    expect(day1.map((r) => r.trigger).sort()).toEqual(['latest', 'scheduled', 'scheduled']);

    // Days 2 to 30 (3 February to 3 March): one failing scheduled run each, and manual runs in between.
    for (let n = 1; n < 30; n += 1) {
      c.set(dayAt('2026-02-02', n));
      await service.scheduler.tick(c.now());
      if (n % 10 === 0) await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    }
    expect(c.now().toISOString().slice(0, 10)).toBe('2026-03-03');
    expect(await enabledOf(companyId)).toBe(true);
    expect((await latestOf(companyId)).errorMessage).not.toMatch(/paused/);

    // Day 31 (4 March).
    c.set(dayAt('2026-02-02', 30));
    await service.scheduler.tick(c.now());
    const latest = await latestOf(companyId);
    expect(latest).toMatchObject({ trigger: 'scheduled', syncStatusCode: 4000, period: { start: '2026-01-15', finish: '2026-03-04' } });
    expect(latest.errorMessage).toMatch(/paused after 31 days/);
    expect(await enabledOf(companyId)).toBe(false);

    // Switched off: no more scheduled runs.
    const count = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body.length as number;
    c.set(dayAt('2026-02-02', 31));
    await service.scheduler.tick(c.now());
    expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body).toHaveLength(count);
  });

  it('a success ends the streak: 20 failing days, a success, 20 failing days keep syncing on', { timeout: 60_000 }, async () => {
    const { companyId, ledgerId } = await setup('2026-02-01', 1, 'Europe/London');
    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    for (let n = 0; n < 20; n += 1) {
      c.set(dayAt('2026-02-02', n));
      await service.scheduler.tick(c.now());
    }
    service.sandbox?.admin.restoreAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    c.set(dayAt('2026-02-02', 20));
    await service.scheduler.tick(c.now());
    expect((await latestOf(companyId)).syncStatusCode).toBe(2040);
    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    for (let n = 21; n < 41; n += 1) {
      c.set(dayAt('2026-02-02', n));
      await service.scheduler.tick(c.now());
    }
    expect((await latestOf(companyId)).syncStatusCode).toBe(4000);
    expect(await enabledOf(companyId)).toBe(true);
  });
});
