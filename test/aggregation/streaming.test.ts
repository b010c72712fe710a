import fc from 'fast-check';
import { aggregate, createAggregator, localDayRange } from '../../src/aggregation/index.js';
import type { CommerceRecord } from '../../src/aggregation/index.js';
import { buildConfiguration, buildOrder, buildPayment, generateMerchant, generateRecords } from '../fixtures/index.js';

describe('createAggregator (streaming) is the same engine as aggregate', () => {
  it('gives the same result whatever order the records arrive in (refunds before their orders too)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom('uk' as const, 'ca' as const), fc.constantFrom([] as 'Location'[], ['Location' as const]), (seed, profile, groupBy) => {
        const spec = { seed, profile, days: 4, ordersPerDay: 8, refundRate: 0.4 };
        const m = generateMerchant(spec);
        const configuration = buildConfiguration({ template: profile, timeZone: m.timeZone, groupBy });
        const expected = aggregate({ companyId: 'co-s', configuration, period: m.period, records: m });
        const records: CommerceRecord[] = [...generateRecords(spec)];
        const first = records.filter((r) => r.kind === 'product' || r.kind === 'taxComponent');
        const rest = fc.sample(fc.shuffledSubarray(records.filter((r) => r.kind !== 'product' && r.kind !== 'taxComponent'), { minLength: records.length - first.length }), { numRuns: 1, seed })[0]!;
        const agg = createAggregator({ companyId: 'co-s', configuration, period: m.period });
        for (const r of [...first, ...rest]) agg.add(r);
        expect(agg.orderCount).toBe(m.orders.length);
        expect(agg.finish()).toEqual(expected);
      }),
      { numRuns: 15, seed: 7 },
    );
  });

  it('refuses an order added twice and use after finish', () => {
    const agg = createAggregator({ companyId: 'c', configuration: buildConfiguration(), period: { start: '2026-03-10', end: '2026-03-11' } });
    const order = buildOrder();
    agg.addOrder(order);
    expect(() => agg.addOrder(order)).toThrow(/added twice/);
    agg.finish();
    expect(() => agg.addPayment(buildPayment())).toThrow(/finished/);
  });
});

describe('aggregation on DST transition days', () => {
  it.each([
    ['Europe/London', '2026-03-29', 23],
    ['Europe/London', '2026-10-25', 25],
    ['America/New_York', '2026-03-08', 23],
    ['America/New_York', '2026-11-01', 25],
    ['Australia/Sydney', '2026-10-04', 23],
    ['Australia/Sydney', '2026-04-05', 25],
  ])('%s %s (%i h): first and last second belong to the day, the neighbours do not', (timeZone, date, length) => {
    const { start, end } = localDayRange(date, timeZone);
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(length);
    const at = (ms: number) => new Date(ms).toISOString();
    const instants = [start.getTime() - 1000, start.getTime(), end.getTime() - 1000, end.getTime()];
    const orders = instants.map((ms, i) => buildOrder({ createdDate: at(ms), totalGratuity: i + 1 }));
    const payments = instants.map((ms, i) => buildPayment({ createdDate: at(ms), amount: 12 + i + 1 }));
    const configuration = buildConfiguration({ timeZone });
    const { documents, problems } = aggregate({ companyId: 'co-d', configuration, period: { start: date, end: localDateAfter(date) }, records: { orders, payments, transactions: [] } });
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(1);
    const journal = documents[0]!;
    if (journal.kind !== 'journal') throw new Error('expected a journal');
    // Only the orders at the first and last second (gratuity 2 and 3) are on the day.
    expect(journal.lines.find((l) => l.role === 'gratuity')?.amount).toBe(-500);
    expect(journal.lines.find((l) => l.role === 'sales')?.amount).toBe(-2000);
  });
});

function localDateAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe('invoice mode adjustments', () => {
  it('an edit that adds money is an adjustment invoice and payment; one that removes money is a credit note and a refund', () => {
    const configuration = buildConfiguration({ outputFormat: 'Invoice' });
    const order = buildOrder({ totalGratuity: 1 });
    const payment = buildPayment({ amount: 13 });
    const period = { start: '2026-03-10', end: '2026-03-11' };
    const first = aggregate({ companyId: 'co-i', configuration, period, records: { orders: [order], payments: [payment], transactions: [] } });
    expect(first.documents.map((d) => d.kind)).toEqual(['invoice', 'payment']);

    const later = '2026-03-12T00:00:00Z';
    const more = aggregate({ companyId: 'co-i', configuration, period, posted: first.documents, records: { orders: [{ ...order, totalGratuity: 3, sourceModifiedDate: later }], payments: [{ ...payment, amount: 15, sourceModifiedDate: later }], transactions: [] } });
    expect(more.documents).toEqual([
      expect.objectContaining({ kind: 'invoice', revision: 1, adjusts: first.documents[0]!.reference, total: 200, lines: [expect.objectContaining({ role: 'gratuity', netAmount: 200, taxAmount: 0 })] }),
      expect.objectContaining({ kind: 'payment', revision: 1, adjusts: first.documents[1]!.reference, direction: 'received', amount: 200, appliesTo: more.documents[0]!.reference }),
    ]);

    const less = aggregate({ companyId: 'co-i', configuration, period, posted: first.documents, records: { orders: [{ ...order, totalGratuity: 0, sourceModifiedDate: later }], payments: [{ ...payment, amount: 12, sourceModifiedDate: later }], transactions: [] } });
    expect(less.documents).toEqual([
      expect.objectContaining({ kind: 'creditNote', revision: 1, total: 100, lines: [expect.objectContaining({ role: 'gratuity', netAmount: 100 })] }),
      expect.objectContaining({ kind: 'payment', revision: 1, direction: 'refunded', amount: 100 }),
    ]);
  });
});
