import type { SelectRow } from './model.js';

const PAYMENT_ROW = /^configuration\.payments\.accounts\.([^.]+)\.selectedAccountId$/;
const PAYOUT_KEY = 'payout';

/** The payment-type key of a Payments row (`card`, `cash`, …), or `null` for other rows. */
export function paymentTypeOf(row: SelectRow): string | null {
  return PAYMENT_ROW.exec(row.itemId)?.[1] ?? null;
}

/**
 * Splits the Payments step's rows into those this merchant uses and the rest. Used: the row is
 * required (its type appears in pushed payments), was mapped when the wizard opened, or is a
 * type the partner says it sends; the payout row always shows, and so does a row chosen in this
 * session. While nothing known beforehand says which types are used (no payments pushed, no
 * partner list, nothing mapped), every row shows: hiding would be a guess. Choices made in this
 * session never hide other rows (choosing cash must not fold card away).
 */
export function splitPaymentRows(
  rows: readonly SelectRow[],
  saved: Readonly<Record<string, string>> | undefined,
  current: Readonly<Record<string, string>> | undefined,
  partnerTypes: readonly string[] | null,
): { used: SelectRow[]; others: SelectRow[] } {
  const knownUsed = (row: SelectRow) => {
    const type = paymentTypeOf(row);
    return type !== null && type !== PAYOUT_KEY && (row.required || Boolean(saved?.[row.name]) || Boolean(partnerTypes?.includes(type)));
  };
  if (!rows.some(knownUsed)) return { used: [...rows], others: [] };
  const isUsed = (row: SelectRow) => {
    const type = paymentTypeOf(row);
    return type === null || type === PAYOUT_KEY || knownUsed(row) || Boolean(current?.[row.name]);
  };
  return { used: rows.filter(isUsed), others: rows.filter((row) => !isUsed(row)) };
}
