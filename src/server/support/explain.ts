import { aggregate, localDate, type CommerceRecords } from '../../aggregation/index.js';
import type { Order, Payment, Transaction } from '../../contract/commerce.js';
import type { Configuration } from '../../contract/configuration.js';
import type { AccountingDocument, DocumentGroup } from '../../contract/documents.js';
import type { PreviewLine } from '../../contract/preview.js';
import { MAX_EXPLAINED_RECORDS, type SupportDocumentLines, type SupportLineRecord } from '../../contract/support.js';
import { notFound } from '../errors.js';
import { toPreviewDocument } from '../preview.js';
import { windowRecords } from '../runs/window-records.js';
import type { CompanyRecord, Store } from '../store/index.js';
import { addDays } from '../time.js';

/**
 * "Explain this line": the records behind each line of a document a run wrote. Nothing is kept
 * while syncing (the aggregation hot path holds no record ids); instead the stored records of
 * that one day are read again and each is aggregated on its own under `configuration` (the saved
 * one with its options filled from the ledger, as a run uses it).
 * A record's share of a line is what it posts on that line by itself: exact for sales, tax,
 * tender, fee and payout lines; a day's rounding and, on an adjustment, what earlier revisions
 * posted show up as `unexplained`. A refund's share is its effect on top of its order's.
 */
export async function explainDocument(store: Store, company: CompanyRecord, reference: string, configuration: Configuration): Promise<SupportDocumentLines> {
  const item = (await store.itemsByReference(company.id, [reference]))[0];
  if (!item) throw notFound('document', reference);
  const document = item.document;
  const timeZone = configuration.schedule?.timeZone ?? 'Etc/UTC';
  const period = { start: document.date, end: addDays(document.date, 1) };
  const records = await windowRecords(store, company.id, timeZone, period);
  const group = groupKey(document.group);
  const sameDay = (r: { createdDate: string }) => localDate(r.createdDate, timeZone) === document.date;

  const lines = toPreviewDocument(document, null).lines;
  // Each line by its full key (with its description); lines whose key without the description is
  // shared by no other line also match on that (a record posted alone may land in another kind
  // of document, whose description differs).
  const fullKeys = lines.map((line) => lineKey(document.kind, line, true));
  const shortKeys = lines.map((line) => lineKey(document.kind, line, false));
  const shortCount = new Map<string, number>();
  for (const key of shortKeys) shortCount.set(key, (shortCount.get(key) ?? 0) + 1);
  const shares: SupportLineRecord[][] = lines.map(() => []);

  const none: CommerceRecords = { ...records, orders: [], payments: [], transactions: [] };
  const postings = (only: Partial<CommerceRecords>): Postings => {
    const result = aggregate({ companyId: company.id, configuration, period, records: { ...none, ...only } });
    return postingsOf(result.documents.filter((d) => groupKey(d.group) === group));
  };
  const lineShare = (p: Postings | undefined, index: number): [number, number | null] => {
    if (!p) return [0, null];
    const full = p.full.get(fullKeys[index]!);
    if (full) return full;
    return shortCount.get(shortKeys[index]!) === 1 ? (p.short.get(shortKeys[index]!) ?? [0, null]) : [0, null];
  };
  const attribute = (dataType: SupportLineRecord['dataType'], id: string, own: Postings, base?: Postings) => {
    lines.forEach((_, index) => {
      const [amount, tax] = lineShare(own, index);
      const [baseAmount, baseTax] = lineShare(base, index);
      const share = amount - baseAmount;
      const taxShare = tax === null && baseTax === null ? null : (tax ?? 0) - (baseTax ?? 0);
      if (share === 0 && !taxShare) return;
      shares[index]!.push({ dataType, id, amount: share, taxAmount: taxShare });
    });
  };

  for (const order of records.orders.filter(sameDay) as Order[]) attribute('orders', order.id, postings({ orders: [order] }));
  for (const payment of records.payments.filter(sameDay) as Payment[]) attribute('payments', payment.id, postings({ payments: [payment] }));
  const orderById = new Map(records.orders.map((o) => [o.id, o]));
  const paymentById = new Map(records.payments.map((p) => [p.id, p]));
  for (const tx of records.transactions.filter(sameDay) as Transaction[]) {
    const source = tx.transactionSourceRef;
    const order = source?.type === 'Order' || tx.type === 'Refund' ? orderById.get(source?.id ?? '') : undefined;
    const payment = source?.type === 'Payment' ? paymentById.get(source.id) : undefined;
    const context: Partial<CommerceRecords> = { orders: order ? [order] : [], payments: payment ? [payment] : [] };
    const base = order || payment ? postings(context) : undefined;
    attribute('transactions', tx.id, postings({ ...context, transactions: [tx] }), base);
  }

  return {
    reference: document.reference,
    date: document.date,
    kind: document.kind,
    revision: document.revision,
    currency: document.currency,
    lines: lines.map((line, index) => {
      const list = shares[index]!.sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount) || (a.id < b.id ? -1 : 1));
      const explained = list.reduce((sum, r) => sum + r.amount, 0);
      return {
        index,
        accountId: line.accountId,
        description: line.description,
        role: line.role,
        amount: line.amount,
        taxAmount: line.taxAmount,
        records: list.slice(0, MAX_EXPLAINED_RECORDS),
        recordCount: list.length,
        unexplained: line.amount - explained,
      };
    }),
  };
}

function groupKey(g: DocumentGroup): string {
  return `${g.currency}|${g.locationId ?? ''}|${g.country ?? ''}`;
}

/**
 * What identifies a line across recomputations: the document kind, account, role, tax rate and
 * (`withDescription`) description. A record posted alone may land in another kind of document than
 * in its full day (in invoice mode a payment with no invoice that day goes on a clearing journal),
 * so money lines (payment, refund, fee, payout) leave the kind out.
 */
function lineKey(kind: AccountingDocument['kind'], line: PreviewLine, withDescription: boolean): string {
  const money = line.role === 'payment' || line.role === 'paymentRefund' || line.role === 'fee' || line.role === 'feeRefund' || line.role === 'payout';
  const key = money ? `money|${line.accountId}|${line.role}` : `${kind}|${line.accountId}|${line.role}|${line.taxRateName ?? ''}`;
  return withDescription ? `${key}|${line.description}` : key;
}

/** Amount (and tax) per line key over some documents, signs as the preview shows them. */
interface Postings {
  full: Map<string, [number, number | null]>;
  short: Map<string, [number, number | null]>;
}

function postingsOf(documents: readonly AccountingDocument[]): Postings {
  const out: Postings = { full: new Map(), short: new Map() };
  const add = (map: Map<string, [number, number | null]>, key: string, line: PreviewLine) => {
    const [amount, tax] = map.get(key) ?? [0, null];
    map.set(key, [amount + line.amount, line.taxAmount === null ? tax : (tax ?? 0) + line.taxAmount]);
  };
  for (const d of documents) {
    for (const line of toPreviewDocument(d, null).lines) {
      add(out.full, lineKey(d.kind, line, true), line);
      add(out.short, lineKey(d.kind, line, false), line);
    }
  }
  return out;
}
