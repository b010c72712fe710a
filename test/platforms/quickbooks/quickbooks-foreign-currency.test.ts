import { setupServer } from 'msw/node';
import { documentReference } from '../../../src/contract/documents.js';
import type { JournalDocument } from '../../../src/contract/documents.js';
import type { ConnectorContext } from '../../../src/platforms/connector.js';
import { createQuickBooksConnector } from '../../../src/platforms/quickbooks/index.js';
import {
  qboIds,
  QUICKBOOKS_CLIENT,
  QuickBooksMock,
  ukRealm,
} from '../../mocks/quickbooks/quickbooks-mock.js';
import type { QboRealm } from '../../mocks/quickbooks/quickbooks-mock.js';

/**
 * Issue 11 item 10 on QuickBooks Online: a EUR day of a GBP company in journal mode is a
 * JournalEntry in EUR (CurrencyRef) at QuickBooks' own rate for the day (ExchangeRate, read from
 * its exchange-rate table), with the rate and its source in the note. Figures worked by hand.
 */

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

let mock: QuickBooksMock;
let realm: QboRealm;

beforeEach(() => {
  mock = new QuickBooksMock({ now: () => Date.parse('2024-06-01T10:00:00Z') });
  realm = mock.addRealm({ ...ukRealm(), exchangeRates: { EUR: { '2024-05-31': 0.8512 } } });
  server.resetHandlers(...mock.handlers());
});

function context(): ConnectorContext {
  const issued = mock.issueTokens();
  return { tokens: { ...issued, tenantId: realm.realmId }, saveTokens: async () => {} };
}

const qbo = () =>
  createQuickBooksConnector({ ...QUICKBOOKS_CLIENT, environment: 'sandbox', sleep: async () => {} });

/*
 * By hand (EUR): a 12.00 sale (10.00 net + 2.00 VAT at 20 %, code 3; QuickBooks 10.00 × 20 % =
 * 2.00, no residue) and a 1.00 tip, paid by card 13.00, less a 0.30 card fee:
 * card 12.70 Dr, fees 0.30 Dr, sales 10.00 Cr (+ 2.00 VAT computed by QuickBooks), tips 1.00 Cr.
 */
function eurDay(): JournalDocument {
  const group = { currency: 'EUR' };
  return {
    kind: 'journal',
    reference: documentReference({ companyId: 'co-london', date: '2024-05-31', group, kind: 'journal', revision: 0 }),
    companyId: 'co-london',
    date: '2024-05-31',
    currency: 'EUR',
    group,
    revision: 0,
    memo: 'Daily sales summary 2024-05-31 EUR',
    lines: [
      { accountId: qboIds.cardClearing, amount: 1_270, description: 'Card', role: 'payment' },
      { accountId: qboIds.fees, amount: 30, description: 'Card fees', role: 'fee' },
      { accountId: qboIds.sales, amount: -1_000, description: 'Sales 20%', role: 'sales', taxRateId: qboIds.salesTax, taxRateKey: '20' },
      { accountId: qboIds.gratuity, amount: -100, description: 'Tips', role: 'gratuity' },
      { accountId: qboIds.vat, amount: -200, description: 'VAT 20%', role: 'tax', taxRateKey: '20' },
    ],
  };
}

const write = (day: JournalDocument) =>
  qbo().writeDocument(context(), day, { idempotencyKey: day.reference, related: {} });

describe('QuickBooks Online: a foreign-currency day in journal mode', () => {
  it('is a JournalEntry in EUR at QuickBooks\' rate for the day, the source in the note', async () => {
    await write(eurDay());
    const [entry] = realm.created.JournalEntry!;
    expect(entry).toMatchObject({ CurrencyRef: { value: 'EUR' }, ExchangeRate: 0.8512 });
    expect(entry!.PrivateNote).toContain('1 EUR = 0.8512 GBP, QuickBooks exchange rate for 2024-05-31');
    const lines = (entry!.Line as Array<{ Amount: number; JournalEntryLineDetail: { PostingType: string; AccountRef: { value: string }; TaxAmount?: number } }>).map(
      (l) => [l.JournalEntryLineDetail.AccountRef.value, l.JournalEntryLineDetail.PostingType, l.Amount, l.JournalEntryLineDetail.TaxAmount ?? 0],
    );
    expect(lines).toEqual([
      [qboIds.cardClearing, 'Debit', 12.7, 0],
      [qboIds.fees, 'Debit', 0.3, 0],
      [qboIds.sales, 'Credit', 10, 2],
      [qboIds.gratuity, 'Credit', 1, 0],
    ]);
  });

  it('is retry-safe: the same reference writes one entry', async () => {
    const first = await write(eurDay());
    const again = await write(eurDay());
    expect(again.platformId).toBe(first.platformId);
    expect(realm.created.JournalEntry).toHaveLength(1);
  });

  it('a home-currency journal carries no ExchangeRate and reads no rate', async () => {
    const day = { ...eurDay(), currency: 'GBP', group: { currency: 'GBP' } };
    await write(day);
    expect(realm.created.JournalEntry![0]!.ExchangeRate).toBeUndefined();
  });

  it('with multicurrency off, refuses with currency_mismatch and writes nothing', async () => {
    realm.multiCurrency = false;
    await expect(write(eurDay())).rejects.toMatchObject({ code: 'currency_mismatch' });
    expect(realm.created.JournalEntry).toBeUndefined();
  });

  it('the mock refuses an account in a third currency and a non-positive rate', async () => {
    realm.accounts.find((a) => a.Id === qboIds.cardClearing)!.CurrencyRef = { value: 'USD' };
    await expect(write(eurDay())).rejects.toThrow(/Card clearing is in USD/);
    realm.accounts.find((a) => a.Id === qboIds.cardClearing)!.CurrencyRef = undefined;
    realm.exchangeRates = { EUR: { '2024-05-31': 0 } };
    await expect(write(eurDay())).rejects.toMatchObject({ code: 'currency_mismatch' });
    expect(realm.created.JournalEntry).toBeUndefined();
  });
});
