import type { Configuration } from '../contract/configuration.js';
import { documentAmount, type AccountingDocument } from '../contract/documents.js';
import type { FieldError } from '../contract/errors.js';
import type { PreviewDocument, PreviewLine, SyncPreview } from '../contract/preview.js';
import type { LedgerSnapshot } from './configuration.js';
import type { RunEngine } from './runs/engine.js';
import type { CompanyRecord, Store } from './store/index.js';
import { addDays, localDateOf, localDayBounds } from './time.js';

/** Data types whose `createdDate` puts a merchant-day "with data". */
const DAY_DATA_TYPES = ['orders', 'payments', 'transactions'] as const;

/**
 * The merchant-local day a preview shows: the most recent ended day with pushed records, else
 * today when only today has any, else null (nothing pushed yet).
 */
export async function previewDay(store: Store, companyId: string, timeZone: string, now: Date): Promise<{ date: string; open: boolean } | null> {
  const today = localDateOf(now, timeZone);
  const todayStart = localDayBounds(today, timeZone).start.toISOString();
  const latest = await store.latestCreatedBefore(companyId, DAY_DATA_TYPES, todayStart);
  if (latest) return { date: localDateOf(latest, timeZone), open: false };
  const tomorrowStart = localDayBounds(addDays(today, 1), timeZone).start.toISOString();
  const any = await store.latestCreatedBefore(companyId, DAY_DATA_TYPES, tomorrowStart);
  return any ? { date: today, open: true } : null;
}

/** Names each line's account and tax rate from the ledger, in the preview's shape. */
export function toPreviewDocument(document: AccountingDocument, ledger: LedgerSnapshot | null): PreviewDocument {
  const account = (id: string) => ledger?.accounts.find((a) => a.id === id);
  const taxName = (id: string | null | undefined) => (id ? (ledger?.taxRates.find((t) => t.id === id)?.name ?? id) : null);
  const line = (accountId: string, amount: number, description: string, role: string, taxAmount: number | null = null, taxRateId: string | null = null): PreviewLine => ({
    accountId,
    accountName: account(accountId)?.name ?? accountId,
    accountCode: account(accountId)?.code ?? null,
    description,
    role,
    amount,
    taxAmount,
    taxRateName: taxName(taxRateId),
  });
  const base = { reference: document.reference, kind: document.kind, date: document.date, currency: document.currency, memo: document.memo, total: documentAmount(document) };
  switch (document.kind) {
    case 'journal':
      return { ...base, lineStyle: 'signed', lines: document.lines.map((l) => line(l.accountId, l.amount, l.description, l.role, null, l.taxRateId ?? null)) };
    case 'transfer':
      return {
        ...base,
        lineStyle: 'signed',
        lines: [line(document.toAccountId, document.amount, document.memo, 'payout'), line(document.fromAccountId, -document.amount, document.memo, 'payout')],
      };
    case 'payment': {
      // The money's side: in (received, refund received) debits the account; out credits it.
      const sign = document.direction === 'received' || document.direction === 'refundReceived' ? 1 : -1;
      return { ...base, lineStyle: 'signed', lines: [line(document.accountId, sign * document.amount, document.memo, document.direction === 'received' ? 'payment' : 'paymentRefund')] };
    }
    default:
      return { ...base, lineStyle: 'net', lines: document.lines.map((l) => line(l.accountId, l.netAmount, l.description, l.role, l.taxAmount, l.taxRateId ?? null)) };
  }
}

/** Dependencies of {@link buildPreview}. */
export interface PreviewInput {
  store: Store;
  engine: RunEngine;
  company: CompanyRecord;
  /** The configuration to preview, options filled from the ledger (not saved). */
  filled: Configuration;
  ledger: LedgerSnapshot | null;
  platformName: string | null;
  validation: FieldError[];
  now: Date;
}

/**
 * The preview of `filled` on the company's pushed records: the real aggregation for one day,
 * reading the store and nothing else (no ledger write, no run record, no push item).
 */
export async function buildPreview(input: PreviewInput): Promise<SyncPreview> {
  const { store, engine, company, filled, ledger } = input;
  const timeZone = filled.schedule?.timeZone ?? 'Etc/UTC';
  const day = await previewDay(store, company.id, timeZone, input.now);
  const empty: SyncPreview = { date: null, dayOpen: false, timeZone, documents: [], posted: [], problems: [], validation: input.validation };
  if (!day) return empty;
  const window = { start: day.date, end: addDays(day.date, 1) };
  const result = await engine.aggregateWindow(company, filled, timeZone, window, { posted: false, ...(input.platformName ? { platformName: input.platformName } : {}) });
  const posted = await store.writtenDocumentsForDays(company.id, [day.date]);
  return {
    ...empty,
    date: day.date,
    dayOpen: day.open,
    documents: result.documents.map((d) => toPreviewDocument(d, ledger)),
    posted: posted.map((i) => toPreviewDocument(i.document, ledger)),
    problems: result.problems.map((p) => ({ code: p.code, message: p.message, configPath: p.configPath })),
  };
}
