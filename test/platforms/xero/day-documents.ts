import { documentReference } from '../../../src/contract/documents.js';
import type { AccountingDocument, DocumentGroup } from '../../../src/contract/documents.js';

/** Ledger ids a day's documents point at; each vendor test supplies its own. */
export interface DayLedgerIds {
  sales: string;
  vat: string;
  gratuity: string;
  cardClearing: string;
  cashClearing: string;
  bank: string;
  savings: string;
  fees: string;
  customer: string;
  supplier: string;
  salesTax: string | null;
  noTax: string | null;
}

const COMPANY = '5e0c1b7a-company';

function ref(date: string, group: DocumentGroup, kind: string, qualifier?: string): string {
  return documentReference({
    companyId: COMPANY,
    date,
    group,
    kind,
    revision: 0,
    ...(qualifier ? { qualifier } : {}),
  });
}

/**
 * The domain brief's example day in journal mode: card and cash received, 1,000.00 sales at
 * 20% VAT, 50.00 gratuities, 60.00 fees and a 30.00 fee refund, then a card payout from the
 * clearing account and a bank-to-bank sweep.
 */
export function journalDay(
  date: string,
  ids: DayLedgerIds,
  currency = 'GBP',
): AccountingDocument[] {
  const group: DocumentGroup = { currency };
  const base = { companyId: COMPANY, date, currency, group, revision: 0 };
  return [
    {
      ...base,
      kind: 'journal',
      reference: ref(date, group, 'journal'),
      memo: `Sales summary ${date}`,
      lines: [
        {
          accountId: ids.cardClearing,
          amount: 77_000,
          description: 'Card payments less fees',
          role: 'payment',
        },
        {
          accountId: ids.cashClearing,
          amount: 45_000,
          description: 'Cash payments',
          role: 'payment',
        },
        { accountId: ids.fees, amount: 6_000, description: 'Card fees', role: 'fee' },
        {
          accountId: ids.sales,
          amount: -100_000,
          description: 'Sales 20%',
          role: 'sales',
          taxRateId: ids.salesTax,
          taxRateKey: '20',
        },
        { accountId: ids.gratuity, amount: -5_000, description: 'Gratuities', role: 'gratuity' },
        {
          accountId: ids.vat,
          amount: -20_000,
          description: 'VAT 20%',
          role: 'tax',
          taxRateKey: '20',
        },
        { accountId: ids.fees, amount: -3_000, description: 'Card fee refunds', role: 'feeRefund' },
      ],
    },
    {
      ...base,
      kind: 'transfer',
      reference: ref(date, group, 'transfer', 'card'),
      memo: `Card payout ${date}`,
      fromAccountId: ids.cardClearing,
      toAccountId: ids.bank,
      amount: 70_000,
    },
    {
      ...base,
      kind: 'transfer',
      reference: ref(date, group, 'transfer', 'sweep'),
      memo: `Sweep to savings ${date}`,
      fromAccountId: ids.bank,
      toAccountId: ids.savings,
      amount: 10_000,
    },
  ];
}

/**
 * The same day in invoice mode (domain §4): invoice + payments per payment type, a refund
 * credit note paid out in cash, a fees bill paid from the card clearing account, a fee-refund
 * bill credit note refunded into it, a bank charge as spend money and the payout.
 */
export function invoiceDay(
  date: string,
  ids: DayLedgerIds,
  currency = 'GBP',
): AccountingDocument[] {
  const group: DocumentGroup = { currency };
  const base = { companyId: COMPANY, date, currency, group, revision: 0 };
  const invoice = ref(date, group, 'invoice');
  const creditNote = ref(date, group, 'creditNote');
  const bill = ref(date, group, 'bill');
  const billCredit = ref(date, group, 'billCreditNote');
  return [
    {
      ...base,
      kind: 'invoice',
      reference: invoice,
      memo: `Sales ${date}`,
      contactId: ids.customer,
      status: 'Submitted',
      total: 125_000,
      lines: [
        {
          accountId: ids.sales,
          description: 'Sales 20%',
          role: 'sales',
          netAmount: 100_000,
          taxAmount: 20_000,
          taxRateId: ids.salesTax,
          taxRateKey: '20',
        },
        {
          accountId: ids.gratuity,
          description: 'Gratuities',
          role: 'gratuity',
          netAmount: 5_000,
          taxAmount: 0,
          taxRateId: ids.noTax,
        },
      ],
    },
    {
      ...base,
      kind: 'payment',
      reference: ref(date, group, 'payment', 'card'),
      memo: `Card ${date}`,
      direction: 'received',
      accountId: ids.cardClearing,
      paymentTypeKey: 'card',
      amount: 80_000,
      appliesTo: invoice,
    },
    {
      ...base,
      kind: 'payment',
      reference: ref(date, group, 'payment', 'cash'),
      memo: `Cash ${date}`,
      direction: 'received',
      accountId: ids.cashClearing,
      paymentTypeKey: 'cash',
      amount: 45_000,
      appliesTo: invoice,
    },
    {
      ...base,
      kind: 'creditNote',
      reference: creditNote,
      memo: `Refunds ${date}`,
      contactId: ids.customer,
      status: 'Submitted',
      total: 1_200,
      lines: [
        {
          accountId: ids.sales,
          description: 'Refunds 20%',
          role: 'refund',
          netAmount: 1_000,
          taxAmount: 200,
          taxRateId: ids.salesTax,
          taxRateKey: '20',
        },
      ],
    },
    {
      ...base,
      kind: 'payment',
      reference: ref(date, group, 'payment', 'cash-refund'),
      memo: `Cash refund ${date}`,
      direction: 'refunded',
      accountId: ids.cashClearing,
      paymentTypeKey: 'cash',
      amount: 1_200,
      appliesTo: creditNote,
    },
    {
      ...base,
      kind: 'bill',
      reference: bill,
      memo: `Card fees ${date}`,
      contactId: ids.supplier,
      status: 'Submitted',
      total: 6_000,
      lines: [
        {
          accountId: ids.fees,
          description: 'Card fees',
          role: 'fee',
          netAmount: 6_000,
          taxAmount: 0,
          taxRateId: ids.noTax,
        },
      ],
    },
    {
      ...base,
      kind: 'payment',
      reference: ref(date, group, 'payment', 'fees'),
      memo: `Fees paid ${date}`,
      direction: 'paid',
      accountId: ids.cardClearing,
      paymentTypeKey: 'fees',
      amount: 6_000,
      appliesTo: bill,
    },
    {
      ...base,
      kind: 'billCreditNote',
      reference: billCredit,
      memo: `Fee refunds ${date}`,
      contactId: ids.supplier,
      status: 'Submitted',
      total: 3_000,
      lines: [
        {
          accountId: ids.fees,
          description: 'Card fee refunds',
          role: 'feeRefund',
          netAmount: 3_000,
          taxAmount: 0,
          taxRateId: ids.noTax,
        },
      ],
    },
    {
      ...base,
      kind: 'payment',
      reference: ref(date, group, 'payment', 'fee-refund'),
      memo: `Fee refund ${date}`,
      direction: 'refundReceived',
      accountId: ids.cardClearing,
      paymentTypeKey: 'fees',
      amount: 3_000,
      appliesTo: billCredit,
    },
    {
      ...base,
      kind: 'bankTransaction',
      reference: ref(date, group, 'bankTransaction', 'charges'),
      memo: `Bank charges ${date}`,
      type: 'spend',
      bankAccountId: ids.bank,
      contactId: ids.supplier,
      total: 500,
      lines: [
        {
          accountId: ids.fees,
          description: 'Monthly terminal charge',
          role: 'fee',
          netAmount: 500,
          taxAmount: 0,
          taxRateId: ids.noTax,
        },
      ],
    },
    {
      ...base,
      kind: 'transfer',
      reference: ref(date, group, 'transfer', 'card'),
      memo: `Card payout ${date}`,
      fromAccountId: ids.cardClearing,
      toAccountId: ids.bank,
      amount: 70_000,
    },
  ];
}

/** Writes documents in order, feeding each write the platform ids of those before it. */
export async function writeAll(
  write: (
    document: AccountingDocument,
    related: Record<string, string>,
  ) => Promise<{ platformId: string }>,
  documents: readonly AccountingDocument[],
  related: Record<string, string> = {},
): Promise<Record<string, string>> {
  for (const document of documents) {
    const { platformId } = await write(document, related);
    related[document.reference] = platformId;
  }
  return related;
}
