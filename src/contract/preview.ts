import { z } from 'zod';
import { LocalDateSchema } from './documents.js';
import { FieldErrorSchema } from './errors.js';

/**
 * The preview (dry run) of what a configuration would post: the documents the real aggregation
 * makes from the merchant's pushed records for one merchant-local day, with each line's ledger
 * account named. Nothing is written. Amounts are integer minor units of the document currency.
 */

const Minor = z.number().int();

/**
 * One line of a previewed document. `amount` is signed for journals and transfers (a debit
 * positive, a credit negative, as Xero writes journals) and the net amount for invoice-like
 * documents (whose `taxAmount` is the tax on it) and payments.
 */
export const PreviewLineSchema = z.object({
  accountId: z.string(),
  /** The account's name in the ledger; the id when the ledger no longer has it. */
  accountName: z.string(),
  accountCode: z.string().nullable(),
  description: z.string(),
  /** What the line stands for (`sales`, `tax`, `payment`, `fee`, …; see `LineRole`). */
  role: z.string(),
  amount: Minor,
  taxAmount: Minor.nullable(),
  /** The ledger tax rate's name, when the line carries one. */
  taxRateName: z.string().nullable(),
});
export type PreviewLine = z.infer<typeof PreviewLineSchema>;

/** One previewed document. */
export const PreviewDocumentSchema = z.object({
  reference: z.string(),
  kind: z.enum(['journal', 'invoice', 'creditNote', 'bill', 'billCreditNote', 'payment', 'bankTransaction', 'transfer']),
  date: LocalDateSchema,
  currency: z.string().length(3),
  memo: z.string(),
  /** `signed`: line amounts are debits (+) and credits (−); `net`: net amounts with their tax. */
  lineStyle: z.enum(['signed', 'net']),
  lines: z.array(PreviewLineSchema),
  /** The document's size as a ledger reader quotes it (see `documentAmount`). */
  total: Minor,
});
export type PreviewDocument = z.infer<typeof PreviewDocumentSchema>;

/** Body of the preview request: the (unsaved) configuration, as set-configuration takes it; `{}` previews the saved one. */
export const SyncPreviewRequestSchema = z.record(z.string(), z.unknown());

/** Response of `POST /companies/{companyId}/sync/commerce/preview`. */
export const SyncPreviewSchema = z.object({
  /** The merchant-local day previewed: the most recent ended day with pushed records, else today; null with no data at all. */
  date: LocalDateSchema.nullable(),
  /** Whether `date` is today (still open: more sales may come). */
  dayOpen: z.boolean(),
  timeZone: z.string(),
  /** What this configuration would post for `date`, in write order. */
  documents: z.array(PreviewDocumentSchema),
  /** What was already posted for `date` (all revisions), for the difference; empty when nothing was. */
  posted: z.array(PreviewDocumentSchema),
  /** Why some records of the day could not be turned into documents (unmapped rows, …). */
  problems: z.array(z.object({ code: z.string(), message: z.string(), configPath: z.string().nullable() })),
  /** What saving this configuration would refuse (the same rules as set-configuration). */
  validation: z.array(FieldErrorSchema),
});
export type SyncPreview = z.infer<typeof SyncPreviewSchema>;

export { previewDifference } from './preview-difference.js';
