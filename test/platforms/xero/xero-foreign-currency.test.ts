import { setupServer } from 'msw/node';
import { aggregate } from '../../../src/aggregation/index.js';
import type { AccountingDocument, JournalDocument } from '../../../src/contract/documents.js';
import { toMinor } from '../../../src/contract/money.js';
import type { ConnectorContext } from '../../../src/platforms/connector.js';
import { createXeroConnector, XERO_DAY_CONTACT_NAME } from '../../../src/platforms/xero/index.js';
import { ids, ukTenant, XERO_CLIENT, XeroMock } from '../../mocks/xero/xero-mock.js';
import type { XeroTenant } from '../../mocks/xero/xero-mock.js';
import {
  buildConfiguration,
  buildOrder,
  buildPayment,
  buildTransaction,
  SANDBOX_ACCOUNTS as A,
  SANDBOX_TAX_RATES as R,
} from '../../fixtures/index.js';

/**
 * Issue 11 item 10: a EUR day of a GBP organisation in journal mode. Xero manual journals are
 * base-currency only, so the day is written as an ACCREC invoice in EUR plus its payments,
 * which Xero converts at its own day rate. Every expected figure is worked by hand from the
 * records below, never read from the mapper.
 */

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let mock: XeroMock;
let tenant: XeroTenant;

beforeEach(() => {
  mock = new XeroMock({ now: () => Date.parse('2026-03-11T03:00:00Z'), enforceLimits: false });
  tenant = mock.addTenant(ukTenant());
  server.resetHandlers(...mock.handlers());
});

function context(): ConnectorContext {
  const issued = mock.issueTokens(tenant.tenantId);
  return { tokens: { ...issued, tenantId: tenant.tenantId }, saveTokens: async () => {} };
}

const xero = () => createXeroConnector({ ...XERO_CLIENT, sleep: async () => {} });

/** The fixture configuration's ledger ids, as the same accounts in the mock organisation. */
const XERO_ID: Record<string, string> = {
  [A.sales.id]: ids.sales,
  [A.taxPayable.id]: ids.vat,
  [A.gratuities.id]: ids.gratuity,
  [A.cardClearing.id]: ids.cardClearing,
  [A.cashClearing.id]: ids.cashClearing,
  [A.merchantFees.id]: ids.fees,
  [R.uk['20']]: 'OUTPUT2',
  [R.uk['5']]: 'RROUTPUT',
  [R.uk['0']]: 'NONE',
};

function inXero(document: AccountingDocument): AccountingDocument {
  return JSON.parse(JSON.stringify(document), (_key, value: unknown) =>
    typeof value === 'string' && value in XERO_ID ? XERO_ID[value] : value,
  ) as AccountingDocument;
}

const at = '2026-03-10T12:00:00Z';

/*
 * The day, in EUR, by hand:
 *   order A: 20.00 net at 20 % + 4.00 VAT, tip 1.50 → card 25.50; card fee 0.60.
 *   orders B1–B3: 1.10 net at 5 % each, VAT 0.055 → 0.06 each (0.18), cash 1.16 each (3.48).
 * Sales 20 % 20.00 Cr, sales 5 % 3.30 Cr, VAT 4.00 + 0.18 = 4.18 Cr, gratuity 1.50 Cr,
 * card 25.50 − 0.60 = 24.90 Dr, fees 0.60 Dr, cash 3.48 Dr (debits 28.98 = credits 28.98).
 * Xero's per-line tax: 20.00 × 20 % = 4.00; 3.30 × 5 % = 0.165 → 0.17, one cent short of the
 * 0.18 charged, so the 5 % line carries TaxAmount 0.18.
 * Invoice total 20.00 + 4.00 + 3.30 + 0.18 + 1.50 − 0.60 = 28.38 = card 24.90 + cash 3.48.
 */
function eurDay(): JournalDocument {
  const reduced = () =>
    buildOrder({
      currency: 'EUR',
      createdDate: at,
      totalAmount: 1.16,
      totalTaxAmount: 0.06,
      orderLineItems: [
        { quantity: 1, unitPrice: 1.1, taxPercentage: 5, totalAmount: 1.16, totalTaxAmount: 0.06 },
      ],
    });
  const result = aggregate({
    companyId: 'co-london',
    configuration: buildConfiguration(),
    period: { start: '2026-03-10', end: '2026-03-11' },
    records: {
      orders: [
        buildOrder({
          id: 'A',
          currency: 'EUR',
          createdDate: at,
          totalAmount: 24,
          totalTaxAmount: 4,
          totalGratuity: 1.5,
          orderLineItems: [
            { quantity: 2, unitPrice: 10, taxPercentage: 20, totalAmount: 24, totalTaxAmount: 4 },
          ],
        }),
        reduced(),
        reduced(),
        reduced(),
      ],
      payments: [
        buildPayment({ currency: 'EUR', amount: 25.5, type: 'Card', createdDate: at }),
        ...[1, 2, 3].map(() =>
          buildPayment({ currency: 'EUR', amount: 1.16, type: 'Cash', createdDate: at }),
        ),
      ],
      transactions: [buildTransaction({ currency: 'EUR', totalAmount: -0.6, createdDate: at })],
    },
  });
  expect(result.problems).toEqual([]);
  const journals = result.documents.filter((d) => d.kind === 'journal');
  expect(journals).toHaveLength(1);
  const day = inXero(journals[0]!) as JournalDocument;
  expect(day.currency).toBe('EUR');
  return day;
}

/** What the EUR documents put on each account, debit positive, in minor units of EUR. */
function eurBalances(): Record<string, number> {
  const balances: Record<string, number> = {};
  const add = (account: string, amount: number) => {
    balances[account] = (balances[account] ?? 0) + amount;
  };
  const m = (n: unknown) => toMinor(n as number, 'EUR');
  for (const invoice of tenant.documents.Invoices ?? []) {
    expect(invoice.CurrencyCode).toBe('EUR');
    let total = 0;
    for (const line of invoice.LineItems as Array<Record<string, unknown>>) {
      add(line.AccountID as string, -m(line.LineAmount));
      add(`tax:${String(line.TaxType)}`, -m(line.TaxAmount ?? 0));
      total += m(line.LineAmount) + m(line.TaxAmount ?? 0);
    }
    add('receivable', total);
  }
  for (const payment of tenant.documents.Payments ?? []) {
    add((payment.Account as { AccountID: string }).AccountID, m(payment.Amount));
    add('receivable', -m(payment.Amount));
  }
  return Object.fromEntries(Object.entries(balances).filter(([, v]) => v !== 0));
}

describe('Xero: a foreign-currency day in journal mode', () => {
  it('posts a EUR day of a GBP organisation as an invoice and payments in EUR, to the cent', async () => {
    const day = eurDay();
    const result = await xero().writeDocument(context(), day, {
      idempotencyKey: day.reference,
      related: {},
    });
    expect(tenant.documents.ManualJournals).toBeUndefined();
    const [invoice] = tenant.documents.Invoices ?? [];
    expect(result.platformId).toBe(invoice!.InvoiceID);
    expect(invoice).toMatchObject({ Type: 'ACCREC', CurrencyCode: 'EUR', Status: 'AUTHORISED' });
    expect(invoice!.CurrencyRate).toBeUndefined();
    expect(String(invoice!.Reference)).toContain("EUR at Xero's day rate");
    const contact = tenant.contacts.find((c) => c.Name === XERO_DAY_CONTACT_NAME);
    expect((invoice!.Contact as { ContactID: string }).ContactID).toBe(contact!.ContactID);
    // Per account, in EUR: exactly the hand sums above; the receivable is left at zero.
    expect(eurBalances()).toEqual({
      [ids.sales]: -(2000 + 330),
      'tax:OUTPUT2': -400,
      'tax:RROUTPUT': -18,
      [ids.gratuity]: -150,
      [ids.fees]: 60,
      [ids.cardClearing]: 2490,
      [ids.cashClearing]: 348,
    });
    const payments = (tenant.documents.Payments ?? []).map((p) => [
      (p.Account as { AccountID: string }).AccountID,
      p.Amount,
    ]);
    expect(payments).toEqual(
      expect.arrayContaining([
        [ids.cardClearing, 24.9],
        [ids.cashClearing, 3.48],
      ]),
    );
    expect(payments).toHaveLength(2);
  });

  it('is retry-safe: the same reference writes nothing new, and a half-written day completes', async () => {
    const day = eurDay();
    const write = () =>
      xero().writeDocument(context(), day, { idempotencyKey: day.reference, related: {} });
    // The cash payment is refused (its account archived meanwhile): invoice and card are written.
    const cash = tenant.accounts.find((a) => a.AccountID === ids.cashClearing)!;
    cash.Status = 'ARCHIVED';
    await expect(write()).rejects.toMatchObject({ code: 'account_archived' });
    expect(tenant.documents.Invoices).toHaveLength(1);
    expect(tenant.documents.Payments).toHaveLength(1);
    cash.Status = 'ACTIVE';
    // The rerun (a fresh connector, as a new run would be) completes the day without a copy.
    const first = await write();
    const again = await write();
    expect(again.platformId).toBe(first.platformId);
    expect(first.platformId).toBe(tenant.documents.Invoices![0]!.InvoiceID);
    expect(tenant.documents.Invoices).toHaveLength(1);
    expect(tenant.documents.Payments).toHaveLength(2);
    expect(tenant.contacts.filter((c) => c.Name === XERO_DAY_CONTACT_NAME)).toHaveLength(1);
    expect(eurBalances()[ids.cashClearing]).toBe(348);
  });

  it('refuses a currency the organisation has not enabled, with the currency named', async () => {
    const day = { ...eurDay(), currency: 'USD', group: { currency: 'USD' } };
    const error = await xero()
      .writeDocument(context(), day, { idempotencyKey: day.reference, related: {} })
      .then(
        () => null,
        (e: unknown) => e as { code: string },
      );
    expect(error?.code).toBe('currency_mismatch');
    expect(tenant.documents.Invoices).toBeUndefined();
  });

  it('the mock refuses what Xero refuses on invoices: bank accounts on lines, negative totals', async () => {
    const put = (lines: Array<Record<string, unknown>>) =>
      fetch('https://api.xero.com/api.xro/2.0/Invoices', {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${mock.issueTokens(tenant.tenantId).accessToken}`,
          'xero-tenant-id': tenant.tenantId,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          Invoices: [
            {
              Type: 'ACCREC',
              Contact: { ContactID: ids.customer },
              Date: '2026-03-10',
              DueDate: '2026-03-10',
              CurrencyCode: 'EUR',
              LineAmountTypes: 'Exclusive',
              Status: 'AUTHORISED',
              LineItems: lines,
            },
          ],
        }),
      }).then(async (r) => ({ status: r.status, text: JSON.stringify(await r.json()) }));
    const onBank = await put([
      { Description: 'x', Quantity: 1, UnitAmount: 5, LineAmount: 5, AccountID: ids.bank, TaxType: 'NONE' },
    ]);
    expect(onBank.status).toBe(400);
    expect(onBank.text).toContain('is a bank account and cannot be used on a line item');
    const negative = await put([
      { Description: 'x', Quantity: 1, UnitAmount: -5, LineAmount: -5, AccountID: ids.sales, TaxType: 'NONE' },
    ]);
    expect(negative.status).toBe(400);
    expect(negative.text).toContain('cannot be negative');
  });
});

describe('Xero: foreign-currency payouts (issue 11, bug 1)', () => {
  // A GBP organisation with a EUR bank account. Card clearing (a CURRENT asset) → EUR bank.
  const EUR_BANK = '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6eb1';
  beforeEach(() => {
    tenant.accounts.push({ AccountID: EUR_BANK, Code: '095', Name: 'Euro account', Type: 'BANK', Class: 'ASSET', Status: 'ACTIVE', CurrencyCode: 'EUR' });
  });
  const payout = (over: Partial<{ fromAccountId: string; toAccountId: string; amount: number; currency: string }> = {}): AccountingDocument => {
    const currency = over.currency ?? 'EUR';
    const group = { currency, locationId: null, country: null };
    return {
      kind: 'transfer',
      reference: `co-1:2026-03-10:${currency}||:payout:card:po-1:r0`,
      companyId: 'co-1',
      date: '2026-03-10',
      currency,
      group,
      revision: 0,
      adjusts: null,
      appliesTo: null,
      memo: 'Card payout po-1',
      fromAccountId: over.fromAccountId ?? ids.cardClearing,
      toAccountId: over.toAccountId ?? EUR_BANK,
      amount: over.amount ?? 4158,
    };
  };
  const write = (doc: AccountingDocument) => xero().writeDocument(context(), doc, { idempotencyKey: doc.reference, related: {} });

  it('a 41.58 EUR payout is receive money of 41.58 EUR on the EUR bank account, coded to card clearing; no manual journal', async () => {
    const result = await write(payout());
    expect(mock.rejectedBodies).toEqual([]);
    expect(tenant.documents.ManualJournals).toBeUndefined();
    const [bt] = tenant.documents.BankTransactions ?? [];
    expect(result.platformId).toBe(bt!.BankTransactionID);
    expect(bt).toMatchObject({ Type: 'RECEIVE', CurrencyCode: 'EUR', BankAccount: { AccountID: EUR_BANK }, Status: 'AUTHORISED' });
    expect(bt!.LineItems).toEqual([expect.objectContaining({ AccountID: ids.cardClearing, LineAmount: 41.58, TaxType: 'NONE' })]);
    const contact = tenant.contacts.find((c) => c.Name === XERO_DAY_CONTACT_NAME);
    expect((bt!.Contact as { ContactID: string }).ContactID).toBe(contact!.ContactID);
  });

  it('a failed EUR payout is spend money from the EUR bank account back to card clearing', async () => {
    await write(payout({ fromAccountId: EUR_BANK, toAccountId: ids.cardClearing, amount: 2000 }));
    const [bt] = tenant.documents.BankTransactions ?? [];
    expect(bt).toMatchObject({ Type: 'SPEND', CurrencyCode: 'EUR', BankAccount: { AccountID: EUR_BANK } });
    expect(bt!.LineItems).toEqual([expect.objectContaining({ AccountID: ids.cardClearing, LineAmount: 20 })]);
  });

  it('EUR between two bank accounts is a bank transfer', async () => {
    await write(payout({ fromAccountId: EUR_BANK, toAccountId: ids.bank, amount: 1000 }));
    expect(tenant.documents.BankTransfers).toEqual([expect.objectContaining({ Amount: 10, FromBankAccount: { AccountID: EUR_BANK } })]);
    expect(tenant.documents.ManualJournals).toBeUndefined();
  });

  it('a EUR payout mapped to the GBP bank account is refused with what to map, and nothing is written', async () => {
    await expect(write(payout({ toAccountId: ids.bank }))).rejects.toMatchObject({ code: 'configuration_invalid' });
    expect(tenant.documents.BankTransactions).toBeUndefined();
    expect(tenant.documents.ManualJournals).toBeUndefined();
  });

  it('the mock refuses what Xero refuses: receive money in EUR on a GBP bank account', async () => {
    const issued = mock.issueTokens(tenant.tenantId);
    const response = await fetch('https://api.xero.com/api.xro/2.0/BankTransactions', {
      method: 'PUT',
      headers: { authorization: `Bearer ${issued.accessToken}`, 'xero-tenant-id': tenant.tenantId, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ BankTransactions: [{ Type: 'RECEIVE', Contact: { ContactID: ids.customer }, BankAccount: { AccountID: ids.bank }, CurrencyCode: 'EUR', LineAmountTypes: 'NoTax', LineItems: [{ Description: 'x', Quantity: 1, UnitAmount: 1, AccountID: ids.cardClearing }] }] }),
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('must match the currency of the bank account');
  });

  it('a GBP payout is still the base-currency clearing journal', async () => {
    await write(payout({ currency: 'GBP', toAccountId: ids.bank }));
    expect(tenant.documents.ManualJournals).toHaveLength(1);
    expect(tenant.documents.BankTransactions).toBeUndefined();
  });
});
