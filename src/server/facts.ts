import { PAYMENT_TYPE_KEYS, taxRateKey, type Option } from '../contract/configuration.js';
import type { Order, Payment, TaxComponent, Transaction } from '../contract/commerce.js';
import { nameWithRate } from './configuration.js';
import type { CommerceFacts } from './configuration.js';
import type { Store } from './store/index.js';

// Recent records sampled to discover tax rates and payment types; enough to cover a
// merchant's catalogue without scanning their whole history on every configuration read.
const SAMPLE = 5_000;

/** What the pushed commerce data says about which configuration rows are needed. */
export async function commerceFacts(store: Store, companyId: string): Promise<CommerceFacts> {
  const orders = (await store.allRecords(companyId, 'orders', SAMPLE)) as Order[];
  const payments = (await store.allRecords(companyId, 'payments', SAMPLE)) as Payment[];
  const transactions = (await store.allRecords(companyId, 'transactions', SAMPLE)) as Transaction[];
  const components = (await store.allRecords(companyId, 'taxComponents')) as TaxComponent[];
  const rates = new Set<string>();
  for (const order of orders) {
    for (const line of order.orderLineItems ?? []) if (line.taxPercentage !== null && line.taxPercentage !== undefined) rates.add(taxRateKey(line.taxPercentage));
    for (const charge of order.serviceCharges ?? []) if (charge.taxPercentage !== null && charge.taxPercentage !== undefined) rates.add(taxRateKey(charge.taxPercentage));
  }
  const keys = PAYMENT_TYPE_KEYS as Record<string, string>;
  const paymentTypeKeys = [...new Set(payments.map((p) => keys[p.type] ?? 'unknown'))];
  const taxComponents: Option[] = components.map((c) => ({ id: c.id, name: nameWithRate(c.name, Math.round(Number(c.rate) * 1e6) / 1e4) }));
  return {
    taxRateKeys: [...rates],
    taxComponents,
    paymentTypeKeys,
    hasFees: transactions.some((t) => t.type === 'PaymentFee' || t.type === 'PaymentFeeRefund'),
    hasPayouts: transactions.some((t) => t.type === 'Payout' || t.type === 'FailedPayout'),
  };
}
