import { z } from 'zod';
import { ConnectorError } from '../connector.js';
import type { AccountingDocument } from '../../contract/documents.js';

const PLATFORM = 'QuickBooks Online';

const FaultSchema = z
  .object({
    Fault: z
      .object({
        type: z.string().optional(),
        Error: z.array(
          z
            .object({
              Message: z.string().optional(),
              Detail: z.string().optional(),
              code: z.string().optional(),
              element: z.string().optional(),
            })
            .loose(),
        ),
      })
      .loose(),
  })
  .loose();

/** One error entry of an Intuit `Fault`. */
export interface QuickBooksFaultError {
  code: string;
  message: string;
  detail: string;
}

/** The errors in an Intuit fault body (`{ Fault: { Error: [...] } }`, also sent lower-case by some gateways). */
export function quickBooksFaults(body: unknown): QuickBooksFaultError[] {
  const normalised =
    body && typeof body === 'object' && 'fault' in body && !('Fault' in body)
      ? { Fault: (body as { fault: unknown }).fault }
      : body;
  const parsed = FaultSchema.safeParse(normalised);
  if (!parsed.success) return [];
  return parsed.data.Fault.Error.map((e) => ({
    code: e.code ?? '',
    message: e.Message ?? '',
    detail: e.Detail ?? '',
  }));
}

const DOCUMENT_NAMES: Record<AccountingDocument['kind'], string> = {
  journal: 'daily journal entry',
  invoice: 'daily invoice',
  creditNote: 'daily credit memo',
  bill: 'fees bill',
  billCreditNote: 'fees vendor credit',
  payment: 'payment',
  bankTransaction: 'bank transaction',
  transfer: 'payout transfer',
};

/**
 * Maps a non-2xx QuickBooks answer (after refresh and retries) to a catalogued ConnectorError.
 * 6210 (books closed) → period_locked; inactive or missing references → account/customer/
 * supplier codes; 6190 and 5020 (subscription ended, plan does not allow) → subscription_expired;
 * 3100/3200 and a 401 that survived a refresh → authorization_revoked.
 */
export function quickBooksError(
  status: number,
  body: unknown,
  context: { document?: AccountingDocument; operation: string; lockDate?: string | null },
): ConnectorError {
  const faults = quickBooksFaults(body);
  const text =
    faults.map((f) => `${f.code} ${f.message}${f.detail ? ` (${f.detail})` : ''}`).join(' | ') ||
    `HTTP ${status}`;
  const detail = `${context.operation}: QuickBooks ${status}: ${text}`;
  const doc = context.document;
  const base = { platform: PLATFORM };
  const has = (code: string) => faults.some((f) => f.code === code);
  const mentions = (re: RegExp) => faults.some((f) => re.test(`${f.message} ${f.detail}`));

  if (status === 401 || has('3200') || has('3100') || has('3202'))
    return new ConnectorError('authorization_revoked', detail, base);
  if (
    has('6190') ||
    has('5020') ||
    mentions(/subscription|trial (period )?(has )?(ended|expired)|cancell?ed/i)
  ) {
    return new ConnectorError('subscription_expired', detail, base);
  }
  if (status === 403) return new ConnectorError('authorization_revoked', detail, base);
  if (has('6210') || mentions(/period (has )?closed|closing date|books are closed/i)) {
    return new ConnectorError('period_locked', detail, {
      ...base,
      lockDate: context.lockDate ?? 'the closing date',
      date: doc?.date ?? '',
    });
  }
  if (mentions(/inactive|made inactive|deleted/i)) {
    if (mentions(/customer/i) && !mentions(/account/i))
      return new ConnectorError('customer_archived', detail, {
        ...base,
        contactName: contactOf(doc),
      });
    if (mentions(/vendor/i) && !mentions(/account/i))
      return new ConnectorError('supplier_archived', detail, {
        ...base,
        contactName: contactOf(doc),
      });
    return new ConnectorError('account_archived', detail, {
      ...base,
      accountName: faults[0]?.detail.match(/Id[:= ]+(\w+)/)?.[1] ?? '',
      mapping: 'a mapping',
    });
  }
  if (has('610') || has('2500') || mentions(/invalid reference id|object not found/i)) {
    if (mentions(/tax ?code|tax ?rate/i))
      return new ConnectorError('tax_rate_missing', detail, { ...base, taxRate: '' });
    return new ConnectorError('account_missing', detail, {
      ...base,
      accountName: '',
      mapping: 'a mapping',
    });
  }
  if (mentions(/currency/i))
    return new ConnectorError('currency_mismatch', detail, {
      ...base,
      currency: doc?.currency ?? '',
    });
  return new ConnectorError('document_rejected', detail, {
    ...base,
    document: doc ? DOCUMENT_NAMES[doc.kind] : context.operation,
    date: doc?.date ?? '',
    detail: faults[0]
      ? `${faults[0].message}${faults[0].detail ? `: ${faults[0].detail}` : ''}`
      : `HTTP ${status}`,
  });
}

function contactOf(doc: AccountingDocument | undefined): string {
  return doc && 'contactId' in doc && doc.contactId ? doc.contactId : '';
}
