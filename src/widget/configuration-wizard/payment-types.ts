import type { SelectRow } from './model.js';

const PAYMENT_ROW = /^configuration\.payments\.accounts\.([^.]+)\.selectedAccountId$/;
const PAYOUT_KEY = 'payout';

/** The payment-type key of a Payments row (`card`, `cash`, …), or `null` for other rows. */
export function paymentTypeOf(row: SelectRow): string | null {
  return PAYMENT_ROW.exec(row.itemId)?.[1] ?? null;
}

/**
 * Splits the Payments step's rows into those this merchant uses and the rest. Used: the row is
 * required (its type appears in pushed payments), already has a choice, or is a type the
 * partner says it sends; the payout row always shows. While nothing says which types are used
 * (no payments pushed, no partner list, nothing mapped), every row shows: hiding would be a guess.
 */
export function splitPaymentRows(
  rows: readonly SelectRow[],
  values: Readonly<Record<string, string>> | undefined,
  partnerTypes: readonly string[] | null,
): { used: SelectRow[]; others: SelectRow[] } {
  const isUsed = (row: SelectRow) => {
    const type = paymentTypeOf(row);
    return type === null || type === PAYOUT_KEY || row.required || Boolean(values?.[row.name]) || Boolean(partnerTypes?.includes(type));
  };
  const known = rows.some((row) => {
    const type = paymentTypeOf(row);
    return type !== null && type !== PAYOUT_KEY && isUsed(row);
  });
  if (!known) return { used: [...rows], others: [] };
  return { used: rows.filter(isUsed), others: rows.filter((row) => !isUsed(row)) };
}
