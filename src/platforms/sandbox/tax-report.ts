import { fromMinor } from '../../contract/money.js';
import type { SandboxStore } from './store.js';

/**
 * The sandbox ledger's tax report: per currency and tax rate, the net amount and the tax of a
 * period, the way Xero's and QuickBooks' VAT/GST returns compute them — only from lines that
 * carry a tax rate. Sales (output tax): invoice lines plus, in journals, every line coded with
 * the rate (tax roles give the tax, the others the net; credits count positive), minus credit
 * notes. Purchases (input tax): bills minus bill credit notes. Drafts are not in it (they post
 * nothing); neither are payments, transfers and spend/receive money, whose lines carry no tax in
 * what commerce-sync writes. Amounts are minor units.
 */

/** Net and tax of one side of the return. */
export interface TaxReportAmounts {
  net: number;
  tax: number;
  netDecimal: string;
  taxDecimal: string;
}

export interface TaxReportRate {
  taxRateId: string;
  name: string;
  /** Effective rate as a percentage. */
  rate: number;
  sales: TaxReportAmounts;
  purchases: TaxReportAmounts;
}

export interface TaxReportSection {
  currency: string;
  rates: TaxReportRate[];
  /** Output tax minus input tax: what the return says is payable (negative: reclaimable). */
  taxPayable: number;
  taxPayableDecimal: string;
}

export interface SandboxTaxReport {
  ledgerId: string;
  /** First and last merchant-local date of the period, inclusive. */
  from: string;
  to: string;
  sections: TaxReportSection[];
}

const TAX_ROLES = new Set(['tax', 'refundTax']);

interface StoredLine {
  role?: string;
  taxRateId?: string | null;
  amount?: number;
  netAmount?: number;
  taxAmount?: number;
}

/** Computes the tax report of documents dated `from`..`to` (inclusive). */
export function taxReport(
  store: SandboxStore,
  ledgerId: string,
  from: string,
  to: string,
): SandboxTaxReport {
  const rates = new Map(store.taxRates(ledgerId).map((r) => [r.id, r]));
  const rows = store
    .prepare(
      `SELECT kind, currency, lines_json, amount_due FROM documents
        WHERE ledger_id = ? AND date >= ? AND date <= ? ORDER BY seq`,
    )
    .all(ledgerId, from, to) as Array<{
    kind: string;
    currency: string;
    lines_json: string;
    amount_due: number | null;
  }>;
  // currency → rate id → [salesNet, salesTax, purchasesNet, purchasesTax]
  const sums = new Map<string, Map<string, [number, number, number, number]>>();
  const add = (currency: string, rateId: string, index: 0 | 1 | 2 | 3, amount: number) => {
    if (amount === 0) return;
    const byRate = sums.get(currency) ?? new Map<string, [number, number, number, number]>();
    sums.set(currency, byRate);
    const row = byRate.get(rateId) ?? [0, 0, 0, 0];
    byRate.set(rateId, row);
    row[index] += amount;
  };
  for (const doc of rows) {
    const lines = JSON.parse(doc.lines_json) as StoredLine[];
    const documentSide = side(doc.kind, doc.amount_due);
    if (!documentSide) continue;
    const [sign, purchases] = documentSide;
    const base = purchases ? 2 : 0;
    for (const line of lines) {
      if (!line.taxRateId) continue;
      if (doc.kind === 'journal') {
        const amount = -(line.amount ?? 0);
        add(doc.currency, line.taxRateId, TAX_ROLES.has(line.role ?? '') ? 1 : 0, amount);
      } else {
        add(doc.currency, line.taxRateId, base as 0 | 2, sign * (line.netAmount ?? 0));
        add(doc.currency, line.taxRateId, (base + 1) as 1 | 3, sign * (line.taxAmount ?? 0));
      }
    }
  }
  const amounts = (net: number, tax: number, currency: string): TaxReportAmounts => ({
    net,
    tax,
    netDecimal: fromMinor(net, currency),
    taxDecimal: fromMinor(tax, currency),
  });
  const sections = [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, byRate]): TaxReportSection => {
      const list = [...byRate]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([taxRateId, [sn, st, pn, pt]]) => {
          const rate = rates.get(taxRateId);
          return {
            taxRateId,
            name: rate?.name ?? taxRateId,
            rate: rate?.effectiveRate ?? 0,
            sales: amounts(sn, st, currency),
            purchases: amounts(pn, pt, currency),
          };
        });
      const payable = list.reduce((a, r) => a + r.sales.tax - r.purchases.tax, 0);
      return {
        currency,
        rates: list,
        taxPayable: payable,
        taxPayableDecimal: fromMinor(payable, currency),
      };
    });
  return { ledgerId, from, to, sections };
}

/** How a document counts: sign and whether it is a purchase; null when it is not in the return. */
function side(kind: string, amountDue: number | null): [1 | -1, boolean] | null {
  switch (kind) {
    case 'journal':
      return [1, false];
    case 'invoice':
      return amountDue === null ? null : [1, false];
    case 'creditNote':
      return amountDue === null ? null : [-1, false];
    case 'bill':
      return amountDue === null ? null : [1, true];
    case 'billCreditNote':
      return amountDue === null ? null : [-1, true];
    default:
      return null;
  }
}
