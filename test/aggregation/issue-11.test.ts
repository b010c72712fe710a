import { aggregate } from '../../src/aggregation/index.js';
import type { AggregateInput } from '../../src/aggregation/index.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { AccountingDocumentSchema } from '../../src/contract/documents.js';
import type { Configuration } from '../../src/contract/configuration.js';
import { buildConfiguration, buildOrder, buildPayment, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';

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

  it('invoice mode: tax that differs from the line\'s own computation by more than a cent stays as sent', () => {
    // Three 1.01 items (tax-inclusive 1.21 each, tax 0.20 rounded per item): net 3.03, tax 0.60.
    // 20% of 3.03 is 0.61 (0.606): one minor unit → the ledger's 0.61 and a -0.01 rounding line.
    // Thirty such items: net 30.30, tax 6.00 against 6.06 computed → 6 minor units, real tax, kept.
    const items = (n: number) => Array.from({ length: n }, () => ({ quantity: 1, unitPrice: 1.01, taxPercentage: 20, totalAmount: 1.21, totalTaxAmount: 0.2 }));
    const three = buildOrder({ totalAmount: 3.63, totalTaxAmount: 0.6, orderLineItems: items(3) });
    const small = run({ orders: [three] }, invoiceConfig());
    expect(invoiceLines(small.documents[0])).toEqual([
      ['sales', 303, 61],
      ['rounding', -1, 0],
    ]);
    const thirty = buildOrder({ totalAmount: 36.3, totalTaxAmount: 6, orderLineItems: items(30) });
    const large = run({ orders: [thirty] }, invoiceConfig());
    expect(invoiceLines(large.documents[0])).toEqual([['sales', 3030, 600]]);
  });
});
