import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import { openStore, type Store, type SyncService } from '../../src/server/index.js';
import { buildOrder, buildPayment, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';
import { call, clock, configuredSandboxCompany, makeService } from './helpers.js';

/*
 * Issue 11, case 8: what POS systems send beyond the contract is accepted where its meaning is
 * unambiguous (rewritten into the contract and stored so), and refused with a per-field message
 * where it is not. Where a rewrite changes what posts, the day is synced and the ledger's
 * balances compared with postings computed by hand (UK VAT 20 %, journal mode, Europe/London).
 */
describe('push normalisation (issue 11, case 8)', () => {
  const c = clock('2026-03-10T08:00:00Z');
  let store: Store;
  let service: SyncService;
  let companyId: string;
  let ledgerId: string;

  beforeEach(async () => {
    c.set('2026-03-10T08:00:00Z');
    store = await openStore({ sqlite: ':memory:' });
    service = makeService({ now: c.now, store });
    ({ companyId, ledgerId } = await configuredSandboxCompany(service, 'Normal Norm', '2026-03-10'));
  });
  afterEach(async () => {
    await service.close();
    await store.close();
  });

  const push = (type: string, records: unknown[]) => call(service, 'POST', `/companies/${companyId}/data/commerce-${type}`, records);
  const stored = async (type: 'orders' | 'payments', id: string) => (await store.allRecords(companyId, type)).find((r) => (r as { id: string }).id === id) as Record<string, unknown>;
  /** Syncs 2026-03-10 and returns the ledger's non-zero balances (debit positive), in minor units. */
  const syncDay = async () => {
    c.set('2026-03-11T09:00:00Z');
    const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(run.body.syncStatusCode, run.body.errorMessage).toBe(2000);
    return Object.fromEntries(service.sandbox!.admin.trialBalance(ledgerId).accounts.filter((a) => a.debit !== a.credit).map((a) => [a.accountId, a.debit - a.credit]));
  };

  it('a lower-case currency code is upper-cased, and the day posts in GBP', async () => {
    expect((await push('orders', [buildOrder({ id: 'o-1', currency: 'gbp' as 'GBP' })])).status).toBe(200);
    expect((await push('payments', [buildPayment({ id: 'p-1', currency: 'Gbp' as 'GBP' })])).status).toBe(200);
    expect((await stored('orders', 'o-1')).currency).toBe('GBP');
    expect((await stored('payments', 'p-1')).currency).toBe('GBP');
    // 12.00 card: sales 10.00 Cr, VAT 2.00 Cr.
    expect(await syncDay()).toEqual({ [A.sales.id]: -1000, [A.taxPayable.id]: -200, [A.cardClearing.id]: 1200 });
  });

  it('a negative totalGratuity is a tip given back: gratuity is debited', async () => {
    // A 12.00 sale whose 1.00 tip was given back: paid 12.00 by card, 1.00 back to the card.
    expect((await push('orders', [buildOrder({ id: 'o-1', totalGratuity: -1 })])).status).toBe(200);
    expect((await push('payments', [buildPayment({ id: 'p-1' }), buildPayment({ id: 'p-2', amount: -1 })])).status).toBe(200);
    // Sales 10.00 Cr, VAT 2.00 Cr, gratuity 1.00 Dr, card 12.00 − 1.00 = 11.00 Dr.
    expect(await syncDay()).toEqual({ [A.sales.id]: -1000, [A.taxPayable.id]: -200, [A.gratuities.id]: 100, [A.cardClearing.id]: 1100 });
  });

  it('a positive totalRefund on a return order is negated, and the return posts', async () => {
    const line = { id: 'l-1', quantity: -1, unitPrice: 10, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2, taxes: [], discountAllocations: [] };
    const pushed = await push('orders', [buildOrder({ id: 'o-ret', totalAmount: -12, totalTaxAmount: -2, totalRefund: 12, orderLineItems: [line] })]);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect((await stored('orders', 'o-ret')).totalRefund).toBe(-12);
    expect((await push('payments', [buildPayment({ id: 'p-ret', amount: -12 })])).status).toBe(200);
    // The refund reverses sales 10.00 and VAT 2.00 (no refund account mapped: the sales account); 12.00 leaves the card.
    expect(await syncDay()).toEqual({ [A.sales.id]: 1000, [A.taxPayable.id]: 200, [A.cardClearing.id]: -1200 });
  });

  it('a service charge with quantity 1.5 is accepted and posts its amount', async () => {
    const order = buildOrder({ id: 'o-sc', totalAmount: 15.6, totalTaxAmount: 2.6, serviceCharges: [{ quantity: 1.5, totalAmount: 3.6, taxAmount: 0.6, taxPercentage: 20, type: 'Generic' }] });
    expect((await push('orders', [order])).status).toBe(200);
    expect((await push('payments', [buildPayment({ id: 'p-sc', amount: 15.6 })])).status).toBe(200);
    // Goods 10.00 + service 3.00 on sales, VAT 2.00 + 0.60.
    expect(await syncDay()).toEqual({ [A.sales.id]: -1300, [A.taxPayable.id]: -260, [A.cardClearing.id]: 1560 });
  });

  it('payment types outside the enum are mapped (GiftCard → Prepaid) or Custom, the original kept', async () => {
    expect((await push('orders', [buildOrder({ id: 'o-1' })])).status).toBe(200);
    const pushed = await push('payments', [
      { ...buildPayment({ id: 'p-gift' }), type: 'GiftCard' },
      { ...buildPayment({ id: 'p-ali', amount: 0 }), type: 'Alipay' },
      { ...buildPayment({ id: 'p-card', amount: 0 }), type: 'credit_card' },
    ]);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect(await stored('payments', 'p-gift')).toMatchObject({ type: 'Prepaid', sourceType: 'GiftCard' });
    expect(await stored('payments', 'p-ali')).toMatchObject({ type: 'Custom', sourceType: 'Alipay' });
    expect(await stored('payments', 'p-card')).toMatchObject({ type: 'Card', sourceType: 'credit_card' });
    // Custom is not mapped in this configuration (a run would stop until it is): the partner deletes that one.
    expect((await push('payments', [{ id: 'p-ali' }])).status).toBe(200);
    // A gift-card redemption is a tender: 12.00 to the prepaid payment account (undeposited funds here).
    expect(await syncDay()).toEqual({ [A.sales.id]: -1000, [A.taxPayable.id]: -200, [A.undepositedFunds.id]: 1200 });
  });

  it('a payment carrying only paymentMethodRef takes its type from the pushed payment method', async () => {
    expect((await push('paymentMethods', [{ id: 'pm-cash', name: 'Cash', status: 'Active', modifiedDate: '2026-03-01T00:00:00Z' }])).status).toBe(200);
    expect((await push('orders', [buildOrder({ id: 'o-1' })])).status).toBe(200);
    const { type: _type, ...untyped } = buildPayment({ id: 'p-1' });
    const pushed = await push('payments', [{ ...untyped, paymentMethodRef: { id: 'pm-cash' } }]);
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
    expect(await stored('payments', 'p-1')).toMatchObject({ type: 'Cash', sourceType: 'Cash', paymentMethodRef: { id: 'pm-cash' } });
    expect(await syncDay()).toEqual({ [A.sales.id]: -1000, [A.taxPayable.id]: -200, [A.cashClearing.id]: 1200 });
  });

  it('refuses a paymentMethodRef to a method never pushed, naming the field and what to send', async () => {
    const { type: _type, ...untyped } = buildPayment({ id: 'p-1' });
    const reply = await push('payments', [{ ...untyped, paymentMethodRef: { id: 'pm-nowhere' } }]);
    expect(reply.status).toBe(400);
    const errors = ErrorEnvelopeSchema.parse(reply.body).validation?.errors;
    expect(errors).toEqual([expect.objectContaining({ itemId: 'payments.0.paymentMethodRef.id', message: expect.stringMatching(/pm-nowhere.*paymentMethods.*type/) })]);
    expect(await store.countRecords(companyId, 'payments')).toBe(0);
  });

  it('status Refunded: a negative amount is a refund that went through (Paid); a positive one is refused as ambiguous', async () => {
    const ok = await push('payments', [{ ...buildPayment({ id: 'p-back', amount: -5 }), status: 'Refunded' }, { ...buildPayment({ id: 'p-lc' }), status: 'paid' }]);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await stored('payments', 'p-back')).toMatchObject({ status: 'Paid', sourceStatus: 'Refunded' });
    expect(await stored('payments', 'p-lc')).toMatchObject({ status: 'Paid', sourceStatus: 'paid' });
    const refused = await push('payments', [{ ...buildPayment({ id: 'p-what' }), status: 'Refunded' }]);
    expect(refused.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(refused.body).validation?.errors).toEqual([
      expect.objectContaining({ itemId: 'payments.0.status', message: expect.stringMatching(/ambiguous.*Paid.*negative amount/) }),
    ]);
  });

  it('a date-only createdDate is the merchant\'s local midnight', async () => {
    // Europe/London: GMT on 10 March, BST (UTC+1) from 29 March.
    expect((await push('orders', [buildOrder({ id: 'o-gmt', createdDate: '2026-03-10' }), buildOrder({ id: 'o-bst', createdDate: '2026-04-01' })])).status).toBe(200);
    expect((await stored('orders', 'o-gmt')).createdDate).toBe('2026-03-10T00:00:00.000Z');
    expect((await stored('orders', 'o-bst')).createdDate).toBe('2026-03-31T23:00:00.000Z');
    const refused = await push('orders', [buildOrder({ id: 'o-bad', createdDate: '2026-02-30' })]);
    expect(refused.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(refused.body).validation?.errors[0]?.itemId).toBe('orders.0.createdDate');
  });
});
