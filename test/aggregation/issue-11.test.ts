import { aggregate } from '../../src/aggregation/index.js';
import type { AggregateInput } from '../../src/aggregation/index.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import type { Order, Payment } from '../../src/contract/commerce.js';
import { AccountingDocumentSchema } from '../../src/contract/documents.js';
import type { Configuration } from '../../src/contract/configuration.js';
import { buildConfiguration, buildOrder, buildPayment, buildTransaction, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';
import { BASE, connect, contextFor, newSandbox } from '../platforms/sandbox/helpers.js';
import { withOptions } from '../../src/server/configuration.js';
import type { SandboxTaxReport } from '../../src/platforms/sandbox/tax-report.js';
import { validateConfiguration } from '../../src/contract/configuration-rules.js';

/**
 * The minimal cases of issue 11 that aggregation owns, in both modes, to the cent. Every
 * expected figure is computed by hand in the comment beside it.
 */

const DAY = { start: '2026-03-10', end: '2026-03-11' };

function run(records: Partial<AggregateInput['records']>, configuration: Configuration, period = DAY) {
  const result = aggregate({ companyId: 'co-1', configuration, period, records: { orders: [], payments: [], transactions: [], ...records } });
  for (const doc of result.documents) AccountingDocumentSchema.parse(doc);
  return result;
}

const journalConfig = () => buildConfiguration();
const invoiceConfig = () => buildConfiguration({ outputFormat: 'Invoice', paymentAccounts: {} });

/** Journal lines as [account, role, minor units], debits positive. */
function journal(doc: AccountingDocument | undefined) {
  if (doc?.kind !== 'journal') throw new Error(`expected a journal, got ${doc?.kind}`);
  return doc.lines.map((l) => [l.accountId, l.role, l.amount] as const);
}

/** Writes documents to a fresh sandbox ledger (which applies its posting rules) and returns debit − credit per account. */
async function ledgerBalances(documents: readonly AccountingDocument[]): Promise<Record<string, number>> {
  const { sandbox } = newSandbox();
  try {
    const ctx = contextFor(await connect(sandbox, 'uk'));
    const related: Record<string, string> = {};
    for (const doc of documents) {
      const result = await sandbox.connector.writeDocument(ctx, doc, { idempotencyKey: doc.reference, related: { ...related } });
      related[doc.reference] = result.platformId;
    }
    const balances: Record<string, number> = {};
    for (const a of sandbox.admin.trialBalance(sandbox.admin.listLedgers()[0]!.id).accounts) {
      if (a.debit !== a.credit) balances[a.accountId] = a.debit - a.credit;
    }
    return balances;
  } finally {
    sandbox.close();
  }
}

/** Invoice / credit-note lines as [role, net, tax] in minor units. */
function invoiceLines(doc: AccountingDocument | undefined) {
  if (doc?.kind !== 'invoice' && doc?.kind !== 'creditNote') throw new Error(`expected an invoice or credit note, got ${doc?.kind}`);
  return doc.lines.map((l) => [l.role, l.netAmount, l.taxAmount] as const);
}

describe('case 1: a Generic service charge on the sales account at the sales rate keeps its own tax', () => {
  // 10.00 + 2.00 VAT sale, 1.00 + 0.20 service charge: order total 13.20, VAT 2.20.
  const order = () => buildOrder({
    totalAmount: 13.2,
    totalTaxAmount: 2.2,
    orderLineItems: [{ quantity: 1, unitPrice: 10, taxPercentage: 20, totalAmount: 12, totalTaxAmount: 2 }],
    serviceCharges: [{ type: 'Generic', quantity: 1, taxPercentage: 20, totalAmount: 1.2, taxAmount: 0.2 }],
  });

  it('invoice mode: sales 10.00 tax 2.00, service charge 1.00 tax 0.20, no rounding', () => {
    const { documents, problems } = run({ orders: [order()], payments: [buildPayment({ amount: 13.2 })] }, invoiceConfig());
    expect(problems).toEqual([]);
    expect(invoiceLines(documents[0])).toEqual([
      ['sales', 1000, 200],
      ['serviceCharge', 100, 20],
    ]);
    expect(documents[0]).toMatchObject({ kind: 'invoice', total: 1320 });
  });

  it('journal mode: card 13.20 Dr; sales 10.00 Cr; service charges 1.00 Cr; VAT 2.20 Cr', () => {
    const { documents, problems } = run({ orders: [order()], payments: [buildPayment({ amount: 13.2 })] }, journalConfig());
    expect(problems).toEqual([]);
    expect(journal(documents[0])).toEqual([
      [A.cardClearing.id, 'payment', 1320],
      [A.sales.id, 'sales', -1000],
      [A.sales.id, 'serviceCharge', -100],
      [A.taxPayable.id, 'tax', -220],
    ]);
  });

  it('invoice mode: each line keeps the tax sent, even one minor unit from the ledger\'s own figure (no VAT moved to rounding)', async () => {
    // Three 1.01 items (tax-inclusive 1.21 each, tax 0.20 rounded per item): net 3.03, tax 0.60.
    // 20% of 3.03 is 0.606 → 0.61, one minor unit more than charged; the VAT charged is 0.60,
    // so the invoice line carries 0.60 and there is no rounding line (no sub-cent residue:
    // each order's lines add up to its total). Thirty such items: net 30.30, tax 6.00, kept.
    const items = (n: number) => Array.from({ length: n }, () => ({ quantity: 1, unitPrice: 1.01, taxPercentage: 20, totalAmount: 1.21, totalTaxAmount: 0.2 }));
    const three = buildOrder({ totalAmount: 3.63, totalTaxAmount: 0.6, orderLineItems: items(3) });
    const small = run({ orders: [three], payments: [buildPayment({ amount: 3.63 })] }, invoiceConfig());
    expect(invoiceLines(small.documents[0])).toEqual([['sales', 303, 60]]);
    // The ledger: VAT payable 0.60 Cr, sales 3.03 Cr, card 3.63 Dr; no rounding account.
    expect(await ledgerBalances(small.documents)).toEqual({ [A.sales.id]: -303, [A.taxPayable.id]: -60, [A.cardClearing.id]: 363 });
    const thirty = buildOrder({ totalAmount: 36.3, totalTaxAmount: 6, orderLineItems: items(30) });
    const large = run({ orders: [thirty] }, invoiceConfig());
    expect(invoiceLines(large.documents[0])).toEqual([['sales', 3030, 600]]);
  });

  it('invoice mode: a day of orders keeps VAT at what each order charged, rate by rate, with no rounding line', () => {
    // 20%: three orders of 1.01 + 0.20 VAT → net 3.03, VAT 0.60 (the ledger's 20% of 3.03: 0.61).
    // 5%: three orders of 1.10 + 0.06 VAT (0.055 rounded half up) → net 3.30, VAT 0.18
    // (5% of 3.30: 0.165 → 0.17). Each rate one minor unit from the ledger's figure: kept.
    const orders = [
      ...Array.from({ length: 3 }, (_, i) => buildOrder({ id: `a-${i}`, totalAmount: 1.21, totalTaxAmount: 0.2, orderLineItems: [{ quantity: 1, unitPrice: 1.01, taxPercentage: 20, totalAmount: 1.21, totalTaxAmount: 0.2 }] })),
      ...Array.from({ length: 3 }, (_, i) => buildOrder({ id: `b-${i}`, totalAmount: 1.16, totalTaxAmount: 0.06, orderLineItems: [{ quantity: 1, unitPrice: 1.1, taxPercentage: 5, totalAmount: 1.16, totalTaxAmount: 0.06 }] })),
    ];
    const { documents, problems } = run({ orders }, invoiceConfig());
    expect(problems).toEqual([]);
    expect(invoiceLines(documents[0])).toEqual([['sales', 330, 18], ['sales', 303, 60]]);
    expect(documents[0]).toMatchObject({ total: 711 });
  });
});

describe('case 2: invoice mode never refuses a day that journal mode can post', () => {
  const TWO_DAYS = { start: '2026-03-10', end: '2026-03-12' };

  describe('a sale at 23:59:50 paid by card at 00:00:10, and a 6.00 cash sale the next day', () => {
    // Europe/London in March is UTC. Day 10: a 12.00 sale (10.00 + 2.00 VAT), unpaid that day.
    // Day 11: the card payment of 12.00 for it, and a 6.00 cash sale (5.00 + 1.00 VAT) paid in cash.
    const records = () => ({
      orders: [
        buildOrder({ id: 'late', createdDate: '2026-03-10T23:59:50Z' }),
        buildOrder({ id: 'cash-sale', createdDate: '2026-03-11T12:00:00Z', totalAmount: 6, totalTaxAmount: 1, orderLineItems: [{ quantity: 1, unitPrice: 5, taxPercentage: 20, totalAmount: 6, totalTaxAmount: 1 }] }),
      ],
      payments: [
        buildPayment({ id: 'card-after-midnight', amount: 12, createdDate: '2026-03-11T00:00:10Z' }),
        buildPayment({ id: 'cash-1', amount: 6, type: 'Cash', createdDate: '2026-03-11T12:00:00Z' }),
      ],
    });
    // What both modes must leave in the ledger: sales 15.00 Cr, VAT 3.00 Cr, card 12.00 Dr,
    // cash 6.00 Dr, and nothing left receivable (both sales were paid).
    const books = { [A.sales.id]: -1500, [A.taxPayable.id]: -300, [A.cardClearing.id]: 1200, [A.cashClearing.id]: 600 };

    it('invoice mode: day 11 settles its own invoice and clears the other 12.00 against receivables', async () => {
      const { documents, problems } = run(records(), invoiceConfig(), TWO_DAYS);
      expect(problems).toEqual([]);
      const day10 = documents.filter((d) => d.date === '2026-03-10');
      const day11 = documents.filter((d) => d.date === '2026-03-11');
      // Day 10: the invoice alone (its money came after midnight).
      expect(day10.map((d) => d.kind)).toEqual(['invoice']);
      expect(invoiceLines(day10[0])).toEqual([['sales', 1000, 200]]);
      // Day 11: invoice 6.00; 6.00 of the day's money pays it (card comes first by key); the
      // other 12.00 of money (6.00 card, 6.00 cash) is for day 10's sale: a clearing journal
      // Dr card 6.00, Dr cash 6.00, Cr the unpaid-sales account (receivables) 12.00.
      expect(day11.map((d) => d.kind)).toEqual(['invoice', 'payment', 'journal']);
      expect(invoiceLines(day11[0])).toEqual([['sales', 500, 100]]);
      expect(day11[1]).toMatchObject({ direction: 'received', paymentTypeKey: 'card', amount: 600, appliesTo: day11[0]!.reference });
      expect(journal(day11[2])).toEqual([
        [A.cardClearing.id, 'payment', 600],
        [A.cashClearing.id, 'payment', 600],
        [A.accountsReceivable.id, 'payment', -1200],
      ]);
      expect(await ledgerBalances(documents)).toEqual(books);
    });

    it('invoice mode: day 11 on its own (day 10 synced by an earlier run) gives the same documents', () => {
      const both = run(records(), invoiceConfig(), TWO_DAYS).documents.filter((d) => d.date === '2026-03-11');
      const alone = run(records(), invoiceConfig(), { start: '2026-03-11', end: '2026-03-12' });
      expect(alone.problems).toEqual([]);
      expect(alone.documents).toEqual(both);
    });

    it('journal mode: the same books', async () => {
      const { documents, problems } = run(records(), journalConfig(), TWO_DAYS);
      expect(problems).toEqual([]);
      expect(documents).toHaveLength(2);
      expect(await ledgerBalances(documents)).toEqual(books);
    });
  });

  describe('a return order (negative-quantity line) beside a 24.00 cash sale', () => {
    // Sale: 2 × 10.00 + 4.00 VAT = 24.00 cash. Return: −1 × 10.00 − 2.00 VAT = −12.00, cash back.
    const records = () => ({
      orders: [
        buildOrder({ id: 'sale', totalAmount: 24, totalTaxAmount: 4, orderLineItems: [{ quantity: 2, unitPrice: 10, taxPercentage: 20, totalAmount: 24, totalTaxAmount: 4 }] }),
        buildOrder({ id: 'return', totalAmount: -12, totalTaxAmount: -2, orderLineItems: [{ quantity: -1, unitPrice: 10, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2 }] }),
      ],
      payments: [buildPayment({ id: 'cash-in', type: 'Cash', amount: 24 }), buildPayment({ id: 'cash-back', type: 'Cash', amount: -12 })],
    });
    // Both modes: sales 20.00 Cr and 10.00 Dr back, VAT 4.00 Cr and 2.00 Dr back, cash 12.00 net.
    const books = { [A.sales.id]: -1000, [A.taxPayable.id]: -200, [A.cashClearing.id]: 1200 };

    it('invoice mode: a 24.00 invoice paid in cash, a 12.00 refunds credit note refunded in cash', async () => {
      const { documents, problems } = run(records(), invoiceConfig());
      expect(problems).toEqual([]);
      expect(documents.map((d) => d.kind)).toEqual(['invoice', 'creditNote', 'payment', 'payment']);
      expect(invoiceLines(documents[0])).toEqual([['sales', 2000, 400]]);
      expect(invoiceLines(documents[1])).toEqual([['refund', 1000, 200]]);
      expect(documents[2]).toMatchObject({ direction: 'received', paymentTypeKey: 'cash', amount: 2400, appliesTo: documents[0]!.reference });
      expect(documents[3]).toMatchObject({ direction: 'refunded', paymentTypeKey: 'cash', amount: 1200, appliesTo: documents[1]!.reference });
      expect(await ledgerBalances(documents)).toEqual(books);
    });

    it('journal mode: cash 12.00 Dr; sales 20.00 Cr; VAT 4.00 Cr; refunds 10.00 Dr; VAT on refunds 2.00 Dr', async () => {
      const { documents, problems } = run(records(), journalConfig());
      expect(problems).toEqual([]);
      expect(journal(documents[0])).toEqual([
        [A.cashClearing.id, 'payment', 1200],
        [A.sales.id, 'sales', -2000],
        [A.taxPayable.id, 'tax', -400],
        [A.sales.id, 'refund', 1000],
        [A.taxPayable.id, 'refundTax', 200],
      ]);
      expect(await ledgerBalances(documents)).toEqual(books);
    });
  });

  it('invoice mode: refund money on another day than its credit note is cleared, not refused', async () => {
    // Day 10: a 12.00 sale paid by card. Day 11: its Refund transaction (credit note 12.00).
    // Day 12 at 00:00:05: the card money goes back (−12.00): no credit note that day, so a
    // clearing journal Cr card 12.00, Dr receivables 12.00 (which the credit note credited).
    const { documents, problems } = run({
      orders: [buildOrder({ id: 'o-1' })],
      payments: [buildPayment({ id: 'p-1' }), buildPayment({ id: 'r-1', amount: -12, createdDate: '2026-03-12T00:00:05Z' })],
      transactions: [buildTransaction({ id: 'r-1', type: 'Refund', totalAmount: -12, createdDate: '2026-03-11T18:00:00Z', transactionSourceRef: { id: 'o-1', type: 'Order' } })],
    }, invoiceConfig(), { start: '2026-03-10', end: '2026-03-13' });
    expect(problems).toEqual([]);
    expect(documents.map((d) => `${d.date} ${d.kind}`)).toEqual(['2026-03-10 invoice', '2026-03-10 payment', '2026-03-11 creditNote', '2026-03-12 journal']);
    expect(invoiceLines(documents[2])).toEqual([['refund', 1000, 200]]);
    expect(journal(documents[3])).toEqual([
      [A.cardClearing.id, 'payment', -1200],
      [A.accountsReceivable.id, 'payment', 1200],
    ]);
    // Sales and VAT back to zero, card back to zero, nothing receivable.
    expect(await ledgerBalances(documents)).toEqual({});
  });
});

describe('cases 5, 6, 7: one rule for refunds, whichever way they are sent', () => {
  // Any distinct income account stands for the merchant's refunds account here.
  const REFUNDS = A.shippingIncome.id;
  const withRefunds = (outputFormat: 'JournalEntry' | 'Invoice') =>
    buildConfiguration({ outputFormat, salesAccounts: { refund: REFUNDS }, ...(outputFormat === 'Invoice' ? { paymentAccounts: {} } : {}) });
  const TWO_DAYS = { start: '2026-03-10', end: '2026-03-12' };
  const sale = () => buildOrder({ id: 'o-1' });
  const day11 = (documents: AccountingDocument[]) => documents.filter((d) => d.date === '2026-03-11');

  /** The 12.00 sale of day 10 given back on day 11: as a return order, or as a Refund transaction. */
  const asReturnOrder = () => ({
    orders: [sale(), buildOrder({ id: 'ret-1', createdDate: '2026-03-11T12:00:00Z', totalAmount: -12, totalTaxAmount: -2, orderLineItems: [{ quantity: -1, unitPrice: 10, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2 }] })],
    payments: [buildPayment({ id: 'p-1' }), buildPayment({ id: 'back-1', amount: -12, createdDate: '2026-03-11T12:00:00Z' })],
  });
  const asRefund = () => ({
    orders: [sale()],
    payments: [buildPayment({ id: 'p-1' }), buildPayment({ id: 'rf-1', amount: -12, createdDate: '2026-03-11T12:00:00Z' })],
    transactions: [buildTransaction({ id: 'rf-1', type: 'Refund', totalAmount: -12, createdDate: '2026-03-11T12:00:00Z', transactionSourceRef: { id: 'o-1', type: 'Order' } })],
  });

  it('case 5, journal mode: both ways debit the refund account 10.00 and VAT 2.00, credit card 12.00', () => {
    for (const records of [asReturnOrder(), asRefund()]) {
      const { documents, problems } = run(records, withRefunds('JournalEntry'), TWO_DAYS);
      expect(problems).toEqual([]);
      expect(journal(day11(documents)[0])).toEqual([
        [A.cardClearing.id, 'payment', -1200],
        [REFUNDS, 'refund', 1000],
        [A.taxPayable.id, 'refundTax', 200],
      ]);
    }
  });

  it('case 5, invoice mode: both ways give the same credit note on the refund account and a 12.00 card refund', () => {
    const docs = [asReturnOrder(), asRefund()].map((records) => {
      const { documents, problems } = run(records, withRefunds('Invoice'), TWO_DAYS);
      expect(problems).toEqual([]);
      return day11(documents);
    });
    for (const [creditNote, refund] of docs) {
      expect(creditNote).toMatchObject({ kind: 'creditNote', total: 1200 });
      expect(creditNote?.kind === 'creditNote' && creditNote.lines.map((l) => [l.accountId, l.netAmount, l.taxAmount, l.taxRateId])).toEqual([[REFUNDS, 1000, 200, 'tax-uk-standard']]);
      expect(refund).toMatchObject({ kind: 'payment', direction: 'refunded', amount: 1200, appliesTo: creditNote!.reference });
    }
    expect(docs[0]).toEqual(docs[1]);
  });

  describe('case 6: a 13.00 refund of a 12.00 order with a 1.00 tip', () => {
    // Order 12.00 (10.00 + 2.00 VAT) + 1.00 tip, paid 13.00 by card on day 10; all 13.00 back on day 11.
    // The tip is reversed first (1.00), then the goods at their rates: sales 10.00, VAT 2.00.
    const records = (amount = 13) => ({
      orders: [buildOrder({ id: 'o-1', totalGratuity: 1 })],
      payments: [buildPayment({ id: 'p-1', amount: 13 }), buildPayment({ id: 'rf-1', amount: -amount, createdDate: '2026-03-11T12:00:00Z' })],
      transactions: [buildTransaction({ id: 'rf-1', type: 'Refund', totalAmount: -amount, createdDate: '2026-03-11T12:00:00Z', transactionSourceRef: { id: 'o-1', type: 'Order' } })],
    });

    it('journal mode: refunds 10.00, VAT 2.00, gratuities 1.00 Dr; card 13.00 Cr (not 10.83 / 2.17)', () => {
      const { documents, problems } = run(records(), withRefunds('JournalEntry'), TWO_DAYS);
      expect(problems).toEqual([]);
      expect(journal(day11(documents)[0])).toEqual([
        [A.cardClearing.id, 'payment', -1300],
        [A.gratuities.id, 'gratuity', 100],
        [REFUNDS, 'refund', 1000],
        [A.taxPayable.id, 'refundTax', 200],
      ]);
    });

    it('invoice mode: credit note refund 10.00 + VAT 2.00 and gratuity 1.00, refunded 13.00 by card', () => {
      const { documents, problems } = run(records(), withRefunds('Invoice'), TWO_DAYS);
      expect(problems).toEqual([]);
      const [creditNote, refund] = day11(documents);
      expect(invoiceLines(creditNote)).toEqual([['refund', 1000, 200], ['gratuity', 100, 0]]);
      expect(creditNote).toMatchObject({ total: 1300 });
      expect(refund).toMatchObject({ direction: 'refunded', amount: 1300 });
    });

    it('a refund beyond the whole order reverses no more tax: 14.00 back is tip 1.00, goods 10.00 + 2.00 VAT, 1.00 untaxed', () => {
      const { documents, problems } = run(records(14), withRefunds('Invoice'), TWO_DAYS);
      expect(problems).toEqual([]);
      const [creditNote] = day11(documents);
      expect(invoiceLines(creditNote)).toEqual([['refund', 100, 0], ['refund', 1000, 200], ['gratuity', 100, 0]]);
      expect(creditNote).toMatchObject({ total: 1400 });
    });

    it('the same refund as a return order (−1 line and a −1.00 tip) posts the same', () => {
      const { documents, problems } = run({
        orders: [buildOrder({ id: 'o-1', totalGratuity: 1 }), buildOrder({ id: 'ret-1', createdDate: '2026-03-11T12:00:00Z', totalAmount: -12, totalTaxAmount: -2, totalGratuity: -1, orderLineItems: [{ quantity: -1, unitPrice: 10, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2 }] })],
        payments: [buildPayment({ id: 'p-1', amount: 13 }), buildPayment({ id: 'back-1', amount: -13, createdDate: '2026-03-11T12:00:00Z' })],
      }, withRefunds('JournalEntry'), TWO_DAYS);
      expect(problems).toEqual([]);
      expect(journal(day11(documents)[0])).toEqual([
        [A.cardClearing.id, 'payment', -1300],
        [A.gratuities.id, 'gratuity', 100],
        [REFUNDS, 'refund', 1000],
        [A.taxPayable.id, 'refundTax', 200],
      ]);
    });
  });

  describe('case 7: orders the day must not be refused for', () => {
    // Codat form: totalAmount includes the refund, so a pure return has totalRefund = totalAmount = −12.00.
    const codatReturn = () => buildOrder({ id: 'ret-codat', totalAmount: -12, totalRefund: -12, totalTaxAmount: -2, orderLineItems: [{ quantity: -1, unitPrice: 10, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2 }] });

    it('a Codat-form return order is a 12.00 refund: credit note 10.00 + 2.00 VAT (invoice), Dr refunds 10.00, VAT 2.00 (journal)', () => {
      const invoice = run({ orders: [codatReturn()], payments: [buildPayment({ amount: -12 })] }, withRefunds('Invoice'));
      expect(invoice.problems).toEqual([]);
      expect(invoiceLines(invoice.documents[0])).toEqual([['refund', 1000, 200]]);
      expect(invoice.documents[0]).toMatchObject({ kind: 'creditNote', total: 1200 });
      const journalMode = run({ orders: [codatReturn()], payments: [buildPayment({ amount: -12 })] }, withRefunds('JournalEntry'));
      expect(journalMode.problems).toEqual([]);
      expect(journal(journalMode.documents[0])).toEqual([
        [A.cardClearing.id, 'payment', -1200],
        [REFUNDS, 'refund', 1000],
        [A.taxPayable.id, 'refundTax', 200],
      ]);
    });

    it('an order without line items (a custom amount) posts its total to sales at the order\'s tax', () => {
      // 12.00 with 2.00 tax: net 10.00, and 20% of 10.00 is 2.00, the mapped 20% rate.
      // 5.00 with no tax: sales 5.00 at 0%.
      const records = {
        orders: [
          buildOrder({ id: 'custom-1', totalAmount: 12, totalTaxAmount: 2, orderLineItems: [] }),
          buildOrder({ id: 'custom-2', totalAmount: 5, totalTaxAmount: 0, orderLineItems: [] }),
        ],
        payments: [buildPayment({ amount: 17 })],
      };
      const invoice = run(records, withRefunds('Invoice'));
      expect(invoice.problems).toEqual([]);
      expect(invoiceLines(invoice.documents[0])).toEqual([['sales', 500, 0], ['sales', 1000, 200]]);
      const journalMode = run(records, withRefunds('JournalEntry'));
      expect(journalMode.problems).toEqual([]);
      expect(journal(journalMode.documents[0])).toEqual([
        [A.cardClearing.id, 'payment', 1700],
        [A.sales.id, 'sales', -500],
        [A.sales.id, 'sales', -1000],
        [A.taxPayable.id, 'tax', -200],
      ]);
    });
  });
});

describe('case 3: invoice-mode adjustments are new documents the ledger accepts', () => {
  // Posted first: invoice 12.00 (10.00 + 2.00 VAT) and a 12.00 card payment applied to it.
  const later = { sourceModifiedDate: '2026-03-12T00:00:00Z' };
  const order = () => buildOrder({ id: 'o-1' });
  const payment = () => buildPayment({ id: 'p-1' });
  const posted = () => run({ orders: [order()], payments: [payment()] }, invoiceConfig()).documents;
  const again = (orders: Order[], payments: Payment[], before: AccountingDocument[]) =>
    aggregate({ companyId: 'co-1', configuration: invoiceConfig(), period: DAY, records: { orders, payments, transactions: [] }, posted: before });
  const bigger = () => ({ ...order(), totalAmount: 14.4, totalTaxAmount: 2.4, orderLineItems: [{ quantity: 1, unitPrice: 12, taxPercentage: 20, totalAmount: 14.4, totalTaxAmount: 2.4 }], ...later });

  it('an increase is an additional invoice (2.00 + 0.40 VAT) paid by a 2.40 payment applied to it, not to the paid original', async () => {
    const first = posted();
    const { documents, problems } = again([bigger()], [{ ...payment(), amount: 14.4, ...later }], first);
    expect(problems).toEqual([]);
    expect(documents.map((d) => `${d.kind} r${d.revision}`)).toEqual(['invoice r1', 'payment r1']);
    expect(invoiceLines(documents[0])).toEqual([['sales', 200, 40]]);
    expect(documents[1]).toMatchObject({ direction: 'received', amount: 240, appliesTo: documents[0]!.reference, adjusts: first[1]!.reference });
    // Books: sales 12.00 Cr, VAT 2.40 Cr, card 14.40 Dr, receivables 0.
    expect(await ledgerBalances([...first, ...documents])).toEqual({ [A.sales.id]: -1200, [A.taxPayable.id]: -240, [A.cardClearing.id]: 1440 });
  });

  it('a payment moved from card to cash is a clearing journal (Cr card 12.00, Dr cash 12.00), not a refund against the invoice', async () => {
    const first = posted();
    const { documents, problems } = again([order()], [{ ...payment(), type: 'Cash', ...later }], first);
    expect(problems).toEqual([]);
    expect(journal(documents[0])).toEqual([
      [A.cardClearing.id, 'payment', -1200],
      [A.cashClearing.id, 'payment', 1200],
    ]);
    expect(documents).toHaveLength(1);
    expect(await ledgerBalances([...first, ...documents])).toEqual({ [A.sales.id]: -1000, [A.taxPayable.id]: -200, [A.cashClearing.id]: 1200 });
  });

  it('a payment that failed after posting takes the money back through the clearing journal: the sale is receivable again', async () => {
    const first = posted();
    const { documents, problems } = again([order()], [{ ...payment(), status: 'Failed', ...later }], first);
    expect(problems).toEqual([]);
    expect(journal(documents[0])).toEqual([
      [A.cardClearing.id, 'payment', -1200],
      [A.accountsReceivable.id, 'payment', 1200],
    ]);
    expect(await ledgerBalances([...first, ...documents])).toEqual({ [A.sales.id]: -1000, [A.taxPayable.id]: -200, [A.accountsReceivable.id]: 1200 });
  });

  it('a run that wrote the additional invoice but not its payment is completed by the next run with the same reference', async () => {
    const first = posted();
    const records = (): [Order[], Payment[]] => [[bigger()], [{ ...payment(), amount: 14.4, ...later }]];
    const full = again(...records(), first).documents;
    // Only the additional invoice reached the ledger.
    const resumed = again(...records(), [...first, full[0]!]);
    expect(resumed.problems).toEqual([]);
    expect(resumed.documents).toEqual([full[1]]);
    expect(await ledgerBalances([...first, full[0]!, ...resumed.documents])).toEqual({ [A.sales.id]: -1200, [A.taxPayable.id]: -240, [A.cardClearing.id]: 1440 });
    // Everything written: nothing more.
    expect(again(...records(), [...first, ...full]).documents).toEqual([]);
  });
});

describe('bug 4: a service charge\'s component tax is refunded with the charge, not with the goods', () => {
  // British Columbia. Day 10: goods 10.00 + GST 0.50 + PST 0.70 = 11.20, a Generic service charge
  // 2.00 + GST 0.10 = 2.10: order 13.30 (tax 1.30), paid 13.30 by card.
  // Day 11: a 2.10 Refund transaction. Refund tiers: tip (none), then service charges with their
  // own tax: the charge is exactly 2.00 + GST 0.10, so the refund is that and nothing of the goods.
  const ca = (outputFormat: 'JournalEntry' | 'Invoice') => buildConfiguration({ template: 'ca', outputFormat, ...(outputFormat === 'Invoice' ? { paymentAccounts: {} } : {}) });
  const gst = { taxComponentRef: { id: 'tc-gst', name: 'GST' } };
  const pst = { taxComponentRef: { id: 'tc-pst-bc', name: 'PST (BC)' } };
  const records = () => ({
    orders: [buildOrder({
      id: 'o-1', currency: 'CAD', createdDate: '2026-03-10T20:00:00Z', totalAmount: 13.3, totalTaxAmount: 1.3,
      orderLineItems: [{ quantity: 1, unitPrice: 10, taxPercentage: 12, totalAmount: 11.2, totalTaxAmount: 1.2, taxes: [{ ...gst, taxAmount: 0.5 }, { ...pst, taxAmount: 0.7 }] }],
      serviceCharges: [{ type: 'Generic', quantity: 1, taxPercentage: 5, totalAmount: 2.1, taxAmount: 0.1, taxes: [{ ...gst, taxAmount: 0.1 }] }],
    })],
    payments: [buildPayment({ id: 'p-1', currency: 'CAD', amount: 13.3, createdDate: '2026-03-10T20:00:00Z' }), buildPayment({ id: 'rf-1', currency: 'CAD', amount: -2.1, createdDate: '2026-03-11T20:00:00Z' })],
    transactions: [buildTransaction({ id: 'rf-1', type: 'Refund', currency: 'CAD', totalAmount: -2.1, createdDate: '2026-03-11T20:00:00Z', transactionSourceRef: { id: 'o-1', type: 'Order' } })],
  });
  const PERIOD = { start: '2026-03-11', end: '2026-03-12' };

  it('journal mode: Dr refunds (sales) 2.00, Dr GST 0.10, Cr card 2.10; no PST, nothing of the goods', () => {
    const { documents, problems } = run(records(), ca('JournalEntry'), PERIOD);
    expect(problems).toEqual([]);
    const doc = documents[0];
    if (doc?.kind !== 'journal') throw new Error('expected a journal');
    expect(doc.lines.map((l) => [l.accountId, l.role, l.amount, l.taxRateId])).toEqual([
      [A.cardClearing.id, 'payment', -210, null],
      [A.sales.id, 'refund', 200, 'tax-ca-gst'],
      [A.taxPayable.id, 'refundTax', 10, 'tax-ca-gst'],
    ]);
  });

  it('invoice mode: a credit note of the charge 2.00 and GST 0.10 (2.10), refunded by card', () => {
    const { documents, problems } = run(records(), ca('Invoice'), PERIOD);
    expect(problems).toEqual([]);
    const [creditNote, refund] = documents;
    if (creditNote?.kind !== 'creditNote') throw new Error('expected a credit note');
    expect(creditNote.lines.map((l) => [l.role, l.netAmount, l.taxAmount, l.taxRateId])).toEqual([
      ['refund', 200, 0, 'tax-ca-gst'],
      ['refundTax', 0, 10, 'tax-ca-gst'],
    ]);
    expect(creditNote.total).toBe(210);
    expect(refund).toMatchObject({ kind: 'payment', direction: 'refunded', amount: 210 });
  });
});

describe('bug 5: a return order and its Refund transaction are one refund, posted once', () => {
  // Day 10: a 12.00 sale (10.00 + 2.00 VAT) paid by card. Day 11: the partner sends the return
  // as a return order ret-1 (−1 line, −12.00) and also a Refund transaction rf-1 naming ret-1
  // (transactionSourceRef), with the −12.00 card payment rf-1. One refund of 12.00.
  const TWO_DAYS = { start: '2026-03-10', end: '2026-03-12' };
  const records = (refundTotal = -12) => ({
    orders: [
      buildOrder({ id: 'o-1' }),
      buildOrder({ id: 'ret-1', createdDate: '2026-03-11T12:00:00Z', totalAmount: -12, totalTaxAmount: -2, orderLineItems: [{ quantity: -1, unitPrice: 10, taxPercentage: 20, totalAmount: -12, totalTaxAmount: -2 }] }),
    ],
    payments: [buildPayment({ id: 'p-1' }), buildPayment({ id: 'rf-1', amount: refundTotal, createdDate: '2026-03-11T12:00:00Z' })],
    transactions: [buildTransaction({ id: 'rf-1', type: 'Refund', totalAmount: refundTotal, createdDate: '2026-03-11T12:00:00Z', transactionSourceRef: { id: 'ret-1', type: 'Order' } })],
  });
  const day11 = (documents: AccountingDocument[]) => documents.filter((d) => d.date === '2026-03-11');

  it('journal mode: Dr sales 10.00 and VAT 2.00 once, Cr card 12.00; nothing on unpaid sales', async () => {
    const { documents, problems } = run(records(), journalConfig(), TWO_DAYS);
    expect(problems).toEqual([]);
    expect(journal(day11(documents)[0])).toEqual([
      [A.cardClearing.id, 'payment', -1200],
      [A.sales.id, 'refund', 1000],
      [A.taxPayable.id, 'refundTax', 200],
    ]);
    // Over both days: everything back to zero.
    expect(await ledgerBalances(documents)).toEqual({});
  });

  it('invoice mode: one 12.00 credit note (10.00 + 2.00 VAT), refunded 12.00 by card', async () => {
    const { documents, problems } = run(records(), invoiceConfig(), TWO_DAYS);
    expect(problems).toEqual([]);
    const [creditNote, refund, ...rest] = day11(documents);
    expect(invoiceLines(creditNote)).toEqual([['refund', 1000, 200]]);
    expect(refund).toMatchObject({ kind: 'payment', direction: 'refunded', amount: 1200 });
    expect(rest).toEqual([]);
    expect(await ledgerBalances(documents)).toEqual({});
  });

  it('a Refund larger than its return order posts only the excess by the refund rule: 13.00 against 12.00 returned is 1.00 more, untaxed', () => {
    const { documents, problems } = run(records(-13), journalConfig(), { start: '2026-03-11', end: '2026-03-12' });
    expect(problems).toEqual([]);
    expect(journal(documents[0])).toEqual([
      [A.cardClearing.id, 'payment', -1300],
      [A.sales.id, 'refund', 100],
      [A.sales.id, 'refund', 1000],
      [A.taxPayable.id, 'refundTax', 200],
    ]);
  });
});

describe('case 4: tax components each on their own liability account, in both modes', () => {
  // British Columbia: a 10.00 sale with GST 0.50 (5%) and PST 0.70 (7%), 11.20 by card. The
  // sandbox's CA chart: GST (5%) posts to GST/HST payable acc-820, PST BC (7%) to PST payable
  // acc-825. The configuration is what the service builds over that live ledger (withOptions), so
  // each component's row defaults to the account of the ledger rate it is mapped to.
  const gst = { taxComponentRef: { id: 'tc-gst', name: 'GST' } };
  const pst = { taxComponentRef: { id: 'tc-pst-bc', name: 'PST (BC)' } };
  const records = () => ({
    orders: [buildOrder({ id: 'o-1', currency: 'CAD', createdDate: '2026-03-10T20:00:00Z', totalAmount: 11.2, totalTaxAmount: 1.2, orderLineItems: [{ quantity: 1, unitPrice: 10, taxPercentage: 12, totalAmount: 11.2, totalTaxAmount: 1.2, taxes: [{ ...gst, taxAmount: 0.5 }, { ...pst, taxAmount: 0.7 }] }] })],
    payments: [buildPayment({ id: 'p-1', currency: 'CAD', amount: 11.2, createdDate: '2026-03-10T20:00:00Z' })],
  });
  const facts = { taxRateKeys: ['12'], taxComponents: [{ id: 'tc-gst', name: 'GST' }, { id: 'tc-pst-bc', name: 'PST (BC)' }], paymentTypeKeys: ['card'], hasFees: false, hasPayouts: false };

  async function post(outputFormat: 'JournalEntry' | 'Invoice', salesAccounts: Record<string, string | null> = {}) {
    const { sandbox } = newSandbox();
    try {
      const tokens = await connect(sandbox, 'ca');
      const ctx = contextFor(tokens);
      const c = sandbox.connector;
      const ledger = { companyName: 'Sandbox', accounts: await c.listAccounts(ctx), taxRates: await c.listTaxRates(ctx), customers: await c.listCustomers(ctx), suppliers: await c.listSuppliers(ctx) };
      const selections = buildConfiguration({ template: 'ca', outputFormat, salesAccounts, ...(outputFormat === 'Invoice' ? { paymentAccounts: {} } : {}) });
      const configuration = withOptions(selections, ledger, facts, 'co-1');
      const { documents, problems } = run(records(), configuration);
      expect(problems).toEqual([]);
      const related: Record<string, string> = {};
      for (const doc of documents) related[doc.reference] = (await c.writeDocument(ctx, doc, { idempotencyKey: doc.reference, related: { ...related } })).platformId;
      const balances: Record<string, number> = {};
      for (const a of sandbox.admin.trialBalance(sandbox.admin.listLedgers()[0]!.id).accounts) if (a.debit !== a.credit) balances[a.accountId] = a.debit - a.credit;
      const response = await sandbox.handler(new Request(`${BASE}/api/tax-report?from=2026-03-10&to=2026-03-10`, { headers: { authorization: `Bearer ${tokens.accessToken}` } }));
      const report = (await response.json()) as SandboxTaxReport;
      const taxByRate = Object.fromEntries(report.sections.find((x) => x.currency === 'CAD')!.rates.filter((r) => r.sales.tax !== 0).map((r) => [r.taxRateId, r.sales.tax]));
      return { configuration, documents, balances, taxByRate };
    } finally {
      sandbox.close();
    }
  }

  for (const mode of ['JournalEntry', 'Invoice'] as const) {
    it(`${mode}: GST 0.50 on GST/HST payable, PST 0.70 on PST payable; the tax report has GST 0.50 and PST 0.70`, async () => {
      const { configuration, balances, taxByRate } = await post(mode);
      const accounts = configuration.configuration!.sales!.accounts!;
      expect(accounts['tax:tc-gst']?.selectedAccountId).toBe('acc-820');
      expect(accounts['tax:tc-pst-bc']?.selectedAccountId).toBe('acc-825');
      // Card 11.20 Dr; sales 10.00 Cr; GST 0.50 Cr on acc-820; PST 0.70 Cr on acc-825.
      expect(balances).toEqual({ [A.cardClearing.id]: 1120, [A.sales.id]: -1000, 'acc-820': -50, 'acc-825': -70 });
      expect(taxByRate).toEqual({ 'tax-ca-gst': 50, 'tax-ca-pst-bc': 70 });
    });
  }

  it('journal mode: a component row the merchant chose wins over the default (PST to Tips payable, for the test)', async () => {
    const { balances } = await post('JournalEntry', { 'tax:tc-pst-bc': A.tipsPayable.id });
    expect(balances).toEqual({ [A.cardClearing.id]: 1120, [A.sales.id]: -1000, 'acc-820': -50, [A.tipsPayable.id]: -70 });
  });

  it('validation: a component account needs the component mapped to a ledger tax rate', () => {
    const configuration = buildConfiguration({ template: 'ca', salesAccounts: { 'tax:tc-other': A.taxPayable.id } });
    const errors = validateConfiguration(configuration, { platformName: 'Sandbox' });
    expect(errors).toEqual([expect.objectContaining({ itemId: 'configuration.sales.accounts.tax:tc-other.selectedAccountId', validatorName: 'selection_required' })]);
    const fine = buildConfiguration({ template: 'ca', salesAccounts: { 'tax:tc-pst-bc': A.taxPayable.id } });
    expect(validateConfiguration(fine, { platformName: 'Sandbox' })).toEqual([]);
  });
});

describe('bug 3: unsettled sales and money for other days on the unpaid-sales clearing account, not receivables', () => {
  // Unpaid sales clearing mapped (undeposited funds stands for it). A 12.00 sale on the 10th paid
  // by card just after midnight: journal mode's 10th keeps the 12.00 on unpaid sales clearing.
  const configured = (outputFormat: 'JournalEntry' | 'Invoice') =>
    buildConfiguration({ outputFormat, paymentAccounts: { unpaidSales: A.undepositedFunds.id } });
  const records = () => ({
    orders: [buildOrder({ id: 'late', createdDate: '2026-03-10T23:59:50Z' })],
    payments: [buildPayment({ id: 'card-after-midnight', amount: 12, createdDate: '2026-03-11T00:00:10Z' })],
  });

  it('journal mode: the 10th is Dr unpaid sales clearing 12.00; the 11th Dr card 12.00, Cr unpaid sales clearing 12.00', () => {
    const { documents, problems } = run(records(), configured('JournalEntry'), { start: '2026-03-10', end: '2026-03-12' });
    expect(problems).toEqual([]);
    expect(journal(documents[0])).toEqual([[A.sales.id, 'sales', -1000], [A.taxPayable.id, 'tax', -200], [A.undepositedFunds.id, 'payment', 1200]]);
    expect(journal(documents[1])).toEqual([[A.cardClearing.id, 'payment', 1200], [A.undepositedFunds.id, 'payment', -1200]]);
  });

  it('invoice mode: the 11th\'s clearing journal is Dr card 12.00, Cr unpaid sales clearing 12.00', () => {
    const { documents, problems } = run(records(), configured('Invoice'), { start: '2026-03-11', end: '2026-03-12' });
    expect(problems).toEqual([]);
    expect(journal(documents[0])).toEqual([[A.cardClearing.id, 'payment', 1200], [A.undepositedFunds.id, 'payment', -1200]]);
  });
});
