import { setupServer } from 'msw/node';
import { documentReference } from '../../../src/contract/documents.js';
import type { JournalDocument, JournalLine } from '../../../src/contract/documents.js';
import { ConnectorError } from '../../../src/platforms/connector.js';
import type { ConnectorContext } from '../../../src/platforms/connector.js';
import { createQuickBooksConnector } from '../../../src/platforms/quickbooks/index.js';
import {
  QBO_API,
  qboIds,
  QUICKBOOKS_CLIENT,
  QuickBooksMock,
  ukRealm,
} from '../../mocks/quickbooks/quickbooks-mock.js';
import type { QboRealm } from '../../mocks/quickbooks/quickbooks-mock.js';

/**
 * Journal mode on QuickBooks Online: coded JournalEntry lines (TaxCodeRef, TaxApplicableOn,
 * TaxAmount) and TxnTaxDetail per tax rate, so the tax return includes the day. The realm's codes:
 * 3 = 20 % (rate 7), 14 = GST 5 % (rate 21) + PST 7 % (rate 22). Figures are worked by hand.
 */

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let mock: QuickBooksMock;
let realm: QboRealm;

beforeEach(() => {
  mock = new QuickBooksMock({ now: () => Date.parse('2024-06-01T10:00:00Z') });
  realm = mock.addRealm(ukRealm());
  server.resetHandlers(...mock.handlers());
});

function context(): ConnectorContext {
  const issued = mock.issueTokens();
  return { tokens: { ...issued, tenantId: realm.realmId }, saveTokens: async () => {} };
}

const qbo = () =>
  createQuickBooksConnector({
    ...QUICKBOOKS_CLIENT,
    environment: 'sandbox',
    sleep: async () => {},
  });

function journal(lines: JournalLine[]): JournalDocument {
  const group = { currency: 'GBP' };
  return {
    kind: 'journal',
    reference: documentReference({
      companyId: 'co-1',
      date: '2024-05-31',
      group,
      kind: 'journal',
      revision: 0,
    }),
    companyId: 'co-1',
    date: '2024-05-31',
    currency: 'GBP',
    group,
    revision: 0,
    memo: 'Daily sales summary 2024-05-31 GBP',
    lines,
  };
}

/*
 * By hand:
 *   20 % (code 3): sales 123.45, VAT on the orders 24.70; QuickBooks: 123.45 × 20 % = 24.69.
 *                  refund 10.00 with 2.00 VAT; QuickBooks: 2.00.
 *   12 % (code 14): sales 40.10, GST 2.00 and PST 2.81 on the orders; QuickBooks per rate:
 *                  40.10 × 5 % = 2.005 → 2.01, 40.10 × 7 % = 2.807 → 2.81, 4.82 on the line.
 *   gratuity 5.00; card 123.45 + 24.70 + 40.10 + 2.00 + 2.81 + 5.00 − 10.00 − 2.00 = 186.06.
 *   Left on the VAT account untaxed: 20 %: 24.70 − 2.00 − (24.69 − 2.00) = 0.01 credit;
 *   12 %: 4.81 − 4.82 = 0.01 debit. TxnTaxDetail: rate 7 22.69 on 113.45, rate 21 2.01 and
 *   rate 22 2.81 on 40.10; total 27.51 = VAT charged − refunded (24.70 + 2.00 + 2.81 − 2.00).
 */
const day = journal([
  { accountId: qboIds.cardClearing, amount: 18_606, description: 'Card takings', role: 'payment' },
  {
    accountId: qboIds.sales,
    amount: -12_345,
    description: 'Sales 20%',
    role: 'sales',
    taxRateId: qboIds.salesTax,
    taxRateKey: '20',
  },
  {
    accountId: qboIds.sales,
    amount: -4_010,
    description: 'Sales 12%',
    role: 'sales',
    taxRateId: '14',
    taxRateKey: '12',
  },
  { accountId: qboIds.gratuity, amount: -500, description: 'Gratuities', role: 'gratuity' },
  {
    accountId: qboIds.vat,
    amount: -2_470,
    description: 'Tax 20%',
    role: 'tax',
    taxRateId: qboIds.salesTax,
    taxRateKey: '20',
  },
  {
    accountId: qboIds.vat,
    amount: -200,
    description: 'Tax GST',
    role: 'tax',
    taxRateId: '14',
    taxRateKey: '12',
  },
  {
    accountId: qboIds.vat,
    amount: -281,
    description: 'Tax PST',
    role: 'tax',
    taxRateId: '14',
    taxRateKey: '12',
  },
  {
    accountId: qboIds.sales,
    amount: 1_000,
    description: 'Refunds: Sales 20%',
    role: 'refund',
    taxRateId: qboIds.salesTax,
    taxRateKey: '20',
  },
  {
    accountId: qboIds.vat,
    amount: 200,
    description: 'Refunds: Tax 20%',
    role: 'refundTax',
    taxRateId: qboIds.salesTax,
    taxRateKey: '20',
  },
]);

type Line = {
  Amount: number;
  JournalEntryLineDetail: {
    PostingType: string;
    AccountRef: { value: string };
    TaxCodeRef?: { value: string };
    TaxApplicableOn?: string;
    TaxAmount?: number;
  };
};

describe('QuickBooks journal entries with tax codes', () => {
  it('codes every sales line, itemises the tax per rate and sends no VAT line twice', async () => {
    await qbo().writeDocument(context(), day, { idempotencyKey: day.reference, related: {} });
    expect(mock.rejectedBodies).toEqual([]);
    const [entry] = realm.created.JournalEntry!;
    const lines = (entry!.Line as Line[]).map((l) => {
      const d = l.JournalEntryLineDetail;
      return [
        d.PostingType,
        d.AccountRef.value,
        l.Amount,
        d.TaxCodeRef?.value ?? null,
        d.TaxApplicableOn ?? null,
        d.TaxAmount ?? null,
      ];
    });
    expect(lines).toEqual([
      ['Debit', qboIds.cardClearing, 186.06, null, null, null],
      ['Credit', qboIds.sales, 123.45, qboIds.salesTax, 'Sales', 24.69],
      ['Credit', qboIds.sales, 40.1, '14', 'Sales', 4.82],
      ['Credit', qboIds.gratuity, 5, null, null, null],
      ['Debit', qboIds.sales, 10, qboIds.salesTax, 'Sales', 2],
      ['Credit', qboIds.vat, 0.01, null, null, null],
      ['Debit', qboIds.vat, 0.01, null, null, null],
    ]);
    expect(entry!.TxnTaxDetail).toEqual({
      TotalTax: 27.51,
      TaxLine: [
        {
          Amount: 22.69,
          DetailType: 'TaxLineDetail',
          TaxLineDetail: {
            TaxRateRef: { value: '7' },
            PercentBased: true,
            TaxPercent: 20,
            NetAmountTaxable: 113.45,
          },
        },
        {
          Amount: 2.01,
          DetailType: 'TaxLineDetail',
          TaxLineDetail: {
            TaxRateRef: { value: '21' },
            PercentBased: true,
            TaxPercent: 5,
            NetAmountTaxable: 40.1,
          },
        },
        {
          Amount: 2.81,
          DetailType: 'TaxLineDetail',
          TaxLineDetail: {
            TaxRateRef: { value: '22' },
            PercentBased: true,
            TaxPercent: 7,
            NetAmountTaxable: 40.1,
          },
        },
      ],
    });
  });

  it('refuses a journal whose tax code is inactive before writing it', async () => {
    realm.taxCodes = realm.taxCodes.map((c) => (c.Id === '14' ? { ...c, Active: false } : c));
    const error = await qbo()
      .writeDocument(context(), day, { idempotencyKey: day.reference, related: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('tax_rate_missing');
    expect(realm.created.JournalEntry).toBeUndefined();
  });
});

describe('the QuickBooks mock applies its tax and currency rules to journal entries', () => {
  async function post(body: unknown): Promise<{ status: number; detail: string }> {
    const { accessToken } = mock.issueTokens();
    const response = await fetch(`${QBO_API}/${realm.realmId}/journalentry?minorversion=75`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { Fault?: { Error: Array<{ Detail: string }> } };
    return { status: response.status, detail: json.Fault?.Error[0]?.Detail ?? '' };
  }
  const line = (
    PostingType: string,
    account: string,
    Amount: number,
    tax: Record<string, unknown> = {},
  ) => ({
    Amount,
    DetailType: 'JournalEntryLineDetail',
    JournalEntryLineDetail: { PostingType, AccountRef: { value: account }, ...tax },
  });
  const coded = (TaxAmount: number, code = qboIds.salesTax) => ({
    TaxCodeRef: { value: code },
    TaxApplicableOn: 'Sales',
    TaxAmount,
  });
  const taxDetail = {
    TotalTax: 20,
    TaxLine: [
      { Amount: 20, DetailType: 'TaxLineDetail', TaxLineDetail: { TaxRateRef: { value: '7' } } },
    ],
  };

  it('accepts a coded line whose tax QuickBooks adds to balance the entry', async () => {
    const reply = await post({
      TxnDate: '2024-05-31',
      Line: [line('Debit', qboIds.cardClearing, 120), line('Credit', qboIds.sales, 100, coded(20))],
      TxnTaxDetail: taxDetail,
    });
    expect(reply).toEqual({ status: 200, detail: '' });
  });

  it('refuses explicit VAT beside a coded sales line (the tax would count twice)', async () => {
    const reply = await post({
      TxnDate: '2024-05-31',
      Line: [
        line('Debit', qboIds.cardClearing, 120),
        line('Credit', qboIds.sales, 100, coded(20)),
        line('Credit', qboIds.vat, 20),
      ],
      TxnTaxDetail: taxDetail,
    });
    expect(reply.detail).toBe('Transaction is not balanced: debits must equal credits.');
  });

  it('refuses an unknown tax code, a TaxAmount that is not the code’s tax and a missing TxnTaxDetail', async () => {
    const unknown = await post({
      TxnDate: '2024-05-31',
      Line: [
        line('Debit', qboIds.cardClearing, 120),
        line('Credit', qboIds.sales, 100, coded(20, '999')),
      ],
    });
    expect(unknown.detail).toMatch(/TaxCode 999 does not exist/);
    const wrong = await post({
      TxnDate: '2024-05-31',
      Line: [line('Debit', qboIds.cardClearing, 119), line('Credit', qboIds.sales, 100, coded(19))],
    });
    expect(wrong.detail).toMatch(/TaxAmount 19 .* is not the tax of its tax code \(20\)/);
    const noDetail = await post({
      TxnDate: '2024-05-31',
      Line: [line('Debit', qboIds.cardClearing, 120), line('Credit', qboIds.sales, 100, coded(20))],
    });
    expect(noDetail.detail).toBe('TxnTaxDetail is required when lines carry tax.');
  });

  it('refuses a currency the company has not enabled', async () => {
    const reply = await post({
      TxnDate: '2024-05-31',
      CurrencyRef: { value: 'USD' },
      Line: [line('Debit', qboIds.cardClearing, 10), line('Credit', qboIds.sales, 10)],
    });
    expect(reply.detail).toMatch(/Currency USD is not enabled/);
    expect(realm.created.JournalEntry).toBeUndefined();
  });
});
