import type { CommerceRecords } from '../../aggregation/index.js';
import type { Location, Order, Payment, Product, TaxComponent, Transaction } from '../../contract/commerce.js';
import type { Store } from '../store/index.js';
import { addDays, localDayBounds } from '../time.js';

/**
 * The stored records aggregation needs for whole merchant-local days `window` (end exclusive):
 * the orders, payments and transactions created in it, plus the earlier orders and payments its
 * refunds and fees point at, and the reference data, less the records support excluded. Runs,
 * the preview and "explain this line" read the same records.
 */
export async function windowRecords(store: Store, companyId: string, timeZone: string, window: { start: string; end: string }): Promise<Required<CommerceRecords>> {
  const from = localDayBounds(window.start, timeZone).start.toISOString();
  const to = localDayBounds(addDays(window.end, -1), timeZone).end.toISOString();
  // Records support excluded are left out, as if never pushed, so their days complete without them.
  const kept = async <T extends { id: string }>(dataType: string, records: unknown[]): Promise<T[]> => {
    const excluded = await store.excludedRecordIds(companyId, dataType);
    return excluded.size === 0 ? (records as T[]) : (records as T[]).filter((r) => !excluded.has(r.id));
  };
  const orders = await kept<Order>('orders', await store.recordsCreatedBetween(companyId, 'orders', from, to));
  const payments = await kept<Payment>('payments', await store.recordsCreatedBetween(companyId, 'payments', from, to));
  const transactions = await kept<Transaction>('transactions', await store.recordsCreatedBetween(companyId, 'transactions', from, to));
  // Refunds and fees in the period may point at orders or payments of earlier days.
  const have = new Set(orders.map((o) => o.id));
  const orderRefs = transactions.filter((t) => t.transactionSourceRef?.type === 'Order' && !have.has(t.transactionSourceRef.id)).map((t) => t.transactionSourceRef?.id ?? '');
  if (orderRefs.length) orders.push(...(await kept<Order>('orders', await store.recordsByIds(companyId, 'orders', orderRefs))));
  const havePayments = new Set(payments.map((p) => p.id));
  const paymentRefs = transactions.filter((t) => t.transactionSourceRef?.type === 'Payment' && !havePayments.has(t.transactionSourceRef.id)).map((t) => t.transactionSourceRef?.id ?? '');
  if (paymentRefs.length) payments.push(...(await kept<Payment>('payments', await store.recordsByIds(companyId, 'payments', paymentRefs))));
  return {
    orders,
    payments,
    transactions,
    taxComponents: (await store.allRecords(companyId, 'taxComponents')) as TaxComponent[],
    products: (await store.allRecords(companyId, 'products')) as Product[],
    locations: (await store.allRecords(companyId, 'locations')) as Location[],
  };
}
