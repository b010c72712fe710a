import { SupportDocumentLinesSchema, SupportSyncDetailSchema, type SupportExplainedLine } from '../../../src/contract/support.js';
import { openStore, type Store, type SyncService } from '../../../src/server/index.js';
import { localDate } from '../../../src/aggregation/index.js';
import { buildConfiguration, buildOrder, buildPayment, buildTransaction, generateMerchant, SANDBOX_ACCOUNTS as A } from '../../fixtures/index.js';
import { call, clock, configuredSandboxCompany, linkSandbox, makeService } from '../helpers.js';

/*
 * Issue 11, "explain this line": for every line a run wrote, the ids of the records behind it
 * and each one's share, through the support API. Expectations are computed by hand from the
 * day's records (UK VAT, journal mode, Europe/London).
 */
describe('explain this line (GET /support/companies/{id}/documents/{reference}/lines)', () => {
  const c = clock('2026-03-10T08:00:00Z');
  let store: Store;
  let service: SyncService;
  let companyId: string;
  let ledgerId: string;

  beforeEach(async () => {
    c.set('2026-03-10T08:00:00Z');
    store = await openStore({ sqlite: ':memory:' });
    service = makeService({ now: c.now, store });
    ({ companyId, ledgerId } = await configuredSandboxCompany(service, 'Explained Eatery', '2026-03-10'));
  });
  afterEach(async () => {
    await service.close();
    await store.close();
  });

  const push = async (type: string, records: unknown[]) => expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-${type}`, records)).status).toBe(200);
  const line5 = { id: 'l-5', quantity: 1, unitPrice: 10, taxPercentage: 5, totalAmount: 10.5, totalTaxAmount: 0.5, taxes: [], discountAllocations: [] };
  const line20 = (net: number) => ({ id: `l-${net}`, quantity: 1, unitPrice: net, taxPercentage: 20, totalAmount: net * 1.2, totalTaxAmount: net * 0.2, taxes: [], discountAllocations: [] });

  it('lists each record behind each journal line with its share, and every share adds up to the line', async () => {
    await push('orders', [
      buildOrder({ id: 'o-a', orderLineItems: [line20(10)], totalAmount: 12, totalTaxAmount: 2 }),
      buildOrder({ id: 'o-b', orderLineItems: [line20(20)], totalAmount: 24, totalTaxAmount: 4 }),
      buildOrder({ id: 'o-c', orderLineItems: [line5], totalAmount: 10.5, totalTaxAmount: 0.5 }),
      // Another day's order: never behind a line of the 10th.
      buildOrder({ id: 'o-next', createdDate: '2026-03-11T12:00:00Z' }),
    ]);
    await push('payments', [
      buildPayment({ id: 'p-a', amount: 12 }),
      buildPayment({ id: 'p-b', amount: 24 }),
      buildPayment({ id: 'p-c', amount: 10.5, type: 'Cash' }),
      buildPayment({ id: 'p-r', amount: -6 }),
    ]);
    await push('transactions', [buildTransaction({ id: 'r-b', type: 'Refund', totalAmount: -6, transactionSourceRef: { id: 'o-b', type: 'Order' } })]);

    c.set('2026-03-11T09:00:00Z');
    const run = (await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {})).body;
    expect(run.syncStatusCode, run.errorMessage).toBe(2000);
    const detail = SupportSyncDetailSchema.parse((await call(service, 'GET', `/support/companies/${companyId}/syncs/${run.commerceSyncId}`)).body);
    const journal = detail.items.find((i) => i.kind === 'journal' && i.date === '2026-03-10');
    expect(journal).toBeDefined();

    const reply = await call(service, 'GET', `/support/companies/${companyId}/documents/${encodeURIComponent(journal!.reference)}/lines`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const explained = SupportDocumentLinesSchema.parse(reply.body);
    expect(explained).toMatchObject({ reference: journal!.reference, date: '2026-03-10', kind: 'journal', currency: 'GBP' });
    const records = (l: SupportExplainedLine) => l.records.map((r) => [r.id, r.amount]);
    const find = (accountId: string, amount: number) => {
      const found = explained.lines.filter((l) => l.accountId === accountId && l.amount === amount);
      expect(found, `${accountId} ${amount} in ${JSON.stringify(explained.lines.map((l) => [l.accountId, l.amount]))}`).toHaveLength(1);
      return found[0]!;
    };
    // Sales at 20 %: 10.00 + 20.00 Cr; at 5 %: 10.00 Cr. VAT 2.00 + 4.00 and 0.50.
    expect(records(find(A.sales.id, -3000))).toEqual([['o-b', -2000], ['o-a', -1000]]);
    expect(records(find(A.taxPayable.id, -600))).toEqual([['o-b', -400], ['o-a', -200]]);
    expect(records(find(A.sales.id, -1000))).toEqual([['o-c', -1000]]);
    expect(records(find(A.taxPayable.id, -50))).toEqual([['o-c', -50]]);
    // The 6.00 refund of o-b: 5.00 back off sales (no refund account mapped) and 1.00 of VAT.
    expect(records(find(A.sales.id, 500))).toEqual([['r-b', 500]]);
    expect(records(find(A.taxPayable.id, 100))).toEqual([['r-b', 100]]);
    // Card in 12.00 + 24.00 and out 6.00, on one net line; cash 10.50.
    expect(records(find(A.cardClearing.id, 3000))).toEqual([['p-b', 2400], ['p-a', 1200], ['p-r', -600]]);
    expect(records(find(A.cashClearing.id, 1050))).toEqual([['p-c', 1050]]);
    for (const l of explained.lines) {
      expect(l.unexplained, JSON.stringify(l)).toBe(0);
      expect(l.recordCount).toBe(l.records.length);
      expect(l.records.some((r) => r.id === 'o-next')).toBe(false);
    }
  });

  it('in invoice mode: invoice lines with net and tax shares, and each payment document with its payments', async () => {
    const invoice = buildConfiguration({ timeZone: 'Europe/London', outputFormat: 'Invoice' });
    invoice.schedule = { ...invoice.schedule, startDate: '2026-03-10' };
    // A fresh company: the output mode is chosen once.
    companyId = (await call(service, 'POST', '/companies', { name: 'Invoiced Inn' })).body.id as string;
    await linkSandbox(service, companyId, 'uk');
    expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, invoice)).status).toBe(200);
    await push('orders', [
      buildOrder({ id: 'o-a', orderLineItems: [line20(10)], totalAmount: 12, totalTaxAmount: 2 }),
      buildOrder({ id: 'o-b', orderLineItems: [line20(20)], totalAmount: 24, totalTaxAmount: 4 }),
    ]);
    await push('payments', [buildPayment({ id: 'p-a', amount: 12 }), buildPayment({ id: 'p-b', amount: 24 })]);
    c.set('2026-03-11T09:00:00Z');
    const run = (await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {})).body;
    expect(run.syncStatusCode, run.errorMessage).toBe(2000);
    const detail = SupportSyncDetailSchema.parse((await call(service, 'GET', `/support/companies/${companyId}/syncs/${run.commerceSyncId}`)).body);
    const explain = async (kind: string) => {
      const item = detail.items.find((i) => i.kind === kind);
      expect(item, kind).toBeDefined();
      return SupportDocumentLinesSchema.parse((await call(service, 'GET', `/support/companies/${companyId}/documents/${encodeURIComponent(item!.reference)}/lines`)).body);
    };
    const sales = (await explain('invoice')).lines.filter((l) => l.accountId === A.sales.id);
    // One invoice line at 20 %: net 30.00, VAT 6.00.
    expect(sales.map((l) => [l.amount, l.taxAmount, l.records.map((r) => [r.id, r.amount, r.taxAmount])])).toEqual([[3000, 600, [['o-b', 2000, 400], ['o-a', 1000, 200]]]]);
    const payment = (await explain('payment')).lines;
    expect(payment.map((l) => [l.accountId, l.amount, l.records.map((r) => [r.id, r.amount]), l.unexplained])).toEqual([[A.cardClearing.id, 3600, [['p-b', 2400], ['p-a', 1200]], 0]]);
  });

  it('on a generated day (refunds, fees, tips, gift cards, shipping, two currencies), every line is exactly the sum of its records\' shares', async () => {
    const m = generateMerchant({ seed: 11, days: 1, ordersPerDay: 120, start: '2026-03-10' });
    service.sandbox?.admin.addCurrency(ledgerId, 'EUR');
    await call(service, 'PUT', `/companies/${companyId}/data/commerce-products`, m.products);
    await call(service, 'PUT', `/companies/${companyId}/data/commerce-taxComponents`, m.taxComponents);
    await push('orders', m.orders);
    await push('payments', m.payments);
    await push('transactions', m.transactions);
    c.set('2026-03-11T09:00:00Z');
    const run = (await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {})).body;
    expect(run.syncStatusCode, run.errorMessage).toBe(2000);
    const detail = SupportSyncDetailSchema.parse((await call(service, 'GET', `/support/companies/${companyId}/syncs/${run.commerceSyncId}`)).body);
    const ofDay = new Set([...m.orders, ...m.payments, ...m.transactions].filter((r) => localDate(r.createdDate, 'Europe/London') === '2026-03-10').map((r) => r.id));
    let lines = 0;
    for (const item of detail.items.filter((i) => i.date === '2026-03-10')) {
      const explained = SupportDocumentLinesSchema.parse((await call(service, 'GET', `/support/companies/${companyId}/documents/${encodeURIComponent(item.reference)}/lines`)).body);
      for (const l of explained.lines) {
        lines += 1;
        expect(l.records.reduce((sum, r) => sum + r.amount, 0), `${item.kind} ${JSON.stringify(l)}`).toBe(l.amount);
        expect(l.unexplained).toBe(0);
        expect(l.records.every((r) => ofDay.has(r.id))).toBe(true);
      }
    }
    expect(lines).toBeGreaterThan(8);
  });

  it('answers 404 for a reference that was never written', async () => {
    const reply = await call(service, 'GET', `/support/companies/${companyId}/documents/${encodeURIComponent(`${companyId}:2026-03-10:nothing`)}/lines`);
    expect(reply.status).toBe(404);
    expect(reply.body.error).toMatch(/No document with id .*nothing/);
  });
});
