import { buildConfiguration, generateMerchant } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';
import { postgresTarget, type Target } from './targets.js';

describe('two instances on one PostgreSQL database', () => {
  let target: Target;
  beforeEach(() => {
    target = postgresTarget();
  });
  afterEach(async () => {
    await target.cleanup();
  });

  it('never run the same company at the same time (advisory-lock run lease)', { timeout: 60_000 }, async () => {
    const merchant = generateMerchant({ seed: 3, days: 2, ordersPerDay: 15 });
    const c = clock(`${merchant.period.start}T08:00:00Z`);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let writes = 0;
    const a = makeService({
      now: c.now,
      store: await target.open('cs-multi-a'),
      hooks: {
        afterWrite: async () => {
          writes += 1;
          if (writes === 1) {
            entered();
            await gate;
          }
        },
      },
    });
    const sandbox = a.sandbox;
    if (!sandbox) throw new Error('sandbox missing');
    // Instance B reaches the same sandbox ledger through the same connector.
    const b = makeService({ now: c.now, store: await target.open('cs-multi-b'), sandbox: false, platforms: [sandbox.connector] });
    try {
      const companyId = (await call(a, 'POST', '/companies', { name: 'Twin Cafe' })).body.id as string;
      const { ledgerId } = await linkSandbox(a, companyId, 'uk');
      sandbox.admin.addCurrency(ledgerId, 'EUR');
      for (const [path, key, records] of [
        ['commerce-orders', 'orders', merchant.orders],
        ['commerce-payments', 'payments', merchant.payments],
        ['commerce-transactions', 'transactions', merchant.transactions],
      ] as const) {
        expect((await call(b, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records })).status).toBe(200);
      }
      const config = buildConfiguration({ timeZone: merchant.timeZone });
      config.schedule = { ...config.schedule, startDate: merchant.period.start };
      expect((await call(b, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status).toBe(200);

      c.set(`${merchant.period.end}T09:00:00Z`);
      const first = call(a, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      await inside;
      const second = await call(b, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(second.body).toMatchObject({ syncStatusCode: 5080, syncStatus: 'DuplicationProtection' });
      // The scheduler on B leaves a company whose run is alive on A alone, recording nothing.
      await b.scheduler.tick(c.now());
      release();
      expect((await first).body.syncStatusCode).toBe(2000);

      const references = sandbox.admin.documents(ledgerId).map((d) => d.reference);
      expect(new Set(references).size).toBe(references.length);
      expect(references.length).toBe(writes);
      const history = (await call(b, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body as { syncStatusCode: number }[];
      expect(history.map((h) => h.syncStatusCode).sort()).toEqual([2000, 5080]);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
