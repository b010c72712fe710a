import { QueueHealthSchema } from '../../src/contract/queue-health.js';
import type { Store, SyncService } from '../../src/server/index.js';
import { addDays } from '../../src/server/time.js';
import { buildConfiguration, generateMerchant } from '../fixtures/index.js';
import { call, linkSandbox, makeService } from './helpers.js';
import { eventually } from './processes/spawn.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

// Fairness: one company's ledger hangs (its API never answers) while 20 healthy companies are
// due with it, on 3 workers. The healthy ones must all finish while the hung one is still
// stuck; the hung company's calls time out, its run fails as an outage and is queued again as a
// delayed job (no worker busy while it waits), and that retry succeeds once the ledger answers.

const HEALTHY = 20;
const CALL_TIMEOUT_MS = 3_000;

async function dueCompany(service: SyncService, name: string, start: string, seed: number): Promise<{ companyId: string; ledgerId: string }> {
  const merchant = generateMerchant({ seed, days: 1, ordersPerDay: 3, start });
  const companyId = (await call(service, 'POST', '/companies', { name })).body.id as string;
  const { ledgerId } = await linkSandbox(service, companyId, 'uk');
  expect((await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: merchant.orders })).status).toBe(200);
  expect((await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-payments`, { payments: merchant.payments })).status).toBe(200);
  const config = buildConfiguration({ timeZone: 'Europe/London' });
  config.schedule = { ...config.schedule, startDate: start, syncHour: 0, timeZone: 'Europe/London' };
  expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status).toBe(200);
  return { companyId, ledgerId };
}

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('a hung ledger among healthy ones (%s)', (_name, makeTarget: () => Target) => {
  let target: Target;
  let service: SyncService | null = null;
  let store: Store | null = null;
  beforeEach(() => {
    target = makeTarget();
  });
  afterEach(async () => {
    await service?.close();
    service = null;
    store = null;
    await target.cleanup();
  });

  it('holds back none of the 20 healthy companies, and retries the hung one as a delayed job', { timeout: 90_000 }, async () => {
    const today = new Date().toISOString().slice(0, 10);
    store = await target.open();
    const s = makeService({
      store,
      workers: 3,
      queue: { pollingIntervalSeconds: 0.1 },
      sandbox: { callTimeoutMs: CALL_TIMEOUT_MS },
      runRetries: { firstDelayMs: 1_000 },
    });
    service = s;
    // The hung company starts a day earlier, so it is the first due and the first a worker takes.
    const hung = await dueCompany(s, 'Hung Ledger Ltd', addDays(today, -3), 1);
    const healthy: { companyId: string; ledgerId: string }[] = [];
    for (let i = 0; i < HEALTHY; i += 1) healthy.push(await dueCompany(s, `Healthy ${i}`, addDays(today, -2), 10 + i));
    s.sandbox?.admin.hangNextRequests(hung.ledgerId, 1_000_000);
    const latest = (companyId: string) => (store as Store).latestRun(companyId);

    const ticking = s.scheduler.tick(new Date());
    await eventually('every healthy company to be synced', 60_000, async () => {
      for (const { companyId } of healthy) {
        const run = await latest(companyId);
        if (run?.statusCode !== 2000) return false;
      }
      return true;
    });
    // All 20 done while the hung company's run is still waiting on its ledger.
    const stuck = await latest(hung.companyId);
    expect(stuck).not.toBeNull();
    expect(stuck?.completedAt).toBeNull();

    // Its calls time out: the run ends as an outage and the tick (which waits for the runs it queued) ends.
    await ticking;
    const failed = await latest(hung.companyId);
    expect(failed).toMatchObject({ id: stuck?.id, statusCode: 5000, errorCode: 'platform_outage' });
    // The retry waits as a job: queued, no worker on it.
    const waiting = QueueHealthSchema.parse((await call(s, 'GET', '/health/queue')).body);
    expect(waiting.totals).toMatchObject({ queued: 1, running: 0 });

    // The ledger answers again: the retry runs after its delay and syncs the day.
    s.sandbox?.admin.hangNextRequests(hung.ledgerId, 0);
    await eventually('the retry of the hung company to succeed', 30_000, async () => (await latest(hung.companyId))?.statusCode === 2000);
    const history = await (store as Store).listRuns(hung.companyId);
    expect(history.map((r) => [r.trigger, r.statusCode])).toEqual([['scheduled', 2000], ['scheduled', 5000]]);
    expect(s.sandbox?.admin.documents(hung.ledgerId).length).toBeGreaterThan(0);
    const after = QueueHealthSchema.parse((await call(s, 'GET', '/health/queue')).body);
    expect(after.totals).toMatchObject({ queued: 0, running: 0, due: 0 });
  });
});
