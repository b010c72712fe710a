import { z } from 'zod';
import { ConnectorError } from '../connector.js';
import type { AccountingDocument } from '../../contract/documents.js';

const PLATFORM = 'Xero';

const XeroErrorBodySchema = z
  .object({
    ErrorNumber: z.number().optional(),
    Type: z.string().optional(),
    Message: z.string().optional(),
    Detail: z.string().optional(),
    Title: z.string().optional(),
    Elements: z
      .array(
        z
          .object({ ValidationErrors: z.array(z.object({ Message: z.string() })).optional() })
          .loose(),
      )
      .optional(),
  })
  .loose();

/** What the failing call was doing, for merchant-facing params. */
export interface XeroErrorContext {
  document?: AccountingDocument;
  operation: string;
}

const DOCUMENT_NAMES: Record<AccountingDocument['kind'], string> = {
  journal: 'daily journal',
  invoice: 'daily invoice',
  creditNote: 'daily credit note',
  bill: 'fees bill',
  billCreditNote: 'fees credit note',
  payment: 'payment',
  bankTransaction: 'bank transaction',
  transfer: 'payout transfer',
};

/** Every validation message Xero put in an error body (top-level and per element). */
export function xeroMessages(body: unknown): string[] {
  const parsed = XeroErrorBodySchema.safeParse(body);
  if (!parsed.success) return [];
  const e = parsed.data;
  const nested = (e.Elements ?? []).flatMap((el) =>
    (el.ValidationErrors ?? []).map((v) => v.Message),
  );
  const top = [e.Message, e.Detail, e.Title].filter(
    (m): m is string => typeof m === 'string' && m.length > 0,
  );
  return nested.length > 0 ? nested : top;
}

/** Maps a non-2xx Xero answer (after token refresh and retries) to a catalogued ConnectorError. */
export function xeroError(
  status: number,
  body: unknown,
  context: XeroErrorContext,
): ConnectorError {
  const messages = xeroMessages(body);
  const text = messages.join(' | ') || `HTTP ${status}`;
  const doc = context.document;
  const detail = `${context.operation}: Xero ${status}: ${text}`;
  const base = { platform: PLATFORM };

  if (status === 401) return new ConnectorError('authorization_revoked', detail, base);
  if (status === 403) {
    if (/subscription|plan|upgrade|limit|trial/i.test(text))
      return new ConnectorError('subscription_expired', detail, base);
    return new ConnectorError('authorization_revoked', detail, base);
  }
  if (status === 400) {
    const lock = messages.find((m) =>
      /lock(ed)? (date|period)|period is locked|locked period/i.test(m),
    );
    if (lock) {
      return new ConnectorError('period_locked', detail, {
        ...base,
        lockDate: extractDate(lock) ?? 'the lock date',
        date: doc?.date ?? '',
      });
    }
    const archived = messages.find((m) => /archived/i.test(m));
    if (archived && /contact/i.test(archived)) {
      const supplier = doc?.kind === 'bill' || doc?.kind === 'billCreditNote';
      return new ConnectorError(supplier ? 'supplier_archived' : 'customer_archived', detail, {
        ...base,
        contactName:
          quoted(archived) ??
          ('contactId' in (doc ?? {}) ? String((doc as { contactId: string }).contactId) : ''),
      });
    }
    if (archived && /account/i.test(archived)) {
      return new ConnectorError('account_archived', detail, {
        ...base,
        accountName: quoted(archived) ?? '',
        mapping: 'a mapping',
      });
    }
    const tax = messages.find(
      (m) =>
        /tax ?(type|rate)/i.test(m) &&
        /(not valid|invalid|does not exist|deleted|archived|cannot be used)/i.test(m),
    );
    if (tax)
      return new ConnectorError('tax_rate_missing', detail, {
        ...base,
        taxRate: quoted(tax) ?? '',
      });
    const account = messages.find(
      (m) =>
        /account/i.test(m) &&
        /(not a valid|invalid|does not exist|could not be found|deleted)/i.test(m),
    );
    if (account)
      return new ConnectorError('account_missing', detail, {
        ...base,
        accountName: quoted(account) ?? '',
        mapping: 'a mapping',
      });
    const currency = messages.find((m) => /currency/i.test(m));
    if (currency)
      return new ConnectorError('currency_mismatch', detail, {
        ...base,
        currency: doc?.currency ?? '',
      });
  }
  return new ConnectorError('document_rejected', detail, {
    ...base,
    document: doc ? DOCUMENT_NAMES[doc.kind] : context.operation,
    date: doc?.date ?? '',
    detail: text,
  });
}

function quoted(message: string): string | null {
  return /['"‘“]([^'"’”]+)['"’”]/.exec(message)?.[1] ?? null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Finds `2024-01-31` or `31 Jan 2024` in a message and returns it as YYYY-MM-DD. */
function extractDate(message: string): string | null {
  const iso = /(\d{4}-\d{2}-\d{2})/.exec(message);
  if (iso) return iso[1]!;
  const human = /(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})/.exec(message);
  if (human) {
    const month = MONTHS.indexOf(human[2]!.toLowerCase());
    if (month >= 0)
      return `${human[3]}-${String(month + 1).padStart(2, '0')}-${human[1]!.padStart(2, '0')}`;
  }
  return null;
}

/**
 * Xero dates arrive as `/Date(1577750400000+0000)/` or `2019-12-31T00:00:00`; returns
 * `YYYY-MM-DD` or null.
 */
export function parseXeroDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = /\/Date\((-?\d+)([+-]\d{4})?\)\//.exec(value);
  if (ms) return new Date(Number(ms[1])).toISOString().slice(0, 10);
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return iso ? iso[1]! : null;
}
