import type { JournalLine } from '../../src/contract/documents.js';
import { ConnectorError } from '../../src/platforms/connector.js';
import { planJournalTax } from '../../src/platforms/journal-tax.js';
import type { LedgerRate } from '../../src/platforms/journal-tax.js';

// Ledger rates: S20 = 20 %, Z = 0 %, GSTPST = 5 % + 7 % (two components rounded per line).
const RATES: Record<string, LedgerRate> = {
  S20: { components: [{ id: 'r20', percent: 20 }] },
  Z: { components: [{ id: 'r0', percent: 0 }] },
  GSTPST: {
    components: [
      { id: 'gst', percent: 5 },
      { id: 'pst', percent: 7 },
    ],
  },
};
const plan = (lines: JournalLine[]) => planJournalTax(lines, (id) => RATES[id], 'Ledger');
const sent = (lines: JournalLine[]) =>
  plan(lines).lines.map((e) => [e.line.accountId, e.line.amount, e.line.taxRateId ?? null, e.tax]);
const balance = (lines: JournalLine[]) => {
  const p = plan(lines);
  return p.lines.reduce((a, e) => a + e.line.amount, 0) + p.totalTax;
};

describe('planJournalTax', () => {
  it('keeps component tax on each component’s account when the sales line is zero-rated', () => {
    const lines: JournalLine[] = [
      { accountId: 'cash', amount: 1120, description: 'Cash', role: 'payment' },
      {
        accountId: 'sales',
        amount: -1000,
        description: 'Sales 12%',
        role: 'sales',
        taxRateId: 'Z',
        taxRateKey: '12',
      },
      {
        accountId: 'gst',
        amount: -50,
        description: 'GST',
        role: 'tax',
        taxRateId: 'G',
        taxRateKey: '12',
      },
      {
        accountId: 'pst',
        amount: -70,
        description: 'PST',
        role: 'tax',
        taxRateId: 'P',
        taxRateKey: '12',
      },
    ];
    expect(sent(lines)).toEqual([
      ['cash', 1120, null, 0],
      ['sales', -1000, 'Z', 0],
      ['gst', -50, null, 0],
      ['pst', -70, null, 0],
    ]);
    expect(balance(lines)).toBe(0);
  });

  it('sends no tax line when a combined code computes the components’ tax exactly', () => {
    const lines: JournalLine[] = [
      { accountId: 'cash', amount: 1120, description: 'Cash', role: 'payment' },
      {
        accountId: 'sales',
        amount: -1000,
        description: 'Sales 12%',
        role: 'sales',
        taxRateId: 'GSTPST',
        taxRateKey: '12',
      },
      {
        accountId: 'gst',
        amount: -50,
        description: 'GST',
        role: 'tax',
        taxRateId: 'G',
        taxRateKey: '12',
      },
      {
        accountId: 'pst',
        amount: -70,
        description: 'PST',
        role: 'tax',
        taxRateId: 'P',
        taxRateKey: '12',
      },
    ];
    // 1,000 × 5 % = 50 and 1,000 × 7 % = 70: the ledger posts 120 itself.
    expect(sent(lines)).toEqual([
      ['cash', 1120, null, 0],
      ['sales', -1000, 'GSTPST', -120],
    ]);
    expect(balance(lines)).toBe(0);
  });

  it('keeps a cent the ledger charges on a tiny untaxed sale out of the books, and refuses a real mismatch', () => {
    const tiny: JournalLine[] = [
      { accountId: 'cash', amount: 3, description: 'Cash', role: 'payment' },
      {
        accountId: 'sales',
        amount: -3,
        description: 'Sales 20%',
        role: 'sales',
        taxRateId: 'S20',
        taxRateKey: '20',
      },
    ];
    // 0.03 × 20 % = 0.006 → 0.01 charged by the ledger, none by the till: +0.01 back on sales.
    expect(sent(tiny)).toEqual([
      ['cash', 3, null, 0],
      ['sales', -3, 'S20', -1],
      ['sales', 1, null, 0],
    ]);
    expect(balance(tiny)).toBe(0);
    const wrong: JournalLine[] = [
      { accountId: 'cash', amount: 1000, description: 'Cash', role: 'payment' },
      {
        accountId: 'sales',
        amount: -1000,
        description: 'Sales 0%',
        role: 'sales',
        taxRateId: 'S20',
        taxRateKey: '0',
      },
    ];
    expect(() => plan(wrong)).toThrow(ConnectorError);
    expect(() => plan(wrong)).toThrow(/no tax at that rate/);
  });

  it('refuses a tax rate the ledger does not have', () => {
    const lines: JournalLine[] = [
      { accountId: 'cash', amount: 1200, description: 'Cash', role: 'payment' },
      {
        accountId: 'sales',
        amount: -1000,
        description: 'Sales 20%',
        role: 'sales',
        taxRateId: 'GONE',
        taxRateKey: '20',
      },
      {
        accountId: 'vat',
        amount: -200,
        description: 'VAT',
        role: 'tax',
        taxRateId: 'GONE',
        taxRateKey: '20',
      },
    ];
    const error = (() => {
      try {
        plan(lines);
      } catch (e) {
        return e as ConnectorError;
      }
      return null;
    })();
    expect(error?.code).toBe('tax_rate_missing');
  });
});
