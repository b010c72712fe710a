import { buildConfiguration, buildOrder, buildPayment, buildTransaction, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';

/*
 * Issue 11, case 3: an invoice-mode day whose write fails part-way is not left half-written by
 * that run (the rest of the day waits, other days go on), and the next run completes it from
 * what the ledger holds, writing each document once.
 */
describe('an invoice-mode day that fails while writing', () => {
  it('stops at the failing document, writes the other days, and the next run completes the day exactly once', async () => {
    const c = clock('2026-03-10T08:00:00Z');
    let ledgerId = '';
    let writes = 0;
    const service = makeService({
      now: c.now,
      hooks: {
        afterWrite: () => {
          writes += 1;
          // After day 10's invoice: the card clearing account stops accepting payments.
          if (writes === 1) service.sandbox!.admin.setAccountPayments(ledgerId, A.cardClearing.id, false);
        },
      },
    });
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Invoice Cafe' })).body.id as string;
      ledgerId = (await linkSandbox(service, companyId, 'uk')).ledgerId;
      // Day 10: a 12.00 sale paid by card, a 0.21 card fee. Day 11: a 12.00 sale paid in cash.
      const records = {
        orders: [buildOrder({ id: 'o-10' }), buildOrder({ id: 'o-11', createdDate: '2026-03-11T12:00:00Z' })],
        payments: [buildPayment({ id: 'p-10' }), buildPayment({ id: 'p-11', type: 'Cash', createdDate: '2026-03-11T12:00:00Z' })],
        transactions: [buildTransaction({ id: 'fee-10' })],
      };
      for (const [path, key, list] of [['commerce-orders', 'orders', records.orders], ['commerce-payments', 'payments', records.payments], ['commerce-transactions', 'transactions', records.transactions]] as const) {
        expect((await call(service, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: list })).status).toBe(200);
      }
      const wanted = buildConfiguration({ outputFormat: 'Invoice' });
      wanted.schedule = { ...wanted.schedule, startDate: '2026-03-10' };
      expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, wanted)).status).toBe(200);

      c.set('2026-03-12T09:00:00Z');
      const failed = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(failed.body.syncStatusCode).not.toBe(2000);
      const kinds = () => service.sandbox!.admin.documents(ledgerId).map((d) => `${d.date} ${d.kind}`).sort();
      // Day 10 stopped at its card payment: its fee (a spend-money from card clearing) waits.
      expect(kinds()).toEqual(['2026-03-10 invoice', '2026-03-11 invoice', '2026-03-11 payment']);

      service.sandbox!.admin.setAccountPayments(ledgerId, A.cardClearing.id, true);
      c.set('2026-03-12T10:00:00Z');
      const fixed = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(fixed.body.syncStatusCode, fixed.body.errorMessage).toBe(2000);
      expect(kinds()).toEqual(['2026-03-10 bankTransaction', '2026-03-10 invoice', '2026-03-10 payment', '2026-03-11 invoice', '2026-03-11 payment']);
      const references = service.sandbox!.admin.documents(ledgerId).map((d) => d.reference);
      expect(new Set(references).size).toBe(references.length);
      // Sales 20.00 Cr, VAT 4.00 Cr; card 12.00 − 0.21 fee, cash 12.00; fees 0.21; nothing receivable.
      const balances = Object.fromEntries(service.sandbox!.admin.trialBalance(ledgerId).accounts.filter((a) => a.debit !== a.credit).map((a) => [a.accountId, a.debit - a.credit]));
      expect(balances).toEqual({ [A.sales.id]: -2000, [A.taxPayable.id]: -400, [A.cardClearing.id]: 1179, [A.cashClearing.id]: 1200, [A.merchantFees.id]: 21 });
    } finally {
      service.close?.();
    }
  });
});
