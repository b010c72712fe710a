import { setupServer } from 'msw/node';
import { documentReference } from '../../../src/contract/documents.js';
import type { JournalDocument, JournalLine } from '../../../src/contract/documents.js';
import { ConnectorError } from '../../../src/platforms/connector.js';
import type { ConnectorContext } from '../../../src/platforms/connector.js';
import { createXeroConnector } from '../../../src/platforms/xero/index.js';
import { ids, ukTenant, XERO_CLIENT, XeroMock } from '../../mocks/xero/xero-mock.js';
import type { XeroTenant } from '../../mocks/xero/xero-mock.js';

/**
 * Journal mode on Xero: sales lines carry their rate's TaxType, Xero calculates the tax (the
 * ManualJournalLine's TaxAmount is calculated from TaxType and LineAmount), and the VAT return
 * (tax per TaxType over the journal lines) includes the day. Expected figures are worked by hand
 * below from the rates (20 % OUTPUT2, 5 % RROUTPUT), never read from the mapper.
 */

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let mock: XeroMock;
let tenant: XeroTenant;

beforeEach(() => {
  mock = new XeroMock({ now: () => Date.parse('2024-06-01T10:00:00Z'), enforceLimits: false });
  tenant = mock.addTenant(ukTenant());
  server.resetHandlers(...mock.handlers());
});

function context(): ConnectorContext {
  const issued = mock.issueTokens(tenant.tenantId);
  return {
    tokens: { ...issued, tenantId: tenant.tenantId },
    saveTokens: async () => {},
  };
}

const xero = () => createXeroConnector({ ...XERO_CLIENT, sleep: async () => {} });

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
 * The day, by hand:
 *   20 %: sales 123.45 net; VAT charged on the orders 24.70 (per-order roundings), Xero's line
 *         figure 123.45 × 20 % = 24.69. Refund 10.00 net, VAT refunded 2.00 (Xero: 2.00).
 *    5 %: sales 40.10 net; VAT charged 2.00, Xero's figure 40.10 × 5 % = 2.005 → 2.01.
 *   gratuity 5.00 (no VAT); card takings 123.45 + 24.70 + 40.10 + 2.00 + 5.00 − 10.00 − 2.00 = 183.25.
 * VAT charged minus refunded: 24.70 + 2.00 − 2.00 = 24.70. Xero's return: 20 % net 113.45 tax
 * 22.69, 5 % net 40.10 tax 2.01; the 0.01 differences (24.70 − 24.69 − …) stay on the VAT account
 * without tax type, so the VAT account still holds 24.70.
 */
const day = journal([
  { accountId: ids.cardClearing, amount: 18_325, description: 'Card takings', role: 'payment' },
  {
    accountId: ids.sales,
    amount: -12_345,
    description: 'Sales 20%',
    role: 'sales',
    taxRateId: 'OUTPUT2',
    taxRateKey: '20',
  },
  {
    accountId: ids.sales,
    amount: -4_010,
    description: 'Sales 5%',
    role: 'sales',
    taxRateId: 'RROUTPUT',
    taxRateKey: '5',
  },
  { accountId: ids.gratuity, amount: -500, description: 'Gratuities', role: 'gratuity' },
  {
    accountId: ids.vat,
    amount: -2_470,
    description: 'Tax 20%',
    role: 'tax',
    taxRateId: 'OUTPUT2',
    taxRateKey: '20',
  },
  {
    accountId: ids.vat,
    amount: -200,
    description: 'Tax 5%',
    role: 'tax',
    taxRateId: 'RROUTPUT',
    taxRateKey: '5',
  },
  {
    accountId: ids.refunds,
    amount: 1_000,
    description: 'Refunds: Sales 20%',
    role: 'refund',
    taxRateId: 'OUTPUT2',
    taxRateKey: '20',
  },
  {
    accountId: ids.vat,
    amount: 200,
    description: 'Refunds: Tax 20%',
    role: 'refundTax',
    taxRateId: 'OUTPUT2',
    taxRateKey: '20',
  },
]);

type Line = { LineAmount: number; AccountID: string; TaxType: string; TaxAmount: number };

describe('Xero manual journals with tax types', () => {
  it('sends sales at net with their TaxType, no VAT line twice, and Xero’s return equals the VAT charged', async () => {
    await xero().writeDocument(context(), day, { idempotencyKey: day.reference, related: {} });
    expect(mock.rejectedBodies).toEqual([]);
    const [written] = tenant.documents.ManualJournals!;
    expect(written!.LineAmountTypes).toBe('Exclusive');
    const lines = written!.JournalLines as Line[];
    expect(lines.map((l) => [l.AccountID, l.LineAmount, l.TaxType, l.TaxAmount])).toEqual([
      [ids.cardClearing, 183.25, 'NONE', 0],
      [ids.sales, -123.45, 'OUTPUT2', -24.69],
      [ids.sales, -40.1, 'RROUTPUT', -2.01],
      [ids.gratuity, -5, 'NONE', 0],
      [ids.refunds, 10, 'OUTPUT2', 2],
      [ids.vat, -0.01, 'NONE', 0],
      [ids.vat, 0.01, 'NONE', 0],
    ]);
    // Xero's VAT return: net and tax per TaxType over the lines that carry one.
    const cents = (n: number) => Math.round(n * 100);
    const byType = (type: string) =>
      lines
        .filter((l) => l.TaxType === type)
        .reduce((a, l) => ({ net: a.net - cents(l.LineAmount), tax: a.tax - cents(l.TaxAmount) }), {
          net: 0,
          tax: 0,
        });
    expect(byType('OUTPUT2')).toEqual({ net: 11_345, tax: 2_269 });
    expect(byType('RROUTPUT')).toEqual({ net: 4_010, tax: 201 });
    // The VAT account: Xero's calculated tax plus the untaxed differences = VAT charged − refunded.
    const vatAccount =
      lines.reduce((a, l) => a - cents(l.TaxAmount), 0) -
      lines.filter((l) => l.AccountID === ids.vat).reduce((a, l) => a + cents(l.LineAmount), 0);
    expect(vatAccount).toBe(2_470);
  });

  it('refuses a journal whose tax rate is no longer active in Xero before writing it', async () => {
    tenant.taxRates = tenant.taxRates.map((t) =>
      t.TaxType === 'RROUTPUT' ? { ...t, Status: 'DELETED' } : t,
    );
    const error = await xero()
      .writeDocument(context(), day, { idempotencyKey: day.reference, related: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('tax_rate_missing');
    expect(tenant.documents.ManualJournals).toBeUndefined();
  });
});

describe('the Xero mock applies Xero’s rules for manual journal lines and currencies', () => {
  async function put(
    resource: string,
    body: unknown,
  ): Promise<{ status: number; messages: string[] }> {
    const { accessToken } = mock.issueTokens(tenant.tenantId);
    const response = await fetch(`https://api.xero.com/api.xro/2.0/${resource}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'xero-tenant-id': tenant.tenantId,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as {
      Elements?: Array<{ ValidationErrors: Array<{ Message: string }> }>;
    };
    return {
      status: response.status,
      messages: (json.Elements ?? []).flatMap((e) => e.ValidationErrors.map((v) => v.Message)),
    };
  }
  const manualJournal = (LineAmountTypes: string, JournalLines: unknown[]) => ({
    ManualJournals: [
      { Narration: 'Day', Date: '2024-05-31', Status: 'POSTED', LineAmountTypes, JournalLines },
    ],
  });

  it('refuses an unknown TaxType', async () => {
    const reply = await put(
      'ManualJournals',
      manualJournal('Exclusive', [
        { LineAmount: 120, AccountID: ids.cardClearing, TaxType: 'NONE' },
        { LineAmount: -100, AccountID: ids.sales, TaxType: 'OUTPUT9' },
        { LineAmount: -20, AccountID: ids.vat, TaxType: 'NONE' },
      ]),
    );
    expect(reply.status).toBe(400);
    expect(reply.messages.join('\n')).toMatch(/TaxType code 'OUTPUT9' does not exist/);
  });

  it('adds the tax of tax-exclusive lines, so explicit VAT beside a taxed sales line does not balance', async () => {
    const reply = await put(
      'ManualJournals',
      manualJournal('Exclusive', [
        { LineAmount: 120, AccountID: ids.cardClearing, TaxType: 'NONE' },
        { LineAmount: -100, AccountID: ids.sales, TaxType: 'OUTPUT2' },
        { LineAmount: -20, AccountID: ids.vat, TaxType: 'NONE' },
      ]),
    );
    expect(reply.messages).toEqual([
      'The total debits (120.00) must equal total credits (-140.00).',
    ]);
  });

  it('calculates TaxAmount itself and refuses a different one', async () => {
    const reply = await put(
      'ManualJournals',
      manualJournal('Exclusive', [
        { LineAmount: 120, AccountID: ids.cardClearing, TaxType: 'NONE' },
        { LineAmount: -100, AccountID: ids.sales, TaxType: 'OUTPUT2', TaxAmount: -19 },
      ]),
    );
    expect(reply.messages.join('\n')).toMatch(
      /TaxAmount -19 .* is not the tax calculated .* \(-20\.00\)/,
    );
  });

  it('applies the account’s default tax rate to a line sent without TaxType', async () => {
    const reply = await put(
      'ManualJournals',
      manualJournal('Exclusive', [
        { LineAmount: 100, AccountID: ids.cardClearing },
        { LineAmount: -100, AccountID: ids.sales },
      ]),
    );
    expect(reply.messages).toEqual([
      'The total debits (100.00) must equal total credits (-120.00).',
    ]);
  });

  it('refuses a CurrencyCode on a manual journal and a currency the organisation has not enabled', async () => {
    const journalReply = await put('ManualJournals', {
      ManualJournals: [
        {
          Narration: 'Day',
          Date: '2024-05-31',
          CurrencyCode: 'EUR',
          JournalLines: [
            { LineAmount: 10, AccountID: ids.cardClearing },
            { LineAmount: -10, AccountID: ids.sales },
          ],
        },
      ],
    });
    expect(journalReply.status).toBe(400);
    expect(journalReply.messages.join('\n')).toMatch(/CurrencyCode/);
    const invoiceReply = await put('Invoices', {
      Invoices: [
        {
          Type: 'ACCREC',
          Contact: { ContactID: ids.customer },
          Date: '2024-05-31',
          CurrencyCode: 'USD',
          LineItems: [
            {
              Description: 'Sales',
              Quantity: 1,
              UnitAmount: 10,
              AccountID: ids.sales,
              TaxType: 'OUTPUT2',
            },
          ],
        },
      ],
    });
    expect(invoiceReply.messages).toEqual([
      "The currency 'USD' is not enabled for this organisation.",
    ]);
  });
});
