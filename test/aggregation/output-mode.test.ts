import { aggregate } from '../../src/aggregation/index.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { AccountingDocumentSchema } from '../../src/contract/documents.js';
import { buildConfiguration, buildOrder, buildPayment, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';

/**
 * The sync service stores the posting mode in the `outputMode` extension and answers Codat's
 * `outputFormat` beside it (`JournalEntry` for clients that only know journals), so
 * aggregation must read the mode through `outputModeOf` everywhere. Found by the property
 * tests over generated merchants (test/model/books-properties.test.ts): an invoice-mode payment
 * moved from card to cash after posting was sent as a refunded card payment against the paid
 * invoice (which the ledger rejects: issue 11 case 3), because the adjustment step read
 * `outputFormat` alone.
 */
describe('invoice mode chosen through outputMode, as the sync service stores it', () => {
  const DAY = { start: '2026-03-10', end: '2026-03-11' };
  const configuration = () => {
    const c = buildConfiguration({ outputFormat: 'JournalEntry' });
    c.configuration!.mapSettings = { outputFormat: 'JournalEntry', outputMode: 'Invoice' };
    return c;
  };
  const run = (payment: ReturnType<typeof buildPayment>, posted: AccountingDocument[] = []) => {
    const r = aggregate({ companyId: 'co-1', configuration: configuration(), period: DAY, records: { orders: [buildOrder({ id: 'o-1' })], payments: [payment], transactions: [] }, posted });
    for (const d of r.documents) AccountingDocumentSchema.parse(d);
    return r;
  };

  it('a posted 12.00 invoice paid by card, the payment then moved to cash: one clearing journal Cr card 12.00, Dr cash 12.00', () => {
    const first = run(buildPayment({ id: 'p-1', amount: 12 }));
    expect(first.problems).toEqual([]);
    // Invoice 12.00 (10.00 + 2.00 VAT) and a 12.00 card payment applied to it.
    expect(first.documents.map((d) => d.kind)).toEqual(['invoice', 'payment']);
    const moved = run(buildPayment({ id: 'p-1', amount: 12, type: 'Cash', sourceModifiedDate: '2026-03-12T09:00:00Z' }), first.documents);
    expect(moved.problems).toEqual([]);
    expect(moved.documents).toHaveLength(1);
    const journal = moved.documents[0]!;
    if (journal.kind !== 'journal') throw new Error(`expected the clearing journal, got ${journal.kind} ${journal.reference}`);
    expect(journal.lines.map((l) => [l.accountId, l.amount])).toEqual([
      [A.cardClearing.id, -1200],
      [A.cashClearing.id, 1200],
    ]);
  });
});
