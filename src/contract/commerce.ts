import { z } from 'zod';

/**
 * Commerce records partners push (orders, payments, transactions and their reference data),
 * compatible with Codat's push contract and commerce data model: decimal amounts are JSON
 * numbers in the record's currency, dates are ISO 8601 date-times with an offset (the sync
 * service gives a date-time sent without one the merchant's offset before validating). Fields the
 * contracts mark nullable are accepted as `null`; what would make a record unpostable (a
 * missing id, a non-ISO date, a non-finite amount, an unknown enum value) is refused.
 *
 * These schemas are the canonical form records are stored in. Push first rewrites what POS
 * systems send where its meaning is unambiguous (lower-case currency codes, a positive
 * `totalRefund`, payment types and statuses outside the enums, payments carrying only a
 * `paymentMethodRef`, date-only dates): see `src/server/push-normalize.ts`.
 */

/** An ISO 8601 date-time with a `Z` or `±hh:mm` offset (a bare local time is ambiguous). */
const DateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/,
    'Use an ISO 8601 date-time with a time zone offset, e.g. 2026-03-29T10:15:00Z.',
  )
  .refine(isRealDateTime, 'This date-time does not exist.');

function isRealDateTime(text: string): boolean {
  // The regex above fixed the layout, so the fields sit at known offsets; checking them as
  // digits avoids two Date allocations per field (this runs for every pushed date-time).
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (digitsAt(text, 11, 2) > 23 || digitsAt(text, 14, 2) > 59) return false;
  return text.charCodeAt(16) !== 58 /* ':' */ || digitsAt(text, 17, 2) <= 59;
}

/** The number written by `width` ASCII digits at `at`. */
function digitsAt(text: string, at: number, width: number): number {
  let n = 0;
  for (let i = at; i < at + width; i += 1) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Largest magnitude of a pushed amount (and quantity, rate or percentage), in the record's
 * currency: 10^11. Any such amount counts exactly in integer minor units of every currency
 * (four decimal places at most), so a record accepted here can always be posted.
 */
export const MAX_AMOUNT = 100_000_000_000;
/** Digits of an amount sent as decimal text, not counting leading zeros: more would not survive as a number. */
export const MAX_AMOUNT_DIGITS = 15;

const AMOUNT_RANGE = `Use an amount from -${MAX_AMOUNT} to ${MAX_AMOUNT}.`;
const DECIMAL_TEXT = /^[+-]?\d+(?:\.\d+)?$/;

function inAmountRange(n: number): boolean {
  return n >= -MAX_AMOUNT && n <= MAX_AMOUNT;
}

/** Digits after the leading zeros of the integer part: "0.05" has 2, "12.30" 4, "0.0001" 4. */
function amountDigits(text: string): number {
  return text.replace(/^[+-]?0*/, '').replace('.', '').length;
}

/** Says what is wrong with a value that is no acceptable decimal amount. */
function amountError(issue: { input?: unknown }): string {
  const input = issue.input;
  if (typeof input === 'string' && DECIMAL_TEXT.test(input)) {
    return amountDigits(input) > MAX_AMOUNT_DIGITS
      ? `Use at most ${MAX_AMOUNT_DIGITS} digits (leading zeros aside). ${AMOUNT_RANGE}`
      : `This amount is out of range. ${AMOUNT_RANGE}`;
  }
  if (typeof input === 'number') return `This amount is out of range. ${AMOUNT_RANGE}`;
  return `Use a decimal amount such as 12.34 (a JSON number or its text). ${AMOUNT_RANGE}`;
}

/** A decimal amount as a finite JSON number (or its decimal text), within ±{@link MAX_AMOUNT}. */
const Decimal = z.union(
  [
    // zod 4 numbers already refuse NaN and ±Infinity.
    z.number().refine(inAmountRange, AMOUNT_RANGE),
    z
      .string()
      .regex(DECIMAL_TEXT, 'Use a decimal amount such as 12.34.')
      .refine((text) => amountDigits(text) <= MAX_AMOUNT_DIGITS && inAmountRange(Number(text)), AMOUNT_RANGE)
      .transform(Number),
  ],
  { error: amountError },
);
const Currency = z.string().regex(/^[A-Z]{3}$/, 'Use an ISO 4217 currency code such as GBP.');
/** Longest id or reference to another record (`id`, `…Ref.id`), in characters. */
export const MAX_ID_LENGTH = 256;
/** Longest name, number or other short text (`name`, `orderNumber`, `sku`, address lines …), in characters. */
export const MAX_TEXT_LENGTH = 1_000;
/** Longest description (a product's), in characters. */
export const MAX_DESCRIPTION_LENGTH = 10_000;
const RefId = z.string().max(MAX_ID_LENGTH, `Use an id of at most ${MAX_ID_LENGTH} characters.`);
const Text = z.string().max(MAX_TEXT_LENGTH, `Use at most ${MAX_TEXT_LENGTH} characters.`);
const Id = RefId.min(1, 'Every record needs an id.');
const Ref = z.object({ id: Id, name: Text.nullish() });

/** Payment types of the commerce data model. */
export const PaymentType = z.enum([
  'Unknown',
  'Cash',
  'Card',
  'Invoice',
  'OnlineCard',
  'Swish',
  'Vipps',
  'Mobile',
  'StoreCredit',
  'Paypal',
  'Custom',
  'Prepaid',
]);
export type PaymentType = z.infer<typeof PaymentType>;

/** Payment statuses; only `Paid` money is posted (see aggregation). */
export const PaymentStatus = z.enum(['Unknown', 'Pending', 'Authorized', 'Paid', 'Failed', 'Cancelled']);
export type PaymentStatus = z.infer<typeof PaymentStatus>;

/** Transaction types of the commerce data model. */
export const TransactionType = z.enum([
  'Unknown',
  'Payment',
  'Refund',
  'Payout',
  'FailedPayout',
  'Transfer',
  'PaymentFee',
  'PaymentFeeRefund',
]);
export type TransactionType = z.infer<typeof TransactionType>;

/** What a transaction relates to. */
export const TransactionSourceType = z.enum(['Unknown', 'Fee', 'Order', 'Payment', 'ServiceCharge']);

/** Service charge kinds; `Shipping` posts to the shipping account when one is mapped. */
export const ServiceChargeType = z.enum(['Unknown', 'Generic', 'Shipping', 'Overpayment']);

/**
 * One tax component's share of a line (e.g. GST and PST of a Canadian sale). The partner
 * contract sends `taxAmount`; the data model's `rate` is accepted too.
 */
export const TaxAllocationSchema = z.object({
  taxComponentRef: Ref,
  taxAmount: Decimal.nullish(),
  rate: Decimal.nullish(),
});
export type TaxAllocation = z.infer<typeof TaxAllocationSchema>;

/** A discount applied to a line, excluding tax (positive decreases the line). */
export const DiscountAllocationSchema = z.object({ name: Text.nullish(), totalAmount: Decimal });

const Percentage = Decimal.refine((n) => n >= 0 && n <= 100, 'A tax percentage is between 0 and 100.');

/** An order line: negative `quantity` is a returned item; amounts include tax and discounts. */
export const OrderLineItemSchema = z.object({
  id: RefId.nullish(),
  quantity: Decimal,
  taxPercentage: Percentage.nullish(),
  /** Including tax and discounts. */
  totalAmount: Decimal,
  totalTaxAmount: Decimal.nullish(),
  /** Excluding tax and discounts. */
  unitPrice: Decimal.nullish(),
  taxes: z.array(TaxAllocationSchema).nullish(),
  productRef: Ref.nullish(),
  productVariantRef: Ref.nullish(),
  discountAllocations: z.array(DiscountAllocationSchema).nullish(),
});
export type OrderLineItem = z.infer<typeof OrderLineItemSchema>;

/** A service charge on an order (shipping, service fee); `totalAmount` includes tax. */
export const ServiceChargeSchema = z.object({
  totalAmount: Decimal,
  taxPercentage: Percentage.nullish(),
  taxAmount: Decimal.nullish(),
  taxes: z.array(TaxAllocationSchema).nullish(),
  /** May be fractional (1.5 hours of service); amounts are what post. */
  quantity: Decimal.nullish(),
  type: ServiceChargeType.nullish(),
});
export type ServiceCharge = z.infer<typeof ServiceChargeSchema>;

/** A payment as embedded in an order (`payments[]`). */
export const PaymentRefSchema = z.object({
  id: Id,
  amount: Decimal.nullish(),
  currency: Currency.nullish(),
  type: PaymentType.nullish(),
  status: PaymentStatus.nullish(),
  /** The type as the partner sent it, when push mapped it onto {@link PaymentType}. */
  sourceType: Text.nullish(),
  /** The status as the partner sent it, when push mapped it onto {@link PaymentStatus}. */
  sourceStatus: Text.nullish(),
  paymentProvider: Text.nullish(),
  dueDate: DateTime.nullish(),
  createdDate: DateTime.nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});

/**
 * An order. `totalAmount` includes tax, discounts and refunds but not gratuity;
 * `totalRefund` is ≤ 0. Sales post from the line items and service charges.
 */
export const OrderSchema = z.object({
  id: Id,
  orderNumber: Text.nullish(),
  country: Text.nullish(),
  currency: Currency,
  createdDate: DateTime,
  closedDate: DateTime.nullish(),
  totalAmount: Decimal,
  totalRefund: Decimal.refine((n) => n <= 0, 'totalRefund is zero or negative.').nullish(),
  totalTaxAmount: Decimal.nullish(),
  totalDiscount: Decimal.nullish(),
  /** A negative tip is a tip given back: it posts as a refund of gratuity. */
  totalGratuity: Decimal.nullish(),
  orderLineItems: z.array(OrderLineItemSchema).nullish(),
  payments: z.array(PaymentRefSchema).nullish(),
  serviceCharges: z.array(ServiceChargeSchema).nullish(),
  locationRef: Ref.nullish(),
  customerRef: Ref.nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type Order = z.infer<typeof OrderSchema>;

/** A payment (money in) or a refund of money (negative `amount`); `amount` includes gratuity. */
export const PaymentSchema = z.object({
  id: Id,
  amount: Decimal,
  currency: Currency,
  type: PaymentType,
  status: PaymentStatus,
  /** The type as the partner sent it (or its payment method's name), when push mapped it onto {@link PaymentType}. */
  sourceType: Text.nullish(),
  /** The status as the partner sent it, when push mapped it onto {@link PaymentStatus}. */
  sourceStatus: Text.nullish(),
  paymentProvider: Text.nullish(),
  paymentMethodRef: Ref.nullish(),
  dueDate: DateTime.nullish(),
  createdDate: DateTime,
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type Payment = z.infer<typeof PaymentSchema>;

/**
 * A processor transaction: `Refund` (negative, refers to its order), `PaymentFee` (negative),
 * `PaymentFeeRefund`, `Payout`, `FailedPayout`, `Transfer`, `Payment`.
 */
export const TransactionSchema = z.object({
  id: Id,
  totalAmount: Decimal,
  currency: Currency,
  type: TransactionType,
  subType: Text.nullish(),
  transactionSourceRef: z.object({ id: Id, type: TransactionSourceType.nullish() }).nullish(),
  createdDate: DateTime,
  sourceCreatedDate: DateTime.nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type Transaction = z.infer<typeof TransactionSchema>;

/** A tax component (e.g. GST, PST); `rate` is a fraction (0.05 = 5%). */
export const TaxComponentSchema = z.object({
  id: Id,
  name: Text.min(1, 'A tax component needs a name.'),
  rate: Decimal.refine((n) => n >= 0 && n <= 1, 'A tax component rate is a fraction between 0 and 1.'),
  isCompound: z.boolean().nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type TaxComponent = z.infer<typeof TaxComponentSchema>;

/** A merchant location (shop, warehouse, online store). */
export const LocationSchema = z.object({
  id: Id,
  name: Text.nullish(),
  address: z
    .object({
      type: Text.nullish(),
      line1: Text.nullish(),
      line2: Text.nullish(),
      city: Text.nullish(),
      region: Text.nullish(),
      country: Text.nullish(),
      postalCode: Text.nullish(),
    })
    .nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type Location = z.infer<typeof LocationSchema>;

const ProductVariantSchema = z.object({
  id: Id,
  name: Text.nullish(),
  sku: Text.nullish(),
  barcode: Text.nullish(),
  unitOfMeasure: Text.nullish(),
  isTaxEnabled: z.boolean().nullish(),
  vatPercentage: Percentage.nullish(),
  prices: z.array(z.object({ currency: Currency.nullish(), unitPrice: Decimal })).nullish(),
  shippingRequired: z.boolean().nullish(),
  status: Text.nullish(),
  createdDate: DateTime.nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});

/** A reference to a product category, as the commerce data model writes it. */
export const ProductCategoryRefSchema = z.object({ id: RefId.min(1, 'A category reference needs its id.'), name: Text.nullish() });

/** A product; gift cards (`isGiftCard`) post to the gift-card liability, categories may pick a sales account. */
export const ProductSchema = z.object({
  id: Id,
  name: Text.nullish(),
  description: z.string().max(MAX_DESCRIPTION_LENGTH, `Use at most ${MAX_DESCRIPTION_LENGTH} characters.`).nullish(),
  categorization: Text.nullish(),
  /** Category ids, or the data model's `{ id, name }` references; both name the same categories. */
  productCategoryRefs: z.array(z.union([RefId, ProductCategoryRefSchema])).nullish(),
  isGiftCard: z.boolean().nullish(),
  variants: z.array(ProductVariantSchema).nullish(),
  status: Text.nullish(),
  createdDate: DateTime.nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type Product = z.infer<typeof ProductSchema>;

/** A payment method configured on the commerce platform. */
export const PaymentMethodSchema = z.object({
  id: Id,
  name: Text.min(1, 'A payment method needs a name.'),
  status: z.enum(['Unknown', 'Active', 'Archived']).nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

/** A product category (may map to its own sales account as `category:<id>`). */
export const ProductCategorySchema = z.object({
  id: Id,
  name: Text.nullish(),
  ancestorRefs: z.array(Ref).nullish(),
  hasChildren: z.boolean().nullish(),
  modifiedDate: DateTime.nullish(),
  sourceModifiedDate: DateTime.nullish(),
});
export type ProductCategory = z.infer<typeof ProductCategorySchema>;

/** A pushed delete: an object holding only the record's `id`. */
export const DeletedRecordSchema = z.object({ id: Id }).strict();
export type DeletedRecord = z.infer<typeof DeletedRecordSchema>;
