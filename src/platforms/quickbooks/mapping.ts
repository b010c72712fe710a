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
import type { LedgerRate } from '../journal-tax.js';

/** QuickBooks entities the connector creates. */
export type QuickBooksEntity =
  | 'JournalEntry'
  | 'Invoice'
  | 'CreditMemo'
  | 'Payment'
  | 'Bill'
  | 'BillPayment'
  | 'VendorCredit'
  | 'Deposit'
  | 'Purchase'
  | 'Transfer'
  | 'Item';

/** One create call: the entity (its lower-case name is the URL path) and the body. */
export interface QuickBooksWrite {
  entity: QuickBooksEntity;
  body: Record<string, unknown>;
}

/** Ledger facts the mapper needs, resolved by the connector beforehand. */
export interface QuickBooksWriteContext {
  related: Record<string, string>;
  /** The service item that posts to an account (QuickBooks sales lines go through items). */
  itemFor(accountId: string): string;
  /** The customer or vendor of an already-written transaction, by its QuickBooks id. */
  partyOf(transactionId: string): string;
  receivableAccountId: string | null;
  payableAccountId: string | null;
  /**
   * An active QuickBooks tax code by id with its sales tax rates (id and percentage), or
   * `undefined` when there is none. Needed for journals whose lines carry tax codes.
   */
  taxCode(codeId: string): LedgerRate | undefined;
  /**
   * For a journal in a currency other than the home currency: QuickBooks' own rate for its date
   * (home-currency units per unit of the document's currency) and where it came from.
   */
  exchangeRate?: { rate: number; source: string } | null;
}

const NOTE_MAX = 4000;

function note(document: AccountingDocument): string {
  return `${document.memo.trim() || document.reference} [${document.reference}]`.slice(0, NOTE_MAX);
}

const ref = (value: string) => ({ value });

/** QuickBooks amounts are positive decimals; the sign lives in PostingType or the entity. */
function amount(minor: number, currency: string): number {
  return minorToNumber(Math.abs(minor), currency);
}

/**
 * Maps a document to its QuickBooks create call (domain §4, QuickBooks variant): JournalEntry,
 * Invoice/CreditMemo through per-account service items, Bill/VendorCredit with account lines,
 * Payment/BillPayment linked to what they settle, Deposit for refunds received and receive
 * money, Purchase for spend money, Transfer for payouts. Cash refunds against a credit memo
 * take two calls and go through {@link refundJournal} and {@link refundLink} instead.
 */
export function toQuickBooksWrite(
  document: AccountingDocument,
  context: QuickBooksWriteContext,
): QuickBooksWrite {
  switch (document.kind) {
    case 'journal':
      return { entity: 'JournalEntry', body: journalBody(document, context) };
    case 'invoice':
    case 'creditNote':
      return {
        entity: document.kind === 'invoice' ? 'Invoice' : 'CreditMemo',
        body: {
          CustomerRef: ref(document.contactId),
          TxnDate: document.date,
          ...(document.kind === 'invoice' ? { DueDate: document.date } : {}),
          CurrencyRef: ref(document.currency),
          PrivateNote: note(document),
          GlobalTaxCalculation: 'TaxExcluded',
          Line: salesLines(document.lines, document.currency, context),
          TxnTaxDetail: {
            TotalTax: minorToNumber(
              document.lines.reduce((s, l) => s + l.taxAmount, 0),
              document.currency,
            ),
          },
        },
      };
    case 'bill':
    case 'billCreditNote':
      return {
        entity: document.kind === 'bill' ? 'Bill' : 'VendorCredit',
        body: {
          VendorRef: ref(document.contactId),
          TxnDate: document.date,
          ...(document.kind === 'bill' ? { DueDate: document.date } : {}),
          CurrencyRef: ref(document.currency),
          PrivateNote: note(document),
          GlobalTaxCalculation: 'TaxExcluded',
          Line: expenseLines(document.lines, document.currency),
        },
      };
    case 'payment':
      return paymentWrite(document, context);
    case 'bankTransaction':
      return bankTransactionWrite(document);
    case 'transfer':
      return transferWrite(document);
  }
}

/**
 * A daily journal as a JournalEntry whose sales-side lines carry their tax code, so the tax
 * return includes them. QuickBooks (outside the US) computes the tax of a coded line itself and
 * posts it to the tax rate's agency account: each coded line is sent at net with `TaxCodeRef`,
 * `TaxApplicableOn: Sales` and that computed `TaxAmount`, the entry's `TxnTaxDetail` itemises the
 * tax per tax rate (amounts payable positive), and the explicit tax lines are not sent twice —
 * only the difference between the commerce tax and QuickBooks' per-line figure stays on the tax
 * account without tax code. Debits equal credits once each line's tax is added.
 */
function journalBody(
  document: JournalDocument,
  context: QuickBooksWriteContext,
): Record<string, unknown> {
  const plan = planJournalTax(
    document.lines,
    (codeId) => context.taxCode(codeId),
    'QuickBooks Online',
  );
  const money = (minor: number) => minorToNumber(minor, document.currency);
  const perRate = new Map<string, { tax: number; net: number; percent: number }>();
  for (const { components } of plan.lines) {
    for (const c of components) {
      const sum = perRate.get(c.id) ?? { tax: 0, net: 0, percent: c.percent };
      sum.tax -= c.tax;
      sum.net -= c.net;
      perRate.set(c.id, sum);
    }
  }
  const fx = context.exchangeRate;
  return {
    TxnDate: document.date,
    CurrencyRef: ref(document.currency),
    // A foreign-currency entry states its rate, and the note says where the rate came from.
    ...(fx ? { ExchangeRate: fx.rate } : {}),
    PrivateNote: fx ? `${fx.source}. ${note(document)}`.slice(0, NOTE_MAX) : note(document),
    Line: plan.lines.map(({ line, tax }) => ({
      Description: line.description,
      Amount: amount(line.amount, document.currency),
      DetailType: 'JournalEntryLineDetail',
      JournalEntryLineDetail: {
        PostingType: line.amount > 0 ? 'Debit' : 'Credit',
        AccountRef: ref(line.accountId),
        ...(line.taxRateId
          ? {
              TaxCodeRef: ref(line.taxRateId),
              TaxApplicableOn: 'Sales',
              TaxAmount: amount(tax, document.currency),
            }
          : {}),
      },
    })),
    ...(perRate.size > 0
      ? {
          TxnTaxDetail: {
            TotalTax: money(-plan.totalTax),
            TaxLine: [...perRate].map(([rateId, r]) => ({
              Amount: money(r.tax),
              DetailType: 'TaxLineDetail',
              TaxLineDetail: {
                TaxRateRef: ref(rateId),
                PercentBased: true,
                TaxPercent: r.percent,
                NetAmountTaxable: money(r.net),
              },
            })),
          },
        }
      : {}),
  };
}

function taxCode(line: SalesLine): { TaxCodeRef: { value: string } } | Record<string, never> {
  return line.taxRateId ? { TaxCodeRef: ref(line.taxRateId) } : {};
}

function salesLines(
  lines: readonly SalesLine[],
  currency: string,
  context: QuickBooksWriteContext,
): Record<string, unknown>[] {
  return lines.map((line) => ({
    Description: line.description,
    Amount: minorToNumber(line.netAmount, currency),
    DetailType: 'SalesItemLineDetail',
    SalesItemLineDetail: {
      ItemRef: ref(context.itemFor(line.accountId)),
      Qty: 1,
      UnitPrice: minorToNumber(line.netAmount, currency),
      ...taxCode(line),
    },
  }));
}

function expenseLines(lines: readonly SalesLine[], currency: string): Record<string, unknown>[] {
  return lines.map((line) => ({
    Description: line.description,
    Amount: minorToNumber(line.netAmount, currency),
    DetailType: 'AccountBasedExpenseLineDetail',
    AccountBasedExpenseLineDetail: { AccountRef: ref(line.accountId), ...taxCode(line) },
  }));
}

function target(document: PaymentDocument, related: Record<string, string>): string {
  const id = related[document.appliesTo];
  if (!id) {
    throw new ConnectorError(
      'internal_error',
      `Payment ${document.reference} applies to ${document.appliesTo}, which has not been written yet`,
    );
  }
  return id;
}

function paymentWrite(document: PaymentDocument, context: QuickBooksWriteContext): QuickBooksWrite {
  const settled = target(document, context.related);
  const total = minorToNumber(document.amount, document.currency);
  switch (document.direction) {
    case 'received':
      return {
        entity: 'Payment',
        body: {
          CustomerRef: ref(context.partyOf(settled)),
          TotalAmt: total,
          TxnDate: document.date,
          CurrencyRef: ref(document.currency),
          DepositToAccountRef: ref(document.accountId),
          PrivateNote: note(document),
          Line: [{ Amount: total, LinkedTxn: [{ TxnId: settled, TxnType: 'Invoice' }] }],
        },
      };
    case 'paid':
      return {
        entity: 'BillPayment',
        body: {
          VendorRef: ref(context.partyOf(settled)),
          PayType: 'Check',
          CheckPayment: { BankAccountRef: ref(document.accountId) },
          TotalAmt: total,
          TxnDate: document.date,
          CurrencyRef: ref(document.currency),
          PrivateNote: note(document),
          Line: [{ Amount: total, LinkedTxn: [{ TxnId: settled, TxnType: 'Bill' }] }],
        },
      };
    case 'refundReceived': {
      if (!context.payableAccountId) throw missingSystemAccount('Accounts Payable');
      return {
        entity: 'Deposit',
        body: {
          DepositToAccountRef: ref(document.accountId),
          TxnDate: document.date,
          CurrencyRef: ref(document.currency),
          PrivateNote: note(document),
          Line: [
            {
              Amount: total,
              Description: document.memo,
              DetailType: 'DepositLineDetail',
              DepositLineDetail: {
                AccountRef: ref(context.payableAccountId),
                Entity: { value: context.partyOf(settled), type: 'Vendor' },
              },
            },
          ],
        },
      };
    }
    case 'refunded':
      throw new ConnectorError(
        'internal_error',
        'Cash refunds are written with refundJournal and refundLink',
      );
  }
}

function missingSystemAccount(type: string): ConnectorError {
  return new ConnectorError('account_missing', `QuickBooks has no active ${type} account`, {
    platform: 'QuickBooks Online',
    accountName: type,
    mapping: 'the ledger',
  });
}

/**
 * First call of a cash refund against a credit memo: a journal moving the money out of the
 * payment type's account against the customer's receivable (QuickBooks cannot pay a credit
 * memo out directly without a refund receipt, which would post the sale reversal twice).
 */
export function refundJournal(
  document: PaymentDocument,
  context: QuickBooksWriteContext,
): QuickBooksWrite {
  if (!context.receivableAccountId) throw missingSystemAccount('Accounts Receivable');
  const creditMemo = target(document, context.related);
  const customer = context.partyOf(creditMemo);
  const total = minorToNumber(document.amount, document.currency);
  return {
    entity: 'JournalEntry',
    body: {
      TxnDate: document.date,
      CurrencyRef: ref(document.currency),
      PrivateNote: note(document),
      Line: [
        {
          Description: document.memo,
          Amount: total,
          DetailType: 'JournalEntryLineDetail',
          JournalEntryLineDetail: {
            PostingType: 'Debit',
            AccountRef: ref(context.receivableAccountId),
            Entity: { Type: 'Customer', EntityRef: ref(customer) },
          },
        },
        {
          Description: document.memo,
          Amount: total,
          DetailType: 'JournalEntryLineDetail',
          JournalEntryLineDetail: { PostingType: 'Credit', AccountRef: ref(document.accountId) },
        },
      ],
    },
  };
}

/** Second call of a cash refund: a zero-total payment that links the credit memo to the journal. */
export function refundLink(
  document: PaymentDocument,
  journalEntryId: string,
  context: QuickBooksWriteContext,
): QuickBooksWrite {
  const creditMemo = target(document, context.related);
  const total = minorToNumber(document.amount, document.currency);
  return {
    entity: 'Payment',
    body: {
      CustomerRef: ref(context.partyOf(creditMemo)),
      TotalAmt: 0,
      TxnDate: document.date,
      CurrencyRef: ref(document.currency),
      PrivateNote: note(document),
      Line: [
        { Amount: total, LinkedTxn: [{ TxnId: creditMemo, TxnType: 'CreditMemo' }] },
        { Amount: total, LinkedTxn: [{ TxnId: journalEntryId, TxnType: 'JournalEntry' }] },
      ],
    },
  };
}

function bankTransactionWrite(document: BankTransactionDocument): QuickBooksWrite {
  if (document.type === 'spend') {
    return {
      entity: 'Purchase',
      body: {
        PaymentType: 'Cash',
        AccountRef: ref(document.bankAccountId),
        ...(document.contactId ? { EntityRef: { value: document.contactId, type: 'Vendor' } } : {}),
        TxnDate: document.date,
        CurrencyRef: ref(document.currency),
        PrivateNote: note(document),
        GlobalTaxCalculation: 'TaxExcluded',
        Line: expenseLines(document.lines, document.currency),
      },
    };
  }
  return {
    entity: 'Deposit',
    body: {
      DepositToAccountRef: ref(document.bankAccountId),
      TxnDate: document.date,
      CurrencyRef: ref(document.currency),
      PrivateNote: note(document),
      GlobalTaxCalculation: 'TaxExcluded',
      Line: document.lines.map((line) => ({
        Amount: minorToNumber(line.netAmount, document.currency),
        Description: line.description,
        DetailType: 'DepositLineDetail',
        DepositLineDetail: {
          AccountRef: ref(line.accountId),
          ...(document.contactId ? { Entity: { value: document.contactId, type: 'Vendor' } } : {}),
          ...taxCode(line),
        },
      })),
    },
  };
}

function transferWrite(document: TransferDocument): QuickBooksWrite {
  return {
    entity: 'Transfer',
    body: {
      FromAccountRef: ref(document.fromAccountId),
      ToAccountRef: ref(document.toAccountId),
      Amount: minorToNumber(document.amount, document.currency),
      TxnDate: document.date,
      PrivateNote: note(document),
    },
  };
}
