import type { AccountingDocument, JournalLine, PaymentDocument } from '../contract/documents.js';
import { documentReference } from '../contract/documents.js';

/**
 * Invoice-mode adjustments of a day's money. When a posted day changes, what the ledger already
 * holds is fixed: paid invoices cannot take more money and a payment cannot be turned into a
 * refund of an invoice. So the difference in money per payment account is settled afresh: money
 * added pays the day's invoices that are still open (an additional invoice, or one whose payment
 * was never written), money taken back is refunded against open credit notes, and what is left
 * goes on the day's clearing journal against the unpaid-sales account. References are
 * deterministic from what was posted, so a run that stopped half-way is completed, not repeated.
 */

/** What {@link settleMoney} needs from the configuration. */
export interface MoneyOptions {
  /** The unpaid-sales account (`payments.accounts.invoice`); the clearing journal's other side. */
  unpaidAccountId: string | null;
  /** Payment type key of a payment account (for the payment documents' `paymentTypeKey`). */
  paymentKeyOf: (accountId: string) => string | undefined;
}

const REVISION = /:r(\d+)$/;

/** Thrown when a day's money needs the clearing journal but no unpaid-sales account is mapped. */
export class UnpaidAccountMissing extends Error {
  constructor() {
    super('The unpaid-sales (invoice) payment account is not mapped.');
  }
}

interface Target {
  reference: string;
  kind: 'invoice' | 'creditNote';
  /** Slot kind of the target (`sales`, `refunds`), for the payment's qualifier. */
  slotKind: string;
  open: number;
  order: string;
}

function revisionOf(reference: string): number {
  return Number(REVISION.exec(reference)?.[1] ?? 0);
}

/** Money per account: payments (received +, refunded −) and clearing-journal lines. */
function moneyVector(docs: readonly AccountingDocument[], unpaid: string | null, keys: Map<string, string>): Map<string, number> {
  const v = new Map<string, number>();
  const put = (account: string, amount: number) => v.set(account, (v.get(account) ?? 0) + amount);
  for (const d of docs) {
    if (d.kind === 'payment') {
      put(d.accountId, d.direction === 'received' ? d.amount : -d.amount);
      if (!keys.has(d.accountId)) keys.set(d.accountId, d.paymentTypeKey);
    } else if (d.kind === 'journal') {
      for (const l of d.lines) if (l.accountId !== unpaid) put(l.accountId, l.amount);
    }
  }
  return v;
}

/** The payment and clearing documents that bring a posted day's money to what it should be now. */
export function settleMoney(input: {
  now: readonly AccountingDocument[];
  before: readonly AccountingDocument[];
  posted: readonly AccountingDocument[];
  emitted: readonly AccountingDocument[];
  options: MoneyOptions;
}): AccountingDocument[] {
  const { now, before, posted, emitted, options } = input;
  const unpaid = options.unpaidAccountId;
  const keys = new Map<string, string>();
  const after = moneyVector(now, unpaid, keys);
  const was = moneyVector(before, unpaid, keys);
  const accounts = [...new Set([...after.keys(), ...was.keys()])].sort();
  const diff = accounts.map((a) => [a, (after.get(a) ?? 0) - (was.get(a) ?? 0)] as const).filter(([, d]) => d !== 0);
  if (diff.length === 0) return [];
  const template = posted[0] ?? emitted[0]!;

  // Open amounts of the day's sales documents: posted ones less the payments already applied.
  const targets = new Map<string, Target>();
  for (const d of [...posted, ...emitted]) {
    if (d.kind !== 'invoice' && d.kind !== 'creditNote') continue;
    const slotKind = /:([^:]+):r\d+$/.exec(d.reference)?.[1] ?? 'sales';
    targets.set(d.reference, { reference: d.reference, kind: d.kind, slotKind, open: d.status === 'Draft' ? 0 : d.total, order: `${String(revisionOf(d.reference)).padStart(6, '0')}:${d.reference}` });
  }
  for (const d of posted) {
    if (d.kind !== 'payment' || (d.direction !== 'received' && d.direction !== 'refunded')) continue;
    const t = targets.get(d.appliesTo);
    if (t) t.open -= d.amount;
  }
  const ordered = [...targets.values()].sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));

  // Next free revision of each document slot, over everything posted or emitted.
  const taken = new Map<string, number>();
  for (const d of [...posted, ...emitted]) {
    const slot = d.reference.replace(REVISION, ':r0');
    taken.set(slot, Math.max(taken.get(slot) ?? -1, revisionOf(d.reference)));
  }
  const next = (slot: string) => {
    const n = (taken.get(slot) ?? -1) + 1;
    taken.set(slot, n);
    return n;
  };
  const dayPrefix = documentReference({ companyId: template.companyId, date: template.date, group: template.group, kind: 'x', revision: 0 }).replace(/:x:r0$/, '');
  const memo = (what: string) => `Adjustment: ${what} ${template.date} ${template.currency}`;

  const paymentSlots = new Map<string, string>();
  for (const d of posted) {
    if (d.kind !== 'payment') continue;
    const m = /:payment:(?:received|refunded):(.+):r\d+$/.exec(d.reference);
    const slot = d.reference.replace(REVISION, ':r0');
    if (m && !paymentSlots.has(m[1]!)) paymentSlots.set(m[1]!, slot);
  }
  const out: AccountingDocument[] = [];
  const leftover = new Map<string, number>();
  for (const [account, d] of diff) {
    const key = keys.get(account) ?? options.paymentKeyOf(account) ?? 'unknown';
    const direction = d > 0 ? 'received' : 'refunded';
    const kind = d > 0 ? 'invoice' : 'creditNote';
    let left = Math.abs(d);
    for (const t of ordered) {
      if (left === 0) break;
      if (t.kind !== kind || t.open <= 0) continue;
      const amount = Math.min(left, t.open);
      t.open -= amount;
      left -= amount;
      // An adjustment continues the slot of the day's earlier payment of this type and target.
      const slot = paymentSlots.get(`${key}:${t.slotKind}`) ?? `${dayPrefix}:payment:${direction}:${key}:${t.slotKind}:r0`;
      const revision = next(slot);
      const payment: PaymentDocument = {
        reference: slot.replace(REVISION, `:r${revision}`),
        companyId: template.companyId,
        date: template.date,
        currency: template.currency,
        group: template.group,
        revision,
        adjusts: revision > 0 ? slot : null,
        memo: memo(direction === 'received' ? 'payment' : 'refund'),
        kind: 'payment',
        direction,
        accountId: account,
        paymentTypeKey: key,
        amount,
        appliesTo: t.reference,
      };
      out.push(payment);
    }
    if (left > 0) leftover.set(account, d > 0 ? left : -left);
  }
  if (leftover.size > 0) {
    if (!unpaid) throw new UnpaidAccountMissing();
    const lines: JournalLine[] = [];
    let sum = 0;
    for (const [account, amount] of leftover) {
      sum += amount;
      lines.push({ accountId: account, amount, description: `${keys.get(account) ?? options.paymentKeyOf(account) ?? account} money for sales or refunds of other days`, role: 'payment', taxRateId: null, taxRateKey: null });
    }
    if (sum !== 0) lines.push({ accountId: unpaid, amount: -sum, description: 'Unpaid sales settled by money of this day', role: 'payment', taxRateId: null, taxRateKey: null });
    if (lines.length >= 2) {
      const slot = `${dayPrefix}:clearing:r0`;
      const revision = next(slot);
      out.push({
        reference: slot.replace(REVISION, `:r${revision}`),
        companyId: template.companyId,
        date: template.date,
        currency: template.currency,
        group: template.group,
        revision,
        adjusts: revision > 0 ? slot : null,
        memo: memo('money for sales of other days'),
        appliesTo: null,
        kind: 'journal',
        lines,
      });
    }
  }
  return out;
}
