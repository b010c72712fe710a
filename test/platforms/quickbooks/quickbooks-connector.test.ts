import { setupServer } from 'msw/node';
import { ConnectorError } from '../../../src/platforms/connector.js';
import type { ConnectionTokens, ConnectorContext } from '../../../src/platforms/connector.js';
import {
  createQuickBooksConnector,
  QUICKBOOKS_SCOPE,
} from '../../../src/platforms/quickbooks/index.js';
import { hashedKey } from '../../../src/platforms/http/idempotency.js';
import {
  QBO_API,
  qboIds,
  QUICKBOOKS_CLIENT,
  QuickBooksMock,
  ukRealm,
} from '../../mocks/quickbooks/quickbooks-mock.js';
import type { QboRealm } from '../../mocks/quickbooks/quickbooks-mock.js';
import { QUICKBOOKS_CREATE_SCHEMAS } from '../../mocks/quickbooks/schemas.js';
import { invoiceDay, journalDay, writeAll } from '../xero/day-documents.js';
import type { DayLedgerIds } from '../xero/day-documents.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const IDS: DayLedgerIds = { ...qboIds };
const REDIRECT = 'https://partner.example/api/commerce-sync/oauth/callback';

let clock: number;
let mock: QuickBooksMock;
let realm: QboRealm;
let sleeps: number[];

function connector() {
  return createQuickBooksConnector({
    ...QUICKBOOKS_CLIENT,
    environment: 'sandbox',
    now: () => new Date(clock),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
  });
}

function linkedContext(): ConnectorContext & { saved: ConnectionTokens[] } {
  const issued = mock.issueTokens();
  const saved: ConnectionTokens[] = [];
  return {
    tokens: {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: issued.expiresAt,
      tenantId: realm.realmId,
    },
    saveTokens: async (t) => void saved.push(t),
    saved,
  };
}

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

beforeEach(() => {
  clock = Date.parse('2024-06-01T10:00:00Z');
  sleeps = [];
  mock = new QuickBooksMock({ now: () => clock });
  realm = mock.addRealm(ukRealm());
  server.resetHandlers(...mock.handlers());
});

describe('QuickBooks request schemas', () => {
  it('reject a misspelt field, a string amount, a three-decimal amount and a bad date', () => {
    const result = QUICKBOOKS_CREATE_SCHEMAS.JournalEntry.safeParse({
      TxnDate: '31/05/2024',
      Line: [
        {
          Amount: '10.00',
          DetailType: 'JournalEntryLineDetail',
          JournalEntryLineDetail: { PostingType: 'Debit', AccountRef: { value: '1' } },
        },
        {
          Amount: 10.005,
          DetailType: 'JournalEntryLineDetail',
          JournalEntryLineDetail: { PostingTyp: 'Credit', AccountRef: { value: '2' } },
        },
      ],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'TxnDate',
        'Line.0.Amount',
        'Line.1.Amount',
        'Line.1.JournalEntryLineDetail',
      ]),
    );
  });

  it('makes the mock answer an invalid create with a 400 fault the caller sees', async () => {
    const ctx = linkedContext();
    const response = await fetch(`${QBO_API}/${realm.realmId}/invoice?minorversion=75`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ctx.tokens.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        CustomerRef: { value: qboIds.customer },
        TxnDate: '2024-05-31',
        Line: [
          {
            Amount: 10,
            DetailType: 'SalesItemLineDetail',
            SalesItemLineDetail: { AccountRef: { value: '1' } },
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { Fault: { Error: Array<{ Detail: string }> } };
    expect(body.Fault.Error[0]!.Detail).toMatch(/SalesItemLineDetail/);
    expect(realm.created.Invoice).toBeUndefined();
  });
});

describe('QuickBooks OAuth', () => {
  it('builds the Intuit consent URL and takes the realm from the callback', async () => {
    const qbo = connector();
    const url = new URL(qbo.authorizationUrl({ state: 's1', redirectUri: REDIRECT }));
    expect(url.origin + url.pathname).toBe('https://appcenter.intuit.com/connect/oauth2');
    expect(url.searchParams.get('scope')).toBe(QUICKBOOKS_SCOPE);
    expect(url.searchParams.get('response_type')).toBe('code');
    const code = mock.consent(REDIRECT);
    const tokens = await qbo.exchangeCode({
      code,
      redirectUri: REDIRECT,
      callbackParams: { realmId: realm.realmId, state: 's1' },
    });
    expect(tokens.tenantId).toBe(realm.realmId);
    expect(tokens.expiresAt).toBe(clock + 3600_000);
    expect((await qbo.getCompanyInfo({ tokens, saveTokens: async () => {} })).name).toBe(
      'Corner Café Ltd',
    );
  });

  it('asks for the realmId when the callback parameters were not passed on', async () => {
    const error = await rejection(
      connector().exchangeCode({ code: mock.consent(REDIRECT), redirectUri: REDIRECT }),
    );
    expect(error.code).toBe('configuration_invalid');
  });

  it('refreshes once for concurrent calls with an expired token and persists the rotation', async () => {
    const qbo = connector();
    const ctx = linkedContext();
    const original = ctx.tokens.refreshToken;
    clock += 61 * 60_000;
    await Promise.all([
      qbo.listAccounts(ctx),
      qbo.listCustomers(ctx),
      qbo.listTaxRates(ctx),
      qbo.listSuppliers(ctx),
    ]);
    expect(mock.refreshCount).toBe(1);
    expect(ctx.saved).toHaveLength(1);
    expect(ctx.saved[0]!.refreshToken).not.toBe(original);
    expect(ctx.saved[0]!.tenantId).toBe(realm.realmId);
  });

  it('reports an expired authorisation when the refresh token was revoked', async () => {
    const qbo = connector();
    const ctx = linkedContext();
    mock.revokeAll();
    expect((await rejection(qbo.listAccounts(ctx))).code).toBe('authorization_expired');
  });

  it('revokes through the Intuit revoke endpoint and tolerates an already revoked token', async () => {
    const qbo = connector();
    const ctx = linkedContext();
    await qbo.revoke(ctx.tokens);
    expect(mock.revocations).toBe(1);
    await expect(qbo.revoke(ctx.tokens)).resolves.toBeUndefined();
  });
});

describe('QuickBooks reads', () => {
  it('reads company info with the closing date and active currencies', async () => {
    realm.bookCloseDate = '2024-03-31';
    const info = await connector().getCompanyInfo(linkedContext());
    expect(info).toMatchObject({
      id: realm.realmId,
      baseCurrency: 'GBP',
      lockDate: '2024-03-31',
      countryCode: 'GB',
    });
    expect(info.currencies?.sort()).toEqual(['EUR', 'GBP']);
  });

  it('maps accounts with classification and the payment-account flag', async () => {
    const accounts = await connector().listAccounts(linkedContext());
    const byId = new Map(accounts.map((a) => [a.id, a]));
    expect(byId.get(qboIds.bank)).toMatchObject({
      isBankAccount: true,
      enablePaymentsToAccount: true,
      classification: 'Asset',
      type: 'Bank',
    });
    expect(byId.get(qboIds.cardClearing)).toMatchObject({
      isBankAccount: false,
      enablePaymentsToAccount: true,
    });
    expect(byId.get(qboIds.sales)).toMatchObject({
      classification: 'Income',
      enablePaymentsToAccount: false,
    });
    expect(byId.get('12')?.status).toBe('Archived');
  });

  it('combines the component rates of a tax code', async () => {
    const rates = await connector().listTaxRates(linkedContext());
    expect(rates).toEqual(
      expect.arrayContaining([
        { id: qboIds.salesTax, name: '20.0% S', effectiveRate: 20, status: 'Active' },
        { id: '14', name: 'GST/PST BC', effectiveRate: 12, status: 'Active' },
      ]),
    );
  });

  it('pages customers with STARTPOSITION/MAXRESULTS', async () => {
    realm = mock.addRealm(ukRealm(realm.realmId, 2300));
    const qbo = connector();
    const before = realm.calls.length;
    const customers = await qbo.listCustomers(linkedContext());
    expect(customers).toHaveLength(2300);
    expect(realm.calls.length - before).toBe(3);
    expect(customers.filter((c) => c.status === 'Archived').length).toBeGreaterThan(0);
    expect(await qbo.listSuppliers(linkedContext())).toEqual([
      { id: qboIds.supplier, name: 'Card Processor Ltd', status: 'Active' },
    ]);
  });
});

describe('QuickBooks writes', () => {
  it('writes a full day in journal mode: a balanced JournalEntry and Transfers for payouts', async () => {
    const qbo = connector();
    const ctx = linkedContext();
    await writeAll(
      (d, related) => qbo.writeDocument(ctx, d, { idempotencyKey: d.reference, related }),
      journalDay('2024-05-31', IDS),
    );
    expect(mock.rejectedBodies).toEqual([]);
    const [entry] = realm.created.JournalEntry!;
    const lines = entry!.Line as Array<{
      Amount: number;
      JournalEntryLineDetail: {
        PostingType: string;
        AccountRef: { value: string };
        TaxCodeRef?: { value: string };
        TaxAmount?: number;
      };
    }>;
    // The 1,000.00 sale carries the 20 % code and QuickBooks' 200.00 VAT on it; no VAT line twice.
    expect(
      lines.map(
        (l) =>
          `${l.JournalEntryLineDetail.PostingType[0]}${l.Amount}${l.JournalEntryLineDetail.TaxCodeRef ? ` ${l.JournalEntryLineDetail.TaxCodeRef.value}:${l.JournalEntryLineDetail.TaxAmount}` : ''}`,
      ),
    ).toEqual(['D770', 'D450', 'D60', `C1000 ${qboIds.salesTax}:200`, 'C50', 'C30']);
    expect(entry!.TxnTaxDetail).toMatchObject({ TotalTax: 200, TaxLine: [{ Amount: 200 }] });
    expect(realm.created.Transfer).toEqual([
      expect.objectContaining({
        FromAccountRef: { value: qboIds.cardClearing },
        ToAccountRef: { value: qboIds.bank },
        Amount: 700,
      }),
      expect.objectContaining({
        FromAccountRef: { value: qboIds.bank },
        ToAccountRef: { value: qboIds.savings },
        Amount: 100,
      }),
    ]);
  });

  it('writes a full day in invoice mode: invoice, credit memo with a journal cash refund, bill, bill payment, vendor credit, deposit, purchase', async () => {
    const qbo = connector();
    const ctx = linkedContext();
    const docs = invoiceDay('2024-05-31', IDS);
    const related = await writeAll(
      (d, rel) => qbo.writeDocument(ctx, d, { idempotencyKey: d.reference, related: rel }),
      docs,
    );
    expect(mock.rejectedBodies).toEqual([]);
    expect(Object.keys(related)).toHaveLength(docs.length);
    const invoice = realm.created.Invoice![0]!;
    expect(invoice).toMatchObject({
      CustomerRef: { value: qboIds.customer },
      TxnDate: '2024-05-31',
      GlobalTaxCalculation: 'TaxExcluded',
      TxnTaxDetail: { TotalTax: 200 },
    });
    // One service item per income account, created once, posting to that account.
    expect(realm.items.map((i) => i.IncomeAccountRef.value).sort()).toEqual(
      [qboIds.gratuity, qboIds.sales].sort(),
    );
    const payments = realm.created.Payment!;
    expect(
      payments
        .filter((p) => p.TotalAmt !== 0)
        .map((p) => [p.TotalAmt, (p.DepositToAccountRef as { value: string }).value]),
    ).toEqual([
      [800, qboIds.cardClearing],
      [450, qboIds.cashClearing],
    ]);
    const link = payments.find((p) => p.TotalAmt === 0)!;
    expect(
      (link.Line as Array<{ LinkedTxn: Array<{ TxnType: string }> }>).map(
        (l) => l.LinkedTxn[0]!.TxnType,
      ),
    ).toEqual(['CreditMemo', 'JournalEntry']);
    const refundJournal = realm.created.JournalEntry![0]!;
    expect(refundJournal.Line).toEqual([
      expect.objectContaining({
        Amount: 12,
        JournalEntryLineDetail: expect.objectContaining({
          PostingType: 'Debit',
          AccountRef: { value: qboIds.receivable },
          Entity: { Type: 'Customer', EntityRef: { value: qboIds.customer } },
        }),
      }),
      expect.objectContaining({
        Amount: 12,
        JournalEntryLineDetail: expect.objectContaining({
          PostingType: 'Credit',
          AccountRef: { value: qboIds.cashClearing },
        }),
      }),
    ]);
    expect(realm.created.Bill).toHaveLength(1);
    expect(realm.created.BillPayment).toEqual([
      expect.objectContaining({ VendorRef: { value: qboIds.supplier }, TotalAmt: 60 }),
    ]);
    expect(realm.created.VendorCredit).toHaveLength(1);
    expect(realm.created.Deposit).toEqual([
      expect.objectContaining({ DepositToAccountRef: { value: qboIds.cardClearing } }),
    ]);
    expect(realm.created.Purchase).toEqual([
      expect.objectContaining({ AccountRef: { value: qboIds.bank }, PaymentType: 'Cash' }),
    ]);
    expect(realm.created.Transfer).toHaveLength(1);
  });

  it('sends a deterministic requestid of at most 50 characters: a rerun creates nothing new', async () => {
    const docs = invoiceDay('2024-05-31', IDS);
    const first = await writeAll(
      (d, rel) =>
        connector().writeDocument(linkedContext(), d, {
          idempotencyKey: d.reference,
          related: rel,
        }),
      docs,
    );
    // A fresh connector (new process) writing the same day again must be replayed by QuickBooks.
    const fresh = connector();
    const ctx = linkedContext();
    const second = await writeAll(
      (d, rel) => fresh.writeDocument(ctx, d, { idempotencyKey: d.reference, related: rel }),
      docs,
    );
    expect(second).toEqual(first);
    expect(realm.created.Invoice).toHaveLength(1);
    expect(realm.created.Payment).toHaveLength(3);
    expect(realm.requestIds.has(hashedKey(docs[0]!.reference))).toBe(true);
    expect(hashedKey(docs[0]!.reference).length).toBeLessThanOrEqual(50);
  });

  it('waits out a 429 for its Retry-After', async () => {
    mock.failNext(1, 429, { 'retry-after': '3' });
    await connector().listAccounts(linkedContext());
    expect(sleeps).toEqual([3000]);
  });

  it('retries a 500 whose create had already landed without creating a duplicate', async () => {
    const qbo = connector();
    const [journal] = journalDay('2024-05-31', IDS);
    mock.failNext(1, 500, undefined, true);
    const result = await qbo.writeDocument(linkedContext(), journal!, {
      idempotencyKey: journal!.reference,
      related: {},
    });
    expect(realm.created.JournalEntry).toHaveLength(1);
    expect(result.platformId).toBe(realm.created.JournalEntry![0]!.Id);
  });

  it('maps closed books to period_locked with the closing date', async () => {
    realm.bookCloseDate = '2024-05-31';
    const [journal] = journalDay('2024-05-31', IDS);
    const error = await rejection(
      connector().writeDocument(linkedContext(), journal!, {
        idempotencyKey: journal!.reference,
        related: {},
      }),
    );
    expect(error.code).toBe('period_locked');
    expect(error.params).toMatchObject({
      lockDate: '2024-05-31',
      date: '2024-05-31',
      platform: 'QuickBooks Online',
    });
  });

  it('maps an inactive account to account_archived and an inactive customer to customer_archived', async () => {
    const qbo = connector();
    const ctx = linkedContext();
    realm.accounts.find((a) => a.Id === qboIds.gratuity)!.Active = false;
    const [journal] = journalDay('2024-05-31', IDS);
    expect(
      (
        await rejection(
          qbo.writeDocument(ctx, journal!, { idempotencyKey: journal!.reference, related: {} }),
        )
      ).code,
    ).toBe('account_archived');
    realm.accounts.find((a) => a.Id === qboIds.gratuity)!.Active = true;
    realm.customers.find((c) => c.Id === qboIds.customer)!.Active = false;
    const [invoice] = invoiceDay('2024-05-31', IDS);
    expect(
      (
        await rejection(
          qbo.writeDocument(ctx, invoice!, { idempotencyKey: invoice!.reference, related: {} }),
        )
      ).code,
    ).toBe('customer_archived');
  });

  it('maps an ended subscription (6190) to subscription_expired', async () => {
    realm.subscriptionEnded = true;
    expect((await rejection(connector().listAccounts(linkedContext()))).code).toBe(
      'subscription_expired',
    );
  });
});
