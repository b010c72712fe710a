import { aggregate } from '../../src/aggregation/index.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { buildConfiguration, buildOrder, buildPayment } from '../fixtures/index.js';

/**
 * A run that stops half-way through an invoice-mode day (the invoice written, its payments not)
 * must finish the day with the payments it planned: same references, amounts, targets and
 * descriptions. Found by the SIGKILL and fleet tests once invoice mode's money settlement became
 * active through the sync service: the rest of the day went out as "Adjustment: payment …".
 */
describe('finishing an invoice-mode day that was written only in part', () => {
  const DAY = { start: '2026-03-10', end: '2026-03-11' };
  const configuration = () => {
    const c = buildConfiguration({ outputFormat: 'JournalEntry' });
    c.configuration!.mapSettings = { outputFormat: 'JournalEntry', outputMode: 'Invoice' };
    return c;
  };
  const records = {
    orders: [buildOrder({ id: 'o-1' }), buildOrder({ id: 'o-2' })],
    payments: [buildPayment({ id: 'p-1', amount: 12 }), buildPayment({ id: 'p-2', amount: 12, type: 'Cash' })],
    transactions: [],
  };
  const run = (posted: AccountingDocument[]) => aggregate({ companyId: 'co-1', configuration: configuration(), period: DAY, records, posted });

  it('the invoice posted, both payments not: the two payments exactly as first planned, nothing else', () => {
    const plan = run([]).documents;
    // The plan: one 24.00 invoice and a 12.00 card and a 12.00 cash payment applied to it.
    expect(plan.map((d) => [d.kind, d.kind === 'payment' ? d.amount : d.kind === 'invoice' ? d.total : null])).toEqual([
      ['invoice', 2400],
      ['payment', 1200],
      ['payment', 1200],
    ]);
    const [invoice, ...payments] = plan;
    const rest = run([invoice!]);
    expect(rest.problems).toEqual([]);
    expect(rest.documents).toEqual(payments);
    for (const d of rest.documents) expect(d.memo).not.toMatch(/^Adjustment/);
  });

  it('the invoice and one payment posted: the other payment as planned', () => {
    const plan = run([]).documents;
    const rest = run(plan.slice(0, 2));
    expect(rest.documents).toEqual(plan.slice(2));
  });
});
