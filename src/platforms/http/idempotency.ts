import { createHash } from 'node:crypto';

/**
 * A deterministic, UUID-shaped key derived from a document reference (SHA-256, 36 characters),
 * for vendors whose idempotency field is short or restricted (QuickBooks `requestid`).
 *
 * @example hashedKey('co:2024-01-01:GBP||:journal:r0') // always the same 36-character key
 */
export function hashedKey(reference: string): string {
  const hex = createHash('sha256').update(reference, 'utf8').digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The reference itself when it is printable ASCII within `maxLength`, otherwise its hashed key:
 * readable keys in vendor logs where allowed, never a rejected one.
 */
export function boundedKey(reference: string, maxLength: number): string {
  return reference.length <= maxLength && /^[\x21-\x7e]+$/.test(reference)
    ? reference
    : hashedKey(reference);
}
