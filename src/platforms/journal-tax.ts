import { allocate, taxAtPercent } from '../contract/money.js';
import type { JournalLine } from '../contract/documents.js';
import { ConnectorError } from './connector.js';

/**
 * How a daily journal reaches a ledger that computes tax itself from each line's tax code
 * (Xero ManualJournal lines with `TaxType`, QuickBooks JournalEntry lines with `TaxCodeRef`).
 *
 * Our journals carry tax twice over: every sales-side line has its ledger tax rate, and the
 * commerce tax sits on explicit `tax`/`refundTax` lines. A ledger that is given the tax code
 * posts the tax of the line itself (to the tax rate's liability account, and onto its VAT/GST
 * return), so the explicit lines must not be sent as well. What is left of them is the residue
 * between the commerce tax (summed per order) and the ledger's per-line computation: it stays on
 * the tax account as a line without tax code, so the books still hold exactly the tax charged.
 */

/** Roles whose amount is tax itself, never a taxable amount. */
const TAX_ROLES: ReadonlySet<string> = new Set(['tax', 'refundTax']);

/** One line to send: the original line and, when it carries a tax code, the ledger's tax on it. */
export interface LedgerTaxedLine {
  line: JournalLine;
  /** The ledger's tax on this line (same sign as `line.amount`: debit positive); 0 without tax code. */
  tax: number;
  /** Tax per ledger tax-rate component, for ledgers that itemise it (QuickBooks TaxLine). */
  components: Array<{ id: string; percent: number; tax: number; net: number }>;
}

/** A tax rate as the ledger computes it: one or more component percentages, each rounded per line. */
export interface LedgerRate {
  components: Array<{ id: string; percent: number }>;
}

export interface JournalTaxPlan {
  /** Lines to send, in the journal's order: non-tax lines with their computed tax, then residue lines. */
  lines: LedgerTaxedLine[];
  /** Sum of `tax` over all lines (debit positive). */
  totalTax: number;
}

/**
 * Splits a journal into what a tax-computing ledger is sent: every non-tax line with its tax
 * code (the ledger's tax computed as it will compute it) and, per commerce rate, the explicit tax
 * minus the ledger's tax as untaxed lines on the tax accounts. The result balances with the
 * ledger's tax included: `Σ amount + Σ tax = 0`.
 *
 * `rateOf` resolves a ledger tax-rate id; return `undefined` when the ledger has no such active
 * rate (the journal is then refused with `tax_rate_missing`).
 */
export function planJournalTax(
  lines: readonly JournalLine[],
  rateOf: (taxRateId: string) => LedgerRate | undefined,
  platform: string,
): JournalTaxPlan {
  const keyOf = (l: JournalLine) => l.taxRateKey ?? (l.taxRateId ? `#${l.taxRateId}` : '');
  const out: LedgerTaxedLine[] = [];
  const computed = new Map<string, { tax: number; first: LedgerTaxedLine }>();
  const taxLines = new Map<string, Map<string, JournalLine>>();
  for (const line of lines) {
    if (line.amount === 0) continue;
    const key = keyOf(line);
    if (TAX_ROLES.has(line.role)) {
      const byAccount = taxLines.get(key) ?? new Map<string, JournalLine>();
      const seen = byAccount.get(line.accountId);
      if (seen) seen.amount += line.amount;
      else byAccount.set(line.accountId, { ...line, taxRateId: null });
      taxLines.set(key, byAccount);
      continue;
    }
    const entry: LedgerTaxedLine = { line, tax: 0, components: [] };
    if (line.taxRateId) {
      const rate = rateOf(line.taxRateId);
      if (!rate) {
        throw new ConnectorError(
          'tax_rate_missing',
          `${platform} has no active tax rate ${line.taxRateId} (line "${line.description}")`,
          { platform, taxRate: line.taxRateKey ?? line.taxRateId, taxRateId: line.taxRateId },
        );
      }
      entry.components = rate.components.map((c) => ({
        id: c.id,
        percent: c.percent,
        tax: taxAtPercent(line.amount, c.percent),
        net: line.amount,
      }));
      entry.tax = entry.components.reduce((s, c) => s + c.tax, 0);
      const sum = computed.get(key);
      if (sum) sum.tax += entry.tax;
      else computed.set(key, { tax: entry.tax, first: entry });
    }
    out.push(entry);
  }
  const residues: LedgerTaxedLine[] = [];
  for (const [key, byAccount] of taxLines) {
    const explicit = [...byAccount.values()];
    const ledgerTax = computed.get(key)?.tax ?? 0;
    const shares = allocate(
      ledgerTax,
      explicit.map((l) => l.amount),
    );
    explicit.forEach((l, i) => {
      const rest = l.amount - shares[i]!;
      if (rest !== 0) residues.push({ line: { ...l, amount: rest }, tax: 0, components: [] });
    });
  }
  for (const [key, { tax, first }] of computed) {
    if (taxLines.has(key) || tax === 0) continue;
    // The ledger charges tax where the commerce data has none at this rate. A cent or so is the
    // ledger rounding tiny amounts; keep it out of the books on the sales account itself.
    const count = out.filter((e) => keyOf(e.line) === key && e.tax !== 0).length;
    if (Math.abs(tax) > count) {
      throw new ConnectorError(
        'configuration_invalid',
        `${platform} tax rate ${first.line.taxRateId} charges tax on "${first.line.description}" but the commerce data has no tax at that rate`,
        {
          platform,
          detail: `sales at ${first.line.taxRateKey ?? '?'}% are mapped to a ${platform} tax rate that charges tax; map them to a rate that matches, then sync again.`,
        },
      );
    }
    residues.push({
      line: {
        ...first.line,
        amount: -tax,
        taxRateId: null,
        role: 'rounding',
        description: `${first.line.description}: ledger tax rounding`,
      },
      tax: 0,
      components: [],
    });
  }
  const all = [...out, ...residues];
  return { lines: all, totalTax: all.reduce((s, e) => s + e.tax, 0) };
}
