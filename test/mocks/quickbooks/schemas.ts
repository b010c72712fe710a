import { z } from 'zod';

/**
 * Request bodies of the QuickBooks Online Accounting API entities the connector creates, as
 * Intuit's API reference describes them for create calls (strict: an unknown or misspelt
 * field is an error here, where QuickBooks would silently drop it).
 */

const Ref = z.strictObject({ value: z.string().min(1), name: z.string().optional() });
const TxnDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'TxnDate must be YYYY-MM-DD');
const Money = z
  .number()
  .finite()
  .refine((n) => Math.abs(Math.round(n * 100) - n * 100) < 1e-6, 'more than 2 decimal places');
const PositiveMoney = Money.refine((n) => n >= 0, 'must not be negative');
const Note = z.string().max(4000).optional();
const GlobalTax = z.enum(['TaxExcluded', 'TaxInclusive', 'NotApplicable']).optional();
const LinkedTxn = z.strictObject({
  TxnId: z.string().min(1),
  TxnType: z.enum([
    'Invoice',
    'CreditMemo',
    'JournalEntry',
    'Bill',
    'VendorCredit',
    'Deposit',
    'Expense',
  ]),
});

const JournalEntryLine = z.strictObject({
  Id: z.string().optional(),
  Description: z.string().max(4000).optional(),
  Amount: PositiveMoney,
  DetailType: z.literal('JournalEntryLineDetail'),
  JournalEntryLineDetail: z.strictObject({
    PostingType: z.enum(['Debit', 'Credit']),
    AccountRef: Ref,
    Entity: z
      .strictObject({ Type: z.enum(['Customer', 'Vendor', 'Employee']), EntityRef: Ref })
      .optional(),
    TaxCodeRef: Ref.optional(),
    TaxApplicableOn: z.enum(['Sales', 'Purchase']).optional(),
    TaxAmount: Money.optional(),
  }),
});

/** A transaction's tax per tax rate (non-US editions): the tax QuickBooks posts to each agency. */
const TaxLine = z.strictObject({
  Amount: Money,
  DetailType: z.literal('TaxLineDetail'),
  TaxLineDetail: z.strictObject({
    TaxRateRef: Ref,
    PercentBased: z.boolean().optional(),
    TaxPercent: z.number().optional(),
    NetAmountTaxable: Money.optional(),
  }),
});

export const JournalEntrySchema = z.strictObject({
  TxnDate,
  DocNumber: z.string().max(21).optional(),
  PrivateNote: Note,
  CurrencyRef: Ref.optional(),
  /** Home-currency units per unit of CurrencyRef (multicurrency companies). */
  ExchangeRate: z.number().optional(),
  Line: z.array(JournalEntryLine).min(2),
  TxnTaxDetail: z
    .strictObject({
      TxnTaxCodeRef: Ref.optional(),
      TotalTax: Money,
      TaxLine: z.array(TaxLine).optional(),
    })
    .optional(),
});

const SalesItemLine = z.strictObject({
  Id: z.string().optional(),
  Description: z.string().max(4000).optional(),
  Amount: Money,
  DetailType: z.literal('SalesItemLineDetail'),
  SalesItemLineDetail: z.strictObject({
    ItemRef: Ref,
    Qty: z.number().optional(),
    UnitPrice: Money.optional(),
    TaxCodeRef: Ref.optional(),
  }),
});

const TxnTaxDetail = z
  .strictObject({ TotalTax: Money.optional(), TxnTaxCodeRef: Ref.optional() })
  .optional();

export const InvoiceSchema = z.strictObject({
  CustomerRef: Ref,
  TxnDate,
  DueDate: TxnDate.optional(),
  CurrencyRef: Ref.optional(),
  PrivateNote: Note,
  GlobalTaxCalculation: GlobalTax,
  Line: z.array(SalesItemLine).min(1),
  TxnTaxDetail,
});

export const CreditMemoSchema = InvoiceSchema.omit({ DueDate: true });

const ExpenseLine = z.strictObject({
  Id: z.string().optional(),
  Description: z.string().max(4000).optional(),
  Amount: PositiveMoney,
  DetailType: z.literal('AccountBasedExpenseLineDetail'),
  AccountBasedExpenseLineDetail: z.strictObject({
    AccountRef: Ref,
    TaxCodeRef: Ref.optional(),
    BillableStatus: z.string().optional(),
  }),
});

export const BillSchema = z.strictObject({
  VendorRef: Ref,
  TxnDate,
  DueDate: TxnDate.optional(),
  CurrencyRef: Ref.optional(),
  PrivateNote: Note,
  GlobalTaxCalculation: GlobalTax,
  Line: z.array(ExpenseLine).min(1),
});

export const VendorCreditSchema = BillSchema.omit({ DueDate: true });

const PaymentLine = z.strictObject({ Amount: PositiveMoney, LinkedTxn: z.array(LinkedTxn).min(1) });

export const PaymentSchema = z.strictObject({
  CustomerRef: Ref,
  TotalAmt: PositiveMoney,
  TxnDate,
  CurrencyRef: Ref.optional(),
  DepositToAccountRef: Ref.optional(),
  PrivateNote: Note,
  Line: z.array(PaymentLine).optional(),
});

export const BillPaymentSchema = z.strictObject({
  VendorRef: Ref,
  PayType: z.enum(['Check', 'CreditCard']),
  CheckPayment: z.strictObject({ BankAccountRef: Ref }).optional(),
  CreditCardPayment: z.strictObject({ CCAccountRef: Ref }).optional(),
  TotalAmt: PositiveMoney,
  TxnDate,
  CurrencyRef: Ref.optional(),
  PrivateNote: Note,
  Line: z.array(PaymentLine).min(1),
});

const DepositLine = z.strictObject({
  Amount: Money,
  Description: z.string().max(4000).optional(),
  DetailType: z.literal('DepositLineDetail'),
  DepositLineDetail: z.strictObject({
    AccountRef: Ref,
    Entity: z
      .strictObject({ value: z.string().min(1), type: z.enum(['Customer', 'Vendor', 'Employee']) })
      .optional(),
    TaxCodeRef: Ref.optional(),
  }),
});

export const DepositSchema = z.strictObject({
  DepositToAccountRef: Ref,
  TxnDate,
  CurrencyRef: Ref.optional(),
  PrivateNote: Note,
  GlobalTaxCalculation: GlobalTax,
  Line: z.array(DepositLine).min(1),
});

export const PurchaseSchema = z.strictObject({
  PaymentType: z.enum(['Cash', 'Check', 'CreditCard']),
  AccountRef: Ref,
  EntityRef: z
    .strictObject({ value: z.string().min(1), type: z.enum(['Customer', 'Vendor', 'Employee']) })
    .optional(),
  TxnDate,
  CurrencyRef: Ref.optional(),
  PrivateNote: Note,
  GlobalTaxCalculation: GlobalTax,
  Line: z.array(ExpenseLine).min(1),
});

export const TransferSchema = z.strictObject({
  FromAccountRef: Ref,
  ToAccountRef: Ref,
  Amount: PositiveMoney,
  TxnDate,
  PrivateNote: Note,
});

export const ItemSchema = z.strictObject({
  Name: z.string().min(1).max(100),
  Type: z.enum(['Service', 'NonInventory', 'Inventory']),
  IncomeAccountRef: Ref,
  Description: z.string().max(4000).optional(),
});

/** Create-request schema by entity name (the URL path is its lower-case form). */
export const QUICKBOOKS_CREATE_SCHEMAS = {
  JournalEntry: JournalEntrySchema,
  Invoice: InvoiceSchema,
  CreditMemo: CreditMemoSchema,
  Payment: PaymentSchema,
  Bill: BillSchema,
  BillPayment: BillPaymentSchema,
  VendorCredit: VendorCreditSchema,
  Deposit: DepositSchema,
  Purchase: PurchaseSchema,
  Transfer: TransferSchema,
  Item: ItemSchema,
} as const;

export type QuickBooksCreateEntity = keyof typeof QUICKBOOKS_CREATE_SCHEMAS;
