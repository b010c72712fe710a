/*
 * Issue 14: accept what the specs send. Codat's DateTime allows unqualified local times
 * ("2021-02-10T01:37:23"): they are read in the merchant's time zone. Product category
 * references come as ids or as the data model's { id, name }.
 */
import { aggregate } from '../../../src/aggregation/index.js';
import { buildConfiguration, buildOrder, buildPayment, buildProduct, SANDBOX_ACCOUNTS as A } from '../../fixtures/index.js';
import { call, makeService } from '../helpers.js';

describe('pushes with local date-times', () => {
  let service: ReturnType<typeof makeService>;
  beforeEach(() => {
    service = makeService();
  });
  afterEach(() => service.close());

  async function companyIn(timeZone: string | null): Promise<string> {
    const id = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
    if (timeZone) {
      // A paused save stores the time zone before anything else is configured.
      const saved = await call(service, 'POST', `/config/companies/${id}/sync/commerce`, { enabled: false, schedule: { timeZone } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    }
    return id;
  }

  it.each([
    // Worked out by hand: New York is UTC−5 in February (EST), Paris UTC+2 in July (CEST).
    ['America/New_York', '2021-02-10T01:37:23', '2021-02-10T01:37:23-05:00'],
    ['Europe/Paris', '2021-07-01T23:30:00.5', '2021-07-01T23:30:00.5+02:00'],
    // London on 25 Oct 2026: 01:30 happens twice (BST, then GMT); the earlier one is taken.
    ['Europe/London', '2026-10-25T01:30:00', '2026-10-25T01:30:00+01:00'],
    [null, '2021-02-10T01:37:23', '2021-02-10T01:37:23+00:00'],
  ])('reads a local date-time in %s as the merchant\'s local time', async (timeZone, sent, stored) => {
    const companyId = await companyIn(timeZone);
    const order = { ...buildOrder({ id: 'o-1' }), createdDate: sent, modifiedDate: sent };
    const pushed = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [order]);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect(pushed.body[0].createdDate).toBe(stored);
    expect(pushed.body[0].modifiedDate).toBe(stored);
  });

  it('accepts a batch mixing local and offset date-times, and still refuses a date that does not exist', async () => {
    const companyId = await companyIn('Europe/London');
    const local = { ...buildOrder({ id: 'o-local' }), createdDate: '2021-02-10T01:37:23' };
    const utc = buildOrder({ id: 'o-utc' });
    const ok = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [local, utc] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data.orders.map((o: { createdDate: string }) => o.createdDate)).toEqual(['2021-02-10T01:37:23+00:00', utc.createdDate]);
    const bad = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [{ ...local, createdDate: '2021-02-30T01:37:23' }]);
    expect(bad.status).toBe(400);
    expect(bad.body.validation.errors[0].itemId).toBe('orders.0.createdDate');
  });
});

describe('product category references', () => {
  it('accepts ids and { id, name } references, and both pick the category account', async () => {
    const service = makeService();
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      const products = [
        { ...buildProduct({ id: 'p-1' }), productCategoryRefs: [{ id: 'drinks', name: 'Drinks' }] },
        { ...buildProduct({ id: 'p-2' }), productCategoryRefs: ['drinks'] },
      ];
      const pushed = await call(service, 'PUT', `/companies/${companyId}/data/commerce-products`, products);
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
      expect(pushed.body[0].productCategoryRefs).toEqual([{ id: 'drinks', name: 'Drinks' }]);
    } finally {
      await service.close();
    }

    const configuration = buildConfiguration();
    configuration.configuration!.sales!.accounts!['category:drinks'] = { selectedAccountId: A.shippingIncome.id, required: false };
    const line = (id: string) => ({ quantity: 1, unitPrice: 10, taxPercentage: 0, totalAmount: 10, totalTaxAmount: 0, productRef: { id } });
    const { documents, problems } = aggregate({
      companyId: 'co-1',
      configuration,
      period: { start: '2026-03-10', end: '2026-03-11' },
      records: {
        orders: [buildOrder({ totalAmount: 20, totalTaxAmount: 0, orderLineItems: [line('p-1'), line('p-2')] })],
        payments: [buildPayment({ amount: 20, type: 'Cash' })],
        transactions: [],
        products: [
          buildProduct({ id: 'p-1', productCategoryRefs: [{ id: 'drinks', name: 'Drinks' }] }),
          buildProduct({ id: 'p-2', productCategoryRefs: ['drinks'] }),
        ],
      },
    });
    expect(problems).toEqual([]);
    const doc = documents[0];
    if (doc?.kind !== 'journal') throw new Error('expected a journal');
    // 20.00 of sales, all on the category's account (10 from each product), none on Sales.
    const onCategory = doc.lines.filter((l) => l.accountId === A.shippingIncome.id).reduce((a, l) => a + l.amount, 0);
    expect(onCategory).toBe(-2000);
    expect(doc.lines.some((l) => l.accountId === A.sales.id)).toBe(false);
  });
});
