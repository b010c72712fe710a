import { z } from 'zod';

/**
 * Accounting documents that aggregation emits and connectors write. Amounts are integer minor
 * units of `currency` (see `money.ts`). Every document carries a deterministic `reference`
 * (company, day, grouping, kind, revision) that doubles as the idempotency key of its write.
 */

const Minor = z.number().int().refine(Number.isSafeInteger, 'Amount out of range');
/** Merchant-local calendar day, `YYYY-MM-DD`. */
export const LocalDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD.');

/** What a line stands for; lets ledgers, tests and the review screen explain each line. */
export const LineRole = z.enum([
  'sales',
  'discount',
  'shipping',
  'serviceCharge',
  'tax',
  'gratuity',
  'prepaid',
  'refund',
  'refundTax',
  'payment',
  'paymentRefund',
  'fee',
  'feeRefund',
  'payout',
  'rounding',
]);
export type LineRole = z.infer<typeof LineRole>;

/** The day and grouping a document summarises. */
export const DocumentGroupSchema = z.object({
  currency: z.string().length(3),
  locationId: z.string().nullish(),
  country: z.string().nullish(),
});
export type DocumentGroup = z.infer<typeof DocumentGroupSchema>;

const DocumentBase = z.object({
  /** Deterministic: `${companyId}:${date}:${groupKey}:${kind}:r${revision}`. Idempotency key. */
  reference: z.string().min(1),
  companyId: z.string().min(1),
  date: LocalDateSchema,
  currency: z.string().length(3),
  group: DocumentGroupSchema,
  /** 0 for the original; 1, 2, … for adjustments that carry only the difference. */
  revision: z.number().int().min(0),
  /** Reference of the original document an adjustment corrects. */
  adjusts: z.string().nullish(),
  memo: z.string(),
  /** Reference of the document this one settles (payments, refunds, bill payments). */
  appliesTo: z.string().nullish(),
});

/** A journal line: positive `amount` is a debit, negative a credit (Xero's convention). */
export const JournalLineSchema = z.object({
  accountId: z.string().min(1),
  amount: Minor,
  description: z.string(),
  role: LineRole,
  taxRateId: z.string().nullish(),
  /** The commerce tax percentage the line belongs to, as its key ("20"). */
  taxRateKey: z.string().nullish(),
});
export type JournalLine = z.infer<typeof JournalLineSchema>;

export const JournalDocumentSchema = DocumentBase.extend({
  kind: z.literal('journal'),
  lines: z.array(JournalLineSchema).min(2),
});
export type JournalDocument = z.infer<typeof JournalDocumentSchema>;

/** An invoice or credit-note line: `netAmount` excludes tax; `taxAmount` is the tax on it. */
export const SalesLineSchema = z.object({
  accountId: z.string().min(1),
  description: z.string(),
  role: LineRole,
  netAmount: Minor,
  taxAmount: Minor,
  taxRateId: z.string().nullish(),
  taxRateKey: z.string().nullish(),
});
export type SalesLine = z.infer<typeof SalesLineSchema>;

const SalesDocumentBase = DocumentBase.extend({
  contactId: z.string().min(1),
  status: z.enum(['Submitted', 'Draft']),
  lines: z.array(SalesLineSchema).min(1),
  /** Sum of net + tax of all lines; never negative (a negative day becomes a credit note). */
  total: Minor.refine((n) => n >= 0, 'A document total cannot be negative.'),
});

export const InvoiceDocumentSchema = SalesDocumentBase.extend({ kind: z.literal('invoice') });
export const CreditNoteDocumentSchema = SalesDocumentBase.extend({ kind: z.literal('creditNote') });
export const BillDocumentSchema = SalesDocumentBase.extend({ kind: z.literal('bill') });
export const BillCreditNoteDocumentSchema = SalesDocumentBase.extend({ kind: z.literal('billCreditNote') });
export type InvoiceDocument = z.infer<typeof InvoiceDocumentSchema>;
export type CreditNoteDocument = z.infer<typeof CreditNoteDocumentSchema>;
export type BillDocument = z.infer<typeof BillDocumentSchema>;
export type BillCreditNoteDocument = z.infer<typeof BillCreditNoteDocumentSchema>;

/**
 * Money moving between a clearing/bank account and a document: a payment received against an
 * invoice, a cash refund against a credit note, a payment of a bill, a refund of a bill credit
 * note. `appliesTo` names the settled document's reference.
 */
export const PaymentDocumentSchema = DocumentBase.extend({
  kind: z.literal('payment'),
  direction: z.enum(['received', 'refunded', 'paid', 'refundReceived']),
  accountId: z.string().min(1),
  /** Commerce payment type key (`card`, `cash`, …) or `fees`. */
  paymentTypeKey: z.string(),
  amount: Minor.refine((n) => n > 0, 'A payment amount must be positive.'),
  appliesTo: z.string().min(1),
});
export type PaymentDocument = z.infer<typeof PaymentDocumentSchema>;

/** Spend-money or receive-money directly on a bank account (fees when the fee account is a bank account). */
export const BankTransactionDocumentSchema = DocumentBase.extend({
  kind: z.literal('bankTransaction'),
  type: z.enum(['spend', 'receive']),
  bankAccountId: z.string().min(1),
  contactId: z.string().nullish(),
  lines: z.array(SalesLineSchema).min(1),
  total: Minor.refine((n) => n > 0, 'A bank transaction total must be positive.'),
});
export type BankTransactionDocument = z.infer<typeof BankTransactionDocumentSchema>;

/** A payout: money moved from a clearing account to the bank (or back, for failed payouts). */
export const TransferDocumentSchema = DocumentBase.extend({
  kind: z.literal('transfer'),
  fromAccountId: z.string().min(1),
  toAccountId: z.string().min(1),
  amount: Minor.refine((n) => n > 0, 'A transfer amount must be positive.'),
});
export type TransferDocument = z.infer<typeof TransferDocumentSchema>;

export const AccountingDocumentSchema = z.discriminatedUnion('kind', [
  JournalDocumentSchema,
  InvoiceDocumentSchema,
  CreditNoteDocumentSchema,
  BillDocumentSchema,
  BillCreditNoteDocumentSchema,
  PaymentDocumentSchema,
  BankTransactionDocumentSchema,
  TransferDocumentSchema,
]);
export type AccountingDocument = z.infer<typeof AccountingDocumentSchema>;
export type DocumentKind = AccountingDocument['kind'];

/** Builds the deterministic document reference. */
export function documentReference(parts: {
  companyId: string;
  date: string;
  group: DocumentGroup;
  kind: string;
  revision: number;
  /** Disambiguates several documents of one kind in a group (e.g. the payment type key). */
  qualifier?: string;
}): string {
  const g = [parts.group.currency, parts.group.locationId ?? '', parts.group.country ?? ''].join('|');
  const q = parts.qualifier ? `:${parts.qualifier}` : '';
  return `${parts.companyId}:${parts.date}:${g}:${parts.kind}${q}:r${parts.revision}`;
}

/**
 * The size of a document in minor units of its currency, as a person reading a ledger would
 * quote it: the total of an invoice, credit note, bill or bank transaction, the amount of a
 * payment or transfer, and the debit side of a journal (a journal's lines sum to zero).
 */
export function documentAmount(document: AccountingDocument): number {
  switch (document.kind) {
    case 'journal':
      return document.lines.reduce((sum, line) => (line.amount > 0 ? sum + line.amount : sum), 0);
    case 'payment':
    case 'transfer':
      return document.amount;
    default:
      return document.total;
  }
}
