import { afterEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { AccountingDocumentSchema } from '../../../src/contract/documents.js';
import { SANDBOX_TEMPLATES, createSandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import type { SandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import {
  REDIRECT_URI,
  connect,
  contextFor,
  decide,
  manualClock,
  newSandbox,
  openConsent,
  pkcePair,
  ukBankTransaction,
  ukBill,
  ukCreditNote,
  ukInvoice,
  ukJournal,
  ukPayment,
  ukTransfer,
  write,
} from './helpers.js';

const uk = SANDBOX_TEMPLATES.uk;
let sandbox: SandboxPlatform;
afterEach(() => sandbox?.close());

describe('sandbox connector reads', () => {
  it('reads company info with base currency and lock date', async () => {
    ({ sandbox } = newSandbox());
    const tokens = await connect(sandbox, 'ca');
    sandbox.admin.setLockDate(tokens.tenantId, '2026-01-31');
    const info = await sandbox.connector.getCompanyInfo(contextFor(tokens));
    expect(info).toEqual({
      id: tokens.tenantId,
      name: SANDBOX_TEMPLATES.ca.defaultName,
      baseCurrency: 'CAD',
      lockDate: '2026-01-31',
      countryCode: 'CA',
      currencies: ['CAD', 'USD'],
    });
  });

  it('reads the chart of accounts with stable template ids, classes and payment flags', async () => {
    ({ sandbox } = newSandbox());
    const ctx = contextFor(await connect(sandbox, 'uk'));
    sandbox.admin.archiveAccount(ctx.tokens.tenantId, uk.accounts.shippingIncome.id);
    const accounts = await sandbox.connector.listAccounts(ctx);
    const byId = new Map(accounts.map((a) => [a.id, a]));
    expect(accounts).toHaveLength(Object.keys(uk.accounts).length);
    expect(byId.get('acc-200')).toMatchObject({
      name: 'Sales',
      code: '200',
      classification: 'Income',
      status: 'Active',
      enablePaymentsToAccount: false,
    });
    expect(byId.get('acc-091')).toMatchObject({
      name: 'Card clearing',
      classification: 'Asset',
      type: 'BANK',
      isBankAccount: true,
      enablePaymentsToAccount: true,
    });
    expect(byId.get('acc-820')).toMatchObject({ name: 'VAT payable', classification: 'Liability' });
    expect(byId.get('acc-210')!.status).toBe('Archived');
    expect(byId.get('acc-201')!.status).toBe('Archived');
    for (const name of [
      'Cash clearing',
      'PayPal clearing',
      'Undeposited funds',
      'Shipping income',
      'Gratuities',
      'Gift card liability',
      'Tips payable',
      'Merchant fees',
      'Rounding',
    ]) {
      expect(accounts.map((a) => a.name)).toContain(name);
    }
    expect(new Set(accounts.map((a) => a.classification))).toEqual(
      new Set(['Asset', 'Liability', 'Equity', 'Income', 'Expense']),
    );
  });

  it('reads tax rates and contacts of each template', async () => {
    ({ sandbox } = newSandbox());
    const ukCtx = contextFor(await connect(sandbox, 'uk'));
    sandbox.admin.deleteTaxRate(ukCtx.tokens.tenantId, uk.taxRates.reduced.id);
    const ukRates = await sandbox.connector.listTaxRates(ukCtx);
    expect(ukRates.map((r) => [r.id, r.effectiveRate, r.status])).toEqual([
      ['tax-uk-standard', 20, 'Active'],
      ['tax-uk-reduced', 5, 'Deleted'],
      ['tax-uk-zero', 0, 'Active'],
      ['tax-uk-exempt', 0, 'Active'],
      ['tax-uk-none', 0, 'Active'],
    ]);
    const usRates = await sandbox.connector.listTaxRates(contextFor(await connect(sandbox, 'us')));
    expect(usRates.map((r) => r.effectiveRate)).toEqual([8.875, 4, 4.875, 0]);
    const caCtx = contextFor(await connect(sandbox, 'ca'));
    expect((await sandbox.connector.listTaxRates(caCtx)).map((r) => r.effectiveRate)).toEqual([
      5, 7, 13, 0,
    ]);

    sandbox.admin.archiveContact(caCtx.tokens.tenantId, 'cus-online-sales');
    expect(await sandbox.connector.listCustomers(caCtx)).toEqual([
      { id: 'cus-daily-sales', name: 'Daily sales', status: 'Active' },
      { id: 'cus-online-sales', name: 'Online sales', status: 'Archived' },
      { id: 'cus-old-till', name: 'Old till sales', status: 'Archived' },
    ]);
    expect((await sandbox.connector.listSuppliers(caCtx)).map((s) => s.name)).toEqual([
      'Card processor',
      'PayPal',
    ]);
  });
});

describe('sandbox connector writes', () => {
  it('writes every document kind, each balanced, and the trial balance sums', async () => {
    ({ sandbox } = newSandbox());
    const ctx = contextFor(await connect(sandbox, 'uk'));
    const ledgerId = ctx.tokens.tenantId;
    const invoice = ukInvoice('2026-03-03', 12_000);
    const creditNote = ukCreditNote('2026-03-03', 1_200);
    const bill = ukBill('2026-03-03', 300);
    const billCredit = {
      ...ukBill('2026-03-03', 100),
      kind: 'billCreditNote' as const,
      reference: 'cmp-1:2026-03-03:GBP||:billCreditNote:r0',
    };
    const docs = [
      ukJournal('2026-03-02'),
      invoice,
      creditNote,
      bill,
      billCredit,
      ukPayment(invoice.reference, 12_000, 'received', '2026-03-03'),
      ukPayment(creditNote.reference, 1_200, 'refunded', '2026-03-03'),
      ukPayment(bill.reference, 300, 'paid', '2026-03-03'),
      ukPayment(billCredit.reference, 100, 'refundReceived', '2026-03-03'),
      ukBankTransaction('2026-03-03'),
      {
        ...ukBankTransaction('2026-03-03'),
        type: 'receive' as const,
        reference: 'cmp-1:2026-03-03:GBP||:bankTransaction:receive:r0',
        total: 45,
      },
      ukTransfer('2026-03-04', 9_000),
    ];
    const related: Record<string, string> = {};
    for (const doc of docs) {
      AccountingDocumentSchema.parse(doc);
      const result = await write(sandbox, ctx, doc, related);
      expect(result.replayed).toBe(false);
      related[doc.reference] = result.platformId;
    }
    const posted = sandbox.admin.documents(ledgerId);
    expect(posted.map((d) => d.kind)).toEqual(docs.map((d) => d.kind));
    for (const d of posted) {
      expect(d.postings.reduce((s, p) => s + p.debit, 0)).toBe(
        d.postings.reduce((s, p) => s + p.credit, 0),
      );
    }
    // Invoices, credit notes and bills are fully settled by their payments.
    expect(posted.filter((d) => d.amountDue !== null).map((d) => d.amountDue)).toEqual([
      0, 0, 0, 0,
    ]);
    expect(posted[5]!.appliesToId).toBe(related[invoice.reference]);

    const tb = sandbox.admin.trialBalance(ledgerId);
    expect(tb.currency).toBe('GBP');
    expect(tb.totals.debit).toBe(tb.totals.credit);
    expect(tb.totals.debitDecimal).toBe(tb.totals.creditDecimal);
    const row = (id: string) => tb.accounts.find((a) => a.accountId === id);
    // Card clearing: +12,000 received, −1,200 refunded, −300 paid, +100 refund received, −45 spent, +45 received, −9,000 paid out.
    expect(row(uk.accounts.cardClearing.id)).toMatchObject({
      debit: 12_145,
      credit: 10_545,
      debitDecimal: '121.45',
      creditDecimal: '105.45',
    });
    expect(row(uk.accounts.businessBank.id)).toMatchObject({ debit: 9_000, credit: 0 });
    // VAT: 200 (journal) + 2,000 (invoice) credited; 200 (credit note) debited.
    expect(row(uk.accounts.taxPayable.id)).toMatchObject({ debit: 200, credit: 2_200 });
    expect(row(uk.accounts.accountsReceivable.id)).toMatchObject({
      debit: 12_000 + 1_200,
      credit: 1_200 + 12_000,
    });
  });

  it('refreshes an expired access token once, saves the rotated tokens and retries', async () => {
    let clock;
    ({ sandbox, clock } = newSandbox());
    const original = await connect(sandbox, 'uk');
    const ctx = contextFor({ ...original, expiresAt: null });
    sandbox.admin.expireAccessTokens(original.tenantId);
    const result = await write(sandbox, ctx, ukJournal());
    expect(result.replayed).toBe(false);
    expect(ctx.saved).toHaveLength(1);
    expect(ctx.saved[0]!.refreshToken).not.toBe(original.refreshToken);
    expect(ctx.tokens).toEqual(ctx.saved[0]);
    // Later calls use the new token without refreshing again.
    await sandbox.connector.listAccounts(ctx);
    expect(ctx.saved).toHaveLength(1);

    // A token past its known expiry is refreshed before the call.
    clock.advance(31 * 60_000);
    await sandbox.connector.listAccounts(ctx);
    expect(ctx.saved).toHaveLength(2);
  });

  it('shares one refresh between concurrent calls with the same tokens', async () => {
    ({ sandbox } = newSandbox());
    const tokens = await connect(sandbox, 'uk');
    sandbox.admin.expireAccessTokens(tokens.tenantId);
    const a = contextFor({ ...tokens });
    const b = contextFor({ ...tokens });
    await Promise.all([sandbox.connector.listAccounts(a), sandbox.connector.listTaxRates(b)]);
    expect(a.tokens.refreshToken).toBe(b.tokens.refreshToken);
  });

  it('reports authorization_revoked when the refresh token was revoked too', async () => {
    ({ sandbox } = newSandbox());
    const tokens = await connect(sandbox, 'uk');
    sandbox.admin.expireAccessTokens(tokens.tenantId);
    sandbox.admin.revokeAuthorizations(tokens.tenantId);
    const ctx = contextFor(tokens);
    await expect(write(sandbox, ctx, ukJournal())).rejects.toMatchObject({
      code: 'authorization_revoked',
    });
    expect(ctx.saved).toHaveLength(0);
  });

  it('works across a real HTTP boundary, like a separate process', async () => {
    const server = createAdaptorServer({
      fetch: (request: Request) => remote.handler(request),
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const publicUrl = `http://127.0.0.1:${port}/sandbox`;
    const remote = createSandboxPlatform({
      databasePath: ':memory:',
      publicUrl,
      redirectUris: [REDIRECT_URI],
      now: manualClock().now,
    });
    const local = createSandboxPlatform({
      databasePath: ':memory:',
      publicUrl,
      redirectUris: [],
      fetch: globalThis.fetch,
    });
    sandbox = remote;
    try {
      const { verifier, challenge } = pkcePair();
      const consentUrl = local.connector.authorizationUrl({
        state: 'x',
        redirectUri: REDIRECT_URI,
        codeChallenge: challenge,
      });
      const page = await fetch(consentUrl);
      expect(page.status).toBe(200);
      const { requestId } = await openConsent(remote, consentUrl);
      const back = await decide(remote, requestId, 'allow', 'new:uk');
      const tokens = await local.connector.exchangeCode({
        code: back.searchParams.get('code')!,
        redirectUri: REDIRECT_URI,
        codeVerifier: verifier,
      });
      const ctx = contextFor(tokens);
      expect((await local.connector.getCompanyInfo(ctx)).baseCurrency).toBe('GBP');
      await write(local, ctx, ukJournal());
      expect(remote.admin.documents(tokens.tenantId)).toHaveLength(1);
      expect(local.admin.listLedgers()).toHaveLength(0);
    } finally {
      local.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
