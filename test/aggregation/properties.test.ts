import fc from 'fast-check';
import { aggregate, addDays, localDate } from '../../src/aggregation/index.js';
import type { AggregateResult } from '../../src/aggregation/index.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { AccountingDocumentSchema } from '../../src/contract/documents.js';
import { PAYMENT_TYPE_KEYS } from '../../src/contract/configuration.js';
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

const SALES_ROLES = new Set(['sales', 'shipping', 'serviceCharge', 'tax', 'gratuity', 'prepaid', 'rounding', 'refund', 'refundTax']);

/** Orders (gross incl. tax, plus gratuity) minus refunds created in the period, from the records alone. */
function inputTotal(m: GeneratedMerchant, period: { start: string; end: string }) {
  const inPeriod = (iso: string) => {
    const d = localDate(iso, m.timeZone);
    return d >= period.start && d < period.end;
  };
  let total = 0;
  for (const o of m.orders) {
    if (!inPeriod(o.createdDate)) continue;
    total += toMinor(o.totalAmount, o.currency) - toMinor(o.totalRefund ?? 0, o.currency) + toMinor(o.totalGratuity ?? 0, o.currency);
  }
  for (const t of m.transactions) if (t.type === 'Refund' && inPeriod(t.createdDate)) total += toMinor(t.totalAmount, t.currency);
  return total;
}

function tendered(m: GeneratedMerchant, period: { start: string; end: string }) {
  const byKey = new Map<string, number>();
  for (const p of m.payments) {
    const d = localDate(p.createdDate, m.timeZone);
    if (d < period.start || d >= period.end || p.status !== 'Paid') continue;
    const key = PAYMENT_TYPE_KEYS[p.type];
    byKey.set(key, (byKey.get(key) ?? 0) + toMinor(p.amount, p.currency));
  }
  return byKey;
}

function noProblems(r: AggregateResult) {
  expect(r.problems).toEqual([]);
  for (const d of r.documents) AccountingDocumentSchema.parse(d);
}

const RUNS = { numRuns: 25, seed: 20260329 };

describe('journal mode properties over generated merchants', () => {
  it('every journal balances to the minor unit, and posted sales + tax + gratuity + gift cards − refunds equal the input', () => {
    fc.assert(
      fc.property(merchantArb, (spec) => {
        const { merchant, run } = setup(spec, 'JournalEntry');
        const r = run();
        noProblems(r);
        let posted = 0;
        for (const d of r.documents) {
          if (d.kind !== 'journal') continue;
          expect(d.lines.reduce((a, l) => a + l.amount, 0)).toBe(0);
          for (const l of d.lines) if (SALES_ROLES.has(l.role)) posted -= l.amount;
        }
        expect(posted).toBe(inputTotal(merchant, merchant.period));
      }),
      RUNS,
    );
  });

  it('a period equals its days aggregated one by one; running twice gives identical documents', () => {
    fc.assert(
      fc.property(merchantArb, fc.constantFrom('JournalEntry' as const, 'Invoice' as const), (spec, mode) => {
        const { merchant, run } = setup(spec, mode);
        const whole = run();
        expect(JSON.stringify(run())).toBe(JSON.stringify(whole));
        const byDay: AccountingDocument[] = [];
        for (let d = merchant.period.start; d < merchant.period.end; d = addDays(d, 1)) {
          byDay.push(...run({ start: d, end: addDays(d, 1) }).documents);
        }
        expect(byDay).toEqual(whole.documents);
      }),
      RUNS,
    );
  });

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

describe('invoice mode properties over generated merchants', () => {
  it('invoice totals equal their lines, payments sum to what was tendered, and sales − refunds equal the input', () => {
    fc.assert(
      fc.property(merchantArb, (spec) => {
        const { merchant, configuration, run } = setup(spec, 'Invoice');
        const r = run();
        noProblems(r);
        const references = new Set(r.documents.map((d) => d.reference));
        let net = 0;
        const paid = new Map<string, number>();
        for (const d of r.documents) {
          if (d.kind === 'invoice' || d.kind === 'creditNote') {
            expect(d.lines.reduce((a, l) => a + l.netAmount + l.taxAmount, 0)).toBe(d.total);
            net += d.kind === 'invoice' ? d.total : -d.total;
          }
          if (d.kind === 'payment' && (d.direction === 'received' || d.direction === 'refunded')) {
            expect(references.has(d.appliesTo)).toBe(true);
            paid.set(d.paymentTypeKey, (paid.get(d.paymentTypeKey) ?? 0) + (d.direction === 'received' ? d.amount : -d.amount));
          }
        }
        expect(net).toBe(inputTotal(merchant, merchant.period));
        const expected = [...tendered(merchant, merchant.period)].filter(([, v]) => v !== 0).sort();
        expect([...paid].filter(([, v]) => v !== 0).sort()).toEqual(expected);
        expect(configuration.configuration?.mapSettings?.outputFormat).toBe('Invoice');
      }),
      RUNS,
    );
  });
});
