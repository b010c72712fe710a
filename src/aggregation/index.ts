import type { Location, Order, Payment, Product, TaxComponent, Transaction } from '../contract/commerce.js';
import type { Configuration } from '../contract/configuration.js';
import { UNPAID_SALES_ACCOUNT_KEY } from '../contract/configuration.js';
import { outputModeOf } from '../contract/configuration-helpers.js';
import type { AccountingDocument, DocumentGroup } from '../contract/documents.js';
import { Accumulator } from './accumulate.js';
import type { DayTotals } from './accumulate.js';
import { buildDay } from './build.js';
import type { AggregationProblem } from './build.js';
import { revise } from './revise.js';
import { UnpaidAccountMissing } from './settle.js';
import type { MoneyOptions } from './settle.js';
import { ERROR_CATALOG, formatCatalogMessage } from '../contract/error-catalog.js';

/**
 * `commerce-sync/aggregation`: the exact daily aggregation engine. Pure and deterministic: no
 * clock, no I/O. See {@link aggregate} for the accounting rules.
 */

export type { AggregationProblem } from './build.js';
export { localDate, localDayRange, addDays, datesOf } from './time.js';
export { taxOn } from './build.js';

/** The merchant's records the engine reads (latest version of each record). */
export interface CommerceRecords {
  orders: readonly Order[];
  payments: readonly Payment[];
  transactions: readonly Transaction[];
  taxComponents?: readonly TaxComponent[];
  products?: readonly Product[];
  locations?: readonly Location[];
}

/** Input of {@link aggregate}. */
export interface AggregateInput {
  companyId: string;
  /** Normalized configuration; its `schedule.timeZone` (default Etc/UTC) sets the day boundaries. */
  configuration: Configuration;
  /** Merchant-local dates `YYYY-MM-DD`, start inclusive, end exclusive. */
  period: { start: string; end: string };
  /** May hold records outside the period (e.g. the orders of refunds); only records created in a period day count. */
  records: CommerceRecords;
  /** Documents already written for days of the period (all revisions): only adjustments are then emitted. */
  posted?: readonly AccountingDocument[];
  /** Name of the accounting platform, for merchant messages (default "your accounting platform"). */
  platformName?: string;
}

/** What happened to one merchant-day × group. */
export interface DaySummary {
  date: string;
  group: DocumentGroup;
  status: 'documents' | 'unchanged' | 'empty' | 'problems';
  documentReferences: string[];
  /** Records left out of this day because they cannot be posted (see {@link AggregationProblem.isolated}): the day is incomplete. */
  excludedRecordIds?: string[];
}

/** Output of {@link aggregate}: documents in write order, problems, and a summary per day and group. */
export interface AggregateResult {
  documents: AccountingDocument[];
  problems: AggregationProblem[];
  days: DaySummary[];
}

/** One record for {@link Aggregator.add}, tagged with its kind (the NDJSON line shape of the generator). */
export type CommerceRecord =
  | { kind: 'order'; record: Order }
  | { kind: 'payment'; record: Payment }
  | { kind: 'transaction'; record: Transaction }
  | { kind: 'product'; record: Product }
  | { kind: 'taxComponent'; record: TaxComponent }
  | { kind: 'location'; record: Location };

/** Options of {@link createAggregator}: everything of {@link AggregateInput} except the records and `posted`. */
export interface AggregatorOptions {
  companyId: string;
  configuration: Configuration;
  period: { start: string; end: string };
  products?: readonly Product[];
  taxComponents?: readonly TaxComponent[];
  platformName?: string;
}

/**
 * An incremental aggregator: feed records one by one (any order; each record id once, in its
 * latest version), then call `finish` once. Memory holds running totals per day and group plus
 * a compact split (slot and amount pairs) per order, for refunds.
 */
export interface Aggregator {
  add(record: CommerceRecord): void;
  addOrder(order: Order): void;
  addPayment(payment: Payment): void;
  addTransaction(transaction: Transaction): void;
  /** Products and tax components should come before the orders that use them. */
  addProduct(product: Product): void;
  addTaxComponent(component: TaxComponent): void;
  /** Builds the documents; `posted` turns changed days into adjustments. Call once. */
  finish(posted?: readonly AccountingDocument[]): AggregateResult;
  /** Orders seen so far (kept as compact splits). */
  readonly orderCount: number;
}

const NO_GROUP: DocumentGroup = { currency: 'XXX', locationId: null, country: null };

function groupKeyOf(g: DocumentGroup): string {
  return `${g.currency}|${g.locationId ?? ''}|${g.country ?? ''}`;
}

/**
 * Creates an incremental aggregator; {@link aggregate} is this plus de-duplication.
 *
 * @example
 * const agg = createAggregator({ companyId, configuration, period: { start: '2026-03-01', end: '2026-04-01' } });
 * for await (const line of lines) agg.add(JSON.parse(line));
 * const { documents, problems } = agg.finish();
 */
export function createAggregator(options: AggregatorOptions): Aggregator {
  const acc = new Accumulator(options);
  let finished = false;
  const guard = () => {
    if (finished) throw new Error('This aggregator has finished; create a new one.');
  };
  return {
    add(r) {
      guard();
      switch (r.kind) {
        case 'order':
          acc.addOrder(r.record);
          return;
        case 'payment':
          acc.addPayment(r.record);
          return;
        case 'transaction':
          acc.addTransaction(r.record);
          return;
        case 'product':
          acc.addProduct(r.record);
          return;
        case 'taxComponent':
          acc.addTaxComponent(r.record);
          return;
        case 'location':
          return;
      }
    },
    addOrder: (o) => (guard(), acc.addOrder(o)),
    addPayment: (p) => (guard(), acc.addPayment(p)),
    addTransaction: (t) => (guard(), acc.addTransaction(t)),
    addProduct: (p) => (guard(), acc.addProduct(p)),
    addTaxComponent: (c) => (guard(), acc.addTaxComponent(c)),
    get orderCount() {
      return acc.orderCount;
    },
    finish(posted = []) {
      guard();
      finished = true;
      acc.settle();
      return finish(acc, options, posted);
    },
  };
}

function finish(acc: Accumulator, options: AggregatorOptions, postedAll: readonly AccountingDocument[]): AggregateResult {
  const dates = acc.days.dates;
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const byDay: Map<string, DayTotals>[] = dates.map(() => new Map());
  for (const t of acc.totals.values()) byDay[t.dayIndex]!.set(t.groupKey, t);
  const postedByDay: Map<string, AccountingDocument[]>[] = dates.map(() => new Map());
  for (const doc of postedAll) {
    const i = dateIndex.get(doc.date);
    if (i === undefined || doc.companyId !== options.companyId) continue;
    const key = groupKeyOf(doc.group);
    const list = postedByDay[i]!.get(key);
    if (list) list.push(doc);
    else postedByDay[i]!.set(key, [doc]);
  }
  const ctx = {
    companyId: options.companyId,
    configuration: options.configuration,
    platformName: options.platformName ?? 'your accounting platform',
    slots: acc.slots,
    componentName: (id: string) => acc.componentName(id),
  };
  const documents: AccountingDocument[] = [];
  const problems: AggregationProblem[] = [];
  const days: DaySummary[] = [];
  const money = moneyOptions(options.configuration);
  dates.forEach((date, i) => {
    const keys = [...new Set([...byDay[i]!.keys(), ...postedByDay[i]!.keys()])].sort();
    if (keys.length === 0) {
      days.push({ date, group: NO_GROUP, status: 'empty', documentReferences: [] });
      return;
    }
    for (const key of keys) {
      const posted = postedByDay[i]!.get(key) ?? [];
      const totals = byDay[i]!.get(key) ?? emptyTotals(i, posted[0]!.group, key);
      const built = buildDay(ctx, date, totals);
      const isolated = isolatedProblems(totals, date, ctx.platformName);
      const excluded = isolated.length > 0 ? { excludedRecordIds: isolated.flatMap((p) => p.recordIds.slice(0, 1)) } : {};
      if (built.problems.length > 0) {
        problems.push(...built.problems, ...isolated);
        days.push({ date, group: totals.group, status: 'problems', documentReferences: [], ...excluded });
        continue;
      }
      problems.push(...isolated);
      let out: AccountingDocument[];
      try {
        out = revise(built.documents, posted, money);
      } catch (error) {
        if (!(error instanceof UnpaidAccountMissing)) throw error;
        const params = { platform: ctx.platformName, date, paymentType: 'Invoice' };
        problems.push({ code: 'payment_type_unmapped', date, group: totals.group, message: formatCatalogMessage(ERROR_CATALOG.payment_type_unmapped.message, params), params, recordIds: [], configPath: 'configuration.payments.accounts.invoice' });
        days.push({ date, group: totals.group, status: 'problems', documentReferences: [] });
        continue;
      }
      documents.push(...out);
      days.push({
        date,
        group: totals.group,
        status: out.length > 0 ? 'documents' : posted.length > 0 ? 'unchanged' : 'empty',
        documentReferences: out.map((d) => d.reference),
        ...excluded,
      });
    }
  });
  return { documents, problems, days };
}

/** The day-group's records that fail only themselves, as problems. */
function isolatedProblems(t: DayTotals, date: string, platform: string): AggregationProblem[] {
  const out: AggregationProblem[] = [];
  for (const p of t.isolated.values()) {
    const params = { platform, date, ...p.params };
    out.push({ code: p.code, date, group: t.group, message: formatCatalogMessage(ERROR_CATALOG[p.code].message, params), params, recordIds: p.recordIds, configPath: p.configPath, isolated: true });
  }
  return out;
}

/** Invoice mode with payments: how revisions settle a changed day's money (see `settle.ts`). */
function moneyOptions(configuration: Configuration): MoneyOptions | undefined {
  const cfg = configuration.configuration;
  if (outputModeOf(cfg?.mapSettings) !== 'Invoice' || cfg?.payments?.syncPayments === false) return undefined;
  const accounts = cfg?.payments?.accounts ?? {};
  const keyOf = new Map<string, string>();
  for (const key of Object.keys(accounts).sort()) {
    const id = accounts[key]?.selectedAccountId;
    if (id && !keyOf.has(id)) keyOf.set(id, key);
  }
  return { unpaidAccountId: accounts[UNPAID_SALES_ACCOUNT_KEY]?.selectedAccountId ?? accounts.invoice?.selectedAccountId ?? null, paymentKeyOf: (id) => keyOf.get(id) };
}

function emptyTotals(dayIndex: number, group: DocumentGroup, groupKey: string): DayTotals {
  return {
    dayIndex,
    group: { currency: group.currency, locationId: group.locationId ?? null, country: group.country ?? null },
    groupKey,
    amounts: new Map(),
    refunds: new Map(),
    tenderIn: new Map(),
    tenderOut: new Map(),
    fees: new Map(),
    feeRefunds: new Map(),
    payouts: new Map(),
    payoutItems: [],
    problems: new Map(),
    isolated: new Map(),
    samples: new Map(),
    slotSamples: new Map(),
  };
}

/** Keeps the latest version of each id (newest `sourceModifiedDate`, later wins on ties). */
function latest<T extends { id: string; sourceModifiedDate?: string | null; modifiedDate?: string | null }>(records: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const r of records) {
    const prev = byId.get(r.id);
    if (!prev) {
      byId.set(r.id, r);
      continue;
    }
    const a = Date.parse(prev.sourceModifiedDate ?? prev.modifiedDate ?? '') || 0;
    const b = Date.parse(r.sourceModifiedDate ?? r.modifiedDate ?? '') || 0;
    if (b >= a) byId.set(r.id, r);
  }
  return [...byId.values()];
}

/**
 * Aggregates a merchant's records into the accounting documents of each merchant-local day of
 * `period`. Pure and deterministic: the same input gives the same output, byte for byte.
 *
 * Rules (see README "Aggregation" for the full list):
 * - A record counts on the local day (schedule time zone, DST-correct) of its `createdDate`.
 *   Re-sent records: the latest `sourceModifiedDate` of each id wins; compared with `posted`,
 *   an unchanged day emits nothing and a changed day emits adjustments (revision n+1,
 *   `adjusts` = the original reference) carrying only the difference.
 * - Sales post from order lines and service charges: net per sales account (`sales`,
 *   `category:<id>`, `shipping`) × tax rate, tax per rate or per tax component; gift-card lines
 *   post to `prepaid` (a liability); `totalGratuity` to `gratuity`. An order whose totals differ
 *   from its lines by at most one minor unit per line puts the residue on `rounding`.
 * - Refunds are `Refund` transactions that name their order (`transactionSourceRef.id`) or
 *   return orders (negative-quantity lines, negative service charges or tip), posted by one
 *   rule on the refund's own day: the `refund` account, tax at the original rates. A `Refund`
 *   transaction is split over its order exactly (largest remainder): the tip first, then
 *   service charges and shipping, then the goods, so it never reverses tax that was not
 *   charged; beyond the whole order it is untaxed. A `Refund` naming a return order (one with
 *   return lines) is that same refund: only what exceeds the return lines posts. An order with no line items posts its total
 *   to `sales` at the order's tax.
 * - Money: `Paid` payments, one line (journal) or payment document (invoice mode) per payment
 *   type key; negative payments are money refunded. Gift-card redemption is the `Prepaid`
 *   tender (`prepaidPayment`). Fees (`PaymentFee`) and fee refunds reduce/increase the clearing
 *   account of the payment type named by `subType` (default card); each payout moves clearing →
 *   the `payout` bank account as its own transfer (a failed payout moves it back), or one netted
 *   transfer per day × payment type when `payments.payoutsAsDeposits` is `false`.
 * - Journal mode: one balanced journal per day × currency (× location/country). Takings that
 *   do not match the day's sales (pending or cross-midnight payments) go to the `invoice`
 *   payment account (unpaid sales). Invoice mode: a sales invoice (a credit note if negative),
 *   a refunds credit note, payments per type applied to them (money beyond them, e.g. paid
 *   after midnight, on a clearing journal against the `invoice` account), a fees bill (or spend-money when
 *   the clearing account is a bank account) and a fee-refund bill credit note; each line carries
 *   the commerce tax as sent (never moved to rounding).
 * - Anything unpostable in the configuration (unmapped payment type, tax rate, tax component or
 *   account) is a problem with a merchant message and the configuration path to fix; that
 *   day-group gets no documents. A record that cannot be posted on its own (an amount finer than
 *   the currency or not finite, totals that do not add up, a refund of an unknown order or in
 *   another currency) fails only itself: an `isolated` problem naming it, and the rest of its day
 *   posts (`DaySummary.excludedRecordIds`).
 *
 * @example
 * const { documents, problems, days } = aggregate({ companyId, configuration, period: { start: '2026-03-29', end: '2026-03-30' }, records });
 */
export function aggregate(input: AggregateInput): AggregateResult {
  const agg = createAggregator({
    companyId: input.companyId,
    configuration: input.configuration,
    period: input.period,
    products: latest(input.records.products ?? []),
    taxComponents: latest(input.records.taxComponents ?? []),
    ...(input.platformName ? { platformName: input.platformName } : {}),
  });
  for (const o of latest(input.records.orders)) agg.addOrder(o);
  for (const p of latest(input.records.payments)) agg.addPayment(p);
  for (const t of latest(input.records.transactions)) agg.addTransaction(t);
  return agg.finish(input.posted ?? []);
}
