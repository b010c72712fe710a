import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CATALOG, formatCatalogMessage } from '../../../src/contract/error-catalog.js';
import { ConnectorError } from '../../../src/platforms/connector.js';
import { SANDBOX_TEMPLATES } from '../../../src/platforms/sandbox/index.js';
import type { SandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import type { ConnectorContext } from '../../../src/platforms/connector.js';
import {
  BASE,
  connect,
  contextFor,
  newSandbox,
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
let ctx: ConnectorContext;
let ledgerId: string;

beforeEach(async () => {
  ({ sandbox } = newSandbox());
  const tokens = await connect(sandbox, 'uk');
  ctx = contextFor(tokens);
  ledgerId = tokens.tenantId;
});
afterEach(() => sandbox.close());

/** Writes and returns the ConnectorError it must fail with. */
async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

function nothingPosted() {
  expect(sandbox.admin.documents(ledgerId)).toEqual([]);
  expect(sandbox.admin.trialBalance(ledgerId).accounts).toEqual([]);
}

describe('sandbox ledger rules', () => {
  it('rejects an unbalanced journal and writes nothing', async () => {
    const journal = ukJournal();
    journal.lines[0]!.amount = 1251;
    const error = await rejection(write(sandbox, ctx, journal));
    expect(error.code).toBe('document_rejected');
    expect(error.detail).toContain('does not balance');
    expect(error.detail).toContain('0.01 GBP');
    expect(formatCatalogMessage(ERROR_CATALOG.document_rejected.message, error.params)).toBe(
      'Sandbox ledger rejected the journal for 2026-03-02: The journal does not balance: debits exceed credits by 0.01 GBP.',
    );
    nothingPosted();
  });

  it('rejects archived and deleted accounts with the account name and mapping', async () => {
    sandbox.admin.archiveAccount(ledgerId, uk.accounts.gratuities.id);
    const archived = await rejection(write(sandbox, ctx, ukJournal()));
    expect(archived.code).toBe('account_archived');
    expect(archived.params).toMatchObject({
      accountName: 'Gratuities',
      mapping: 'Gratuities',
      platform: 'Sandbox ledger',
    });
    expect(
      formatCatalogMessage(ERROR_CATALOG.account_archived.message, archived.params),
    ).not.toMatch(/\{\w+\}/);

    sandbox.admin.restoreAccount(ledgerId, uk.accounts.gratuities.id);
    sandbox.admin.deleteAccount(ledgerId, uk.accounts.sales.id);
    const deleted = await rejection(write(sandbox, ctx, ukJournal()));
    expect(deleted.code).toBe('account_missing');
    expect(deleted.params).toMatchObject({ accountName: 'Sales', mapping: 'Sales' });

    const unknown = ukJournal();
    unknown.lines[1]!.accountId = 'acc-999';
    const missing = await rejection(write(sandbox, ctx, unknown));
    expect(missing.code).toBe('account_missing');
    expect(missing.params.accountName).toBe('acc-999');
    nothingPosted();
  });

  it('rejects deleted tax rates with the commerce rate', async () => {
    sandbox.admin.deleteTaxRate(ledgerId, uk.taxRates.standard.id);
    const error = await rejection(write(sandbox, ctx, ukInvoice()));
    expect(error.code).toBe('tax_rate_missing');
    expect(formatCatalogMessage(ERROR_CATALOG.tax_rate_missing.message, error.params)).toBe(
      'The tax rate mapped to 20% no longer exists in Sandbox ledger. Choose another tax rate, then sync again.',
    );
    nothingPosted();
  });

  it('rejects archived customers and suppliers', async () => {
    sandbox.admin.archiveContact(ledgerId, uk.contacts.dailySales.id);
    const customer = await rejection(write(sandbox, ctx, ukInvoice()));
    expect(customer.code).toBe('customer_archived');
    expect(customer.params.contactName).toBe('Daily sales');
    sandbox.admin.archiveContact(ledgerId, uk.contacts.cardProcessor.id);
    expect((await rejection(write(sandbox, ctx, ukBill()))).code).toBe('supplier_archived');
    expect((await rejection(write(sandbox, ctx, ukBankTransaction()))).code).toBe(
      'supplier_archived',
    );
    nothingPosted();
  });

  it('rejects negative invoices sent straight to the API', async () => {
    const negative = { ...ukInvoice(), total: -1200 };
    negative.lines = [{ ...negative.lines[0]!, netAmount: -1000, taxAmount: -200 }];
    const response = await sandbox.handler(
      new Request(`${BASE}/api/documents`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${ctx.tokens.accessToken}`,
          'Idempotency-Key': 'neg-1',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ document: negative }),
      }),
    );
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      code: 'document_rejected',
      error_description: expect.stringContaining('negative total'),
    });
    nothingPosted();
  });

  it('rejects a document whose total is not the sum of its lines', async () => {
    const invoice = ukInvoice();
    invoice.total += 1;
    expect((await rejection(write(sandbox, ctx, invoice))).detail).toContain(
      'not the sum of its lines',
    );
  });

  it('rejects documents dated on or before the lock date', async () => {
    sandbox.admin.setLockDate(ledgerId, '2026-03-02');
    const error = await rejection(write(sandbox, ctx, ukJournal('2026-03-02')));
    expect(error.code).toBe('period_locked');
    expect(error.params).toMatchObject({
      lockDate: '2026-03-02',
      date: '2026-03-02',
      platform: 'Sandbox ledger',
    });
    expect((await rejection(write(sandbox, ctx, ukTransfer('2026-01-31')))).code).toBe(
      'period_locked',
    );
    await expect(write(sandbox, ctx, ukJournal('2026-03-03'))).resolves.toMatchObject({
      replayed: false,
    });
  });

  it('rejects payments to accounts that do not accept payments', async () => {
    const invoice = await write(sandbox, ctx, ukInvoice());
    const error = await rejection(
      write(
        sandbox,
        ctx,
        ukPayment(
          'cmp-1:2026-03-02:GBP||:invoice:r0',
          100,
          'received',
          '2026-03-02',
          uk.accounts.prepayments.id,
        ),
        {
          'cmp-1:2026-03-02:GBP||:invoice:r0': invoice.platformId,
        },
      ),
    );
    expect(error.code).toBe('document_rejected');
    expect(error.detail).toContain('does not accept payments');
    sandbox.admin.setAccountPayments(ledgerId, uk.accounts.cardClearing.id, false);
    expect(
      (await rejection(write(sandbox, ctx, ukPayment(invoice.platformId, 100)))).detail,
    ).toContain('does not accept payments');
  });

  it('rejects a payment exceeding the amount due, across several payments', async () => {
    const invoice = await write(sandbox, ctx, ukInvoice('2026-03-02', 12_000));
    await write(sandbox, ctx, ukPayment(invoice.platformId, 10_000));
    const error = await rejection(write(sandbox, ctx, ukPayment(invoice.platformId, 2_001)));
    expect(error.code).toBe('document_rejected');
    expect(error.detail).toContain('exceeds the amount due of 20.00 GBP');
    await write(sandbox, ctx, ukPayment(invoice.platformId, 2_000));
    expect(sandbox.admin.documents(ledgerId)[0]!.amountDue).toBe(0);
  });

  it('rejects a payment applied to the wrong kind of document or to nothing', async () => {
    const bill = await write(sandbox, ctx, ukBill());
    expect(
      (await rejection(write(sandbox, ctx, ukPayment(bill.platformId, 100, 'received')))).detail,
    ).toContain('cannot apply to a bill');
    expect((await rejection(write(sandbox, ctx, ukPayment('nope', 100)))).detail).toContain(
      'does not exist',
    );
  });

  it('rejects currencies not enabled on the ledger until they are added', async () => {
    const journal = { ...ukJournal(), currency: 'USD', group: { currency: 'USD' } };
    const error = await rejection(write(sandbox, ctx, journal));
    expect(error.code).toBe('currency_mismatch');
    expect(formatCatalogMessage(ERROR_CATALOG.currency_mismatch.message, error.params)).toContain(
      'Enable USD in Sandbox ledger',
    );
    sandbox.admin.addCurrency(ledgerId, 'USD');
    await write(sandbox, ctx, journal);
    expect(sandbox.admin.trialBalance(ledgerId).otherCurrencies.map((s) => s.currency)).toEqual([
      'USD',
    ]);
  });

  it('replays a duplicate idempotency key: same id, replayed, nothing new', async () => {
    const first = await write(sandbox, ctx, ukJournal());
    const tbBefore = sandbox.admin.trialBalance(ledgerId);
    sandbox.admin.setLockDate(ledgerId, '2026-12-31');
    const again = await write(sandbox, ctx, ukJournal());
    expect(again).toEqual({ platformId: first.platformId, replayed: true });
    expect(first.replayed).toBe(false);
    expect(sandbox.admin.documents(ledgerId)).toHaveLength(1);
    expect(sandbox.admin.trialBalance(ledgerId)).toEqual(tbBefore);
  });

  it('replays concurrent writes of one key as one document', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => write(sandbox, ctx, ukJournal())));
    expect(new Set(results.map((r) => r.platformId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(sandbox.admin.documents(ledgerId)).toHaveLength(1);
  });

  it('returns subscription_expired on writes while reads keep working', async () => {
    sandbox.admin.setSubscriptionExpired(ledgerId, true);
    expect((await rejection(write(sandbox, ctx, ukJournal()))).code).toBe('subscription_expired');
    await expect(sandbox.connector.listAccounts(ctx)).resolves.not.toHaveLength(0);
    sandbox.admin.setSubscriptionExpired(ledgerId, false);
    await expect(write(sandbox, ctx, ukJournal())).resolves.toMatchObject({ replayed: false });
  });

  it('simulates outages and rate limits, then recovers', async () => {
    sandbox.admin.failNextRequests(ledgerId, 2, 503);
    expect((await rejection(write(sandbox, ctx, ukJournal()))).code).toBe('platform_outage');
    expect((await rejection(sandbox.connector.listAccounts(ctx))).code).toBe('platform_outage');
    sandbox.admin.failNextRequests(ledgerId, 1, 429);
    const limited = await rejection(write(sandbox, ctx, ukJournal()));
    expect(limited.code).toBe('rate_limited');
    expect(limited.retryAfterMs).toBe(1000);
    nothingPosted();
    await expect(write(sandbox, ctx, ukJournal())).resolves.toMatchObject({ replayed: false });
  });

  it('rejects transfers and bank transactions on accounts that are not bank accounts', async () => {
    const transfer = { ...ukTransfer(), toAccountId: uk.accounts.sales.id };
    expect((await rejection(write(sandbox, ctx, transfer))).detail).toContain('not a bank account');
    const spend = { ...ukBankTransaction(), bankAccountId: uk.accounts.merchantFees.id };
    expect((await rejection(write(sandbox, ctx, spend))).detail).toContain('not a bank account');
    nothingPosted();
  });

  it('applies a refund to a credit note', async () => {
    const note = await write(sandbox, ctx, ukCreditNote());
    expect(
      (await rejection(write(sandbox, ctx, ukPayment(note.platformId, 1_201, 'refunded')))).detail,
    ).toContain('exceeds');
    await write(sandbox, ctx, ukPayment(note.platformId, 1_200, 'refunded'));
    const tb = sandbox.admin.trialBalance(ledgerId);
    expect(tb.accounts.find((a) => a.accountId === uk.accounts.cardClearing.id)).toMatchObject({
      debit: 0,
      credit: 1_200,
    });
  });
});
