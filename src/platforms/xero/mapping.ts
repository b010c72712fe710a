import { minorToNumber } from '../../contract/money.js';
import type {
  AccountingDocument,
  BankTransactionDocument,
  JournalDocument,
  JournalLine,
  PaymentDocument,
  SalesLine,
  TransferDocument,
} from '../../contract/documents.js';
import { ConnectorError } from '../connector.js';
import { planJournalTax } from '../journal-tax.js';

/** One Xero create call: which endpoint, the collection wrapper key and the id field to read back. */
export interface XeroWrite {
  path:
    | '/Contacts'
    | '/ManualJournals'
    | '/Invoices'
    | '/CreditNotes'
    | '/Payments'
    | '/BankTransactions'
    | '/BankTransfers';
  collection:
    | 'Contacts'
    | 'ManualJournals'
    | 'Invoices'
    | 'CreditNotes'
    | 'Payments'
    | 'BankTransactions'
    | 'BankTransfers';
  idField:
    | 'ContactID'
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

/**
 * A transfer (payout) in a currency other than the organisation's base currency. Manual journals
 * are base-currency only, so it cannot be the clearing journal a base-currency payout is:
 *
 * - between two bank accounts it is a BankTransfer, as in the base currency (Xero converts
 *   between the accounts' currencies);
 * - from a clearing account to the bank (a payout) it is receive money (`RECEIVE`) on the bank
 *   account in the transfer's currency, its one line on the clearing account; back from the bank
 *   (a failed payout) it is spend money (`SPEND`) on the bank account, the line on the clearing
 *   account. Xero converts at its day rate and records it on the transaction.
 *
 * Xero keeps a bank account's transactions in that account's currency, so the bank account must
 * be in the transfer's currency (`bankCurrency`): otherwise, and when neither side is a bank
 * account, the write is refused with a message saying which account to map.
 */
export function foreignTransferWrite(
  document: TransferDocument,
  context: {
    isBankAccount(accountId: string): boolean;
    bankCurrency(accountId: string): string;
    contactId: string;
  },
): XeroWrite {
  const fromBank = context.isBankAccount(document.fromAccountId);
  const toBank = context.isBankAccount(document.toAccountId);
  const currency = document.currency;
  if (fromBank && toBank) return transferWrite(document, { ...context, related: {}, taxRatePercent: () => undefined });
  if (!fromBank && !toBank) {
    throw new ConnectorError(
      'configuration_invalid',
      `Xero cannot record the ${currency} transfer ${document.reference} between two non-bank accounts (manual journals are base-currency only)`,
      { detail: `map payouts to a ${currency} bank account in Xero, then sync again.` },
    );
  }
  const bank = toBank ? document.toAccountId : document.fromAccountId;
  const other = toBank ? document.fromAccountId : document.toAccountId;
  if (context.bankCurrency(bank) !== currency) {
    throw new ConnectorError(
      'configuration_invalid',
      `Xero keeps bank account ${bank} in ${context.bankCurrency(bank)}, so it cannot take the ${currency} transfer ${document.reference}`,
      { detail: `map payouts to a ${currency} bank account in Xero (${currency} payouts need a bank account in that currency), then sync again.` },
    );
  }
  const amount = minorToNumber(document.amount, currency);
  return {
    path: '/BankTransactions',
    collection: 'BankTransactions',
    idField: 'BankTransactionID',
    body: {
      BankTransactions: [
        {
          Type: toBank ? 'RECEIVE' : 'SPEND',
          Contact: { ContactID: context.contactId },
          BankAccount: { AccountID: bank },
          Date: document.date,
          Reference: narration(document).slice(0, 255),
          CurrencyCode: currency,
          Status: 'AUTHORISED',
          LineAmountTypes: 'NoTax',
          LineItems: [
            {
              Description: toBank ? 'Payout received' : 'Failed payout returned',
              Quantity: 1,
              UnitAmount: amount,
              LineAmount: amount,
              AccountID: other,
              TaxType: 'NONE',
            },
          ],
        },
      ],
    },
  };
}

/** The contact a foreign-currency day's invoice is raised to; the connector finds or creates it. */
export const XERO_DAY_CONTACT_NAME = 'Commerce sync daily sales';

/** The Xero calls that post one foreign-currency journal: the invoice, then its payments. */
export interface XeroForeignDay {
  invoice: XeroWrite;
  /** One Payment per clearing account that received money, against the written invoice. */
  payments(invoiceId: string): XeroWrite[];
}

const SETTLEMENT_ROLES: ReadonlySet<string> = new Set(['payment', 'paymentRefund']);

/**
 * A journal in a currency other than the organisation's base currency. Xero manual journals are
 * base-currency only, but invoices and payments may be in any currency the organisation has
 * enabled, converted by Xero at its own day rate (no `CurrencyRate` is sent, so Xero applies the
 * XE.com rate of the document date or the organisation's own rate for that day, and records it on
 * the document). So the day is written as one `ACCREC` invoice in the day's currency plus one
 * Payment per clearing account that received money:
 *
 * - every journal line except the money received is an invoice line at the opposite sign (credits
 *   are positive lines; debits such as fees and refunds are negative lines), sent tax-exclusive with
 *   its `TaxType` and the tax Xero calculates per line (as on the manual journal);
 * - the difference between the commerce tax and Xero's per-line figure goes onto the `TaxAmount`
 *   of the rate's largest line (an invoice line's TaxAmount may be overridden; the VAT account
 *   itself cannot be coded on an invoice), so the return and the VAT account hold the tax charged;
 * - the money: the payment-type lines, netted per account; an account with net money in gets a
 *   Payment of that amount against the invoice, one with net money out stays an invoice line on
 *   the clearing account. The invoice total is therefore the money received, never negative, and
 *   it is fully paid: the receivable is left at zero, and each account holds what the journal
 *   would have put on it.
 */
export function foreignJournalWrites(
  document: JournalDocument,
  context: XeroWriteContext & { contactId: string },
): XeroForeignDay {
  const plan = planJournalTax(
    document.lines,
    (taxType) => {
      const percent = context.taxRatePercent(taxType);
      return percent === undefined ? undefined : { components: [{ id: taxType, percent }] };
    },
    'Xero',
  );
  const money = new Map<string, { amount: number; description: string }>();
  const items: Array<{ line: JournalLine; tax: number }> = [];
  const residues: JournalLine[] = [];
  for (const { line, tax } of plan.lines) {
    if (SETTLEMENT_ROLES.has(line.role) && !line.taxRateId) {
      const seen = money.get(line.accountId);
      if (seen) seen.amount += line.amount;
      else money.set(line.accountId, { amount: line.amount, description: line.description });
    } else if ((line.role === 'tax' || line.role === 'refundTax') && !line.taxRateId) {
      residues.push(line);
    } else items.push({ line, tax });
  }
  for (const residue of residues) {
    const key = residue.taxRateKey ?? null;
    const target = items
      .filter((i) => i.line.taxRateId && key !== null && i.line.taxRateKey === key)
      .sort((a, b) => Math.abs(b.line.amount) - Math.abs(a.line.amount))[0];
    if (target) target.tax += residue.amount;
    else items.push({ line: residue, tax: 0 });
  }
  const receipts: Array<{ accountId: string; amount: number; description: string }> = [];
  for (const [accountId, m] of money) {
    if (m.amount > 0) receipts.push({ accountId, ...m });
    else if (m.amount < 0) {
      items.push({
        line: { accountId, amount: m.amount, description: m.description, role: 'paymentRefund' },
        tax: 0,
      });
    }
  }
  const currency = document.currency;
  const reference = `${narration(document)} (${currency} at Xero's day rate)`.slice(0, 255);
  const invoice: XeroWrite = {
    path: '/Invoices',
    collection: 'Invoices',
    idField: 'InvoiceID',
    body: {
      Invoices: [
        {
          Type: 'ACCREC',
          Contact: { ContactID: context.contactId },
          Date: document.date,
          DueDate: document.date,
          LineAmountTypes: 'Exclusive',
          Reference: reference,
          CurrencyCode: currency,
          Status: 'AUTHORISED',
          LineItems: items.map(({ line, tax }) => ({
            Description: line.description,
            Quantity: 1,
            UnitAmount: minorToNumber(-line.amount, currency),
            LineAmount: minorToNumber(-line.amount, currency),
            AccountID: line.accountId,
            TaxType: line.taxRateId ?? 'NONE',
            TaxAmount: minorToNumber(-tax, currency),
          })),
        },
      ],
    },
  };
  return {
    invoice,
    payments: (invoiceId) =>
      receipts.map((r) => ({
        path: '/Payments',
        collection: 'Payments',
        idField: 'PaymentID',
        body: {
          Payments: [
            {
              Invoice: { InvoiceID: invoiceId },
              Account: { AccountID: r.accountId },
              Date: document.date,
              Amount: minorToNumber(r.amount, currency),
              Reference: `${r.description} (${reference})`.slice(0, 255),
            },
          ],
        },
      })),
  };
}
