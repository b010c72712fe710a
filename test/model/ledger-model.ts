import type { Order, Payment, Product, Transaction } from '../../src/contract/commerce.js';

/**
 * An independent model of what a merchant's books must hold, written from the rules in
 * docs/domain.md (§3, §4 "Rules that both modes share") and the README's "Aggregation"
 * section, for property tests. It imports nothing from `src/aggregation` and works on plain
 * records: per merchant-local day, currency and ledger account the net movement (debit
 * positive), and per day, currency and ledger tax rate the tax charged minus refunded.
 *
 * It is deliberately the simple, slow reading of the rules (one record at a time, plain maps,
 * its own local-date, money and largest-remainder helpers), so a disagreement with the
 * aggregation is a question about the rules, not a shared bug.
 */

/** Where each kind of amount lands, as ledger ids. */
export interface ModelChart {
  timeZone: string;
  sales: string;
  /** Refunded goods (and service charges); the original account when absent. */
  refund?: string | null;
  /** Shipping charges; the sales account when absent. */
  shipping?: string | null;
  gratuity: string;
  prepaid: string;
  /** Unpaid sales: the `invoice` payment account (receivables in the default mapping). */
  receivable: string;
  /** Payment type (Codat enum, e.g. `Card`) → clearing account. */
  payments: Record<string, string>;
  payout: string;
  fee: string;
  feeRefund: string;
  /** Tax percentage as sent (`"20"`) → ledger tax rate id. */
  rates: Record<string, string>;
  /** Commerce tax component id → ledger tax rate id. */
  components: Record<string, string>;
  /** Ledger tax rate id → its liability account. */
  taxAccounts: Record<string, string>;
}

/** The records the model reads (the latest version of each id). */
export interface ModelRecords {
  orders: readonly Order[];
  payments: readonly Payment[];
  transactions: readonly Transaction[];
  products?: readonly Product[];
}

/** What the books must hold. Keys are `date|currency|id`; zero entries are dropped. */
export interface ModelBooks {
  /** Net movement per account, debit positive. */
  accounts: Map<string, number>;
  /** Tax charged minus tax refunded per ledger tax rate (credit positive). */
  tax: Map<string, number>;
  /** Net sales minus net refunds per ledger tax rate of lines taxed without components (credit positive). */
  net: Map<string, number>;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Merchant-local calendar date of an instant, from the platform's own time-zone database. */
export function modelLocalDate(iso: string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) formats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = format.formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Decimal amount → minor units of a two-decimal currency (every currency the generator uses). */
export function cents(amount: number | string | null | undefined): number {
  if (amount === null || amount === undefined) return 0;
  const text = String(amount);
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace(/^[+-]/, '').split('.');
  if (fraction.length > 2 && /[1-9]/.test(fraction.slice(2))) throw new Error(`${text} is finer than a cent`);
  const value = Number(whole) * 100 + Number((fraction + '00').slice(0, 2));
  return negative ? -value : value;
}

/**
 * Splits `total` (≥ 0) over positive `weights` by largest remainder: each gets the floor of its
 * share, the cents left go to the largest remainders, ties to the earlier weight.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const exact = weights.map((w) => BigInt(total) * BigInt(w));
  const parts = exact.map((e) => Number(e / BigInt(sum)));
  const order = exact
    .map((e, i) => ({ i, rem: e % BigInt(sum) }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  let left = total - parts.reduce((a, b) => a + b, 0);
  for (let k = 0; left > 0; k++, left--) parts[order[k % order.length]!.i]! += 1;
  return parts;
}

/** One amount of an order: where it goes, whether it is tax, and in which refund tier it falls. */
interface Piece {
  /** Account of the sale (the liability account for tax). */
  account: string;
  /** Account of the sale this amount belongs to (for tax: the sale it is the tax of) and its line's percentage. */
  of: string;
  /** Account a refund of it debits. */
  refundAccount: string;
  /** Ledger tax rate whose tax this is (tax pieces), or whose net this is (net pieces without components). */
  taxRate: string | null;
  netRate: string | null;
  /** 0 the tip, 1 service charges and shipping with their tax, 2 goods, their tax and gift cards. */
  tier: 0 | 1 | 2;
  amount: number;
}

interface ComponentTax {
  taxComponentRef?: { id?: string | null } | null;
  taxAmount?: number | null;
}

/**
 * An order's amounts summed per account × the line's rate (a tax also per ledger rate or
 * component), in order of first appearance: the proportions a refund of the order is split by
 * ("goods at their proportions", "tax at the original rates").
 */
function merge(pieces: readonly Piece[]): Piece[] {
  const out = new Map<string, Piece>();
  for (const p of pieces) {
    const key = [p.account, p.refundAccount, p.of, p.taxRate, p.netRate, p.tier].join('|');
    const seen = out.get(key);
    if (seen) seen.amount += p.amount;
    else out.set(key, { ...p });
  }
  return [...out.values()];
}

const TYPE_OF_SUBTYPE: Record<string, string> = { Card: 'Card', OnlineCard: 'OnlineCard', Cash: 'Cash', Paypal: 'Paypal' };

/**
 * Computes the books for the given local days (`start` inclusive, `end` exclusive) from the
 * records, by the shared rules of both modes:
 * - sales count on the order's day; money, refunds, fees and payouts on their own day;
 * - goods net to the sales account per rate, tax per rate or per component to the liability
 *   account of the ledger rate it is mapped to, shipping to the shipping account, Generic
 *   service charges to sales, tips to gratuity, gift cards sold to the prepaid liability;
 * - return lines (negative quantity) post like sales with their own sign, to the refund account;
 * - a `Refund` transaction of an order reverses the tip first, then service charges and
 *   shipping with their tax, then goods at their proportions, and anything beyond the whole
 *   order to the refund account without tax;
 * - `Paid` payments debit their type's clearing account; fees debit the fee account from the
 *   clearing account of their subtype; payouts move clearing → bank;
 * - whatever the day's sales and money leave over stays on the receivable account.
 */
export function modelBooks(records: ModelRecords, chart: ModelChart, period: { start: string; end: string }): ModelBooks {
  const books: ModelBooks = { accounts: new Map(), tax: new Map(), net: new Map() };
  const giftCards = new Set((records.products ?? []).filter((p) => p.isGiftCard).map((p) => p.id));
  const inPeriod = (date: string) => date >= period.start && date < period.end;
  const dayOf = (iso: string) => modelLocalDate(iso, chart.timeZone);
  const add = (map: Map<string, number>, key: string, amount: number) => {
    if (amount === 0) return;
    const v = (map.get(key) ?? 0) + amount;
    if (v === 0) map.delete(key);
    else map.set(key, v);
  };
  // Every posting also moves the day's receivable the other way, so each day balances there.
  const post = (date: string, currency: string, account: string, debit: number) => {
    add(books.accounts, `${date}|${currency}|${account}`, debit);
    add(books.accounts, `${date}|${currency}|${chart.receivable}`, -debit);
  };
  const transfer = (date: string, currency: string, to: string, from: string, amount: number) => {
    add(books.accounts, `${date}|${currency}|${to}`, amount);
    add(books.accounts, `${date}|${currency}|${from}`, -amount);
  };
  const rateOf = (pct: number | null | undefined) => {
    const key = String(pct ?? 0);
    const id = chart.rates[key];
    if (!id) throw new Error(`model: no ledger rate for ${key}%`);
    return id;
  };
  const clearing = (type: string | null | undefined) => {
    const id = chart.payments[type ?? 'Card'];
    if (!id) throw new Error(`model: no clearing account for payment type ${type}`);
    return id;
  };

  /** The pieces of an order's sale (or of its return lines, negative). */
  const pieces = (order: Order, custom: boolean): Piece[] => {
    const out: Piece[] = [];
    const taxed = (account: string, refundAccount: string, tier: 1 | 2, gross: number, tax: number, pct: number | null | undefined, taxes: readonly ComponentTax[] | null | undefined) => {
      const components = (taxes ?? []).filter((c) => c.taxComponentRef?.id);
      const netRate = components.length > 0 ? null : rateOf(pct);
      out.push({ account, refundAccount, of: `${account}@${pct ?? 0}`, taxRate: null, netRate, tier, amount: gross - tax });
      if (components.length > 0) {
        for (const c of components) {
          const rate = chart.components[c.taxComponentRef!.id!];
          if (!rate) throw new Error(`model: component ${c.taxComponentRef!.id} is not mapped`);
          out.push({ account: chart.taxAccounts[rate]!, refundAccount: chart.taxAccounts[rate]!, of: `${account}@${pct ?? 0}`, taxRate: rate, netRate: null, tier, amount: cents(c.taxAmount) });
        }
      } else if (tax !== 0) {
        const rate = rateOf(pct);
        out.push({ account: chart.taxAccounts[rate]!, refundAccount: chart.taxAccounts[rate]!, of: `${account}@${pct ?? 0}`, taxRate: rate, netRate: null, tier, amount: tax });
      }
    };
    for (const line of order.orderLineItems ?? []) {
      const gross = cents(line.totalAmount);
      const tax = cents(line.totalTaxAmount);
      if (line.productRef?.id && giftCards.has(line.productRef.id)) {
        out.push({ account: chart.prepaid, refundAccount: chart.prepaid, of: chart.prepaid, taxRate: null, netRate: null, tier: 2, amount: gross - tax });
        const rate = rateOf(line.taxPercentage);
        if (tax !== 0) out.push({ account: chart.taxAccounts[rate]!, refundAccount: chart.taxAccounts[rate]!, of: chart.prepaid, taxRate: rate, netRate: null, tier: 2, amount: tax });
        continue;
      }
      taxed(chart.sales, chart.refund ?? chart.sales, 2, gross, tax, line.taxPercentage, line.taxes);
    }
    for (const charge of order.serviceCharges ?? []) {
      const account = charge.type === 'Shipping' ? (chart.shipping ?? chart.sales) : chart.sales;
      taxed(account, chart.refund ?? account, 1, cents(charge.totalAmount), cents(charge.taxAmount), charge.taxPercentage, charge.taxes);
    }
    if (custom && cents(order.totalAmount) - (cents(order.totalRefund) < 0 && cents(order.totalAmount) !== cents(order.totalRefund) ? cents(order.totalRefund) : 0) !== 0) {
      // A custom-amount sale: its total at the order's tax (the generator only makes 0 % or mapped rates).
      // totalAmount includes refunds sent as transactions (they post the refund); a pure return has totalAmount = totalRefund.
      const total = cents(order.totalAmount);
      const refunded = cents(order.totalRefund);
      const gross = refunded < 0 && total !== refunded ? total - refunded : total;
      const tax = cents(order.totalTaxAmount);
      const pct = tax === 0 ? 0 : Number(Object.keys(chart.rates).find((k) => Math.abs(Math.round(((gross - tax) * Number(k)) / 100) - tax) <= 1));
      taxed(chart.sales, chart.refund ?? chart.sales, 2, gross, tax, pct, null);
    }
    const tip = cents(order.totalGratuity);
    if (tip !== 0) out.push({ account: chart.gratuity, refundAccount: chart.gratuity, of: chart.gratuity, taxRate: null, netRate: null, tier: 0, amount: tip });
    return out;
  };

  /** Credits a sale (positive pieces) or debits a return (negative), on `date`. */
  const postSale = (date: string, currency: string, piece: Piece, amount: number, refund: boolean) => {
    post(date, currency, refund ? piece.refundAccount : piece.account, -amount);
    if (piece.taxRate) add(books.tax, `${date}|${currency}|${piece.taxRate}`, amount);
    if (piece.netRate) add(books.net, `${date}|${currency}|${piece.netRate}`, amount);
  };

  const orders = new Map(records.orders.map((o) => [o.id, o]));
  for (const order of records.orders) {
    const date = dayOf(order.createdDate);
    if (!inPeriod(date)) continue;
    const cur = order.currency;
    const lineRefund = (line: { quantity?: number | null }) => (line.quantity ?? 0) < 0;
    // Return lines and negative charges are refunds of the order's day, on the refund account.
    const sale: Order = {
      ...order,
      orderLineItems: (order.orderLineItems ?? []).filter((l) => !lineRefund(l)),
      serviceCharges: (order.serviceCharges ?? []).filter((c) => cents(c.totalAmount) >= 0),
      totalGratuity: cents(order.totalGratuity) > 0 ? order.totalGratuity : 0,
    };
    const back: Order = {
      ...order,
      orderLineItems: (order.orderLineItems ?? []).filter(lineRefund),
      serviceCharges: (order.serviceCharges ?? []).filter((c) => cents(c.totalAmount) < 0),
      totalGratuity: cents(order.totalGratuity) < 0 ? order.totalGratuity : 0,
    };
    const hasLines = (order.orderLineItems ?? []).length + (order.serviceCharges ?? []).length > 0;
    for (const p of pieces(sale, !hasLines)) postSale(date, cur, p, p.amount, p.amount < 0);
    for (const p of pieces(back, false)) postSale(date, cur, p, p.amount, true);
  }

  for (const p of records.payments) {
    const date = dayOf(p.createdDate);
    if (!inPeriod(date) || p.status !== 'Paid') continue;
    post(date, p.currency, clearing(p.type), cents(p.amount));
  }

  for (const tx of records.transactions) {
    const date = dayOf(tx.createdDate);
    if (!inPeriod(date)) continue;
    const cur = tx.currency;
    const amount = cents(tx.totalAmount);
    switch (tx.type) {
      case 'PaymentFee':
        transfer(date, cur, chart.fee, clearing(TYPE_OF_SUBTYPE[tx.subType ?? ''] ?? 'Card'), -amount);
        break;
      case 'PaymentFeeRefund':
        transfer(date, cur, clearing(TYPE_OF_SUBTYPE[tx.subType ?? ''] ?? 'Card'), chart.feeRefund, amount);
        break;
      case 'Payout':
        transfer(date, cur, chart.payout, clearing(TYPE_OF_SUBTYPE[tx.subType ?? ''] ?? 'Card'), Math.abs(amount));
        break;
      case 'FailedPayout':
        transfer(date, cur, clearing(TYPE_OF_SUBTYPE[tx.subType ?? ''] ?? 'Card'), chart.payout, Math.abs(amount));
        break;
      case 'Refund': {
        const order = orders.get(tx.transactionSourceRef?.id ?? '');
        if (!order) throw new Error(`model: refund ${tx.id} of an unknown order`);
        // What the order sold (its return lines already came back on their own).
        const sold = merge(pieces({ ...order, orderLineItems: (order.orderLineItems ?? []).filter((l) => (l.quantity ?? 0) >= 0) }, (order.orderLineItems ?? []).length + (order.serviceCharges ?? []).length === 0)).filter((p) => p.amount > 0);
        let left = -amount;
        for (const tier of [0, 1, 2] as const) {
          const inTier = sold.filter((p) => p.tier === tier);
          const total = inTier.reduce((a, p) => a + p.amount, 0);
          if (left <= 0 || total <= 0) continue;
          const take = Math.min(left, total);
          largestRemainder(take, inTier.map((p) => p.amount)).forEach((part, i) => postSale(date, cur, inTier[i]!, -part, true));
          left -= take;
        }
        if (left > 0) post(date, cur, chart.refund ?? chart.sales, left);
        break;
      }
      default:
        break;
    }
  }
  return books;
}
