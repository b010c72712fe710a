import {
  DeletedRecordSchema,
  LocationSchema,
  OrderSchema,
  PaymentMethodSchema,
  PaymentSchema,
  ProductCategorySchema,
  ProductSchema,
  TaxComponentSchema,
  TransactionSchema,
} from '../../src/contract/commerce.js';
import { buildOrder, buildPayment, buildProduct, buildTaxComponent, buildTransaction, buildLocation, generateMerchant } from '../fixtures/index.js';

describe('commerce record schemas', () => {
  it.each(['uk', 'ca'] as const)('accept everything the %s generator produces', (profile) => {
    const m = generateMerchant({ seed: 42, profile, days: 8, ordersPerDay: 25, refundRate: 0.2 });
    expect(m.orders.length).toBe(200);
    for (const o of m.orders) expect(OrderSchema.parse(o)).toEqual(o);
    for (const p of m.payments) expect(PaymentSchema.parse(p)).toEqual(p);
    for (const t of m.transactions) expect(TransactionSchema.parse(t)).toEqual(t);
    for (const p of m.products) ProductSchema.parse(p);
    for (const c of m.taxComponents) TaxComponentSchema.parse(c);
    for (const l of m.locations) LocationSchema.parse(l);
    const types = new Set(m.transactions.map((t) => t.type));
    expect([...types].sort()).toEqual(['PaymentFee', 'PaymentFeeRefund', 'Payout', 'Refund']);
  });

  it('the same seed gives the same data, another seed other data', () => {
    expect(generateMerchant({ seed: 7, days: 3, ordersPerDay: 10 })).toEqual(generateMerchant({ seed: 7, days: 3, ordersPerDay: 10 }));
    expect(generateMerchant({ seed: 8, days: 3, ordersPerDay: 10 }).orders).not.toEqual(generateMerchant({ seed: 7, days: 3, ordersPerDay: 10 }).orders);
  });

  it('builders return fresh, valid objects', () => {
    const a = buildOrder();
    const b = buildOrder();
    expect(a.id).not.toBe(b.id);
    expect(a.orderLineItems).not.toBe(b.orderLineItems);
    OrderSchema.parse(a);
    PaymentSchema.parse(buildPayment());
    TransactionSchema.parse(buildTransaction());
    ProductSchema.parse(buildProduct());
    TaxComponentSchema.parse(buildTaxComponent());
    LocationSchema.parse(buildLocation());
  });

  it('accepts the nullable fields and shapes of the 2023 push contract and the data model', () => {
    const order = OrderSchema.parse({
      id: 'o-1',
      orderNumber: null,
      country: null,
      currency: 'GBP',
      createdDate: '2023-03-01T10:00:00+01:00',
      closedDate: null,
      totalAmount: 12,
      totalRefund: 0,
      totalTaxAmount: 2,
      totalDiscount: 0,
      totalGratuity: 0,
      orderLineItems: [
        { id: 'l-1', quantity: 1, taxPercentage: 20, totalAmount: 12, totalTaxAmount: 2, unitPrice: 10, productRef: { id: 'p', name: null }, discountAllocations: null },
        { id: 'l-2', quantity: -1, taxPercentage: 12.5, totalAmount: '-1.125'.slice(0, 5), taxes: [{ taxComponentRef: { id: 'gst', name: 'GST' }, rate: 0.05 }] },
      ],
      payments: [{ id: 'p-1', amount: null, currency: null, type: 'Card', status: 'Paid', createdDate: null }],
      serviceCharges: [{ totalAmount: 3.95, taxPercentage: 20, taxAmount: 0.66, quantity: 1, type: 'Shipping' }],
      locationRef: { id: 'loc', name: null },
      customerRef: { id: 'c', name: null },
      modifiedDate: null,
      sourceModifiedDate: null,
    });
    expect(order.orderLineItems![1]!.totalAmount).toBe(-1.12);
    expect(PaymentMethodSchema.parse({ id: 'pm', name: 'Card', status: 'Active', modifiedDate: '2023-03-01T10:00:00Z' }).name).toBe('Card');
    expect(ProductCategorySchema.parse({ id: 'cat', name: 'Drinks', ancestorRefs: [{ id: 'root' }], hasChildren: false }).id).toBe('cat');
    expect(DeletedRecordSchema.parse({ id: 'o-1' })).toEqual({ id: 'o-1' });
  });

  it('accepts real calendar instants in every offset form', () => {
    for (const createdDate of ['2028-02-29T23:59:59.999Z', '2000-02-29T00:00Z', '2026-12-31T23:59:59+14:00', '2026-06-30T12:00:00-0930']) {
      expect(PaymentSchema.safeParse({ ...buildPayment(), createdDate }).success, createdDate).toBe(true);
    }
  });

  it.each([
    ['an order without an id', () => OrderSchema.safeParse({ ...buildOrder(), id: '' }), 'Every record needs an id.'],
    ['a date-time without an offset', () => OrderSchema.safeParse({ ...buildOrder(), createdDate: '2026-03-10T12:00:00' }), 'time zone offset'],
    ['a date that does not exist', () => PaymentSchema.safeParse({ ...buildPayment(), createdDate: '2026-02-30T12:00:00Z' }), 'does not exist'],
    ['29 February of a common year', () => PaymentSchema.safeParse({ ...buildPayment(), createdDate: '2026-02-29T12:00:00Z' }), 'does not exist'],
    ['the 31st of a 30-day month', () => PaymentSchema.safeParse({ ...buildPayment(), createdDate: '2026-04-31T12:00:00+01:00' }), 'does not exist'],
    ['hour 24', () => PaymentSchema.safeParse({ ...buildPayment(), createdDate: '2026-03-10T24:00:00Z' }), 'does not exist'],
    ['second 60', () => PaymentSchema.safeParse({ ...buildPayment(), createdDate: '2026-03-10T23:59:60Z' }), 'does not exist'],
    ['month 13', () => PaymentSchema.safeParse({ ...buildPayment(), createdDate: '2026-13-01T10:00Z' }), 'does not exist'],
    ['a non-finite amount', () => PaymentSchema.safeParse({ ...buildPayment(), amount: Number.NaN }), ''],
    ['an unknown payment type', () => PaymentSchema.safeParse({ ...buildPayment(), type: 'Crypto' }), ''],
    ['a positive totalRefund', () => OrderSchema.safeParse({ ...buildOrder(), totalRefund: 5 }), 'zero or negative'],
    ['a tax percentage over 100', () => OrderSchema.safeParse({ ...buildOrder(), orderLineItems: [{ quantity: 1, totalAmount: 1, taxPercentage: 120 }] }), 'between 0 and 100'],
    ['a tax component rate given as a percentage', () => TaxComponentSchema.safeParse({ ...buildTaxComponent(), rate: 5 }), 'fraction'],
    ['a lower-case currency', () => TransactionSchema.safeParse({ ...buildTransaction(), currency: 'gbp' }), 'ISO 4217'],
    ['a delete carrying more than the id', () => DeletedRecordSchema.safeParse({ id: 'x', totalAmount: 1 }), ''],
  ])('refuses %s with a message saying what to fix', (_name, parse, message) => {
    const result = parse();
    expect(result.success).toBe(false);
    if (!result.success && message) expect(result.error.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});
