import type { PreviewDocument, PreviewLine } from './preview.js';

/*
 * Zod-free on purpose: the browser widget imports it, and the widget's first load ships no
 * schema library (types only from `preview.ts`).
 */

/** Per currency and account, the signed effect (debit +, credit −) of documents on the ledger's accounts. */
function accountEffects(documents: readonly PreviewDocument[]): Map<string, { currency: string; accountId: string; accountName: string; amount: number }> {
  const out = new Map<string, { currency: string; accountId: string; accountName: string; amount: number }>();
  const add = (d: PreviewDocument, line: PreviewLine, amount: number) => {
    const key = `${d.currency}|${line.accountId}`;
    const row = out.get(key) ?? { currency: d.currency, accountId: line.accountId, accountName: line.accountName, amount: 0 };
    row.amount += amount;
    out.set(key, row);
  };
  for (const d of documents) {
    for (const line of d.lines) {
      if (d.lineStyle === 'signed') add(d, line, line.amount);
      // Net lines credit their account on sales documents and debit it on bills and money paid out.
      else add(d, line, (d.kind === 'invoice' || d.kind === 'billCreditNote' || (d.kind === 'bankTransaction' && line.role === 'feeRefund') ? -1 : 1) * line.amount);
    }
  }
  return out;
}

/**
 * The difference a new preview makes against what was posted for the same day: per currency and
 * account, the change in the amount posted (debit +, credit −); unchanged accounts left out.
 */
export function previewDifference(next: readonly PreviewDocument[], posted: readonly PreviewDocument[]): { currency: string; accountId: string; accountName: string; before: number; after: number }[] {
  const after = accountEffects(next);
  const before = accountEffects(posted);
  const keys = [...new Set([...after.keys(), ...before.keys()])].sort();
  return keys
    .map((key) => {
      const a = after.get(key);
      const b = before.get(key);
      const base = a ?? b;
      return { currency: base?.currency ?? '', accountId: base?.accountId ?? '', accountName: base?.accountName ?? '', before: b?.amount ?? 0, after: a?.amount ?? 0 };
    })
    .filter((row) => row.before !== row.after);
}
