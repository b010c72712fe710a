import type { AccountingDocument, SalesLine } from '../contract/documents.js';
import type { SlotDocument } from './build.js';
import { settleMoney } from './settle.js';
import type { MoneyOptions } from './settle.js';

/**
 * Revisions: when a day was already posted, compare what it should be now with everything
 * posted for it (all revisions), and emit only adjustments that carry the difference.
 */

const REVISION = /:r(\d+)$/;

/** The revision-independent identity of a document (its reference at revision 0). */
export function slotOf(reference: string): string {
  return reference.replace(REVISION, ':r0');
}

function withRevision(slot: string, revision: number): string {
  return slot.replace(REVISION, `:r${revision}`);
}

type Vector = Map<string, number>;

const SEP = '\u0001';

function lineKey(l: SalesLine): string {
  return [l.accountId, l.role, l.taxRateId ?? '', l.taxRateKey ?? '', l.description].join(SEP);
}

function salesSign(doc: AccountingDocument): number {
  switch (doc.kind) {
    case 'creditNote':
    case 'billCreditNote':
      return -1;
    case 'bankTransaction':
      return doc.type === 'spend' ? 1 : -1;
    default:
      return 1;
  }
}

/** The signed amounts a document contributes to its slot, keyed by what they are. */
function vectorOf(doc: AccountingDocument): Vector {
  const v: Vector = new Map();
  const put = (k: string, a: number) => {
    if (a !== 0) v.set(k, (v.get(k) ?? 0) + a);
  };
  switch (doc.kind) {
    case 'journal':
      for (const l of doc.lines) put([l.accountId, l.role, l.taxRateId ?? '', l.taxRateKey ?? '', l.description].join(SEP), l.amount);
      break;
    case 'invoice':
    case 'creditNote':
    case 'bill':
    case 'billCreditNote':
    case 'bankTransaction': {
      const s = salesSign(doc);
      const prefix = doc.kind === 'bankTransaction' ? doc.bankAccountId + SEP : '';
      for (const l of doc.lines) {
        put(`${prefix}${lineKey(l)}${SEP}n`, s * l.netAmount);
        put(`${prefix}${lineKey(l)}${SEP}t`, s * l.taxAmount);
      }
      break;
    }
    case 'payment': {
      const s = doc.direction === 'received' || doc.direction === 'paid' ? 1 : -1;
      put([doc.accountId, doc.paymentTypeKey].join(SEP), s * doc.amount);
      break;
    }
    case 'transfer': {
      const forward = doc.fromAccountId <= doc.toAccountId;
      const [a, b] = forward ? [doc.fromAccountId, doc.toAccountId] : [doc.toAccountId, doc.fromAccountId];
      put([a, b].join(SEP), forward ? doc.amount : -doc.amount);
      break;
    }
  }
  return v;
}

function difference(now: Vector, before: Vector): Vector {
  const d: Vector = new Map();
  for (const k of new Set([...now.keys(), ...before.keys()])) {
    const x = (now.get(k) ?? 0) - (before.get(k) ?? 0);
    if (x !== 0) d.set(k, x);
  }
  return d;
}

/** Builds the adjustment documents (one, or one per moved amount for payments/transfers) from a difference. */
function adjustments(
  template: AccountingDocument,
  diff: Vector,
  reference: (n: number) => string,
  adjusts: string,
  appliesTo: (original: string | null | undefined) => string | null | undefined,
): AccountingDocument[] {
  const common = { adjusts, memo: `Adjustment: ${template.memo.replace(/^Adjustment: /, '')}` };
  const keys = [...diff.keys()].sort();
  switch (template.kind) {
    case 'journal': {
      const lines = keys.map((k) => {
        const [accountId = '', role = '', taxRateId = '', taxRateKey = '', description = ''] = k.split(SEP);
        return { accountId, role: role as never, taxRateId: taxRateId || null, taxRateKey: taxRateKey || null, description, amount: diff.get(k)! };
      });
      return [{ ...template, ...common, reference: reference(0), revision: -1, lines }];
    }
    case 'invoice':
    case 'creditNote':
    case 'bill':
    case 'billCreditNote':
    case 'bankTransaction': {
      const lines = new Map<string, SalesLine>();
      const bank = template.kind === 'bankTransaction';
      for (const k of keys) {
        const parts = k.split(SEP);
        if (bank) parts.shift();
        const [accountId = '', role = '', taxRateId = '', taxRateKey = '', description = '', which = 'n'] = parts;
        const id = parts.slice(0, 5).join(SEP);
        let line = lines.get(id);
        if (!line) {
          line = { accountId, role: role as never, taxRateId: taxRateId || null, taxRateKey: taxRateKey || null, description, netAmount: 0, taxAmount: 0 };
          lines.set(id, line);
        }
        if (which === 't') line.taxAmount += diff.get(k)!;
        else line.netAmount += diff.get(k)!;
      }
      const list = [...lines.values()];
      const total = list.reduce((a, l) => a + l.netAmount + l.taxAmount, 0);
      const positive = total >= 0;
      const signed = positive ? list : list.map((l) => ({ ...l, netAmount: -l.netAmount, taxAmount: -l.taxAmount }));
      const base = { ...template, ...common, reference: reference(0), revision: -1, lines: signed, total: Math.abs(total) };
      if (template.kind === 'bankTransaction') return [{ ...base, kind: 'bankTransaction', type: positive ? 'spend' : 'receive', bankAccountId: template.bankAccountId, contactId: template.contactId }];
      const salesFamily = template.kind === 'invoice' || template.kind === 'creditNote';
      const kind = salesFamily ? (positive ? 'invoice' : 'creditNote') : positive ? 'bill' : 'billCreditNote';
      return [{ ...base, kind, contactId: template.contactId, status: template.status }];
    }
    case 'payment':
      return keys.map((k, i) => {
        const [accountId = '', paymentTypeKey = ''] = k.split(SEP);
        const amount = diff.get(k)!;
        const salesFamily = template.direction === 'received' || template.direction === 'refunded';
        const direction = amount > 0 ? (salesFamily ? 'received' : 'paid') : salesFamily ? 'refunded' : 'refundReceived';
        return { ...template, ...common, reference: reference(i), revision: -1, accountId, paymentTypeKey, direction, amount: Math.abs(amount), appliesTo: appliesTo(template.appliesTo) ?? template.appliesTo };
      });
    case 'transfer':
      return keys.map((k, i) => {
        const [a = '', b = ''] = k.split(SEP);
        const amount = diff.get(k)!;
        return { ...template, ...common, reference: reference(i), revision: -1, fromAccountId: amount > 0 ? a : b, toAccountId: amount > 0 ? b : a, amount: Math.abs(amount) };
      });
  }
}

/**
 * Compares a day-group's documents with what was already posted for it. Returns the documents
 * to write: originals for slots never posted, adjustments (revision n+1, `adjusts` = the
 * original's reference, only the difference) for changed slots, nothing for unchanged ones.
 */
export function revise(computed: readonly SlotDocument[], posted: readonly AccountingDocument[], money?: MoneyOptions): AccountingDocument[] {
  if (posted.length === 0) return computed.map((c) => c.document);
  if (money && postedStillStands(computed, posted)) {
    // A day written only in part (a run that stopped half-way) whose posted documents all still
    // stand is completed with the rest of its original documents, not settled as an adjustment.
    const written = new Set(posted.map((d) => slotOf(d.reference)));
    return computed.filter((c) => !written.has(c.slot)).map((c) => c.document);
  }
  // Invoice mode: the day's money (payments against its sales documents, and its clearing
  // journal) is settled as a whole once the documents it applies to are known.
  const isMoney = money ? isSalesMoney : () => false;
  const bySlot = new Map<string, AccountingDocument[]>();
  for (const doc of posted) {
    const slot = slotOf(doc.reference);
    const list = bySlot.get(slot);
    if (list) list.push(doc);
    else bySlot.set(slot, [doc]);
  }
  const out: AccountingDocument[] = [];
  const latest = new Map<string, string>();
  const appliesTo = (original: string | null | undefined) => (original ? latest.get(slotOf(original)) ?? original : original);
  const handle = (slot: string, now: AccountingDocument | undefined) => {
    const before = (bySlot.get(slot) ?? []).slice().sort((a, b) => a.revision - b.revision);
    if (before.length === 0) {
      if (now) out.push(now.kind === 'payment' && now.appliesTo ? { ...now, appliesTo: appliesTo(now.appliesTo) ?? now.appliesTo } : now);
      return;
    }
    const old: Vector = new Map();
    for (const doc of before) for (const [k, a] of vectorOf(doc)) old.set(k, (old.get(k) ?? 0) + a);
    const diff = difference(now ? vectorOf(now) : new Map(), old);
    if (diff.size === 0) return;
    const maxRevision = before[before.length - 1]!.revision;
    const original = before[0]!.reference;
    const template = now ?? before[before.length - 1]!;
    const docs = adjustments(template, diff, (i) => withRevision(slot, maxRevision + 1 + i), original, appliesTo);
    for (const doc of docs) {
      doc.revision = Number(REVISION.exec(doc.reference)![1]);
      out.push(doc);
      latest.set(slot, doc.reference);
    }
  };
  const seen = new Set<string>();
  for (const c of computed) {
    seen.add(c.slot);
    if (!isMoney(c.document)) handle(c.slot, c.document);
  }
  for (const slot of [...bySlot.keys()].sort()) {
    if (!seen.has(slot) && !bySlot.get(slot)!.some(isMoney)) handle(slot, undefined);
  }
  if (!money) return out;
  const moneyNow = computed.map((c) => c.document).filter(isMoney);
  const moneyBefore = posted.filter(isMoney);
  return [...out, ...settleMoney({ now: moneyNow, before: moneyBefore, posted, emitted: out, options: money })];
}

/** Whether every posted slot is still exactly what the day computes now (one revision, no difference). */
function postedStillStands(computed: readonly SlotDocument[], posted: readonly AccountingDocument[]): boolean {
  const now = new Map(computed.map((c) => [c.slot, c.document] as const));
  const seen = new Set<string>();
  for (const doc of posted) {
    const slot = slotOf(doc.reference);
    if (seen.has(slot)) return false;
    seen.add(slot);
    const current = now.get(slot);
    if (!current || difference(vectorOf(current), vectorOf(doc)).size > 0) return false;
  }
  return true;
}

/** Money of the sales side: payments received or refunded against sales documents, and the clearing journal. */
function isSalesMoney(doc: AccountingDocument): boolean {
  if (doc.kind === 'payment') return doc.direction === 'received' || doc.direction === 'refunded';
  return doc.kind === 'journal' && slotOf(doc.reference).endsWith(':clearing:r0');
}
