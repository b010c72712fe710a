import { createHash } from 'node:crypto';
import { setupServer } from 'msw/node';
import { ConnectorError } from '../../../src/platforms/connector.js';
import type { ConnectionTokens, ConnectorContext } from '../../../src/platforms/connector.js';
import { createXeroConnector, XERO_DEFAULT_SCOPES } from '../../../src/platforms/xero/index.js';
import { ids, ukTenant, XERO_CLIENT, XeroMock } from '../../mocks/xero/xero-mock.js';
import type { XeroTenant } from '../../mocks/xero/xero-mock.js';
import { invoiceDay, journalDay, writeAll } from './day-documents.js';
import type { DayLedgerIds } from './day-documents.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const XERO_IDS: DayLedgerIds = { ...ids, salesTax: 'OUTPUT2', noTax: 'NONE' };
const REDIRECT = 'https://partner.example/api/commerce-sync/oauth/callback';

let clock: number;
let mock: XeroMock;
let tenant: XeroTenant;
let sleeps: number[];

function connector() {
  return createXeroConnector({
    ...XERO_CLIENT,
    now: () => new Date(clock),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
  });
}

function linkedContext(): ConnectorContext & { saved: ConnectionTokens[] } {
  const issued = mock.issueTokens(tenant.tenantId);
  const saved: ConnectionTokens[] = [];
  return {
    tokens: {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: issued.expiresAt,
      tenantId: tenant.tenantId,
    },
    saveTokens: async (t) => {
      saved.push(t);
    },
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
  mock = new XeroMock({ now: () => clock });
  tenant = mock.addTenant(ukTenant());
  server.resetHandlers(...mock.handlers());
});

describe('Xero request validation against the published OpenAPI file', () => {
  it('rejects a misspelt field, a wrong type and a non-UUID id, and accepts what the connector sends', () => {
    const bad = mock.validator.validate('ManualJournals', {
      ManualJournals: [
        {
          Narration: 'x',
          Date: '2024-01-01',
          JournalLines: [{ LineAmmount: 10, AccountID: 'not-a-uuid' }, { LineAmount: '5' }],
        },
      ],
    });
    expect(bad.join('\n')).toMatch(/LineAmmount/);
    expect(bad.join('\n')).toMatch(/format "uuid"/);
    expect(bad.join('\n')).toMatch(/JournalLines\/1\/LineAmount must be number/);
    const good = mock.validator.validate('Payments', {
      Payments: [
        {
          Invoice: { InvoiceID: ids.customer },
          Account: { AccountID: ids.bank },
          Date: '2024-01-01',
          Amount: 10.5,
        },
      ],
    });
    expect(good).toEqual([]);
  });

  it('answers an invalid body with a 400 ValidationException the caller sees', async () => {
    const ctx = linkedContext();
    const response = await fetch('https://api.xero.com/api.xro/2.0/Invoices', {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${ctx.tokens.accessToken}`,
        'xero-tenant-id': tenant.tenantId,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        Invoices: [
          {
            Type: 'ACCREC',
            Contact: { ContactID: ids.customer },
            Date: '2024-01-01',
            LineItems: [{ Description: 'x', Amount: 1 }],
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      Type: string;
      Elements: Array<{ ValidationErrors: Array<{ Message: string }> }>;
    };
    expect(body.Type).toBe('ValidationException');
    expect(body.Elements[0]!.ValidationErrors[0]!.Message).toMatch(
      /additional properties \(Amount\)/,
    );
    expect(tenant.documents.Invoices).toBeUndefined();
  });
});

describe('Xero OAuth', () => {
  it('builds the consent URL with scopes and PKCE, exchanges the code and picks the consented organisation', async () => {
    const xero = connector();
    const url = new URL(
      xero.authorizationUrl({ state: 's1', redirectUri: REDIRECT, codeChallenge: 'abc' }),
    );
    expect(url.origin + url.pathname).toBe('https://login.xero.com/identity/connect/authorize');
    expect(url.searchParams.get('scope')).toBe(XERO_DEFAULT_SCOPES.join(' '));
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe('s1');
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);

    const verifier = 'a-long-random-code-verifier-of-at-least-43-characters-xyz';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const other = mock.addTenant(ukTenant());
    const code = mock.consent([other.tenantId], REDIRECT, challenge);
    const tokens = await xero.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier });
    expect(tokens.tenantId).toBe(other.tenantId);
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt).toBe(clock + 1800 * 1000);
  });

  it('refuses a code exchange with the wrong PKCE verifier as an expired authorisation', async () => {
    const code = mock.consent(
      [tenant.tenantId],
      REDIRECT,
      createHash('sha256').update('right').digest('base64url'),
    );
    const error = await rejection(
      connector().exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: 'wrong' }),
    );
    expect(error.code).toBe('authorization_expired');
  });

  it('refreshes once for concurrent calls that all see an expired token, and persists the rotated tokens', async () => {
    const xero = connector();
    const ctx = linkedContext();
    const original = ctx.tokens.refreshToken;
    clock += 31 * 60_000;
    const results = await Promise.all([
      xero.listAccounts(ctx),
      xero.listTaxRates(ctx),
      xero.listCustomers(ctx),
    ]);
    expect(results[0].length).toBeGreaterThan(0);
    expect(mock.refreshCount).toBe(1);
    expect(ctx.saved).toHaveLength(1);
    expect(ctx.saved[0]!.refreshToken).not.toBe(original);
    expect(ctx.tokens.refreshToken).toBe(ctx.saved[0]!.refreshToken);
    // The rotated-away refresh token is dead at Xero: the connector must never send it again.
    const stale = await rejection(xero.refresh({ ...ctx.tokens, refreshToken: original }));
    expect(stale.code).toBe('authorization_expired');
  });

  it('refreshes after a 401 on a token the connector believed valid', async () => {
    const xero = connector();
    const ctx = linkedContext();
    mock.expireAccessTokens();
    await xero.listTaxRates(ctx);
    expect(mock.refreshCount).toBe(1);
    expect(ctx.saved).toHaveLength(1);
  });

  it('reports a revoked connection when Xero refuses both the token and the refresh', async () => {
    const xero = connector();
    const ctx = linkedContext();
    mock.revokeAll();
    const error = await rejection(xero.getCompanyInfo(ctx));
    expect(error.code).toBe('authorization_expired');
    expect(error.message).not.toContain(ctx.tokens.accessToken);
  });

  it('revokes on de-authorise and does not throw when already revoked', async () => {
    const xero = connector();
    const ctx = linkedContext();
    await xero.revoke(ctx.tokens);
    expect(mock.revocations).toBe(1);
    await expect(xero.revoke(ctx.tokens)).resolves.toBeUndefined();
    expect((await rejection(xero.listAccounts(ctx))).code).toMatch(
      /authorization_(expired|revoked)/,
    );
  });
});

describe('Xero reads', () => {
  it('reads organisation, lock date and currencies', async () => {
    tenant.periodLockDate = '2024-03-31';
    const info = await connector().getCompanyInfo(linkedContext());
    expect(info).toMatchObject({
      id: tenant.tenantId,
      name: 'Corner Café Ltd',
      baseCurrency: 'GBP',
      lockDate: '2024-03-31',
      countryCode: 'GB',
    });
    expect(info.currencies).toEqual(expect.arrayContaining(['GBP', 'EUR']));
  });

  it('maps the chart of accounts with the flags that decide where payments may go', async () => {
    const accounts = await connector().listAccounts(linkedContext());
    const byId = new Map(accounts.map((a) => [a.id, a]));
    expect(byId.get(ids.bank)).toMatchObject({
      isBankAccount: true,
      enablePaymentsToAccount: true,
      classification: 'Asset',
      type: 'BANK',
    });
    expect(byId.get(ids.cardClearing)).toMatchObject({
      isBankAccount: false,
      enablePaymentsToAccount: true,
    });
    expect(byId.get(ids.sales)).toMatchObject({
      classification: 'Income',
      enablePaymentsToAccount: false,
      code: '200',
    });
    expect(byId.get(ids.oldSales)?.status).toBe('Archived');
  });

  it('maps tax rates', async () => {
    const rates = await connector().listTaxRates(linkedContext());
    expect(rates).toContainEqual({
      id: 'OUTPUT2',
      name: '20% (VAT on Income)',
      effectiveRate: 20,
      status: 'Active',
    });
  });

  it('pages through contacts until the last page', async () => {
    tenant = mock.addTenant(ukTenant(tenant.tenantId, 250));
    const xero = connector();
    const ctx = linkedContext();
    const before = tenant.calls.length;
    const customers = await xero.listCustomers(ctx);
    expect(tenant.calls.length - before).toBe(3);
    const suppliers = await xero.listSuppliers(ctx);
    expect(customers.some((c) => c.id === ids.customer)).toBe(true);
    expect(suppliers.some((c) => c.id === ids.supplier)).toBe(true);
    expect(customers.some((c) => c.id === ids.supplier)).toBe(false);
    expect(new Set([...customers, ...suppliers].map((c) => c.id)).size).toBe(250);
    expect(customers.some((c) => c.status === 'Archived')).toBe(true);
  });
});

describe('Xero writes', () => {
  it('writes a full day in journal mode: a balanced manual journal, a clearing payout journal and a bank transfer', async () => {
    const xero = connector();
    const ctx = linkedContext();
    const docs = journalDay('2024-05-31', XERO_IDS);
    await writeAll(
      (d, related) => xero.writeDocument(ctx, d, { idempotencyKey: d.reference, related }),
      docs,
    );
    expect(mock.rejectedBodies).toEqual([]);
    const journals = tenant.documents.ManualJournals!;
    expect(journals).toHaveLength(2);
    const day = journals[0] as {
      JournalLines: Array<{
        LineAmount: number;
        AccountID: string;
        TaxType: string;
        TaxAmount: number;
      }>;
      Date: string;
    };
    expect(day.Date).toBe('2024-05-31');
    // Sales go at net with their TaxType; Xero adds the 200.00 VAT itself (1,000.00 × 20 %), so the
    // explicit VAT line is not sent.
    expect(day.JournalLines.map((l) => [l.LineAmount, l.TaxType, l.TaxAmount])).toEqual([
      [770, 'NONE', 0],
      [450, 'NONE', 0],
      [60, 'NONE', 0],
      [-1000, 'OUTPUT2', -200],
      [-50, 'NONE', 0],
      [-30, 'NONE', 0],
    ]);
    const payout = journals[1] as {
      JournalLines: Array<{ LineAmount: number; AccountID: string }>;
    };
    expect(payout.JournalLines).toEqual([
      expect.objectContaining({ LineAmount: 700, AccountID: ids.bank }),
      expect.objectContaining({ LineAmount: -700, AccountID: ids.cardClearing }),
    ]);
    expect(tenant.documents.BankTransfers).toEqual([
      expect.objectContaining({
        Amount: 100,
        FromBankAccount: { AccountID: ids.bank },
        ToBankAccount: { AccountID: ids.savings },
      }),
    ]);
  });

  it('writes a full day in invoice mode with payments allocated to their invoice, credit note and bill', async () => {
    const xero = connector();
    const ctx = linkedContext();
    const docs = invoiceDay('2024-05-31', XERO_IDS);
    const related = await writeAll(
      (d, rel) => xero.writeDocument(ctx, d, { idempotencyKey: d.reference, related: rel }),
      docs,
    );
    expect(mock.rejectedBodies).toEqual([]);
    expect(Object.keys(related)).toHaveLength(docs.length);
    expect(tenant.documents.Invoices!.map((i) => i.Type)).toEqual(['ACCREC', 'ACCPAY']);
    expect(tenant.documents.CreditNotes!.map((i) => i.Type)).toEqual([
      'ACCRECCREDIT',
      'ACCPAYCREDIT',
    ]);
    const [sales] = tenant.documents.Invoices!;
    expect(sales).toMatchObject({
      Status: 'AUTHORISED',
      LineAmountTypes: 'Exclusive',
      Contact: { ContactID: ids.customer },
      CurrencyCode: 'GBP',
    });
    expect(sales!.LineItems).toEqual([
      expect.objectContaining({
        LineAmount: 1000,
        TaxAmount: 200,
        TaxType: 'OUTPUT2',
        AccountID: ids.sales,
      }),
      expect.objectContaining({ LineAmount: 50, TaxAmount: 0, TaxType: 'NONE' }),
    ]);
    const payments = tenant.documents.Payments!;
    expect(payments).toHaveLength(5);
    const invoiceId = sales!.InvoiceID;
    expect(
      payments
        .filter((p) => (p.Invoice as { InvoiceID: string } | undefined)?.InvoiceID === invoiceId)
        .map((p) => p.Amount),
    ).toEqual([800, 450]);
    expect(payments.filter((p) => p.CreditNote).map((p) => p.Amount)).toEqual([12, 30]);
    expect(tenant.documents.BankTransactions).toEqual([
      expect.objectContaining({ Type: 'SPEND', BankAccount: { AccountID: ids.bank } }),
    ]);
    expect(tenant.documents.ManualJournals).toHaveLength(1);
  });

  it('sends the document reference as Idempotency-Key: a rerun of the day creates nothing new', async () => {
    const xero = connector();
    const ctx = linkedContext();
    const docs = invoiceDay('2024-05-31', XERO_IDS);
    const first = await writeAll(
      (d, rel) => xero.writeDocument(ctx, d, { idempotencyKey: d.reference, related: rel }),
      docs,
    );
    const second = await writeAll(
      (d, rel) => xero.writeDocument(ctx, d, { idempotencyKey: d.reference, related: rel }),
      docs,
    );
    expect(second).toEqual(first);
    expect(tenant.documents.Invoices).toHaveLength(2);
    expect(tenant.documents.Payments).toHaveLength(5);
  });

  it('waits out a 429 for the Retry-After Xero sends, then succeeds', async () => {
    const xero = connector();
    const ctx = linkedContext();
    mock.failNext(1, 429, { 'retry-after': '7', 'x-rate-limit-problem': 'minute' });
    const [journal] = journalDay('2024-05-31', XERO_IDS);
    await xero.writeDocument(ctx, journal!, { idempotencyKey: journal!.reference, related: {} });
    expect(sleeps).toContain(7000);
    expect(tenant.documents.ManualJournals).toHaveLength(1);
  });

  it('fails with rate_limited and the wait when Xero asks for longer than a run should block (daily limit)', async () => {
    const xero = connector();
    mock.failNext(1, 429, { 'retry-after': '3600', 'x-rate-limit-problem': 'day' });
    const error = await rejection(xero.listAccounts(linkedContext()));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(3_600_000);
  });

  it('retries a 500 whose write had already landed without creating a duplicate', async () => {
    const xero = connector();
    const ctx = linkedContext();
    const [journal] = journalDay('2024-05-31', XERO_IDS);
    mock.failNext(1, 500, undefined, true);
    const result = await xero.writeDocument(ctx, journal!, {
      idempotencyKey: journal!.reference,
      related: {},
    });
    expect(tenant.documents.ManualJournals).toHaveLength(1);
    expect(result.platformId).toBe(tenant.documents.ManualJournals![0]!.ManualJournalID);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
  });

  it('gives up on a lasting outage with platform_outage after backing off with jitter', async () => {
    const xero = connector();
    mock.failNext(10, 503);
    const error = await rejection(xero.listAccounts(linkedContext()));
    expect(error.code).toBe('platform_outage');
    expect(sleeps).toEqual([250, 500, 1000, 2000]);
  });

  it('maps a locked period to period_locked with the lock date', async () => {
    tenant.periodLockDate = '2024-05-31';
    const xero = connector();
    const [journal] = journalDay('2024-05-31', XERO_IDS);
    const error = await rejection(
      xero.writeDocument(linkedContext(), journal!, {
        idempotencyKey: journal!.reference,
        related: {},
      }),
    );
    expect(error.code).toBe('period_locked');
    expect(error.params).toMatchObject({
      lockDate: '2024-05-31',
      date: '2024-05-31',
      platform: 'Xero',
    });
  });

  it('maps an archived account to account_archived', async () => {
    tenant.accounts.find((a) => a.AccountID === ids.gratuity)!.Status = 'ARCHIVED';
    const xero = connector();
    const [journal] = journalDay('2024-05-31', XERO_IDS);
    const error = await rejection(
      xero.writeDocument(linkedContext(), journal!, {
        idempotencyKey: journal!.reference,
        related: {},
      }),
    );
    expect(error.code).toBe('account_archived');
    expect(error.params.accountName).toBe('210');
  });

  it('maps an archived sales customer and an expired subscription', async () => {
    tenant.contacts.find((c) => c.ContactID === ids.customer)!.ContactStatus = 'ARCHIVED';
    const xero = connector();
    const ctx = linkedContext();
    const [invoice] = invoiceDay('2024-05-31', XERO_IDS);
    expect(
      (
        await rejection(
          xero.writeDocument(ctx, invoice!, { idempotencyKey: invoice!.reference, related: {} }),
        )
      ).code,
    ).toBe('customer_archived');
    tenant.subscriptionExpired = true;
    expect((await rejection(xero.listAccounts(ctx))).code).toBe('subscription_expired');
  });

  it('never sends a foreign-currency day as a manual journal (Xero journals are base-currency only)', async () => {
    const xero = connector();
    const [journal] = journalDay('2024-05-31', XERO_IDS, 'EUR');
    await xero.writeDocument(linkedContext(), journal!, {
      idempotencyKey: journal!.reference,
      related: {},
    });
    expect(tenant.documents.ManualJournals).toBeUndefined();
    expect(tenant.documents.Invoices).toMatchObject([{ Type: 'ACCREC', CurrencyCode: 'EUR' }]);
  });
});
