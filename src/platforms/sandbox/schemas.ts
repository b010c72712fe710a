import { z } from 'zod';
import {
  BankTransactionDocumentSchema,
  BillCreditNoteDocumentSchema,
  BillDocumentSchema,
  CreditNoteDocumentSchema,
  InvoiceDocumentSchema,
  JournalDocumentSchema,
  PaymentDocumentSchema,
  TransferDocumentSchema,
} from '../../contract/documents.js';

/**
 * Wire shapes of the sandbox platform's own HTTP API (the "vendor" side): OAuth token
 * responses, the Bearer-token ledger API and the JSON views. The connector parses every
 * response with these, exactly as it would a third-party vendor's.
 */

const Int = z.number().int().refine(Number.isSafeInteger, 'Amount out of range');

/**
 * A document as the ledger API accepts it. Built from the contract schemas with the sign
 * rules relaxed, so the ledger itself (not the parser) applies and explains them, as a real
 * ledger would for any client.
 */
export const SandboxDocumentInputSchema = z.discriminatedUnion('kind', [
  JournalDocumentSchema,
  InvoiceDocumentSchema.extend({ total: Int }),
  CreditNoteDocumentSchema.extend({ total: Int }),
  BillDocumentSchema.extend({ total: Int }),
  BillCreditNoteDocumentSchema.extend({ total: Int }),
  PaymentDocumentSchema.extend({ amount: Int }),
  BankTransactionDocumentSchema.extend({ total: Int }),
  TransferDocumentSchema.extend({ amount: Int }),
]);
export type SandboxDocumentInput = z.infer<typeof SandboxDocumentInputSchema>;

/** `POST /api/documents` body; the `Idempotency-Key` header carries the idempotency key. */
export const SandboxWriteRequestSchema = z.object({
  document: SandboxDocumentInputSchema,
  /** Platform ids of earlier documents by reference (e.g. the invoice a payment settles). */
  related: z.record(z.string(), z.string()).default({}),
});
export type SandboxWriteRequest = z.infer<typeof SandboxWriteRequestSchema>;

/** `POST /api/documents` success body. */
export const SandboxWriteResponseSchema = z.object({
  platformId: z.string(),
  replayed: z.boolean(),
});

/** Every API and OAuth failure body. `code` is a sync catalog code when one applies. */
export const SandboxApiErrorSchema = z.object({
  error: z.string(),
  error_description: z.string(),
  code: z.string().optional(),
  /** `expired` tells the client a refresh can help; `revoked` that only reconnecting can. */
  reason: z.enum(['expired', 'revoked', 'used', 'unknown']).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type SandboxApiError = z.infer<typeof SandboxApiErrorSchema>;

/** `POST /oauth/token` success body (RFC 6749 §5.1 plus the ledger id). */
export const SandboxTokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive(),
  refresh_token: z.string(),
  scope: z.string(),
  ledger_id: z.string(),
});
export type SandboxTokenResponse = z.infer<typeof SandboxTokenResponseSchema>;

const Status = z.enum(['Active', 'Archived', 'Deleted']);

/** `GET /api/company`. */
export const SandboxCompanySchema = z.object({
  id: z.string(),
  name: z.string(),
  template: z.enum(['uk', 'us', 'ca']),
  baseCurrency: z.string().length(3),
  currencies: z.array(z.string().length(3)),
  countryCode: z.string(),
  lockDate: z.string().nullable(),
  subscriptionExpired: z.boolean(),
});
export type SandboxCompany = z.infer<typeof SandboxCompanySchema>;

/** One row of `GET /api/accounts`. */
export const SandboxAccountSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  classification: z.enum(['Asset', 'Liability', 'Equity', 'Income', 'Expense']),
  type: z.string(),
  status: Status,
  isBankAccount: z.boolean(),
  enablePaymentsToAccount: z.boolean(),
  currency: z.string().length(3),
});
export type SandboxAccount = z.infer<typeof SandboxAccountSchema>;

/** One row of `GET /api/tax-rates`. */
export const SandboxTaxRateSchema = z.object({
  id: z.string(),
  name: z.string(),
  effectiveRate: z.number(),
  status: Status,
  liabilityAccountId: z.string(),
});
export type SandboxTaxRate = z.infer<typeof SandboxTaxRateSchema>;

/** One row of `GET /api/contacts`. */
export const SandboxContactSchema = z.object({
  id: z.string(),
  name: z.string(),
  isCustomer: z.boolean(),
  isSupplier: z.boolean(),
  status: z.enum(['Active', 'Archived']),
});
export type SandboxContact = z.infer<typeof SandboxContactSchema>;

/** `{ items: [...] }` list envelope of the API. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/** One posting (a debit or a credit on one account) of a posted document. */
export const SandboxPostingSchema = z.object({
  accountId: z.string(),
  accountCode: z.string(),
  accountName: z.string(),
  description: z.string(),
  /** Minor units; exactly one of debit/credit is non-zero. */
  debit: Int,
  credit: Int,
  taxRateId: z.string().nullable(),
});
export type SandboxPosting = z.infer<typeof SandboxPostingSchema>;

/** A posted document as `GET /ledgers/{id}/documents` and `admin.documents` return it. */
export const SandboxPostedDocumentSchema = z.object({
  platformId: z.string(),
  idempotencyKey: z.string(),
  reference: z.string(),
  kind: z.string(),
  date: z.string(),
  currency: z.string().length(3),
  memo: z.string(),
  contactId: z.string().nullable(),
  appliesToId: z.string().nullable(),
  /** The lines as submitted (journal lines, sales lines, or one line for payments/transfers). */
  lines: z.array(z.record(z.string(), z.unknown())),
  /** The double-entry postings the document made. */
  postings: z.array(SandboxPostingSchema),
  totals: z.object({
    net: Int,
    tax: Int,
    total: Int,
    /** Decimal text of `total` in the document currency. */
    totalDecimal: z.string(),
  }),
  /** Still open on invoices, credit notes, bills and bill credit notes; null for drafts and other kinds. */
  amountDue: Int.nullable(),
  postedAt: z.string(),
});
export type SandboxPostedDocument = z.infer<typeof SandboxPostedDocumentSchema>;

/** One account's line of a trial balance. */
export const SandboxTrialBalanceRowSchema = z.object({
  accountId: z.string(),
  code: z.string(),
  name: z.string(),
  classification: z.string(),
  debit: Int,
  credit: Int,
  debitDecimal: z.string(),
  creditDecimal: z.string(),
});
export type SandboxTrialBalanceRow = z.infer<typeof SandboxTrialBalanceRowSchema>;

const TrialBalanceSection = z.object({
  currency: z.string().length(3),
  accounts: z.array(SandboxTrialBalanceRowSchema),
  totals: z.object({
    debit: Int,
    credit: Int,
    debitDecimal: z.string(),
    creditDecimal: z.string(),
  }),
});

/**
 * A trial balance: per account the sum of debits and credits in the base currency, plus one
 * section per other currency documents were posted in (the sandbox does no FX conversion).
 */
export const SandboxTrialBalanceSchema = TrialBalanceSection.extend({
  ledgerId: z.string(),
  otherCurrencies: z.array(TrialBalanceSection),
});
export type SandboxTrialBalance = z.infer<typeof SandboxTrialBalanceSchema>;
export type SandboxTrialBalanceSection = z.infer<typeof TrialBalanceSection>;

/** One item of `GET /ledgers` and `admin.listLedgers()`. */
export const SandboxLedgerSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  template: z.enum(['uk', 'us', 'ca']),
  baseCurrency: z.string().length(3),
  lockDate: z.string().nullable(),
  documentCount: z.number().int(),
  createdAt: z.string(),
});
export type SandboxLedgerSummary = z.infer<typeof SandboxLedgerSummarySchema>;

/** `GET /ledgers` (JSON). */
export const SandboxLedgerListSchema = z.object({ items: z.array(SandboxLedgerSummarySchema) });

/** `GET /ledgers/{id}/documents`. */
export const SandboxDocumentListSchema = z.object({
  ledgerId: z.string(),
  items: z.array(SandboxPostedDocumentSchema),
});
