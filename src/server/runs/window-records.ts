import type { CommerceRecords } from '../../aggregation/index.js';
import type { Location, Order, Payment, Product, TaxComponent, Transaction } from '../../contract/commerce.js';
import type { Store } from '../store/index.js';
import { addDays, localDayBounds } from '../time.js';

/**
 * The stored records aggregation needs for whole merchant-local days `window` (end exclusive):
 * the orders, payments and transactions created in it, plus the earlier orders and payments its
 * refunds and fees point at, and the reference data. Runs, the preview and "explain this line"
 * read the same records.
 */
export async function windowRecords(store: Store, companyId: string, timeZone: string, window: { start: string; end: string }): Promise<Required<CommerceRecords>> {
  const from = localDayBounds(window.start, timeZone).start.toISOString();
  const to = localDayBounds(addDays(window.end, -1), timeZone).end.toISOString();
  const orders = (await store.recordsCreatedBetween(companyId, 'orders', from, to)) as Order[];
  const payments = (await store.recordsCreatedBetween(companyId, 'payments', from, to)) as Payment[];
  const transactions = (await store.recordsCreatedBetween(companyId, 'transactions', from, to)) as Transaction[];
  // Refunds and fees in the period may point at orders or payments of earlier days.
  const have = new Set(orders.map((o) => o.id));
  const orderRefs = transactions.filter((t) => t.transactionSourceRef?.type === 'Order' && !have.has(t.transactionSourceRef.id)).map((t) => t.transactionSourceRef?.id ?? '');
  if (orderRefs.length) orders.push(...((await store.recordsByIds(companyId, 'orders', orderRefs)) as Order[]));
  const havePayments = new Set(payments.map((p) => p.id));
  const paymentRefs = transactions.filter((t) => t.transactionSourceRef?.type === 'Payment' && !havePayments.has(t.transactionSourceRef.id)).map((t) => t.transactionSourceRef?.id ?? '');
  if (paymentRefs.length) payments.push(...((await store.recordsByIds(companyId, 'payments', paymentRefs)) as Payment[]));
  return {
    orders,
    payments,
    transactions,
    taxComponents: (await store.allRecords(companyId, 'taxComponents')) as TaxComponent[],
    products: (await store.allRecords(companyId, 'products')) as Product[],
    locations: (await store.allRecords(companyId, 'locations')) as Location[],
  };
}
