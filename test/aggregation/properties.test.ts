import fc from 'fast-check';
import { aggregate } from '../../src/aggregation/index.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { toMinor } from '../../src/contract/money.js';
import { buildConfiguration, generateMerchant } from '../fixtures/index.js';
import type { GeneratedMerchant } from '../fixtures/index.js';

const merchantArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  profile: fc.constantFrom('uk' as const, 'ca' as const),
  days: fc.integer({ min: 2, max: 4 }),
  ordersPerDay: fc.integer({ min: 1, max: 15 }),
  start: fc.constantFrom('2026-03-27', '2026-10-23', '2026-03-06', '2026-06-01'),
  refundRate: fc.constantFrom(0, 0.1, 0.3),
  groupBy: fc.constantFrom([] as ('Location' | 'Country')[], ['Location' as const], ['Country' as const]),
});

type Spec = typeof merchantArb extends fc.Arbitrary<infer T> ? T : never;

function setup(spec: Spec, outputFormat: 'JournalEntry' | 'Invoice') {
  const merchant = generateMerchant(spec);
  const configuration = buildConfiguration({ template: spec.profile, outputFormat, timeZone: merchant.timeZone, groupBy: spec.groupBy });
  const run = (period = merchant.period, records: GeneratedMerchant = merchant, posted: AccountingDocument[] = []) =>
    aggregate({ companyId: 'co-p', configuration, period, records, posted });
  return { merchant, configuration, run };
}

const RUNS = { numRuns: 25, seed: 20260329 };

/*
 * What the books must hold is checked against an independent model, end to end, in
 * test/model/books-properties.test.ts (both modes, through the sync service and the sandbox
 * ledger over HTTP). The properties here are the aggregation's own contract with what was
 * already posted, each with its expectation stated from the rules: unchanged data posts nothing,
 * an edit posts exactly its difference.
 */
describe('properties of re-sent and edited records over generated merchants', () => {
  it('re-sending unchanged records changes nothing', () => {
    fc.assert(
      fc.property(merchantArb, fc.constantFrom('JournalEntry' as const, 'Invoice' as const), (spec, mode) => {
        const { merchant, run } = setup(spec, mode);
        const first = run();
        const resent = { ...merchant, orders: [...merchant.orders, ...merchant.orders.map((o) => ({ ...o }))], payments: [...merchant.payments].reverse() };
        const again = run(merchant.period, resent, first.documents);
        expect(again.documents).toEqual([]);
        expect(again.days.every((d) => d.status === 'unchanged' || d.status === 'empty')).toBe(true);
      }),
      RUNS,
    );
  });

  it('editing a posted record yields exactly one adjustment carrying only the difference', () => {
    fc.assert(
      fc.property(merchantArb, fc.nat(), fc.integer({ min: 1, max: 5000 }), (spec, pick, extra) => {
        const { merchant, run } = setup(spec, 'JournalEntry');
        if (merchant.orders.length === 0) return;
        const first = run();
        const order = merchant.orders[pick % merchant.orders.length]!;
        const paymentId = order.payments![0]!.id;
        const payment = merchant.payments.find((p) => p.id === paymentId)!;
        const cur = order.currency;
        const later = '2027-01-01T00:00:00Z';
        const gratuity = toMinor(order.totalGratuity ?? 0, cur) + extra;
        const edited = { ...order, totalGratuity: gratuity / 100, sourceModifiedDate: later };
        const editedPayment = { ...payment, amount: (toMinor(payment.amount, cur) + extra) / 100, sourceModifiedDate: later };
        const records = { ...merchant, orders: [...merchant.orders, edited], payments: [...merchant.payments, editedPayment] };
        const second = run(merchant.period, records, first.documents);
        expect(second.problems).toEqual([]);
        expect(second.documents).toHaveLength(1);
        const adj = second.documents[0]!;
        if (adj.kind !== 'journal') throw new Error('expected a journal adjustment');
        expect(adj.revision).toBe(1);
        expect(adj.adjusts).toBe(adj.reference.replace(/:r1$/, ':r0'));
        expect(first.documents.some((d) => d.reference === adj.adjusts)).toBe(true);
        expect(adj.lines.map((l) => [l.role, l.amount]).sort()).toEqual([['gratuity', -extra], ['payment', extra]].sort());
        expect(run(merchant.period, records, [...first.documents, adj]).documents).toEqual([]);
      }),
      RUNS,
    );
  });
});
