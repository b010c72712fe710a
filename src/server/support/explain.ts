import { aggregate, localDate, type CommerceRecords } from '../../aggregation/index.js';
import type { Order, Payment, Transaction } from '../../contract/commerce.js';
import { normalizeConfiguration } from '../../contract/configuration.js';
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
 * that one day are read again and each is aggregated on its own under the saved configuration.
 * A record's share of a line is what it posts on that line by itself: exact for sales, tax,
 * tender, fee and payout lines; a day's rounding and, on an adjustment, what earlier revisions
 * posted show up as `unexplained`. A refund's share is its effect on top of its order's.
 */
export async function explainDocument(store: Store, company: CompanyRecord, reference: string): Promise<SupportDocumentLines> {
  const item = (await store.itemsByReference(company.id, [reference]))[0];
  if (!item) throw notFound('document', reference);
  const document = item.document;
  const configuration = normalizeConfiguration(company.config ?? {});
  const timeZone = configuration.schedule?.timeZone ?? 'Etc/UTC';
  const period = { start: document.date, end: addDays(document.date, 1) };
  const records = await windowRecords(store, company.id, timeZone, period);
  const group = groupKey(document.group);
  const sameDay = (r: { createdDate: string }) => localDate(r.createdDate, timeZone) === document.date;

  const lines = toPreviewDocument(document, null).lines;
  const wanted = new Map<string, number[]>();
  lines.forEach((line, index) => {
    const key = lineKey(document.kind, line);
    wanted.set(key, [...(wanted.get(key) ?? []), index]);
  });
  const shares: SupportLineRecord[][] = lines.map(() => []);

  const none: CommerceRecords = { ...records, orders: [], payments: [], transactions: [] };
  const postings = (only: Partial<CommerceRecords>): Map<string, [number, number | null]> => {
    const result = aggregate({ companyId: company.id, configuration, period, records: { ...none, ...only } });
    return linesOf(result.documents.filter((d) => groupKey(d.group) === group));
  };
  const attribute = (dataType: SupportLineRecord['dataType'], id: string, own: Map<string, [number, number | null]>, base?: Map<string, [number, number | null]>) => {
    for (const [key, indexes] of wanted) {
      const [amount, tax] = own.get(key) ?? [0, null];
      const [baseAmount, baseTax] = base?.get(key) ?? [0, null];
      const share = amount - baseAmount;
      const taxShare = tax === null && baseTax === null ? null : (tax ?? 0) - (baseTax ?? 0);
      if (share === 0 && !taxShare) continue;
      // Two lines of the same account, role and rate (rare): the share is told on the first.
      shares[indexes[0]!]!.push({ dataType, id, amount: share, taxAmount: taxShare });
    }
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
 * What identifies a line across recomputations: the document kind's family, account, role and
 * tax rate. A record posted alone may land in another kind of document than in its full day (in
 * invoice mode a payment with no invoice that day goes on a clearing journal), so money lines
 * (payment, refund, fee, payout) are matched on account and role alone.
 */
function lineKey(kind: AccountingDocument['kind'], line: PreviewLine): string {
  const money = line.role === 'payment' || line.role === 'paymentRefund' || line.role === 'fee' || line.role === 'feeRefund' || line.role === 'payout';
  return money ? `money|${line.accountId}|${line.role}` : `${kind}|${line.accountId}|${line.role}|${line.taxRateName ?? ''}`;
}

/** Amount (and tax) per line key over some documents, signs as the preview shows them. */
function linesOf(documents: readonly AccountingDocument[]): Map<string, [number, number | null]> {
  const out = new Map<string, [number, number | null]>();
  for (const d of documents) {
    for (const line of toPreviewDocument(d, null).lines) {
      const key = lineKey(d.kind, line);
      const [amount, tax] = out.get(key) ?? [0, null];
      out.set(key, [amount + line.amount, line.taxAmount === null ? tax : (tax ?? 0) + line.taxAmount]);
    }
  }
  return out;
}
