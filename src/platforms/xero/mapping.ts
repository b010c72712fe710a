import { minorToNumber } from '../../contract/money.js';
import type {
  AccountingDocument,
  BankTransactionDocument,
  JournalDocument,
  PaymentDocument,
  SalesLine,
  TransferDocument,
} from '../../contract/documents.js';
import { ConnectorError } from '../connector.js';
import { planJournalTax } from '../journal-tax.js';

/** One Xero create call: which endpoint, the collection wrapper key and the id field to read back. */
export interface XeroWrite {
  path:
    | '/ManualJournals'
    | '/Invoices'
    | '/CreditNotes'
    | '/Payments'
    | '/BankTransactions'
    | '/BankTransfers';
  collection:
    | 'ManualJournals'
    | 'Invoices'
    | 'CreditNotes'
    | 'Payments'
    | 'BankTransactions'
    | 'BankTransfers';
  idField:
    | 'ManualJournalID'
    | 'InvoiceID'
    | 'CreditNoteID'
    | 'PaymentID'
    | 'BankTransactionID'
    | 'BankTransferID';
  body: Record<string, unknown>;
}

/** What the mapper needs to know about the ledger beyond the document. */
export interface XeroWriteContext {
  /** Platform ids of already-written documents by reference. */
  related: Record<string, string>;
  /** Whether an account id is a Xero BANK account (decides BankTransfer vs journal). */
  isBankAccount(accountId: string): boolean;
  /**
   * Effective percentage of an active Xero tax rate by its `TaxType`, or `undefined` when the
   * organisation has no such active rate. Needed for journals whose lines carry tax rates.
   */
  taxRatePercent(taxType: string): number | undefined;
}

const NARRATION_MAX = 4000;

/**
 * Maps one accounting document to the Xero create call that writes it (domain §4): journals to
 * ManualJournals (positive LineAmount = debit), sales documents to ACCREC/ACCPAY invoices and
 * ACCRECCREDIT/ACCPAYCREDIT credit notes, payments against the invoice or credit note they
 * settle, spend/receive money to BankTransactions, payouts to BankTransfers between bank
 * accounts or a two-line ManualJournal when either side is a clearing (non-bank) account.
 */
export function toXeroWrite(document: AccountingDocument, context: XeroWriteContext): XeroWrite {
  switch (document.kind) {
    case 'journal':
      return journalWrite(document, context);
    case 'invoice':
    case 'bill':
      return {
        path: '/Invoices',
        collection: 'Invoices',
        idField: 'InvoiceID',
        body: {
          Invoices: [salesBody(document, document.kind === 'invoice' ? 'ACCREC' : 'ACCPAY')],
        },
      };
    case 'creditNote':
    case 'billCreditNote':
      return {
        path: '/CreditNotes',
        collection: 'CreditNotes',
        idField: 'CreditNoteID',
        body: {
          CreditNotes: [
            salesBody(document, document.kind === 'creditNote' ? 'ACCRECCREDIT' : 'ACCPAYCREDIT'),
          ],
        },
      };
    case 'payment':
      return paymentWrite(document, context);
    case 'bankTransaction':
      return bankTransactionWrite(document);
    case 'transfer':
      return transferWrite(document, context);
  }
}

function narration(document: AccountingDocument): string {
  const text = document.memo.trim() || document.reference;
  return text.slice(0, NARRATION_MAX);
}

/**
 * A daily journal as a Xero ManualJournal. Xero puts a line on the VAT/GST return only through
 * its `TaxType`, and computes that line's tax itself (`TaxAmount` is calculated from `TaxType`
 * and `LineAmount`; it cannot be set). So the journal is tax-exclusive: each sales-side line is
 * sent at its net amount with its rate's TaxType and Xero adds the tax to the rate's tax account;
 * the explicit tax lines are not sent, except for any difference between the commerce tax and
 * Xero's per-line figure, which stays on the tax account with TaxType NONE. Every other line is
 * NONE explicitly (without a TaxType Xero would apply the account's default rate).
 */
function journalWrite(document: JournalDocument, context: XeroWriteContext): XeroWrite {
  const plan = planJournalTax(
    document.lines,
    (taxType) => {
      const percent = context.taxRatePercent(taxType);
      return percent === undefined ? undefined : { components: [{ id: taxType, percent }] };
    },
    'Xero',
  );
  return {
    path: '/ManualJournals',
    collection: 'ManualJournals',
    idField: 'ManualJournalID',
    body: {
      ManualJournals: [
        {
          Narration: narration(document),
          Date: document.date,
          Status: 'POSTED',
          LineAmountTypes: 'Exclusive',
          JournalLines: plan.lines.map(({ line }) => ({
            LineAmount: minorToNumber(line.amount, document.currency),
            AccountID: line.accountId,
            Description: line.description,
            TaxType: line.taxRateId ?? 'NONE',
          })),
        },
      ],
    },
  };
}

function lineItems(lines: readonly SalesLine[], currency: string): Record<string, unknown>[] {
  return lines.map((line) => {
    const item: Record<string, unknown> = {
      Description: line.description,
      Quantity: 1,
      UnitAmount: minorToNumber(line.netAmount, currency),
      LineAmount: minorToNumber(line.netAmount, currency),
      AccountID: line.accountId,
      TaxAmount: minorToNumber(line.taxAmount, currency),
    };
    // Without a tax type Xero would apply the account's default rate and recompute the tax.
    const taxType = line.taxRateId ?? (line.taxAmount === 0 ? 'NONE' : null);
    if (taxType) item.TaxType = taxType;
    return item;
  });
}

function salesBody(
  document: Extract<
    AccountingDocument,
    { kind: 'invoice' | 'bill' | 'creditNote' | 'billCreditNote' }
  >,
  type: 'ACCREC' | 'ACCPAY' | 'ACCRECCREDIT' | 'ACCPAYCREDIT',
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    Type: type,
    Contact: { ContactID: document.contactId },
    Date: document.date,
    LineAmountTypes: 'Exclusive',
    // Xero shows Reference on sales documents; on purchases the supplier reference is the number.
    ...(type === 'ACCPAY'
      ? { InvoiceNumber: narration(document).slice(0, 255) }
      : { Reference: narration(document).slice(0, 255) }),
    CurrencyCode: document.currency,
    Status: document.status === 'Submitted' ? 'AUTHORISED' : 'DRAFT',
    LineItems: lineItems(document.lines, document.currency),
  };
  if (type === 'ACCREC' || type === 'ACCPAY') body.DueDate = document.date;
  return body;
}

function relatedId(document: PaymentDocument, related: Record<string, string>): string {
  const id = related[document.appliesTo];
  if (!id) {
    throw new ConnectorError(
      'internal_error',
      `Payment ${document.reference} applies to ${document.appliesTo}, which has not been written yet`,
    );
  }
  return id;
}

function paymentWrite(document: PaymentDocument, context: XeroWriteContext): XeroWrite {
  const target = relatedId(document, context.related);
  const settles =
    document.direction === 'received' || document.direction === 'paid'
      ? { Invoice: { InvoiceID: target } }
      : { CreditNote: { CreditNoteID: target } };
  return {
    path: '/Payments',
    collection: 'Payments',
    idField: 'PaymentID',
    body: {
      Payments: [
        {
          ...settles,
          Account: { AccountID: document.accountId },
          Date: document.date,
          Amount: minorToNumber(document.amount, document.currency),
          Reference: narration(document).slice(0, 255),
        },
      ],
    },
  };
}

function bankTransactionWrite(document: BankTransactionDocument): XeroWrite {
  if (!document.contactId) {
    throw new ConnectorError(
      'configuration_invalid',
      `Xero needs a contact on spend/receive money (${document.reference})`,
      {
        detail: 'choose a fees supplier so fees paid from a bank account can be recorded in Xero.',
      },
    );
  }
  return {
    path: '/BankTransactions',
    collection: 'BankTransactions',
    idField: 'BankTransactionID',
    body: {
      BankTransactions: [
        {
          Type: document.type === 'spend' ? 'SPEND' : 'RECEIVE',
          Contact: { ContactID: document.contactId },
          BankAccount: { AccountID: document.bankAccountId },
          Date: document.date,
          Reference: narration(document).slice(0, 255),
          CurrencyCode: document.currency,
          Status: 'AUTHORISED',
          LineAmountTypes: 'Exclusive',
          LineItems: lineItems(document.lines, document.currency),
        },
      ],
    },
  };
}

function transferWrite(document: TransferDocument, context: XeroWriteContext): XeroWrite {
  const amount = minorToNumber(document.amount, document.currency);
  if (
    context.isBankAccount(document.fromAccountId) &&
    context.isBankAccount(document.toAccountId)
  ) {
    return {
      path: '/BankTransfers',
      collection: 'BankTransfers',
      idField: 'BankTransferID',
      body: {
        BankTransfers: [
          {
            FromBankAccount: { AccountID: document.fromAccountId },
            ToBankAccount: { AccountID: document.toAccountId },
            Amount: amount,
            Date: document.date,
            Reference: narration(document).slice(0, 255),
          },
        ],
      },
    };
  }
  return {
    path: '/ManualJournals',
    collection: 'ManualJournals',
    idField: 'ManualJournalID',
    body: {
      ManualJournals: [
        {
          Narration: narration(document),
          Date: document.date,
          Status: 'POSTED',
          LineAmountTypes: 'NoTax',
          JournalLines: [
            { LineAmount: amount, AccountID: document.toAccountId, Description: 'Payout received' },
            { LineAmount: -amount, AccountID: document.fromAccountId, Description: 'Payout sent' },
          ],
        },
      ],
    },
  };
}
