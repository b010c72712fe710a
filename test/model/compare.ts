import type { SandboxPostedDocument } from '../../src/platforms/sandbox/schemas.js';
import type { SandboxTaxReport } from '../../src/platforms/sandbox/tax-report.js';
import type { ModelBooks } from './ledger-model.js';
import { ledgerBooks } from './through-service.js';

/**
 * Compares what the ledger holds with the model's books and returns every disagreement as a
 * line of text (empty when they agree), so a failing property prints what differs, where.
 *
 * Exact on every account and, per day × currency × rate, the ledger's own tax report against
 * the tax charged minus refunded, in both modes (invoice lines carry the tax as sent since
 * 9c52e67). Rounding: the generated orders add up to the cent, so the model's rounding account is
 * zero and the ledger's must be too; on top of the exact match, each day's rounding is checked
 * against the bound of issue 11 (at most one minor unit per rate posted that day).
 */
export function compareBooks(input: {
  documents: readonly SandboxPostedDocument[];
  model: ModelBooks;
  rounding: string;
  /** Per local date: the ledger's tax report for that day alone. */
  dailyReports: ReadonlyMap<string, SandboxTaxReport>;
}): string[] {
  const { documents, model, rounding, dailyReports } = input;
  const problems: string[] = [];
  for (const d of documents) {
    const debit = d.postings.reduce((a, p) => a + p.debit, 0);
    const credit = d.postings.reduce((a, p) => a + p.credit, 0);
    if (debit !== credit) problems.push(`${d.reference}: debits ${debit} ≠ credits ${credit}`);
  }
  const ledger = ledgerBooks(documents);
  for (const key of [...new Set([...ledger.keys(), ...model.accounts.keys()])].sort()) {
    const got = ledger.get(key) ?? 0;
    const want = model.accounts.get(key) ?? 0;
    if (got !== want) problems.push(`${key}: ledger ${got}, model ${want}`);
  }

  // Per day × currency × rate: the ledger's own tax report against tax charged minus refunded.
  const reported = new Map<string, number>();
  const ratesPerDay = new Map<string, number>();
  for (const [date, report] of dailyReports) {
    for (const section of report.sections) {
      for (const r of section.rates) {
        if (r.sales.tax !== 0) reported.set(`${date}|${section.currency}|${r.taxRateId}`, r.sales.tax);
        if (r.sales.tax !== 0 || r.sales.net !== 0) ratesPerDay.set(`${date}|${section.currency}`, (ratesPerDay.get(`${date}|${section.currency}`) ?? 0) + 1);
      }
    }
  }
  for (const key of [...new Set([...reported.keys(), ...model.tax.keys()])].sort()) {
    if (!dailyReports.has(key.split('|')[0]!)) continue;
    const got = reported.get(key) ?? 0;
    const want = model.tax.get(key) ?? 0;
    if (got !== want) problems.push(`${key} tax report: ${got}, tax charged − refunded ${want}`);
  }
  for (const [key, v] of ledger) {
    const [date, currency, account] = key.split('|');
    const bound = ratesPerDay.get(`${date}|${currency}`) ?? 0;
    if (account === rounding && Math.abs(v) > bound) problems.push(`${date}|${currency}: rounding ${v} exceeds one minor unit per rate (${bound} rates)`);
  }
  return problems;
}
