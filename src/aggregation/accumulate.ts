import type { Order, Payment, Product, TaxAllocation, TaxComponent, Transaction } from '../contract/commerce.js';
import type { Configuration } from '../contract/configuration.js';
import { PAYMENT_TYPE_KEYS, taxRateKey } from '../contract/configuration.js';
import type { DocumentGroup } from '../contract/documents.js';
import type { SyncErrorCode } from '../contract/error-catalog.js';
import { allocate, currencyExponent, MoneyAmountError, MoneyPrecisionError, toMinor } from '../contract/money.js';
import { DayIndex } from './time.js';

/**
 * The streaming half of aggregation: records go in one at a time and only running totals per
 * merchant-day × group (plus a compact per-order split, for refunds) are kept.
 */

/** What an amount slot of a day stands for. */
export type SlotKind = 'sales' | 'tax' | 'gratuity' | 'prepaid' | 'rounding';

/** One amount slot: a sales account × tax rate, a tax rate (or component), gratuity, gift cards, rounding. */
export interface SlotKey {
  kind: SlotKind;
  /** Configuration account key (`sales`, `shipping`, `category:<id>`, `prepaid`, `gratuity`, `rounding`). */
  accountKey: string;
  /** `taxRateKey` of the line's percentage, or '' when not taxed (gratuity, rounding). */
  rateKey: string;
  /** Line role: `sales`, `shipping`, `serviceCharge` for sales slots; the kind otherwise. */
  role: 'sales' | 'shipping' | 'serviceCharge' | 'tax' | 'gratuity' | 'prepaid' | 'rounding';
  /** Tax component id for component tax slots. */
  componentId: string | null;
  /** Whether the line's tax was given as components (then its rate mapping is optional). */
  hasComponents: boolean;
  /**
   * For tax slots: the role of the sales line the tax belongs to (`sales`, `shipping`,
   * `serviceCharge`), so an invoice puts a service charge's tax on the service-charge line and
   * the goods' tax on the goods line even when both share account and rate. Absent otherwise.
   */
  taxOf?: 'sales' | 'shipping' | 'serviceCharge';
}

/** A problem found while reading records, before documents exist. */
export interface RecordProblem {
  code: SyncErrorCode;
  params: Record<string, string | number>;
  detail: string;
  recordIds: string[];
  configPath: string | null;
}

/** Running totals of one merchant-day × group. All amounts are integer minor units. */
export interface DayTotals {
  dayIndex: number;
  group: DocumentGroup;
  groupKey: string;
  /** Sales side of the day's orders, by slot index. */
  amounts: Map<number, number>;
  /** Refunds posted on the day (positive = money back to customers), by slot index of the original sale. */
  refunds: Map<number, number>;
  /** Paid money in (positive payments) and out (refunds, as positive numbers), by payment type key. */
  tenderIn: Map<string, number>;
  tenderOut: Map<string, number>;
  /** Processor fees and fee refunds (positive numbers), by the payment type key they relate to. */
  fees: Map<string, number>;
  feeRefunds: Map<string, number>;
  /** Net payouts (clearing → bank; negative for failed payouts), by clearing payment type key. */
  payouts: Map<string, number>;
  /** Each payout of the day on its own (signed like `payouts`), in record order. */
  payoutItems: Array<{ id: string; key: string; amount: number }>;
  /** Problems found in the day's records, deduplicated: any of them keeps the day from posting. */
  problems: Map<string, RecordProblem>;
  /**
   * Records that cannot be posted on their own (an amount that cannot post, totals that do not
   * add up, a refund of an unknown order): one entry per record, which contributes nothing; the
   * rest of the day still posts, and the day stays incomplete until the record is fixed or deleted.
   */
  isolated: Map<string, RecordProblem>;
  /** A few record ids per payment type (`payment:<key>`), for problem messages. */
  samples: Map<string, string[]>;
  /** A few record ids per slot (hence per rate and tax component), for problem messages. */
  slotSamples: Map<number, string[]>;
}

/** Options of {@link createAccumulator}. */
export interface AccumulatorOptions {
  configuration: Configuration;
  period: { start: string; end: string };
  products?: readonly Product[];
  taxComponents?: readonly TaxComponent[];
}

const SAMPLE_LIMIT = 5;
/** Most records of one day-group reported as isolated (the rest of a day of bad records is counted in the message only by the run). */
const ISOLATED_LIMIT = 100;
const PAYMENT_TYPE_BY_LOWER = new Map<string, string>(
  Object.entries(PAYMENT_TYPE_KEYS).flatMap(([name, key]) => [
    [name.toLowerCase(), key],
    [key.toLowerCase(), key],
  ]),
);

/** An amount `toMinor` cannot post: finer than its currency, or no finite, countable amount. */
function isAmountError(error: unknown): error is MoneyPrecisionError | MoneyAmountError {
  return error instanceof MoneyPrecisionError || error instanceof MoneyAmountError;
}

/**
 * Exact decimal → minor units, same result as `toMinor` (and the same MoneyPrecisionError for
 * amounts finer than the currency): a checked fast path, anything doubtful goes through `toMinor`.
 */
export function minor(amount: number, currency: string): number {
  const exp = currencyExponent(currency);
  const scale = exp === 2 ? 100 : 10 ** exp;
  const m = Math.round(amount * scale);
  if (m / scale === amount && Math.abs(m) < 2 ** 50) return m;
  return toMinor(amount, currency);
}

/** Payment type key named by a transaction's `subType` (`Card`, `card`, `onlineCard`, …). */
export function paymentTypeKeyOf(subType: string | null | undefined, fallback = 'card'): string {
  if (!subType) return fallback;
  return PAYMENT_TYPE_BY_LOWER.get(subType.toLowerCase()) ?? fallback;
}

/**
 * Arena of per-order splits, `[groupIndex, n, slot0, amount0, …]` as int32 in fixed 4 MB
 * chunks (no copying or doubling slack as it grows); amounts beyond int32 go to a side map.
 */
const CHUNK = 1 << 20;

/**
 * Open-addressing index from record id to an int32, keyed by two independent 32-bit hashes of
 * the id (64 bits; a false match among a million ids is ~3e-8 likely): about 24 bytes per id
 * instead of ~70 for a `Map<string, number>`, which keeps a million orders well inside memory.
 */
export class IdIndex {
  private h1: Int32Array;
  private h2: Int32Array;
  private values: Int32Array;
  private mask: number;
  private a = 0;
  private b = 0;
  size = 0;

  constructor(capacity = 1 << 12) {
    this.h1 = new Int32Array(capacity);
    this.h2 = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
  }

  private hash(id: string): void {
    let a = 0x811c9dc5;
    let b = 0x9747b28c ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 13;
    }
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
    b ^= b >>> 16;
    this.a = a;
    this.b = b;
  }

  /** The value stored for `id`, or -1. */
  get(id: string): number {
    this.hash(id);
    const { a, b } = this;
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.values[i]!;
      if (v === -1) return -1;
      if (this.h1[i] === a && this.h2[i] === b) return v;
    }
  }

  /** Stores a non-negative int32 for `id` (replacing any previous value). */
  set(id: string, value: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    this.hash(id);
    this.put(this.a, this.b, value);
  }

  private put(a: number, b: number, value: number): void {
    for (let i = a & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.values[i]!;
      if (v === -1) {
        this.h1[i] = a;
        this.h2[i] = b;
        this.values[i] = value;
        this.size++;
        return;
      }
      if (this.h1[i] === a && this.h2[i] === b) {
        this.values[i] = value;
        return;
      }
    }
  }

  private grow(): void {
    const { h1, h2, values } = this;
    const capacity = values.length * 2;
    this.h1 = new Int32Array(capacity);
    this.h2 = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== -1) this.put(h1[i]!, h2[i]!, values[i]!);
  }
}

/**
 * Capacity of the first chunk: small, so an aggregator of a few records ("explain this line"
 * aggregates each record of a day on its own) does not allocate and zero 4 MB each time.
 */
const FIRST_CHUNK = 1 << 12;

class SplitStore {
  private readonly chunks: Int32Array[] = [];
  private used = 0;
  /** Capacity of the last chunk (offsets still step by {@link CHUNK} per chunk). */
  private capacity = 0;
  private readonly offsets = new IdIndex();
  private readonly wide = new Map<string, number[]>();

  has(id: string): boolean {
    return this.offsets.get(id) !== -1 || this.wide.has(id);
  }

  set(id: string, groupIndex: number, split: readonly number[]): void {
    const fits = split.length + 2 <= CHUNK && split.every((v) => v <= 0x7fffffff && v >= -0x80000000);
    if (!fits) {
      this.wide.set(id, [groupIndex, split.length / 2, ...split]);
      return;
    }
    if (this.used + 2 + split.length > this.capacity) {
      this.capacity = this.chunks.length === 0 && split.length + 2 <= FIRST_CHUNK ? FIRST_CHUNK : CHUNK;
      this.chunks.push(new Int32Array(this.capacity));
      this.used = 0;
    }
    const chunk = this.chunks[this.chunks.length - 1]!;
    const at = this.used;
    chunk[at] = groupIndex;
    chunk[at + 1] = split.length / 2;
    chunk.set(split, at + 2);
    this.used = at + 2 + split.length;
    this.offsets.set(id, (this.chunks.length - 1) * CHUNK + at);
  }

  get(id: string): { groupIndex: number; slots: number[]; amounts: number[] } | undefined {
    const wide = this.wide.get(id);
    if (wide) {
      const slots: number[] = [];
      const amounts: number[] = [];
      for (let i = 2; i < wide.length; i += 2) {
        slots.push(wide[i]!);
        amounts.push(wide[i + 1]!);
      }
      return { groupIndex: wide[0]!, slots, amounts };
    }
    const offset = this.offsets.get(id);
    if (offset === -1) return undefined;
    const chunk = this.chunks[Math.floor(offset / CHUNK)]!;
    const at = offset % CHUNK;
    const n = chunk[at + 1]!;
    const slots: number[] = new Array<number>(n);
    const amounts: number[] = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      slots[i] = chunk[at + 2 + 2 * i]!;
      amounts[i] = chunk[at + 3 + 2 * i]!;
    }
    return { groupIndex: chunk[at]!, slots, amounts };
  }

  get size(): number {
    return this.offsets.size + this.wide.size;
  }
}

/** The incremental accumulator behind `createAggregator`. */
export class Accumulator {
  readonly days: DayIndex;
  readonly slots: SlotKey[] = [];
  readonly groups: DocumentGroup[] = [];
  readonly totals = new Map<number, DayTotals>();
  /** Records that could not be placed yet (refunds before their order, payments before their order when grouping). */
  private readonly pendingRefunds: Transaction[] = [];
  private readonly pendingPayments: Payment[] = [];
  private readonly pendingTransactions: Transaction[] = [];
  private readonly slotIndex = new Map<string, number>();
  private readonly groupIndex = new Map<string, number>();
  private readonly splits = new SplitStore();
  /** Amount given back by each order's own return lines (only orders that have them). */
  private readonly returnsByOrder = new Map<string, number>();
  private readonly paymentGroups = new Map<string, number>();
  private readonly rateKeys = new Map<number, string>();
  private readonly giftCards = new Set<string>();
  private readonly productCategory = new Map<string, string>();
  private readonly componentNames = new Map<string, string>();
  private readonly categoryAccounts = new Set<string>();
  private readonly shippingMapped: boolean;
  private readonly byLocation: boolean;
  private readonly byCountry: boolean;
  private readonly syncFees: boolean;
  /** Non-zero tax percentages the merchant mapped, for orders without line items. */
  private readonly configuredRates: number[];

  constructor(options: AccumulatorOptions) {
    const cfg = options.configuration;
    const timeZone = cfg.schedule?.timeZone ?? 'Etc/UTC';
    this.days = new DayIndex(options.period, timeZone);
    const sales = cfg.configuration?.sales;
    const salesAccounts = sales?.accounts ?? {};
    for (const [key, row] of Object.entries(salesAccounts)) {
      if (key.startsWith('category:') && row.selectedAccountId) this.categoryAccounts.add(key.slice(9));
    }
    this.shippingMapped = Boolean(salesAccounts.shipping?.selectedAccountId);
    const groupBy = sales?.grouping?.groupingLevels?.invoiceLevel?.selectedGroupByOptions ?? [];
    this.byLocation = groupBy.includes('Location');
    this.byCountry = groupBy.includes('Country');
    this.syncFees = cfg.configuration?.fees?.syncFees ?? false;
    this.configuredRates = Object.keys(sales?.taxRates ?? {}).map(Number).filter((r) => Number.isFinite(r) && r > 0).sort((a, b) => a - b);
    for (const p of options.products ?? []) this.addProduct(p);
    for (const c of options.taxComponents ?? []) this.componentNames.set(c.id, c.name);
  }

  /** Registers a product (gift card flag, category) used by later orders. */
  addProduct(product: Product): void {
    if (product.isGiftCard) this.giftCards.add(product.id);
    else this.giftCards.delete(product.id);
    const mapped = product.productCategoryRefs?.map((c) => (typeof c === 'string' ? c : c.id)).find((c) => this.categoryAccounts.has(c));
    if (mapped) this.productCategory.set(product.id, `category:${mapped}`);
    else this.productCategory.delete(product.id);
  }

  /** Registers a tax component's name (used in line descriptions and messages). */
  addTaxComponent(component: TaxComponent): void {
    this.componentNames.set(component.id, component.name);
  }

  /** Name of a tax component, or its id. */
  componentName(id: string): string {
    return this.componentNames.get(id) ?? id;
  }

  private slot(key: SlotKey): number {
    const text = `${key.kind}|${key.accountKey}|${key.rateKey}|${key.role}|${key.componentId ?? ''}|${key.hasComponents ? 1 : 0}|${key.taxOf ?? ''}`;
    let i = this.slotIndex.get(text);
    if (i === undefined) {
      i = this.slots.length;
      this.slots.push(key);
      this.slotIndex.set(text, i);
    }
    return i;
  }

  private rateKey(percentage: number): string {
    let k = this.rateKeys.get(percentage);
    if (k === undefined) {
      k = taxRateKey(percentage);
      this.rateKeys.set(percentage, k);
    }
    return k;
  }

  private group(currency: string, locationId: string | null, country: string | null): number {
    const loc = this.byLocation ? locationId : null;
    const ctry = this.byCountry ? country : null;
    const text = `${currency}|${loc ?? ''}|${ctry ?? ''}`;
    let i = this.groupIndex.get(text);
    if (i === undefined) {
      i = this.groups.length;
      this.groups.push({ currency, locationId: loc, country: ctry });
      this.groupIndex.set(text, i);
    }
    return i;
  }

  private dayTotals(dayIndex: number, groupIndex: number): DayTotals {
    const key = dayIndex * 1_000_000 + groupIndex;
    let t = this.totals.get(key);
    if (!t) {
      const group = this.groups[groupIndex]!;
      t = {
        dayIndex,
        group,
        groupKey: `${group.currency}|${group.locationId ?? ''}|${group.country ?? ''}`,
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
      this.totals.set(key, t);
    }
    return t;
  }

  private sample(t: DayTotals, key: string, id: string): void {
    let list = t.samples.get(key);
    if (!list) t.samples.set(key, (list = []));
    if (list.length < SAMPLE_LIMIT && !list.includes(id)) list.push(id);
  }

  /** A record that fails only itself (see {@link DayTotals.isolated}); at most {@link ISOLATED_LIMIT} per day are named. */
  private isolate(t: DayTotals, p: RecordProblem): void {
    if (t.isolated.size >= ISOLATED_LIMIT) return;
    t.isolated.set(`${p.code}|${p.detail}|${p.recordIds.join(',')}`, p);
  }

  /** The record is left out of its day (the rest posts): a record_invalid problem naming it. */
  private precisionProblem(t: DayTotals, kind: string, id: string, error: MoneyPrecisionError | MoneyAmountError): void {
    const why = error instanceof MoneyPrecisionError
      ? `which has more decimal places than ${error.currency} allows`
      : 'which is not a finite amount that can be posted';
    this.isolate(t, {
      code: 'record_invalid',
      params: { document: 'daily summary', detail: `${kind} ${id} has an amount of ${error.amount} ${error.currency}, ${why}. Ask your commerce platform to correct it and push it again.` },
      detail: `${error instanceof MoneyPrecisionError ? 'precision' : 'amount'}:${kind}`,
      recordIds: [id],
      configPath: null,
    });
  }

  /** Per-order scratch space (slot, amount) reused across orders: orders touch only a handful of slots. */
  private scratchSlots: number[] = [];
  private scratchAmounts: number[] = [];
  private scratchCount = 0;

  /** Return lines of the order being added (negative quantities): `[slot, amount back]` pairs. */
  private readonly returnScratch: number[] = [];
  /** While true, {@link add} records a return (money back) instead of a sale. */
  private returning = false;

  private add(slot: number, amount: number): void {
    if (amount === 0) return;
    if (this.returning) {
      this.returnScratch.push(slot, -amount);
      return;
    }
    const slots = this.scratchSlots;
    for (let i = 0; i < this.scratchCount; i++) {
      if (slots[i] === slot) {
        this.scratchAmounts[i]! += amount;
        return;
      }
    }
    slots[this.scratchCount] = slot;
    this.scratchAmounts[this.scratchCount] = amount;
    this.scratchCount++;
  }

  /** Sales and tax slots of a taxed amount without components, cached by role → account → percentage. */
  private readonly taxedSlots = new Map<string, Map<string, Map<number, readonly [number, number]>>>();

  private taxedSlot(role: 'sales' | 'shipping' | 'serviceCharge', accountKey: string, percentage: number): readonly [number, number] {
    let byAccount = this.taxedSlots.get(role);
    if (!byAccount) this.taxedSlots.set(role, (byAccount = new Map()));
    let byRate = byAccount.get(accountKey);
    if (!byRate) byAccount.set(accountKey, (byRate = new Map()));
    let pair = byRate.get(percentage);
    if (!pair) {
      const rk = this.rateKey(percentage);
      pair = [
        this.slot({ kind: 'sales', accountKey, rateKey: rk, role, componentId: null, hasComponents: false }),
        this.slot({ kind: 'tax', accountKey, rateKey: rk, role: 'tax', componentId: null, hasComponents: false, taxOf: role }),
      ];
      byRate.set(percentage, pair);
    }
    return pair;
  }

  /**
   * Adds an order: its sales count on its local day; its split is kept for later refunds.
   * Return lines (negative quantity), negative service charges and a negative tip are refunds
   * of that day, posted exactly like a `Refund` transaction (refund account, the line's rate).
   */
  addOrder(order: Order): void {
    if (this.splits.has(order.id)) {
      throw new RangeError(`Order ${order.id} was added twice; add each record's latest version once.`);
    }
    const cur = order.currency;
    const groupIndex = this.group(cur, order.locationRef?.id ?? null, order.country ?? null);
    if (this.byLocation || this.byCountry) {
      for (const p of order.payments ?? []) this.paymentGroups.set(p.id, groupIndex);
    }
    const dayIndex = this.days.indexOf(Date.parse(order.createdDate));
    this.scratchCount = 0;
    this.returnScratch.length = 0;
    try {
      let parts = 0;
      let count = 0;
      let returned = 0;
      for (const line of order.orderLineItems ?? []) {
        count++;
        const total = minor(line.totalAmount, cur);
        parts += total;
        this.returning = (line.quantity ?? 0) < 0;
        if (this.returning) returned += total;
        const productId = line.productRef?.id;
        if (productId !== undefined && this.giftCards.has(productId)) {
          // Gift cards sold are a liability, not income; any tax on them stays tax.
          const tax = line.totalTaxAmount ? minor(line.totalTaxAmount, cur) : 0;
          this.add(this.slot({ kind: 'prepaid', accountKey: 'prepaid', rateKey: '', role: 'prepaid', componentId: null, hasComponents: false }), total - tax);
          if (tax !== 0) {
            const rk = this.rateKey(line.taxPercentage ?? 0);
            this.add(this.slot({ kind: 'tax', accountKey: 'prepaid', rateKey: rk, role: 'tax', componentId: null, hasComponents: false }), tax);
          }
          continue;
        }
        const category = productId === undefined ? undefined : this.productCategory.get(productId);
        const accountKey = category === undefined ? 'sales' : category;
        count += this.addTaxed(cur, accountKey, 'sales', line.taxPercentage ?? 0, total, line.totalTaxAmount, line.taxes);
      }
      for (const charge of order.serviceCharges ?? []) {
        count++;
        const total = minor(charge.totalAmount, cur);
        parts += total;
        this.returning = total < 0;
        if (this.returning) returned += total;
        const shipping = charge.type === 'Shipping';
        const accountKey = shipping && this.shippingMapped ? 'shipping' : 'sales';
        count += this.addTaxed(cur, accountKey, shipping ? 'shipping' : 'serviceCharge', charge.taxPercentage ?? 0, total, charge.taxAmount, charge.taxes);
      }
      const totalAmount = minor(order.totalAmount, cur);
      const totalRefund = order.totalRefund ? minor(order.totalRefund, cur) : 0;
      // Codat's totalAmount includes refunds: a custom amount later refunded by transactions
      // sold totalAmount − totalRefund (the transactions post the refund); a pure return
      // (totalAmount = totalRefund) is its own refund.
      const customGross = totalRefund < 0 && totalAmount !== totalRefund ? totalAmount - totalRefund : totalAmount;
      if (count === 0 && customGross !== 0) {
        // A custom-amount sale (no line items): its total posts to sales at the order's tax.
        const tax = order.totalTaxAmount ? minor(order.totalTaxAmount, cur) : 0;
        this.returning = customGross < 0;
        if (this.returning) returned += customGross;
        this.addTaxed(cur, 'sales', 'sales', this.percentageOf(customGross - tax, tax), customGross, order.totalTaxAmount, null);
        parts += customGross;
        count = 1;
      }
      this.returning = false;
      const gratuity = order.totalGratuity ? minor(order.totalGratuity, cur) : 0;
      if (gratuity !== 0) {
        // A negative tip is a tip given back: a refund of the gratuity.
        this.returning = gratuity < 0;
        this.add(this.slot({ kind: 'gratuity', accountKey: 'gratuity', rateKey: '', role: 'gratuity', componentId: null, hasComponents: false }), gratuity);
        this.returning = false;
      }
      // Codat's totalAmount includes refunds (totalRefund ≤ 0). When the refund is in the lines
      // (return lines), totalAmount is what the lines add up to; when it was refunded by
      // transactions, the lines add up to totalAmount − totalRefund. Either reading is accepted.
      const readings = returned !== 0 ? [totalAmount, totalAmount - totalRefund] : [totalAmount - totalRefund, totalAmount];
      const tolerance = Math.max(1, count);
      const gross = readings.find((g) => Math.abs(g - parts) <= tolerance) ?? readings[0]!;
      const residue = gross - parts;
      if (residue !== 0) {
        if (Math.abs(residue) > tolerance) {
          if (dayIndex >= 0) {
            const t = this.dayTotals(dayIndex, groupIndex);
            this.isolate(t, {
              code: 'record_invalid',
              params: { document: 'daily summary', detail: `order ${order.orderNumber ?? order.id} totals ${gross} minor units of ${cur} but its lines and charges add up to ${parts}. Ask your commerce platform to correct the order.` },
              detail: `totals:${order.id}`,
              recordIds: [order.id],
              configPath: null,
            });
          }
          return;
        }
        this.returning = this.scratchCount === 0 && this.returnScratch.length > 0;
        this.add(this.slot({ kind: 'rounding', accountKey: 'rounding', rateKey: '', role: 'rounding', componentId: null, hasComponents: false }), residue);
        this.returning = false;
      }
    } catch (error) {
      this.returning = false;
      if (!isAmountError(error)) throw error;
      if (dayIndex >= 0) this.precisionProblem(this.dayTotals(dayIndex, groupIndex), 'Order', order.id, error);
      return;
    }
    const n = this.scratchCount;
    const split: number[] = new Array<number>(2 * n);
    for (let i = 0; i < n; i++) {
      split[2 * i] = this.scratchSlots[i]!;
      split[2 * i + 1] = this.scratchAmounts[i]!;
    }
    this.splits.set(order.id, groupIndex, split);
    let back = 0;
    for (let i = 1; i < this.returnScratch.length; i += 2) back += this.returnScratch[i]!;
    if (back > 0) this.returnsByOrder.set(order.id, back);
    if (dayIndex < 0) return;
    const t = this.dayTotals(dayIndex, groupIndex);
    for (let i = 0; i < n; i++) {
      const slot = this.scratchSlots[i]!;
      t.amounts.set(slot, (t.amounts.get(slot) ?? 0) + this.scratchAmounts[i]!);
      this.sampleSlot(t, slot, order.id);
    }
    const returns = this.returnScratch;
    for (let i = 0; i < returns.length; i += 2) {
      const slot = returns[i]!;
      t.refunds.set(slot, (t.refunds.get(slot) ?? 0) + returns[i + 1]!);
      this.sampleSlot(t, slot, order.id);
    }
  }

  /**
   * The tax percentage of an amount given only as net and tax (an order without line items):
   * the mapped rate whose tax on `net` is within one minor unit of `tax`, else the exact
   * percentage to two decimals (which then needs its own mapping).
   */
  private percentageOf(net: number, tax: number): number {
    if (tax === 0 || net === 0) return 0;
    let best: number | undefined;
    let bestDiff = Infinity;
    for (const rate of this.configuredRates) {
      const diff = Math.abs(Math.round((net * rate) / 100) - tax);
      if (diff <= 1 && diff < bestDiff) {
        best = rate;
        bestDiff = diff;
      }
    }
    return best ?? Math.round((tax / net) * 10_000) / 100;
  }

  private sampleSlot(t: DayTotals, slot: number, id: string): void {
    const list = t.slotSamples.get(slot);
    if (!list) t.slotSamples.set(slot, [id]);
    else if (list.length < SAMPLE_LIMIT && list[list.length - 1] !== id) list.push(id);
  }

  /** Adds a taxed amount (line or service charge); returns the number of components (for the residue tolerance). */
  private addTaxed(
    cur: string,
    accountKey: string,
    role: 'sales' | 'shipping' | 'serviceCharge',
    percentage: number,
    total: number,
    taxAmount: number | null | undefined,
    taxes: readonly TaxAllocation[] | null | undefined,
  ): number {
    if (taxes && taxes.length > 0) {
      const rk = this.rateKey(percentage);
      let tax = 0;
      for (const c of taxes) {
        const amount = minor(c.taxAmount ?? c.rate ?? 0, cur);
        tax += amount;
        // `taxOf` keeps a service charge's component tax with the charge (refund tiers, invoice lines).
        this.add(this.slot({ kind: 'tax', accountKey, rateKey: rk, role: 'tax', componentId: c.taxComponentRef.id, hasComponents: true, taxOf: role }), amount);
      }
      this.add(this.slot({ kind: 'sales', accountKey, rateKey: rk, role, componentId: null, hasComponents: true }), total - tax);
      return taxes.length;
    }
    const tax = taxAmount ? minor(taxAmount, cur) : 0;
    const [salesSlot, taxSlot] = this.taxedSlot(role, accountKey, percentage);
    this.add(salesSlot, total - tax);
    this.add(taxSlot, tax);
    return 0;
  }

  /** Adds a payment: `Paid` money counts on its local day, per payment type. */
  addPayment(payment: Payment, deferred = false): void {
    if (payment.status !== 'Paid') return;
    const dayIndex = this.days.indexOf(Date.parse(payment.createdDate));
    if (dayIndex < 0) return;
    let groupIndex: number;
    if (this.byLocation || this.byCountry) {
      const g = this.paymentGroups.get(payment.id);
      if (g === undefined && !deferred) {
        this.pendingPayments.push(payment);
        return;
      }
      const known = g === undefined ? undefined : this.groups[g];
      groupIndex = known && known.currency === payment.currency
        ? g!
        : this.group(payment.currency, null, null);
    } else groupIndex = this.group(payment.currency, null, null);
    const t = this.dayTotals(dayIndex, groupIndex);
    const key = PAYMENT_TYPE_KEYS[payment.type];
    let amount: number;
    try {
      amount = minor(payment.amount, payment.currency);
    } catch (error) {
      if (!isAmountError(error)) throw error;
      this.precisionProblem(t, 'Payment', payment.id, error);
      return;
    }
    if (amount >= 0) t.tenderIn.set(key, (t.tenderIn.get(key) ?? 0) + amount);
    else t.tenderOut.set(key, (t.tenderOut.get(key) ?? 0) - amount);
    this.sample(t, `payment:${key}`, payment.id);
  }

  /** Adds a processor transaction: refunds, fees, fee refunds, payouts. Others are not posted. */
  addTransaction(tx: Transaction, deferred = false): void {
    const dayIndex = this.days.indexOf(Date.parse(tx.createdDate));
    if (dayIndex < 0) return;
    switch (tx.type) {
      case 'Refund':
        this.addRefund(tx, dayIndex, deferred);
        return;
      case 'PaymentFee':
      case 'PaymentFeeRefund':
      case 'Payout':
      case 'FailedPayout': {
        if ((tx.type === 'PaymentFee' || tx.type === 'PaymentFeeRefund') && !this.syncFees) return;
        let groupIndex = this.group(tx.currency, null, null);
        const source = tx.transactionSourceRef;
        if ((this.byLocation || this.byCountry) && source?.type === 'Payment') {
          const g = this.paymentGroups.get(source.id);
          if (g === undefined && !deferred) {
            this.pendingTransactions.push(tx);
            return;
          }
          if (g !== undefined && this.groups[g]!.currency === tx.currency) groupIndex = g;
        }
        const t = this.dayTotals(dayIndex, groupIndex);
        let amount: number;
        try {
          amount = Math.abs(minor(tx.totalAmount, tx.currency));
        } catch (error) {
          if (!isAmountError(error)) throw error;
          this.precisionProblem(t, 'Transaction', tx.id, error);
          return;
        }
        const key = paymentTypeKeyOf(tx.subType);
        const map = tx.type === 'PaymentFee' ? t.fees : tx.type === 'PaymentFeeRefund' ? t.feeRefunds : t.payouts;
        const signed = tx.type === 'FailedPayout' ? -amount : amount;
        map.set(key, (map.get(key) ?? 0) + signed);
        if (map === t.payouts && signed !== 0) t.payoutItems.push({ id: tx.id, key, amount: signed });
        this.sample(t, `payment:${key}`, tx.id);
        return;
      }
      default:
        // Payment transactions duplicate Payment records; transfers move money inside the processor.
        return;
    }
  }

  private addRefund(tx: Transaction, dayIndex: number, deferred: boolean): void {
    const orderId = tx.transactionSourceRef?.id;
    const split = orderId === undefined ? undefined : this.splits.get(orderId);
    if (!split) {
      if (!deferred && orderId !== undefined) {
        this.pendingRefunds.push(tx);
        return;
      }
      const t = this.dayTotals(dayIndex, this.group(tx.currency, null, null));
      this.isolate(t, {
        code: 'record_invalid',
        params: {
          document: 'refunds',
          detail: orderId === undefined
            ? `refund ${tx.id} does not say which order it refunds (transactionSourceRef), so its tax rates are unknown. Ask your commerce platform to send it with its order.`
            : `refund ${tx.id} refers to order ${orderId}, which was never received, so its tax rates are unknown. Ask your commerce platform to send the order.`,
        },
        detail: `refund-order:${tx.id}`,
        recordIds: [tx.id],
        configPath: null,
      });
      return;
    }
    const orderGroup = this.groups[split.groupIndex]!;
    const groupIndex = this.group(tx.currency, orderGroup.locationId ?? null, orderGroup.country ?? null);
    // The money refunded is a payment with the refund's id: it belongs to the same group.
    if (this.byLocation || this.byCountry) this.paymentGroups.set(tx.id, groupIndex);
    const t = this.dayTotals(dayIndex, groupIndex);
    if (orderGroup.currency !== tx.currency) {
      this.isolate(t, {
        code: 'currency_mismatch',
        params: { currency: tx.currency },
        detail: `refund-currency:${tx.id}`,
        recordIds: [tx.id, orderId!],
        configPath: null,
      });
      return;
    }
    let amount: number;
    try {
      amount = -minor(tx.totalAmount, tx.currency);
    } catch (error) {
      if (!isAmountError(error)) throw error;
      this.precisionProblem(t, 'Refund', tx.id, error);
      return;
    }
    // Codat linkage: a Refund naming an order that carries return lines (a return order) is the
    // same refund as those lines, which already post it: only what exceeds them is posted here.
    const returned = amount > 0 ? (this.returnsByOrder.get(orderId!) ?? 0) : 0;
    if (returned > 0) {
      amount -= Math.min(amount, returned);
      if (amount === 0) return;
    }
    const put = (slot: number, part: number) => {
      if (part === 0) return;
      t.refunds.set(slot, (t.refunds.get(slot) ?? 0) + part);
      this.sampleSlot(t, slot, tx.id);
    };
    if (amount <= 0) {
      // Money taken back from the customer: undo at the order's proportions.
      const parts = allocate(amount, split.amounts);
      for (let i = 0; i < parts.length; i++) put(split.slots[i]!, parts[i]!);
      return;
    }
    // The tip first, then service charges and shipping (each with its own tax), then the goods
    // at their proportions: a refund never reverses more of anything, tax included, than the
    // order charged. What is left beyond the whole order is refunded without tax.
    let left = amount;
    for (let tier = 0; tier < 3 && left > 0; tier++) {
      const index: number[] = [];
      let tierTotal = 0;
      for (let i = 0; i < split.slots.length; i++) {
        if (this.refundTier(split.slots[i]!) !== tier) continue;
        index.push(i);
        tierTotal += split.amounts[i]!;
      }
      if (tierTotal <= 0) continue;
      const take = Math.min(left, tierTotal);
      const parts = allocate(take, index.map((i) => split.amounts[i]!));
      for (let j = 0; j < index.length; j++) put(split.slots[index[j]!]!, parts[j]!);
      left -= take;
    }
    if (left > 0) put(this.slot({ kind: 'sales', accountKey: 'sales', rateKey: '0', role: 'sales', componentId: null, hasComponents: true }), left);
  }

  /** Refund order of a slot: 0 the tip, 1 service charges and shipping with their tax, 2 the rest. */
  private refundTier(slot: number): number {
    const s = this.slots[slot]!;
    if (s.kind === 'gratuity') return 0;
    const role = s.kind === 'tax' ? s.taxOf : s.role;
    return role === 'serviceCharge' || role === 'shipping' ? 1 : 2;
  }

  /** Places records that arrived before what they depend on; call once, after the last record. */
  settle(): void {
    const refunds = this.pendingRefunds.splice(0);
    for (const tx of refunds) this.addTransaction(tx, true);
    const payments = this.pendingPayments.splice(0);
    for (const p of payments) this.addPayment(p, true);
    const transactions = this.pendingTransactions.splice(0);
    for (const tx of transactions) this.addTransaction(tx, true);
  }

  /** Number of orders whose split is kept for refunds. */
  get orderCount(): number {
    return this.splits.size;
  }
}
