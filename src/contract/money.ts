/**
 * Exact money helpers. Amounts inside commerce-sync are integers in the currency's minor unit
 * (pence, cents, yen, fils); decimals only exist at the edges (the partner's JSON numbers and
 * the vendors' decimal fields), where they are converted through their decimal text, never by
 * multiplying binary floats.
 */

/** ISO 4217 currencies whose minor unit is not 2 decimal places. */
const EXPONENT_OVERRIDES: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Number of decimal places of a currency's minor unit (GBP 2, JPY 0, KWD 3). */
export function currencyExponent(currency: string): number {
  return EXPONENT_OVERRIDES[currency.toUpperCase()] ?? 2;
}

/** Error thrown when an amount has more decimal places than its currency allows. */
export class MoneyPrecisionError extends Error {
  constructor(
    readonly amount: string,
    readonly currency: string,
  ) {
    super(
      `Amount ${amount} has more decimal places than ${currency} allows (${currencyExponent(currency)}).`,
    );
    this.name = 'MoneyPrecisionError';
  }
}

/**
 * Error thrown when a value is not an amount at all: not a finite decimal, or too large to
 * count exactly in minor units. (Pushed amounts are bounded by `MAX_AMOUNT` of the commerce
 * contract; this catches what reached the store before that, or from elsewhere.)
 */
export class MoneyAmountError extends RangeError {
  constructor(
    readonly amount: string,
    readonly currency: string,
  ) {
    super(`Amount ${amount} ${currency} is not a finite decimal that can be counted exactly in minor units.`);
    this.name = 'MoneyAmountError';
  }
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Converts a decimal amount (a JSON number or its text) to integer minor units, exactly.
 * Throws {@link MoneyPrecisionError} when the amount cannot be represented in the currency
 * (e.g. 1.005 GBP) unless `mode` is `'round'` (half away from zero), and
 * {@link MoneyAmountError} when it is no finite decimal or too large to count exactly.
 *
 * @example toMinor(12.34, 'GBP') === 1234; toMinor('1.5', 'JPY', 'round') === 2
 */
export function toMinor(amount: number | string, currency: string, mode: 'exact' | 'round' = 'exact'): number {
  if (typeof amount === 'number' ? !Number.isFinite(amount) : typeof amount !== 'string') {
    throw new MoneyAmountError(String(amount), currency);
  }
  const text = typeof amount === 'number' ? numberToDecimalText(amount) : amount.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new MoneyAmountError(text, currency);
  const [, sign, intPart = '0', fracPart = '', expPart] = m;
  const exp = currencyExponent(currency);
  // Shift the decimal point by the exponent and by the currency's minor-unit exponent as text.
  let digits = intPart + fracPart;
  let point = intPart.length + (expPart ? Number(expPart) : 0) + exp;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length);
  const whole = digits.slice(0, point) || '0';
  const rest = digits.slice(point);
  let value = BigInt(whole);
  if (/[1-9]/.test(rest)) {
    if (mode === 'exact') throw new MoneyPrecisionError(text, currency);
    if (rest.charCodeAt(0) >= 53 /* '5' */) value += 1n;
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new MoneyAmountError(text, currency);
  return sign === '-' ? -n || 0 : n;
}

/** Shortest round-tripping decimal text of a JS number, without exponent surprises. */
function numberToDecimalText(n: number): string {
  if (!Number.isFinite(n)) throw new TypeError(`${n} is not a finite amount.`);
  return String(n);
}

/**
 * Formats integer minor units as a plain decimal string with the currency's exponent
 * (for vendor APIs and wire formats; use `Intl.NumberFormat` for people).
 *
 * @example fromMinor(-1234, 'GBP') === '-12.34'; fromMinor(5, 'KWD') === '0.005'
 */
export function fromMinor(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not an integer amount of minor units.`);
  const exp = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  const text = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return negative ? `-${text}` : text;
}

/** Same as {@link fromMinor} but as a JS number, for JSON APIs that take numbers. */
export function minorToNumber(minor: number, currency: string): number {
  return Number(fromMinor(minor, currency));
}

/**
 * Splits `total` minor units across `weights` proportionally with the largest-remainder
 * method: the parts are integers and always sum to `total` exactly.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (sum === 0) {
    const parts = weights.map(() => 0);
    parts[0] = total;
    return parts;
  }
  const raw = weights.map((w) => (BigInt(total) * BigInt(w)) );
  const big = BigInt(sum);
  const parts = raw.map((r) => r / big);
  const remainders = raw.map((r, i) => ({ i, rem: r - parts[i]! * big }));
  let left = BigInt(total) - parts.reduce((a, b) => a + b, 0n);
  const step = left >= 0n ? 1n : -1n;
  remainders.sort((a, b) => (step > 0n ? Number(b.rem - a.rem) : Number(a.rem - b.rem)) || a.i - b.i);
  for (let k = 0; left !== 0n; k = (k + 1) % remainders.length) {
    parts[remainders[k]!.i]! += step;
    left -= step;
  }
  return parts.map(Number);
}

/**
 * Tax at `percent` (20 for 20 %, 17.5, 12.5 …) on `amount` minor units, rounded half away
 * from zero to the minor unit: what a ledger computes on one line. Exact (no binary floats);
 * keeps the sign of `amount`.
 *
 * @example taxAtPercent(1000, 20) === 200; taxAtPercent(-333, 17.5) === -58
 */
export function taxAtPercent(amount: number, percent: number): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${amount} is not an integer amount of minor units.`);
  if (!Number.isFinite(percent) || percent < 0) throw new RangeError(`${percent} is not a tax percentage.`);
  const [whole = '0', frac = ''] = percent.toFixed(6).split('.');
  const numerator = BigInt(amount) * BigInt(whole + frac); // percent × 1e6
  const denominator = 100_000_000n;
  const abs = numerator < 0n ? -numerator : numerator;
  let q = abs / denominator;
  if ((abs % denominator) * 2n >= denominator) q += 1n;
  return Number(numerator < 0n ? -q : q);
}
