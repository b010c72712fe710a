import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregate } from '../../src/aggregation/index.js';
import type { Configuration } from '../../src/contract/configuration.js';
import { createSecretBox, DEV_ENCRYPTION_KEY } from '../../src/server/crypto.js';
import { RunEngine } from '../../src/server/runs/engine.js';
import { buildConfiguration, generateMerchant } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';
import { killable, postgresTarget, sqliteTarget, type Target } from './targets.js';

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('a run killed mid-write, then re-run (%s)', (_name, makeTarget: () => Target) => {
  let target: Target;
  let dir: string;
  beforeEach(() => {
    target = makeTarget();
    dir = mkdtempSync(join(tmpdir(), 'cs-crash-'));
  });
  afterEach(async () => {
    await target.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes with every document written exactly once', { timeout: 60_000 }, async () => {
    const merchant = generateMerchant({ seed: 7, days: 3, ordersPerDay: 25 });
    const sandboxFile = join(dir, 'sandbox.db');
    const c = clock(`${merchant.period.start}T08:00:00Z`);

    // Instance A dies right after its third successful ledger write, before recording it.
    const first = killable(await target.open('cs-instance-a'));
    let writes = 0;
    const a = makeService({
      now: c.now,
      store: first.store,
      sandbox: { databasePath: sandboxFile },
      hooks: {
        afterWrite: async () => {
          writes += 1;
          if (writes === 3) {
            first.kill();
            await target.killConnections('cs-instance-a');
            throw new Error('process killed after write 3');
          }
        },
      },
    });
    const companyId = (await call(a, 'POST', '/companies', { name: 'Crash Cafe' })).body.id as string;
    const { ledgerId } = await linkSandbox(a, companyId, 'uk');
    a.sandbox?.admin.addCurrency(ledgerId, 'EUR');
    for (const [path, key, records] of [
      ['commerce-orders', 'orders', merchant.orders],
      ['commerce-payments', 'payments', merchant.payments],
      ['commerce-transactions', 'transactions', merchant.transactions],
    ] as const) {
      expect((await call(a, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records })).status).toBe(200);
    }
    const wanted = buildConfiguration({ timeZone: merchant.timeZone });
    wanted.schedule = { ...wanted.schedule, startDate: merchant.period.start };
    expect((await call(a, 'POST', `/config/companies/${companyId}/sync/commerce`, wanted)).status).toBe(200);
    const configuration = (await call<Configuration>(a, 'GET', `/config/companies/${companyId}/sync/commerce`)).body;

    c.set(`${merchant.period.end}T09:00:00Z`);
    const crashed = await call(a, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(crashed.status).toBe(500);
    a.sandbox?.close();
    expect(writes).toBe(3);

    // Instance B starts on the same data after the dead instance's lease has lapsed.
    c.set(`${merchant.period.end}T10:00:00Z`);
    const b = makeService({ now: c.now, store: await target.open('cs-instance-b'), sandbox: { databasePath: sandboxFile } });
    try {
      expect(b.sandbox?.admin.documents(ledgerId)).toHaveLength(3);
      const rerun = await call(b, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(rerun.body.syncStatusCode, rerun.body.syncExceptionMessage).toBe(2000);

      const predicted = aggregate({
        companyId,
        configuration,
        period: merchant.period,
        records: { orders: merchant.orders, payments: merchant.payments, transactions: merchant.transactions, taxComponents: merchant.taxComponents, products: merchant.products, locations: merchant.locations },
      });
      expect(predicted.documents.length).toBeGreaterThan(3);
      const posted = b.sandbox?.admin.documents(ledgerId) ?? [];
      const references = posted.map((d) => d.reference);
      expect(new Set(references).size).toBe(references.length);
      expect(references.sort()).toEqual(predicted.documents.map((d) => d.reference).sort());
      const trial = b.sandbox?.admin.trialBalance(ledgerId);
      expect(trial?.totals.debit).toBe(trial?.totals.credit);

      const history = (await call(b, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body as { syncStatusCode: number; syncExceptionMessage: string }[];
      expect(history.map((h) => h.syncStatusCode)).toEqual([2000, 5000]);
      expect(history[1]?.syncExceptionMessage).toMatch(/interrupted/i);
      const again = await call(b, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(again.body.syncStatusCode).toBe(2040);
      expect(b.sandbox?.admin.documents(ledgerId)).toHaveLength(references.length);
    } finally {
      await b.close();
      // The killed instance's pool still counts its dead lease client as checked out; a real
      // crash has no pool left to drain, so it is not awaited.
      void first.store.db.close().catch(() => undefined);
    }
  });

  it('runs a scheduled sync whose process died again at the next tick, the same day', { timeout: 60_000 }, async () => {
    const merchant = generateMerchant({ seed: 11, days: 3, ordersPerDay: 10 });
    const sandboxFile = join(dir, 'sandbox.db');
    const c = clock(`${merchant.period.start}T08:00:00Z`);
    const first = killable(await target.open('cs-instance-a'));
    let writes = 0;
    const a = makeService({
      now: c.now,
      store: first.store,
      sandbox: { databasePath: sandboxFile },
      hooks: {
        afterWrite: async () => {
          writes += 1;
          if (writes === 2) {
            first.kill();
            await target.killConnections('cs-instance-a');
            throw new Error('process killed after write 2');
          }
        },
      },
    });
    const companyId = (await call(a, 'POST', '/companies', { name: 'Night Shift Bar' })).body.id as string;
    const { ledgerId } = await linkSandbox(a, companyId, 'uk');
    a.sandbox?.admin.addCurrency(ledgerId, 'EUR');
    for (const [path, key, records] of [
      ['commerce-orders', 'orders', merchant.orders],
      ['commerce-payments', 'payments', merchant.payments],
      ['commerce-transactions', 'transactions', merchant.transactions],
    ] as const) {
      expect((await call(a, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records })).status).toBe(200);
    }
    const wanted = buildConfiguration({ timeZone: merchant.timeZone });
    // Sync hour 0: at noon UTC on the period's end date every day of the period is due.
    wanted.schedule = { ...wanted.schedule, startDate: merchant.period.start, syncHour: 0 };
    expect((await call(a, 'POST', `/config/companies/${companyId}/sync/commerce`, wanted)).status).toBe(200);
    const configuration = (await call<Configuration>(a, 'GET', `/config/companies/${companyId}/sync/commerce`)).body;

    c.set(`${merchant.period.end}T12:00:00Z`);
    await a.scheduler.tick(c.now());
    a.sandbox?.close();
    expect(writes).toBe(2);

    // A minute later, the same day: past the dead run's lease, long before the next day's run.
    c.set(`${merchant.period.end}T12:01:00Z`);
    const b = makeService({ now: c.now, store: await target.open('cs-instance-b'), sandbox: { databasePath: sandboxFile } });
    try {
      await b.scheduler.tick(c.now());
      const history = (await call(b, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body as { syncStatusCode: number; trigger: string }[];
      expect(history.map((h) => [h.trigger, h.syncStatusCode])).toEqual([['scheduled', 2000], ['scheduled', 5000]]);
      const predicted = aggregate({
        companyId,
        configuration,
        period: merchant.period,
        records: { orders: merchant.orders, payments: merchant.payments, transactions: merchant.transactions, taxComponents: merchant.taxComponents, products: merchant.products, locations: merchant.locations },
      });
      const references = (b.sandbox?.admin.documents(ledgerId) ?? []).map((d) => d.reference);
      expect(references.sort()).toEqual(predicted.documents.map((d) => d.reference).sort());
      // Done for the day: a later tick runs nothing more.
      await b.scheduler.tick(c.now());
      expect((await call(b, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body).toHaveLength(2);
    } finally {
      await b.close();
      void first.store.db.close().catch(() => undefined);
    }
  });
});

describe('a run whose lease another instance took over (this one stalled past the lease)', () => {
  let target: Target;
  beforeEach(() => {
    target = sqliteTarget();
  });
  afterEach(async () => {
    await target.cleanup();
  });

  it('stops writing at its next document and says why', { timeout: 60_000 }, async () => {
    const merchant = generateMerchant({ seed: 5, days: 3, ordersPerDay: 10 });
    const c = clock(`${merchant.period.start}T08:00:00Z`);
    const store = await target.open();
    const service = makeService({ now: c.now, store });
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Slow Lane' })).body.id as string;
      const { ledgerId } = await linkSandbox(service, companyId, 'uk');
      for (const [path, key, records] of [
        ['commerce-orders', 'orders', merchant.orders],
        ['commerce-payments', 'payments', merchant.payments],
        ['commerce-transactions', 'transactions', merchant.transactions],
      ] as const) {
        expect((await call(service, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records })).status).toBe(200);
      }
      const config = buildConfiguration({ timeZone: merchant.timeZone });
      config.schedule = { ...config.schedule, startDate: merchant.period.start };
      expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status).toBe(200);
      c.set(`${merchant.period.end}T09:00:00Z`);

      const sandbox = service.sandbox;
      if (!sandbox) throw new Error('sandbox missing');
      // A 60 ms lease renewed every 10 ms. After its second write the run stalls while another
      // instance takes the lease over, as it may once the lease has lapsed.
      const engine = new RunEngine({
        store, connectors: new Map([['sandbox', sandbox.connector]]), box: createSecretBox(DEV_ENCRYPTION_KEY), now: c.now,
        instanceId: 'stalled', leaseTtlMs: 60, sleep: async () => undefined,
        hooks: {
          afterWrite: async ({ count }) => {
            if (count !== 2) return;
            await store.db.execute("UPDATE run_leases SET owner = 'another instance' WHERE lease_key = $1", [`run:${companyId}`]);
            await new Promise((r) => setTimeout(r, 100));
          },
        },
      });
      const run = await engine.run(companyId, { trigger: 'latest' });
      expect(run).toMatchObject({ statusCode: 5080, errorCode: 'duplication_protection' });
      expect(run.exceptionMessage).toMatch(/taken over by another instance/);
      expect(sandbox.admin.documents(ledgerId)).toHaveLength(2);
    } finally {
      await service.close();
      await store.close();
    }
  });
});
