import { aggregate } from '../../src/aggregation/index.js';
import { AccountingDocumentSchema } from '../../src/contract/documents.js';
import { buildConfiguration, buildOrder, buildPayment, buildTransaction, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';

/**
 * An order with no line items that was later refunded by a `Refund` transaction. Codat's
 * `totalAmount` includes refunds (domain.md §4 "Codat order totals"), so the sale is
 * `totalAmount − totalRefund`; the refund posts once, from its transaction. Found by the property
 * tests (test/model/books-properties.test.ts, custom amounts with refunds): the sale posted
 * `totalAmount`, net of the refund, and the transaction took the refund off a second time.
 */
describe('a custom-amount order (no line items) refunded later by a Refund transaction', () => {
  // Sold 12.00 (10.00 + 2.00 VAT) by card on the 10th; 3.00 refunded by card on the 11th, so the
  // order now says totalAmount 9.00, totalRefund −3.00, totalTaxAmount 2.00.
  const records = () => ({
    orders: [buildOrder({ id: 'o-custom', totalAmount: 9, totalRefund: -3, totalTaxAmount: 2, orderLineItems: [] })],
    payments: [buildPayment({ id: 'p-1', amount: 12 }), buildPayment({ id: 'r-1', amount: -3, createdDate: '2026-03-11T12:00:00Z' })],
    transactions: [buildTransaction({ id: 'r-1', type: 'Refund', totalAmount: -3, subType: 'Card', transactionSourceRef: { id: 'o-custom', type: 'Order' }, createdDate: '2026-03-11T12:00:00Z' })],
  });
  const run = (outputFormat: 'JournalEntry' | 'Invoice') => {
    const r = aggregate({ companyId: 'co-1', configuration: buildConfiguration({ outputFormat }), period: { start: '2026-03-10', end: '2026-03-12' }, records: records() });
    for (const d of r.documents) AccountingDocumentSchema.parse(d);
    expect(r.problems).toEqual([]);
    return r.documents;
  };

  it('journal mode: the 10th Dr card 12.00, Cr sales 10.00, Cr VAT 2.00; the 11th Dr sales 2.50, Dr VAT 0.50, Cr card 3.00', () => {
    const [day10, day11] = run('JournalEntry');
    if (day10?.kind !== 'journal' || day11?.kind !== 'journal') throw new Error('expected two journals');
    expect(day10.lines.map((l) => [l.accountId, l.amount])).toEqual([[A.cardClearing.id, 1200], [A.sales.id, -1000], [A.taxPayable.id, -200]]);
    // 3.00 over the goods at their proportions: 3.00 × 10/12 = 2.50 net, 3.00 × 2/12 = 0.50 VAT.
    expect(day11.lines.map((l) => [l.accountId, l.amount])).toEqual([[A.cardClearing.id, -300], [A.sales.id, 250], [A.taxPayable.id, 50]]);
  });

  it('invoice mode: a 12.00 invoice (10.00 + 2.00) on the 10th, a 3.00 credit note (2.50 + 0.50) on the 11th', () => {
    const documents = run('Invoice');
    const sales = documents.filter((d) => d.kind === 'invoice' || d.kind === 'creditNote').map((d) => d.kind === 'invoice' || d.kind === 'creditNote' ? [d.date, d.kind, d.lines.map((l) => [l.netAmount, l.taxAmount])] : []);
    expect(sales).toEqual([['2026-03-10', 'invoice', [[1000, 200]]], ['2026-03-11', 'creditNote', [[250, 50]]]]);
  });
});
