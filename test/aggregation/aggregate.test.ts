import { aggregate } from '../../src/aggregation/index.js';
import type { AggregateInput } from '../../src/aggregation/index.js';
import type { AccountingDocument, JournalDocument } from '../../src/contract/documents.js';
import { AccountingDocumentSchema } from '../../src/contract/documents.js';
import type { Configuration } from '../../src/contract/configuration.js';
import {
  buildConfiguration,
  buildOrder,
  buildPayment,
  buildProduct,
  buildTransaction,
  CA_COMPONENTS,
  SANDBOX_ACCOUNTS as A,
} from '../fixtures/index.js';

const DAY = { start: '2026-03-10', end: '2026-03-11' };

function run(records: Partial<AggregateInput['records']>, configuration: Configuration = buildConfiguration(), extra: Partial<AggregateInput> = {}) {
  const result = aggregate({
    companyId: 'co-1',
    configuration,
    period: DAY,
    records: { orders: [], payments: [], transactions: [], ...records },
    ...extra,
  });
  for (const doc of result.documents) AccountingDocumentSchema.parse(doc);
  return result;
}

/** Journal lines as [account, role, amount in major units], debits positive. */
function lines(doc: AccountingDocument | undefined) {
  if (doc?.kind !== 'journal') throw new Error(`expected a journal, got ${doc?.kind}`);
  return doc.lines.map((l) => [l.accountId, l.role, l.amount / 100] as const);
}

/** The domain brief's example day: 1,000 net sales at 20% VAT, 50 gratuity, paid 1,250 in cash. */
function exampleDay() {
  const order = buildOrder({
    totalAmount: 1200,
    totalTaxAmount: 200,
    totalGratuity: 50,
    orderLineItems: [{ quantity: 10, unitPrice: 100, taxPercentage: 20, totalAmount: 1200, totalTaxAmount: 200 }],
  });
  const payment = buildPayment({ amount: 1250, type: 'Cash' });
  return { order, payment };
}

describe('journal mode: the documented examples, to the cent', () => {
  it('cash 1,250 Dr; sales 1,000 Cr; gratuities 50 Cr; VAT 200 Cr', () => {
    const { order, payment } = exampleDay();
    const { documents, problems, days } = run({ orders: [order], payments: [payment] });
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(1);
    expect(lines(documents[0])).toEqual([
      [A.cashClearing.id, 'payment', 1250],
      [A.sales.id, 'sales', -1000],
      [A.gratuities.id, 'gratuity', -50],
      [A.taxPayable.id, 'tax', -200],
    ]);
    expect(documents[0]!.reference).toBe('co-1:2026-03-10:GBP||:journal:r0');
    expect(days).toEqual([{ date: '2026-03-10', group: { currency: 'GBP', locationId: null, country: null }, status: 'documents', documentReferences: [documents[0]!.reference] }]);
  });

  it('with fees 60 and fee refunds 30: cash 1,220 Dr; fees 60 Dr; sales 1,000 Cr; gratuity 50 Cr; VAT 200 Cr; fee refunds 30 Cr', () => {
    const { order, payment } = exampleDay();
    const fee = buildTransaction({ type: 'PaymentFee', totalAmount: -60, subType: 'Cash' });
    const feeRefund = buildTransaction({ type: 'PaymentFeeRefund', totalAmount: 30, subType: 'Cash' });
    const { documents, problems } = run({ orders: [order], payments: [payment], transactions: [fee, feeRefund] });
    expect(problems).toEqual([]);
    expect(lines(documents[0])).toEqual([
      [A.cashClearing.id, 'payment', 1220],
      [A.merchantFees.id, 'fee', 60],
      [A.sales.id, 'sales', -1000],
      [A.gratuities.id, 'gratuity', -50],
      [A.taxPayable.id, 'tax', -200],
      [A.merchantFees.id, 'feeRefund', -30],
    ]);
  });

  it('reverses a refund days later at the original rates, on the refund day', () => {
    const order = buildOrder({
      createdDate: '2026-03-08T10:00:00Z',
      totalAmount: 0,
      totalRefund: -126,
      totalTaxAmount: 20.29,
      orderLineItems: [
        { quantity: 1, taxPercentage: 20, totalAmount: 120, totalTaxAmount: 20 },
        { quantity: 1, taxPercentage: 5, totalAmount: 6, totalTaxAmount: 0.29 },
      ],
    });
    // Half of 126.00 refunded: 50.00 + 10.00 at 20%, and 5.71/0.29 at 5% split as 2.86/0.14.
    const refund = buildTransaction({ id: 'rf-1', type: 'Refund', totalAmount: -63, subType: 'Card', transactionSourceRef: { id: order.id, type: 'Order' } });
    const refundPayment = buildPayment({ id: 'rf-1', amount: -63, type: 'Card' });
    const { documents, problems } = run({ orders: [order], payments: [refundPayment], transactions: [refund] });
    expect(problems).toEqual([]);
    const got = lines(documents[0]);
    expect(got).toEqual([
      [A.cardClearing.id, 'payment', -63],
      [A.sales.id, 'refund', 2.86],
      [A.sales.id, 'refund', 50],
      [A.taxPayable.id, 'refundTax', 0.14],
      [A.taxPayable.id, 'refundTax', 10],
    ]);
    expect(got.reduce((a, l) => a + Math.round(l[2] * 100), 0)).toBe(0);
  });

  it('posts gift cards sold to the liability and redemptions as the Prepaid tender', () => {
    const giftCard = buildProduct({ id: 'gift', isGiftCard: true });
    const sale = buildOrder({ totalAmount: 25, totalTaxAmount: 0, orderLineItems: [{ quantity: 1, taxPercentage: 0, totalAmount: 25, totalTaxAmount: 0, productRef: { id: 'gift' } }] });
    const redemption = buildOrder();
    const { documents, problems } = run({
      orders: [sale, redemption],
      products: [giftCard],
      payments: [buildPayment({ amount: 25, type: 'Card' }), buildPayment({ amount: 12, type: 'Prepaid' })],
    });
    expect(problems).toEqual([]);
    expect(lines(documents[0])).toEqual([
      [A.cardClearing.id, 'payment', 25],
      [A.undepositedFunds.id, 'payment', 12],
      [A.sales.id, 'sales', -10],
      [A.giftCardLiability.id, 'prepaid', -25],
      [A.taxPayable.id, 'tax', -2],
    ]);
  });

  it('maps Canadian GST and PST components to their own tax lines', () => {
    const configuration = buildConfiguration({ template: 'ca', timeZone: 'Etc/UTC' });
    const order = buildOrder({
      currency: 'CAD',
      totalAmount: 112,
      totalTaxAmount: 12,
      orderLineItems: [{
        quantity: 1, taxPercentage: 12, totalAmount: 112, totalTaxAmount: 12,
        taxes: [
          { taxComponentRef: { id: CA_COMPONENTS.gst.id }, taxAmount: 5 },
          { taxComponentRef: { id: CA_COMPONENTS.pst.id }, taxAmount: 7 },
        ],
      }],
    });
    const { documents, problems } = run({ orders: [order], payments: [buildPayment({ currency: 'CAD', amount: 112 })] }, configuration);
    expect(problems).toEqual([]);
    const journal = documents[0] as JournalDocument;
    expect(journal.lines.filter((l) => l.role === 'tax').map((l) => [l.taxRateId, l.amount])).toEqual([
      ['tax-ca-gst', -500],
      ['tax-ca-pst-bc', -700],
    ]);
  });

  it('puts a cent of order-level residue on an explicit rounding line', () => {
    const order = buildOrder({
      totalAmount: 10.01,
      totalTaxAmount: 1.67,
      orderLineItems: [
        { quantity: 1, taxPercentage: 20, totalAmount: 5, totalTaxAmount: 0.83 },
        { quantity: 1, taxPercentage: 20, totalAmount: 5, totalTaxAmount: 0.84 },
      ],
    });
    const { documents } = run({ orders: [order], payments: [buildPayment({ amount: 10.01 })] });
    expect(lines(documents[0])).toContainEqual([A.rounding.id, 'rounding', -0.01]);
  });

  it('groups by currency, and by location when chosen', () => {
    const gbp = buildOrder({ locationRef: { id: 'loc-a' }, payments: [{ id: 'p-a' }] });
    const gbpB = buildOrder({ locationRef: { id: 'loc-b' }, payments: [{ id: 'p-b' }] });
    const eur = buildOrder({ currency: 'EUR', locationRef: { id: 'loc-a' }, payments: [{ id: 'p-e' }] });
    const payments = [buildPayment({ id: 'p-a' }), buildPayment({ id: 'p-b' }), buildPayment({ id: 'p-e', currency: 'EUR' })];
    const plain = run({ orders: [gbp, gbpB, eur], payments });
    expect(plain.documents.map((d) => d.reference)).toEqual(['co-1:2026-03-10:EUR||:journal:r0', 'co-1:2026-03-10:GBP||:journal:r0']);
    const byLocation = run({ orders: [gbp, gbpB, eur], payments }, buildConfiguration({ groupBy: ['Location'] }));
    expect(byLocation.problems).toEqual([]);
    expect(byLocation.documents.map((d) => d.reference)).toEqual([
      'co-1:2026-03-10:EUR|loc-a|:journal:r0',
      'co-1:2026-03-10:GBP|loc-a|:journal:r0',
      'co-1:2026-03-10:GBP|loc-b|:journal:r0',
    ]);
  });

  it('moves payouts from the clearing account to the bank, and failed payouts back', () => {
    const payout = buildTransaction({ type: 'Payout', totalAmount: -500, subType: 'Card' });
    const failed = buildTransaction({ type: 'FailedPayout', totalAmount: 120, subType: 'Card' });
    // Payouts as deposits (the default): each payout is its own document, the failed one back.
    const { documents } = run({ transactions: [payout, failed] });
    expect(documents).toHaveLength(2);
    expect(documents).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'transfer', fromAccountId: A.cardClearing.id, toAccountId: A.businessBank.id, amount: 50000, reference: `co-1:2026-03-10:GBP||:payout:card:${payout.id}:r0` }),
      expect.objectContaining({ kind: 'transfer', fromAccountId: A.businessBank.id, toAccountId: A.cardClearing.id, amount: 12000, reference: `co-1:2026-03-10:GBP||:payout:card:${failed.id}:r0` }),
    ]));
    // Netted (payoutsAsDeposits false): one transfer per day and payment type, 500 − 120 = 380.
    const netted = buildConfiguration();
    netted.configuration!.payments!.payoutsAsDeposits = false;
    expect(run({ transactions: [payout, failed] }, netted).documents).toEqual([
      expect.objectContaining({ kind: 'transfer', fromAccountId: A.cardClearing.id, toAccountId: A.businessBank.id, amount: 38000, reference: 'co-1:2026-03-10:GBP||:payout:card:r0' }),
    ]);
  });

  it('keeps takings that do not match the day\'s sales in the unpaid-sales account, balanced', () => {
    const { documents } = run({ orders: [buildOrder()], payments: [] });
    expect(lines(documents[0])).toEqual([
      [A.sales.id, 'sales', -10],
      [A.taxPayable.id, 'tax', -2],
      [A.accountsReceivable.id, 'payment', 12],
    ]);
  });
});

describe('day boundaries in the merchant time zone', () => {
  it('counts an order at 23:30Z on 29 March 2026 on 30 March in London (BST)', () => {
    const configuration = buildConfiguration();
    const order = buildOrder({ createdDate: '2026-03-29T23:30:00Z' });
    const payment = buildPayment({ createdDate: '2026-03-29T23:30:00Z' });
    const result = run({ orders: [order], payments: [payment] }, configuration, { period: { start: '2026-03-29', end: '2026-03-31' } });
    expect(result.documents.map((d) => d.date)).toEqual(['2026-03-30']);
    expect(result.days.map((d) => [d.date, d.status])).toEqual([['2026-03-29', 'empty'], ['2026-03-30', 'documents']]);
  });
});

describe('problems: never a silent drop, never a partial journal', () => {
  it('an unmapped payment type stops that day with a message naming the mapping', () => {
    const { documents, problems, days } = run({ orders: [buildOrder()], payments: [buildPayment({ type: 'Swish' })] });
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'payment_type_unmapped',
        date: '2026-03-10',
        configPath: 'configuration.payments.accounts.swish',
        message: 'A new payment type, Swish, appeared in your sales. Choose the account it should be paid into under Payments, then sync again.',
      }),
    ]);
    expect(problems[0]!.recordIds).toHaveLength(1);
    expect(days[0]!.status).toBe('problems');
  });

  it('an unmapped tax rate names the rate and where to map it', () => {
    const order = buildOrder({ orderLineItems: [{ quantity: 1, taxPercentage: 17.5, totalAmount: 11.75, totalTaxAmount: 1.75 }], totalAmount: 11.75 });
    const { documents, problems } = run({ orders: [order], payments: [buildPayment({ amount: 11.75 })] });
    expect(documents).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({ code: 'tax_rate_unmapped', configPath: 'configuration.sales.taxRates.17.5', message: 'Sales at a 17.5% tax rate have no tax rate mapped. Map it under Tax rates, then sync again.', recordIds: [order.id] }),
    ]);
  });

  it('an unmapped tax component is a problem too', () => {
    const order = buildOrder({ orderLineItems: [{ quantity: 1, taxPercentage: 7, totalAmount: 10.7, totalTaxAmount: 0.7, taxes: [{ taxComponentRef: { id: 'tc-qst', name: 'QST' }, taxAmount: 0.7 }] }], totalAmount: 10.7 });
    const { problems } = run({ orders: [order], payments: [buildPayment({ amount: 10.7 })] });
    expect(problems.map((p) => [p.code, p.configPath])).toContainEqual(['tax_rate_unmapped', 'configuration.sales.newTaxRates.taxRateMappings']);
  });

  it('a mapped account that is no longer an option is account_missing', () => {
    const configuration = buildConfiguration({ paymentAccounts: { cash: 'acc-gone' } });
    const { example } = { example: exampleDay() };
    const { problems } = run({ orders: [example.order], payments: [example.payment] }, configuration);
    expect(problems).toEqual([expect.objectContaining({ code: 'account_missing', configPath: 'configuration.payments.accounts.cash' })]);
    expect(problems[0]!.message).toContain('"acc-gone"');
  });

  it('a refund in another currency than its order is currency_mismatch', () => {
    const order = buildOrder({ createdDate: '2026-03-09T10:00:00Z' });
    const refund = buildTransaction({ type: 'Refund', currency: 'EUR', totalAmount: -5, transactionSourceRef: { id: order.id, type: 'Order' } });
    const { problems } = run({ orders: [order], transactions: [refund] });
    expect(problems).toEqual([expect.objectContaining({ code: 'currency_mismatch', params: expect.objectContaining({ currency: 'EUR' }) })]);
  });

  it('amounts finer than the currency allows are refused, not rounded: the order is left out, the rest of its day posts', () => {
    const order = buildOrder({ id: 'o-fine', totalAmount: 12.005 });
    const { documents, problems, days } = run({ orders: [order], payments: [buildPayment()] });
    expect(problems).toEqual([expect.objectContaining({ code: 'record_invalid', isolated: true, recordIds: ['o-fine'], message: expect.stringContaining('12.005 GBP') })]);
    expect(days[0]!.excludedRecordIds).toEqual(['o-fine']);
    // Only the 12.00 card payment posts (waiting on unpaid sales): nothing of the order reaches sales or VAT.
    const lines = (documents as JournalDocument[]).flatMap((d) => d.lines.map((l) => [l.accountId, l.amount]));
    expect(lines.sort()).toEqual([[A.cardClearing.id, 1200], [A.accountsReceivable.id, -1200]]);
  });

  it('a refund of an order never received is a problem, not a guess', () => {
    const refund = buildTransaction({ type: 'Refund', totalAmount: -5, transactionSourceRef: { id: 'missing', type: 'Order' } });
    const { problems } = run({ transactions: [refund] });
    expect(problems[0]!.message).toContain('order missing, which was never received');
  });

  it('only the day with a problem is held back', () => {
    const good = exampleDay();
    const bad = buildPayment({ type: 'Vipps', createdDate: '2026-03-11T12:00:00Z' });
    const badOrder = buildOrder({ createdDate: '2026-03-11T12:00:00Z' });
    const result = run({ orders: [good.order, badOrder], payments: [good.payment, bad] }, buildConfiguration(), { period: { start: '2026-03-10', end: '2026-03-12' } });
    expect(result.days.map((d) => d.status)).toEqual(['documents', 'problems']);
    expect(result.documents.every((d) => d.date === '2026-03-10')).toBe(true);
  });
});

describe('invoice mode', () => {
  const invoice = buildConfiguration({ outputFormat: 'Invoice', paymentAccounts: {} });

  it('raises an invoice with one line per rate plus gratuity, and a payment per type applied to it', () => {
    const { order } = exampleDay();
    const payments = [buildPayment({ amount: 1000, type: 'Card' }), buildPayment({ amount: 250, type: 'Cash' })];
    const { documents, problems } = run({ orders: [order], payments }, invoice);
    expect(problems).toEqual([]);
    const [inv, ...rest] = documents;
    expect(inv).toMatchObject({ kind: 'invoice', total: 125000, contactId: 'cus-daily-sales', status: 'Submitted' });
    if (inv?.kind !== 'invoice') throw new Error('expected an invoice');
    expect(inv.lines.map((l) => [l.role, l.netAmount, l.taxAmount, l.taxRateId])).toEqual([
      ['sales', 100000, 20000, 'tax-uk-standard'],
      ['gratuity', 5000, 0, 'tax-uk-zero'],
    ]);
    expect(rest.map((d) => d.kind === 'payment' && [d.direction, d.paymentTypeKey, d.amount, d.appliesTo])).toEqual([
      ['received', 'card', 100000, inv.reference],
      ['received', 'cash', 25000, inv.reference],
    ]);
  });

  it('a day of refunds only is a credit note with cash refunds against it, never a negative invoice', () => {
    const order = buildOrder({ createdDate: '2026-03-01T10:00:00Z' });
    const refund = buildTransaction({ id: 'r-9', type: 'Refund', totalAmount: -12, transactionSourceRef: { id: order.id, type: 'Order' } });
    const { documents, problems } = run({ orders: [order], transactions: [refund], payments: [buildPayment({ id: 'r-9', amount: -12 })] }, invoice);
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.kind)).toEqual(['creditNote', 'payment']);
    expect(documents[0]).toMatchObject({ total: 1200 });
    expect(documents[1]).toMatchObject({ direction: 'refunded', amount: 1200, appliesTo: documents[0]!.reference });
  });

  it('a day of returns only becomes the refunds credit note, never a negative invoice', () => {
    const ret = buildOrder({ totalAmount: -12, totalTaxAmount: -2, orderLineItems: [{ quantity: -1, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2 }] });
    const { documents } = run({ orders: [ret], payments: [buildPayment({ amount: -12 })] }, invoice);
    expect(documents.map((d) => d.kind)).toEqual(['creditNote', 'payment']);
    expect(documents[0]).toMatchObject({ total: 1200, reference: 'co-1:2026-03-10:GBP||:refunds:r0' });
  });

  it('keeps the tax sent on the line even one minor unit from the ledger\'s per-line figure (no rounding line)', () => {
    // Net 1.00 + 1.00 = 2.00; tax sent 0.20 + 0.21 = 0.41 (20% of 2.00 would be 0.40): kept.
    const order = buildOrder({ totalAmount: 2.41, totalTaxAmount: 0.41, orderLineItems: [
      { quantity: 1, taxPercentage: 20, totalAmount: 1.2, totalTaxAmount: 0.2 },
      { quantity: 1, taxPercentage: 20, totalAmount: 1.21, totalTaxAmount: 0.21 },
    ] });
    const { documents } = run({ orders: [order], payments: [buildPayment({ amount: 2.41 })] }, invoice);
    if (documents[0]?.kind !== 'invoice') throw new Error('expected an invoice');
    expect(documents[0].lines.map((l) => [l.role, l.netAmount, l.taxAmount])).toEqual([
      ['sales', 200, 41],
    ]);
    expect(documents[0].total).toBe(241);
  });

  it('bills fees to the fees supplier when the clearing account is not a bank account', () => {
    const configuration = buildConfiguration({ outputFormat: 'Invoice' });
    configuration.configuration!.payments!.accounts!.card!.accountOptions = [{ id: A.cardClearing.id, name: 'Card clearing', type: 'CURRENT' }];
    const { order, payment } = exampleDay();
    payment.type = 'Card';
    const fee = buildTransaction({ totalAmount: -60 });
    const { documents, problems } = run({ orders: [order], payments: [payment], transactions: [fee] }, configuration);
    expect(problems).toEqual([]);
    expect(documents.map((d) => d.kind)).toEqual(['invoice', 'payment', 'bill', 'payment']);
    expect(documents[2]).toMatchObject({ contactId: 'sup-card-processor', total: 6000 });
    expect(documents[3]).toMatchObject({ direction: 'paid', amount: 6000, appliesTo: documents[2]!.reference, accountId: A.cardClearing.id });
  });
});

describe('re-sent and edited records', () => {
  it('re-sending unchanged records changes nothing; an edit yields one adjustment with only the difference', () => {
    const { order, payment } = exampleDay();
    const first = run({ orders: [order], payments: [payment] });
    const again = run({ orders: [order, { ...order }], payments: [payment] }, buildConfiguration(), { posted: first.documents });
    expect(again.documents).toEqual([]);
    expect(again.days[0]!.status).toBe('unchanged');

    const edited = { ...order, totalGratuity: 60, sourceModifiedDate: '2026-03-11T09:00:00Z' };
    const editedPayment = { ...payment, amount: 1260, sourceModifiedDate: '2026-03-11T09:00:00Z' };
    const second = run({ orders: [order, edited], payments: [payment, editedPayment] }, buildConfiguration(), { posted: first.documents });
    expect(second.documents).toHaveLength(1);
    const adj = second.documents[0]!;
    expect(adj).toMatchObject({ revision: 1, adjusts: first.documents[0]!.reference, reference: 'co-1:2026-03-10:GBP||:journal:r1' });
    expect(lines(adj)).toEqual([
      [A.cashClearing.id, 'payment', 10],
      [A.gratuities.id, 'gratuity', -10],
    ]);
    const third = run({ orders: [edited], payments: [editedPayment] }, buildConfiguration(), { posted: [...first.documents, ...second.documents] });
    expect(third.documents).toEqual([]);
  });
});
