import { describe, expect, it } from 'vitest';
import type { AccountOption, Option } from '../../src/contract/configuration.js';
import { suggestAccount, suggestTaxComponent, suggestTaxRate } from '../../src/contract/mapping-suggestions.js';
import type { SuggestionRow } from '../../src/contract/mapping-suggestions.js';

const acct = (id: string, nominalCode: string | null, name: string, classification: string, type: string | null = null): AccountOption => ({ id, nominalCode, name, classification, type });

// The sandbox's UK chart (src/platforms/sandbox/templates.ts), written out by hand.
const sandboxUk = [
  acct('s090', '090', 'Business bank account', 'Asset', 'BANK'),
  acct('s091', '091', 'Card clearing', 'Asset', 'BANK'),
  acct('s092', '092', 'Cash clearing', 'Asset', 'BANK'),
  acct('s093', '093', 'PayPal clearing', 'Asset', 'BANK'),
  acct('s094', '094', 'Undeposited funds', 'Asset', 'CURRENT'),
  acct('s610', '610', 'Accounts receivable', 'Asset', 'CURRENT'),
  acct('s630', '630', 'Inventory', 'Asset', 'INVENTORY'),
  acct('s620', '620', 'Prepayments', 'Asset', 'CURRENT'),
  acct('s800', '800', 'Accounts payable', 'Liability', 'CURRLIAB'),
  acct('s820', '820', 'VAT payable', 'Liability', 'CURRLIAB'),
  acct('s830', '830', 'Gift card liability', 'Liability', 'CURRLIAB'),
  acct('s835', '835', 'Tips payable', 'Liability', 'CURRLIAB'),
  acct('s200', '200', 'Sales', 'Income', 'REVENUE'),
  acct('s210', '210', 'Shipping income', 'Income', 'REVENUE'),
  acct('s220', '220', 'Gratuities', 'Income', 'REVENUE'),
  acct('s310', '310', 'Cost of goods sold', 'Expense', 'DIRECTCOSTS'),
  acct('s404', '404', 'Merchant fees', 'Expense', 'EXPENSE'),
  acct('s405', '405', 'Rounding', 'Expense', 'EXPENSE'),
  acct('s429', '429', 'General expenses', 'Expense', 'EXPENSE'),
  acct('s970', '970', "Owner's funds introduced", 'Equity', 'EQUITY'),
];

// The Xero organisation the Xero mock serves (test/mocks/xero), as Xero names and codes it.
const xero = [
  acct('x200', '200', 'Sales', 'Income', 'REVENUE'),
  acct('x820', '820', 'VAT', 'Liability', 'CURRLIAB'),
  acct('x210', '210', 'Gratuities', 'Liability', 'CURRLIAB'),
  acct('x610', '610', 'Card clearing', 'Asset', 'CURRENT'),
  acct('x611', '611', 'Cash in till', 'Asset', 'CURRENT'),
  acct('x090', '090', 'Business Current Account', 'Asset', 'BANK'),
  acct('x091', '091', 'Savings', 'Asset', 'BANK'),
  acct('x404', '404', 'Bank and card fees', 'Expense', 'EXPENSE'),
];

// The QuickBooks company the QuickBooks mock serves (test/mocks/quickbooks): no codes.
const qbo = [
  acct('q1', null, 'Sales', 'Income', 'Income'),
  acct('q2', null, 'VAT Control', 'Liability', 'Other Current Liability'),
  acct('q3', null, 'Gratuities', 'Liability', 'Other Current Liability'),
  acct('q4', null, 'Card clearing', 'Asset', 'Other Current Asset'),
  acct('q5', null, 'Cash in till', 'Asset', 'Other Current Asset'),
  acct('q6', null, 'Current account', 'Asset', 'Bank'),
  acct('q7', null, 'Savings', 'Asset', 'Bank'),
  acct('q8', null, 'Card fees', 'Expense', 'Expense'),
  acct('q9', null, 'Debtors', 'Asset', 'Accounts Receivable'),
  acct('q10', null, 'Creditors', 'Liability', 'Accounts Payable'),
];

// A QuickBooks US default chart: the names QuickBooks creates for a new company.
const qboDefaults = [
  acct('d1', null, 'Sales of Product Income', 'Income', 'Income'),
  acct('d2', null, 'Services', 'Income', 'Income'),
  acct('d3', null, 'Undeposited Funds', 'Asset', 'Other Current Asset'),
  acct('d4', null, 'Checking', 'Asset', 'Bank'),
  acct('d5', null, 'Bank Charges', 'Expense', 'Expense'),
  acct('d6', null, 'Sales Tax Payable', 'Liability', 'Other Current Liability'),
];

const row = (section: SuggestionRow['section'], key: string): SuggestionRow => ({ section, key });

describe('suggested accounts', () => {
  it.each([
    // [row, chart, platform, expected id or null]
    ['sales', 'sales', sandboxUk, 'sandbox', 's200'],
    ['sales', 'tax', sandboxUk, 'sandbox', 's820'],
    ['sales', 'gratuity', sandboxUk, 'sandbox', 's220'],
    ['sales', 'prepaid', sandboxUk, 'sandbox', 's830'],
    ['sales', 'shipping', sandboxUk, 'sandbox', 's210'],
    ['sales', 'rounding', sandboxUk, 'sandbox', 's405'],
    ['sales', 'refund', sandboxUk, 'sandbox', null],
    ['payments', 'card', sandboxUk, 'sandbox', 's091'],
    ['payments', 'cash', sandboxUk, 'sandbox', 's092'],
    ['payments', 'paypal', sandboxUk, 'sandbox', 's093'],
    ['payments', 'invoice', sandboxUk, 'sandbox', 's610'],
    ['payments', 'payout', sandboxUk, 'sandbox', 's090'],
    ['payments', 'swish', sandboxUk, 'sandbox', null],
    ['payments', 'prepaidPayment', sandboxUk, 'sandbox', null],
    ['payments', 'custom', sandboxUk, 'sandbox', null],
    ['fees', 'paymentFee', sandboxUk, 'sandbox', 's404'],
    ['fees', 'paymentFeeRefund', sandboxUk, 'sandbox', 's404'],
    ['sales', 'sales', xero, 'xero', 'x200'],
    ['sales', 'tax', xero, 'xero', 'x820'],
    ['sales', 'gratuity', xero, 'xero', 'x210'],
    ['payments', 'card', xero, 'xero', 'x610'],
    ['payments', 'cash', xero, 'xero', 'x611'],
    ['payments', 'payout', xero, 'xero', 'x090'],
    ['fees', 'paymentFee', xero, 'xero', 'x404'],
    ['sales', 'rounding', xero, 'xero', null],
    ['sales', 'sales', qbo, 'quickbooks-online', 'q1'],
    ['sales', 'tax', qbo, 'quickbooks-online', 'q2'],
    ['payments', 'card', qbo, 'quickbooks-online', 'q4'],
    ['payments', 'cash', qbo, 'quickbooks-online', 'q5'],
    ['payments', 'payout', qbo, 'quickbooks-online', 'q6'],
    ['payments', 'invoice', qbo, 'quickbooks-online', 'q9'],
    ['fees', 'paymentFee', qbo, 'quickbooks-online', 'q8'],
    ['sales', 'sales', qboDefaults, 'quickbooks-online', 'd1'],
    ['sales', 'tax', qboDefaults, 'quickbooks-online', 'd6'],
    ['payments', 'card', qboDefaults, 'quickbooks-online', 'd3'],
    ['payments', 'cash', qboDefaults, 'quickbooks-online', 'd3'],
    ['payments', 'payout', qboDefaults, 'quickbooks-online', 'd4'],
    ['fees', 'paymentFee', qboDefaults, 'quickbooks-online', 'd5'],
  ] as const)('%s.%s on %#', (section, key, chart, platform, expected) => {
    expect(suggestAccount(row(section, key), chart, platform)?.id ?? null).toBe(expected);
  });

  it('uses the platform default code: Xero 200/820/090/404 even under other names', () => {
    const renamed = [
      acct('a', '200', 'Turnover', 'Income', 'REVENUE'),
      acct('b', '260', 'Other revenue', 'Income', 'REVENUE'),
      acct('c', '090', 'Main account', 'Asset', 'BANK'),
      acct('d', '091', 'Reserve', 'Asset', 'BANK'),
      acct('e', '820', 'Output tax', 'Liability', 'CURRLIAB'),
      acct('f', '404', 'Charges', 'Expense', 'EXPENSE'),
    ];
    expect(suggestAccount(row('sales', 'sales'), renamed, 'xero')?.id).toBe('a');
    expect(suggestAccount(row('payments', 'payout'), renamed, 'xero')?.id).toBe('c');
    expect(suggestAccount(row('sales', 'tax'), renamed, 'xero')?.id).toBe('e');
    expect(suggestAccount(row('fees', 'paymentFee'), renamed, 'xero')?.id).toBe('f');
    // Codes mean nothing on another platform: no name matches, so nothing is proposed.
    expect(suggestAccount(row('sales', 'sales'), renamed, 'quickbooks-online')).toBeNull();
    expect(suggestAccount(row('payments', 'payout'), renamed, 'quickbooks-online')).toBeNull();
  });

  it('proposes a fee refund account when the chart has one, else the fee account', () => {
    const chart = [acct('f', '6100', 'Payment processing fees', 'Expense'), acct('r', '6110', 'Payment fee refunds', 'Expense')];
    expect(suggestAccount(row('fees', 'paymentFee'), chart, 'sandbox')?.id).toBe('f');
    expect(suggestAccount(row('fees', 'paymentFeeRefund'), chart, 'sandbox')?.id).toBe('r');
    expect(suggestAccount(row('fees', 'paymentFeeRefund'), chart.slice(0, 1), 'sandbox')?.id).toBe('f');
  });

  it('never proposes an account of the wrong class, and proposes nothing on a tie', () => {
    // "Sales" as an expense is no sales account.
    expect(suggestAccount(row('sales', 'sales'), [acct('x', null, 'Sales', 'Expense')], null)).toBeNull();
    // Two equally good clearing accounts: a guess would be worse than a blank.
    const twoCards = [acct('a', null, 'Card clearing', 'Asset'), acct('b', null, 'Card clearing', 'Asset')];
    expect(suggestAccount(row('payments', 'card'), twoCards, null)).toBeNull();
    expect(suggestAccount(row('sales', 'sales'), [], 'xero')).toBeNull();
  });

  it('keeps the card and the payout apart, and gift cards sold off the redemption row (configuration rules)', () => {
    for (const chart of [sandboxUk, xero, qbo, qboDefaults]) {
      const card = suggestAccount(row('payments', 'card'), chart, 'sandbox');
      const payout = suggestAccount(row('payments', 'payout'), chart, 'sandbox');
      expect(card?.id).toBeDefined();
      expect(card?.id).not.toBe(payout?.id);
    }
    expect(suggestAccount(row('payments', 'prepaidPayment'), sandboxUk, 'sandbox')).toBeNull();
  });
});

const opt = (id: string, name: string): Option => ({ id, name });

describe('suggested tax rates', () => {
  // Names as the configuration offers them: the server shows each rate once.
  const ukXero = [opt('OUTPUT2', '20% (VAT on Income) (20%)'), opt('INPUT2', '20% (VAT on Expenses) (20%)'), opt('RRINPUT', '5% (VAT on Expenses) (5%)'), opt('RROUTPUT', '5% (VAT on Income) (5%)'), opt('ZERORATEDOUTPUT', 'Zero Rated Income (0%)'), opt('EXEMPTOUTPUT', 'Exempt Income (0%)')];
  const sandboxCa = [opt('tax-ca-gst', 'GST (5%)'), opt('tax-ca-pst', 'PST (BC) (7%)'), opt('tax-ca-zero', 'Zero rated (0%)')];
  const qboCa = [opt('21', 'GST (5%)'), opt('22', 'PST (BC) (7%)'), opt('30', 'GST/PST BC (12%)')];

  it.each([
    ['20', ukXero, 'OUTPUT2'],
    ['5', ukXero, 'RROUTPUT'],
    ['0', ukXero, 'ZERORATEDOUTPUT'],
    ['17.5', ukXero, null],
    ['5', sandboxCa, 'tax-ca-gst'],
    ['7', sandboxCa, 'tax-ca-pst'],
    ['12', qboCa, '30'],
    ['20', [opt('a', '20.0% S (20%)')], 'a'],
    ['20', [opt('a', 'Standard (20%)'), opt('b', 'Standard (20%)')], null],
  ] as const)('rate %s on chart %#', (rate, options, expected) => {
    expect(suggestTaxRate(rate, options)?.id ?? null).toBe(expected);
  });

  it.each([
    ['GST', sandboxCa, 'tax-ca-gst'],
    ['PST', sandboxCa, 'tax-ca-pst'],
    ['GST', qboCa, '21'],
    ['PST', qboCa, '22'],
    ['HST', qboCa, null],
    ['', qboCa, null],
  ] as const)('component %s on chart %#', (component, options, expected) => {
    expect(suggestTaxComponent(component, options)?.id ?? null).toBe(expected);
  });
});
