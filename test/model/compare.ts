import type { SandboxPostedDocument } from '../../src/platforms/sandbox/schemas.js';
import type { SandboxTaxReport } from '../../src/platforms/sandbox/tax-report.js';
import type { ModelBooks, ModelChart } from './ledger-model.js';
import { ledgerBooks } from './through-service.js';

/**
 * Compares what the ledger holds with the model's books and returns every disagreement as a
 * line of text (empty when they agree), so a failing property prints what differs, where.
 *
 * Exact on every account, except that in invoice mode the ledger computes each line's tax
 * itself: where that differs from the sent tax by one minor unit its figure is used and the cent
 * goes to the rounding account (README, Aggregation). So, in invoice mode, per day × currency the
 * tax accounts plus rounding must equal the model's tax, and per day × currency × rate the
 * ledger's tax (from its tax report) may differ from the model's by at most one minor unit per
 * invoice or credit note carrying that rate. In journal mode the rounding account stays at zero
 * and the tax report matches to the minor unit.
 */
export function compareBooks(input: {
  documents: readonly SandboxPostedDocument[];
  model: ModelBooks;
  chart: ModelChart;
  invoiceMode: boolean;
  rounding: string;
  /** Per local date: the ledger's tax report for that day alone. */
  dailyReports: ReadonlyMap<string, SandboxTaxReport>;
}): string[] {
  const { documents, model, chart, invoiceMode, rounding, dailyReports } = input;
  const problems: string[] = [];
  for (const d of documents) {
    const debit = d.postings.reduce((a, p) => a + p.debit, 0);
    const credit = d.postings.reduce((a, p) => a + p.credit, 0);
    if (debit !== credit) problems.push(`${d.reference}: debits ${debit} ≠ credits ${credit}`);
  }
  const ledger = ledgerBooks(documents);
  const taxAccounts = new Set(Object.values(chart.taxAccounts));
  const tolerant = (account: string) => invoiceMode && (taxAccounts.has(account) || account === rounding);
  const keys = [...new Set([...ledger.keys(), ...model.accounts.keys()])].sort();
  const taxAndRounding = new Map<string, { ledger: number; model: number }>();
  for (const key of keys) {
    const [date, currency, account] = key.split('|') as [string, string, string];
    const got = ledger.get(key) ?? 0;
    const want = model.accounts.get(key) ?? 0;
    if (tolerant(account)) {
      const t = taxAndRounding.get(`${date}|${currency}`) ?? { ledger: 0, model: 0 };
      t.ledger += got;
      t.model += want;
      taxAndRounding.set(`${date}|${currency}`, t);
    } else if (got !== want) {
      problems.push(`${key}: ledger ${got}, model ${want}`);
    }
  }
  for (const [key, t] of taxAndRounding) if (t.ledger !== t.model) problems.push(`${key} tax + rounding: ledger ${t.ledger}, model ${t.model}`);

  // Per day × currency × rate: the ledger's own tax report against tax charged minus refunded.
  const salesDocs = new Map<string, number>();
  for (const d of documents) {
    if (d.kind !== 'invoice' && d.kind !== 'creditNote') continue;
    const rates = new Set(d.lines.map((l) => l.taxRateId).filter((r): r is string => typeof r === 'string'));
    for (const r of rates) salesDocs.set(`${d.date}|${d.currency}|${r}`, (salesDocs.get(`${d.date}|${d.currency}|${r}`) ?? 0) + 1);
  }
  const reported = new Map<string, number>();
  for (const [date, report] of dailyReports) {
    for (const section of report.sections) for (const r of section.rates) if (r.sales.tax !== 0) reported.set(`${date}|${section.currency}|${r.taxRateId}`, r.sales.tax);
  }
  for (const key of [...new Set([...reported.keys(), ...model.tax.keys()])].sort()) {
    if (!dailyReports.has(key.split('|')[0]!)) continue;
    const got = reported.get(key) ?? 0;
    const want = model.tax.get(key) ?? 0;
    const allowed = invoiceMode ? (salesDocs.get(key) ?? 0) : 0;
    if (Math.abs(got - want) > allowed) problems.push(`${key} tax report: ${got}, tax charged − refunded ${want} (allowed rounding ${allowed})`);
  }
  return problems;
}

/** Rounding movement per day × currency in the ledger (minor units, debit positive). */
export function roundingByDay(documents: readonly SandboxPostedDocument[], rounding: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, v] of ledgerBooks(documents)) {
    const [date, currency, account] = key.split('|');
    if (account === rounding) out.set(`${date}|${currency}`, v);
  }
  return out;
}
