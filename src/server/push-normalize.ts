import { PaymentStatus, PaymentType } from '../contract/commerce.js';
import type { FieldError } from '../contract/errors.js';
import type { PushDataType } from '../contract/sync-api.js';

/**
 * What push accepts beyond the canonical contract (`src/contract/commerce.ts`), because POS
 * systems send it and its meaning is unambiguous. Each record is rewritten into the canonical
 * form before validation, and stored that way:
 *
 * - a currency code in lower or mixed case (`"gbp"`) → upper case (`"GBP"`);
 * - an order's positive `totalRefund` (Codat's is always ≤ 0) → the same amount negated;
 * - a payment `type` outside the enum or in another case → the enum value it names
 *   (`"GiftCard"` → `Prepaid`, `"credit card"` → `Card`, …) or `Custom` for any other name,
 *   the text as sent kept in `sourceType`;
 * - a payment with only a `paymentMethodRef` (Codat's newer model) → its `type` from the name
 *   of that payment method, as pushed to `paymentMethods` (or, when none was, the reference's
 *   own `name`), the name kept in `sourceType`;
 * - payment status `Refunded` on a negative amount (a refund that went through) → `Paid`,
 *   `Completed`/`Succeeded`/`Captured`/`Settled` → `Paid`, `Void`/`Voided` → `Cancelled`,
 *   `Declined` → `Failed`, any enum value in another case → that value; the text as sent is
 *   kept in `sourceStatus`;
 * - a date-only date field (`"createdDate": "2026-03-29"`) → the merchant's local midnight
 *   (the first instant of that local day, which on a day whose clock jumps at midnight is 01:00);
 *   that one is done in `push.ts` with the date-times sent without an offset.
 *
 * Refused with a per-field message (JSON path + what to send instead), because the meaning is
 * not clear: status `Refunded` on a payment of zero or more (was the money kept or given back?),
 * a `paymentMethodRef` naming a payment method that was never pushed and has no `name`, and a
 * payment with neither `type` nor `paymentMethodRef`.
 *
 * A negative `totalGratuity` (a tip given back) and a fractional service-charge `quantity`
 * (1.5 hours of service) need no rewriting: the contract accepts them as sent.
 */
export interface NormalizeContext {
  /** Names of pushed payment methods by id (for payments that carry only `paymentMethodRef`). */
  paymentMethodName: (id: string) => string | undefined;
}

/** A record rewritten into canonical form: `value` is `null` when nothing needed rewriting. */
export interface Normalized {
  value: unknown;
  errors: FieldError[];
}

const TYPES = new Map<string, PaymentType>(PaymentType.options.map((t) => [squash(t), t]));
const TYPE_ALIASES: Readonly<Record<string, PaymentType>> = {
  giftcard: 'Prepaid',
  giftvoucher: 'Prepaid',
  voucher: 'Prepaid',
  creditcard: 'Card',
  debitcard: 'Card',
  visa: 'Card',
  mastercard: 'Card',
  amex: 'Card',
  americanexpress: 'Card',
  maestro: 'Card',
  contactless: 'Card',
  chipandpin: 'Card',
  mobilepay: 'Mobile',
  onaccount: 'Invoice',
  other: 'Custom',
};
const STATUSES = new Map<string, PaymentStatus>(PaymentStatus.options.map((s) => [squash(s), s]));
const STATUS_ALIASES: Readonly<Record<string, PaymentStatus>> = {
  completed: 'Paid',
  succeeded: 'Paid',
  captured: 'Paid',
  settled: 'Paid',
  void: 'Cancelled',
  voided: 'Cancelled',
  declined: 'Failed',
};

/** Lower case without spaces, dashes or underscores: "Gift card", "gift_card", "GIFTCARD" → "giftcard". */
function squash(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, '');
}

/** The payment type a name stands for: an enum value, a known alias, else `Custom`. */
export function paymentTypeOf(name: string): PaymentType {
  const key = squash(name);
  return TYPES.get(key) ?? TYPE_ALIASES[key] ?? 'Custom';
}

const CURRENCY_ANY_CASE = /^[A-Za-z]{3}$/;
const CURRENCY = /^[A-Z]{3}$/;

type Rec = Record<string, unknown>;

function isRec(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites one pushed record into canonical form (see {@link NormalizeContext}). Cheap when
 * nothing needs rewriting: the record is only read, and `value` is `null`.
 */
export function normalizeRecord(dataType: PushDataType, item: unknown, path: string, ctx: NormalizeContext): Normalized {
  const errors: FieldError[] = [];
  if (!isRec(item)) return { value: null, errors };
  let out: Rec | null = null;
  const set = (key: string, value: unknown): void => {
    out ??= { ...item };
    out[key] = value;
  };
  const currency = upperCurrency(item.currency);
  if (currency !== null) set('currency', currency);
  if (dataType === 'orders') {
    if (typeof item.totalRefund === 'number' && item.totalRefund > 0) set('totalRefund', -item.totalRefund);
    else if (typeof item.totalRefund === 'string' && /^\+?\d/.test(item.totalRefund) && Number(item.totalRefund) > 0) set('totalRefund', `-${item.totalRefund.replace(/^\+/, '')}`);
    if (Array.isArray(item.payments)) {
      let changed = false;
      const payments = item.payments.map((p, i) => {
        const n = normalizePayment(p, `${path}.payments.${i}`, ctx, errors, true);
        if (n !== null) changed = true;
        return n ?? p;
      });
      if (changed) set('payments', payments);
    }
  } else if (dataType === 'payments') {
    const n = normalizePayment(item, path, ctx, errors, false);
    if (n !== null) out = n;
  } else if (dataType === 'products' && Array.isArray(item.variants)) {
    let changed = false;
    const variants = item.variants.map((v) => {
      if (!isRec(v) || !Array.isArray(v.prices)) return v;
      let pricesChanged = false;
      const prices = v.prices.map((price) => {
        const c = isRec(price) ? upperCurrency(price.currency) : null;
        if (c === null) return price;
        pricesChanged = true;
        return { ...(price as Rec), currency: c };
      });
      if (!pricesChanged) return v;
      changed = true;
      return { ...v, prices };
    });
    if (changed) set('variants', variants);
  }
  return { value: out, errors };
}

function upperCurrency(value: unknown): string | null {
  return typeof value === 'string' && !CURRENCY.test(value) && CURRENCY_ANY_CASE.test(value) ? value.toUpperCase() : null;
}

/** A payment (or an order's payment reference) with type and status canonical, or `null` if already so. */
function normalizePayment(payment: unknown, path: string, ctx: NormalizeContext, errors: FieldError[], embedded: boolean): Rec | null {
  if (!isRec(payment)) return null;
  let out: Rec | null = null;
  const set = (key: string, value: unknown): void => {
    out ??= { ...payment };
    out[key] = value;
  };
  const currency = upperCurrency(payment.currency);
  if (currency !== null) set('currency', currency);
  const type = payment.type;
  if (typeof type === 'string' && !(PaymentType.options as readonly string[]).includes(type)) {
    const mapped = paymentTypeOf(type);
    set('type', mapped);
    if (payment.sourceType == null) set('sourceType', type);
  } else if (type == null) {
    const ref = payment.paymentMethodRef;
    if (isRec(ref) && typeof ref.id === 'string' && ref.id !== '') {
      const name = ctx.paymentMethodName(ref.id) ?? (typeof ref.name === 'string' && ref.name !== '' ? ref.name : undefined);
      if (name === undefined) {
        errors.push({
          itemId: `${path}.paymentMethodRef.id`,
          message: `Payment method ${ref.id} was never pushed, so this payment's type is unknown. Push it to paymentMethods first, or send the payment's type (${PaymentType.options.join(', ')}).`,
          validatorName: 'unknown_payment_method',
        });
      } else {
        set('type', paymentTypeOf(name));
        if (payment.sourceType == null) set('sourceType', name);
      }
    } else if (!embedded) {
      errors.push({
        itemId: `${path}.type`,
        message: `Send the payment's type (${PaymentType.options.join(', ')}) or a paymentMethodRef naming a pushed payment method.`,
        validatorName: 'invalid_type',
      });
    }
  }
  const status = payment.status;
  if (typeof status === 'string' && !(PaymentStatus.options as readonly string[]).includes(status)) {
    const key = squash(status);
    let mapped: PaymentStatus | undefined = STATUSES.get(key) ?? STATUS_ALIASES[key];
    if (key === 'refunded') {
      const amount = typeof payment.amount === 'number' ? payment.amount : typeof payment.amount === 'string' ? Number(payment.amount) : Number.NaN;
      if (amount < 0) mapped = 'Paid';
      else {
        errors.push({
          itemId: `${path}.status`,
          message: 'Status Refunded on an amount of zero or more is ambiguous (was the money kept or given back?). Send this payment as Paid, and its refund as its own payment with a negative amount (or a Refund transaction).',
          validatorName: 'ambiguous_status',
        });
      }
    }
    if (mapped !== undefined) {
      set('status', mapped);
      if (payment.sourceStatus == null) set('sourceStatus', status);
    }
  }
  return out;
}
