import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import { openStore, type Store, type SyncService } from '../../src/server/index.js';
import { buildConfiguration, buildOrder, buildPayment } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';

describe('poison amounts', () => {
  const c = clock('2026-03-12T10:00:00Z');
  let store: Store;
  let service: SyncService;
  let companyId: string;
  let ledgerId: string;

  beforeEach(async () => {
    c.set('2026-03-12T10:00:00Z');
    store = await openStore({ sqlite: ':memory:' });
    service = makeService({ now: c.now, store });
    companyId = (await call(service, 'POST', '/companies', { name: 'Poison Pantry' })).body.id as string;
    ({ ledgerId } = await linkSandbox(service, companyId, 'uk'));
    const config = buildConfiguration({ timeZone: 'Europe/London' });
    config.schedule = { ...config.schedule, startDate: '2026-03-09' };
    const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });
  afterEach(async () => {
    await service.close();
    await store.close();
  });

  describe('at the push edge: refused per field, nothing stored', () => {
    const cases: [string, unknown][] = [
      ['a 400-digit decimal string', '9'.repeat(400)],
      ['1e308', 1e308],
      ['just over 10^11', 100_000_000_000.01],
      ['below -10^11', '-100000000001'],
      ['a string with more digits than a number keeps', `0.${'0'.repeat(400)}1`],
    ];
    it.each(cases)('%s', async (_label, amount) => {
      const orders = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ id: 'o-ok' }), buildOrder({ id: 'o-poison', totalAmount: amount as number })]);
      expect(orders.status).toBe(400);
      const error = ErrorEnvelopeSchema.parse(orders.body);
      expect(error.validation?.errors).toEqual([expect.objectContaining({ itemId: 'orders.1.totalAmount', message: expect.stringContaining('-100000000000 to 100000000000') })]);
      const payments = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-payments`, { payments: [buildPayment({ amount: amount as number })] });
      expect(ErrorEnvelopeSchema.parse(payments.body).validation?.errors[0]?.itemId).toBe('payments.0.amount');
      expect(await store.countRecords(companyId, 'orders')).toBe(0);
      expect(await store.countRecords(companyId, 'payments')).toBe(0);
    });

    it('accepts the ends of the range', async () => {
      const pushed = await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [
        buildPayment({ amount: 100_000_000_000 }),
        buildPayment({ amount: '-100000000000' as unknown as number }),
      ]);
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    });
  });

  it('a stored record that cannot be posted fails only its own day, with record_invalid naming it', async () => {
    // Records stored before the push edge refused them: a 1e308 order on the 9th, a payment
    // whose 400-digit amount was stored as null on the 10th.
    const poisonOrder = { ...buildOrder({ id: 'o-huge', createdDate: '2026-03-09T12:00:00Z' }), totalAmount: 1e308 };
    const poisonPayment = { ...buildPayment({ id: 'p-null', createdDate: '2026-03-10T12:00:00Z' }), amount: null };
    await store.upsertRecords(companyId, 'orders', [{ id: poisonOrder.id, createdAt: '2026-03-09T12:00:00.000Z', sourceModified: poisonOrder.sourceModifiedDate ?? null, body: JSON.stringify(poisonOrder) }]);
    await store.upsertRecords(companyId, 'payments', [{ id: poisonPayment.id, createdAt: '2026-03-10T12:00:00.000Z', sourceModified: poisonPayment.sourceModifiedDate ?? null, body: JSON.stringify(poisonPayment) }]);
    // A good day on the 11th.
    await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ id: 'o-good', createdDate: '2026-03-11T12:00:00Z' })]);
    await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment({ id: 'p-good', createdDate: '2026-03-11T12:00:00Z' })]);

    const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(run.status).toBe(200);
    expect(run.body.syncStatusCode).toBe(5120);
    const status = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/${run.body.commerceSyncId}/status`)).body;
    expect(status).toMatchObject({ syncStatusCode: 5120, errorCode: 'record_invalid' });
    expect(run.body.errorMessage).toMatch(/o-huge|p-null/);
    expect(run.body.syncExceptionMessage).toMatch(/o-huge/);
    // Only the good day reached the ledger; the poisoned days have nothing.
    expect([...new Set(service.sandbox?.admin.documents(ledgerId).map((d) => d.date))]).toEqual(['2026-03-11']);
    const items = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/${run.body.commerceSyncId}/items`)).body.results as { status: string }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.status === 'Written')).toBe(true);
  });
});
