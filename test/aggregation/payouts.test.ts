import { aggregate } from '../../src/aggregation/index.js';
import type { AggregateInput } from '../../src/aggregation/index.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { AccountingDocumentSchema } from '../../src/contract/documents.js';
import type { Configuration } from '../../src/contract/configuration.js';
import { buildConfiguration, buildOrder, buildPayment, buildTransaction, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';
import { connect, contextFor, newSandbox } from '../platforms/sandbox/helpers.js';

/**
 * Issue 11 item 11: payouts as deposits. Each payout is one bank document of the amount that
 * reaches the bank, so the merchant's bank line matches one document, and the clearing account
 * is at zero once every payout is posted. Figures are worked by hand beside each case.
 */

const DAY = { start: '2026-03-10', end: '2026-03-11' };

function run(records: Partial<AggregateInput['records']>, configuration: Configuration) {
  const result = aggregate({ companyId: 'co-1', configuration, period: DAY, records: { orders: [], payments: [], transactions: [], ...records } });
  for (const doc of result.documents) AccountingDocumentSchema.parse(doc);
  expect(result.problems).toEqual([]);
  return result.documents;
}

async function ledgerBalances(documents: readonly AccountingDocument[]): Promise<Record<string, number>> {
  const { sandbox } = newSandbox();
  try {
    const ctx = contextFor(await connect(sandbox, 'uk'));
    const related: Record<string, string> = {};
    for (const doc of documents) {
      const result = await sandbox.connector.writeDocument(ctx, doc, { idempotencyKey: doc.reference, related: { ...related } });
      related[doc.reference] = result.platformId;
    }
    const balances: Record<string, number> = {};
    for (const a of sandbox.admin.trialBalance(sandbox.admin.listLedgers()[0]!.id).accounts) {
      if (a.debit !== a.credit) balances[a.accountId] = a.debit - a.credit;
    }
    return balances;
  } finally {
    sandbox.close();
  }
}

const transfers = (documents: AccountingDocument[]) =>
  documents.flatMap((d) => (d.kind === 'transfer' ? [[d.fromAccountId, d.toAccountId, d.amount] as const] : []));

/*
 * The day by hand: two card sales, 12.00 (10.00 + 2.00 VAT) and 30.00 (25.00 + 5.00 VAT), paid by
 * card; two card fees of 0.21. Card clearing: 12.00 + 30.00 − 0.42 = 41.58. The processor pays
 * out twice: 20.00 and 21.58 (41.58 in all), each its own bank deposit.
 * Ledger after the day: bank 41.58 Dr, card clearing 0, sales 35.00 Cr, VAT 7.00 Cr, fees 0.42 Dr.
 */
const records = () => ({
  orders: [
    buildOrder({ id: 'o-12' }),
    buildOrder({ id: 'o-30', totalAmount: 30, totalTaxAmount: 5, orderLineItems: [{ quantity: 1, unitPrice: 25, taxPercentage: 20, totalAmount: 30, totalTaxAmount: 5 }] }),
  ],
  payments: [buildPayment({ id: 'p-12', amount: 12 }), buildPayment({ id: 'p-30', amount: 30 })],
  transactions: [
    buildTransaction({ id: 'fee-1' }),
    buildTransaction({ id: 'fee-2' }),
    buildTransaction({ id: 'po-1', type: 'Payout', totalAmount: 20 }),
    buildTransaction({ id: 'po-2', type: 'Payout', totalAmount: 21.58 }),
  ],
});

const journalConfig = () => buildConfiguration();
const invoiceConfig = () => buildConfiguration({ outputFormat: 'Invoice', paymentAccounts: {} });

describe.each([
  ['journal', journalConfig],
  ['invoice', invoiceConfig],
] as const)('%s mode: payouts as deposits (the default)', (_mode, config) => {
  it('posts one bank document per payout, of the amount the bank receives', () => {
    const documents = run(records(), config());
    expect(transfers(documents)).toEqual([
      [A.cardClearing.id, A.businessBank.id, 2000],
      [A.cardClearing.id, A.businessBank.id, 2158],
    ]);
    const refs = documents.filter((d) => d.kind === 'transfer').map((d) => d.reference);
    expect(refs[0]).toContain('po-1');
    expect(refs[1]).toContain('po-2');
  });

  it('leaves the card clearing account at zero once every payout is posted', async () => {
    const balances = await ledgerBalances(run(records(), config()));
    expect(balances[A.cardClearing.id]).toBeUndefined();
    expect(balances[A.businessBank.id]).toBe(4158);
    expect(balances[A.sales.id]).toBe(-3500);
    expect(balances[A.taxPayable.id]).toBe(-700);
    expect(balances[A.merchantFees.id]).toBe(42);
  });

  it('a failed payout moves its amount back from the bank to the clearing account', () => {
    // 20.00 paid out, then reported failed: bank → clearing 20.00 as its own document.
    const documents = run(
      { transactions: [buildTransaction({ id: 'po-1', type: 'Payout', totalAmount: 20 }), buildTransaction({ id: 'po-1-failed', type: 'FailedPayout', totalAmount: 20 })] },
      config(),
    );
    expect(transfers(documents)).toEqual([
      [A.cardClearing.id, A.businessBank.id, 2000],
      [A.businessBank.id, A.cardClearing.id, 2000],
    ]);
  });

  it('with payoutsAsDeposits false, nets the day\'s payouts per payment type as before', () => {
    const configuration = config();
    configuration.configuration!.payments!.payoutsAsDeposits = false;
    expect(transfers(run(records(), configuration))).toEqual([[A.cardClearing.id, A.businessBank.id, 4158]]);
  });
});
