import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OrderSchema } from '../../src/contract/commerce.js';
import { openStore, type Store } from '../../src/server/index.js';
import { canonicalTest } from '../../src/server/canonical.js';
import { PUSH_SCHEMAS } from '../../src/server/push.js';
import { recordTexts } from '../../src/server/record-texts.js';
import { buildOrder, generateMerchant } from '../fixtures/index.js';
import { call, makeService } from './helpers.js';

/**
 * The push fast path stores a record as sent when zod would hand it back unchanged, and
 * cuts each record's text out of the request body instead of serialising it again. Both
 * must never change what is stored: these tests hold them to zod's own answers.
 */

const merchant = generateMerchant({ seed: 3, days: 2, ordersPerDay: 40 });

/** Edits that a partner's record may carry: some valid, some not, some valid but changed by parsing. */
function mutate(record: Record<string, unknown>, edits: readonly { path: number; kind: number }[]): unknown {
  const copy = structuredClone(record) as Record<string, unknown>;
  for (const edit of edits) {
    // Walk to a random object inside the record.
    let target: Record<string, unknown> = copy;
    for (let step = 0; step < 3; step += 1) {
      const children = Object.values(target).flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
      if (children.length === 0 || (edit.path >> step) % 2 === 0) break;
      target = children[edit.path % children.length] as Record<string, unknown>;
    }
    const keys = Object.keys(target);
    const key = keys[edit.path % Math.max(1, keys.length)] ?? 'id';
    const value = target[key];
    switch (edit.kind % 12) {
      case 0: target[key] = typeof value === 'number' ? String(value) : value; break; // decimal as text
      case 1: target.extra = 'unknown field'; break;
      case 2: target[key] = null; break;
      case 3: delete target[key]; break;
      case 4: target[key] = typeof value === 'string' ? `${value}x` : value; break;
      case 5: target[key] = typeof value === 'number' ? -value : value; break;
      case 6: target[key] = '2026-02-30T10:00:00Z'; break;
      case 7: target[key] = 'Card'; break;
      case 8: target[key] = []; break;
      case 9: target[key] = { id: '' }; break;
      case 10: target[key] = 1e21; break;
      default: target[key] = true;
    }
  }
  return copy;
}

describe('canonical test (records zod keeps unchanged)', () => {
  const samples: [string, z.ZodType, Record<string, unknown>[]][] = [
    ['orders', PUSH_SCHEMAS.orders, merchant.orders as unknown as Record<string, unknown>[]],
    ['payments', PUSH_SCHEMAS.payments, merchant.payments as unknown as Record<string, unknown>[]],
    ['transactions', PUSH_SCHEMAS.transactions, merchant.transactions as unknown as Record<string, unknown>[]],
  ];

  it.each(samples)('says yes to every generated %s (the fast path is really taken)', (_name, schema, records) => {
    const test = canonicalTest(schema);
    expect(records.length).toBeGreaterThan(20);
    for (const record of records) expect(test(JSON.parse(JSON.stringify(record)))).toBe(true);
  });

  it.each(samples)('never says yes unless zod accepts the %s and returns an equal value', (_name, schema, records) => {
    const test = canonicalTest(schema);
    let yes = 0;
    let no = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: records.length - 1 }),
        fc.array(fc.record({ path: fc.nat(), kind: fc.nat() }), { minLength: 1, maxLength: 3 }),
        (index, edits) => {
          const value = mutate(records[index] as Record<string, unknown>, edits);
          const result = schema.safeParse(value);
          if (test(value)) {
            yes += 1;
            expect(result.success).toBe(true);
            expect(result.data).toEqual(value);
          } else {
            no += 1;
          }
        },
      ),
      { numRuns: 400 },
    );
    // Both answers occur, so neither branch above is vacuous.
    expect(yes).toBeGreaterThan(0);
    expect(no).toBeGreaterThan(0);
  });

  it('handles the kinds and checks the commerce contract does not use yet as zod does', () => {
    const schema = z.object({
      name: z.string().trim().toLowerCase(),
      when: z.iso.date().optional(),
      count: z.number().int().default(1),
      tags: z.array(z.string()).max(2).nullable(),
      kind: z.literal('a').or(z.literal('b')),
      meta: z.record(z.string(), z.number()).optional(),
    });
    const test = canonicalTest(schema);
    const cases: unknown[] = [
      { name: 'ok', count: 2, tags: null, kind: 'a' },
      { name: ' Padded ', count: 2, tags: null, kind: 'a' }, // rewritten by trim/toLowerCase
      { name: 'ok', tags: null, kind: 'a' }, // count defaulted
      { name: 'ok', count: 2, tags: ['x', 'y', 'z'], kind: 'b' }, // too many tags
      { name: 'ok', count: 2.5, tags: null, kind: 'b' },
      { name: 'ok', count: 2, tags: null, kind: 'c' },
      { name: 'ok', count: 2, tags: null, kind: 'a', when: '2026-02-30' },
      { name: 'ok', count: 2, tags: null, kind: 'a', when: '2026-02-28' },
      { name: 'ok', count: 2, tags: null, kind: 'a', meta: { x: 1 } }, // records are zod's to rebuild
    ];
    const answers = cases.map((value) => {
      const yes = test(value);
      const result = schema.safeParse(value);
      if (yes) expect(result.success && result.data).toEqual(value);
      return yes;
    });
    expect(answers).toEqual([true, false, false, false, false, false, false, true, false]);
  });

  it('says no to what zod would change or refuse', () => {
    const test = canonicalTest(OrderSchema);
    const order = JSON.parse(JSON.stringify(buildOrder({ id: 'o1' }))) as Record<string, unknown>;
    expect(test(order)).toBe(true);
    expect(test({ ...order, totalAmount: '12.30' })).toBe(false); // would become a number
    expect(test({ ...order, supplementalData: {} })).toBe(false); // would be stripped
    expect(test({ ...order, createdDate: '2026-02-30T10:00:00Z' })).toBe(false); // no such day
    expect(test({ ...order, currency: 'gbp' })).toBe(false);
    expect(test({ ...order, totalRefund: 5 })).toBe(false); // refunds are ≤ 0
    expect(test({ ...order, id: '' })).toBe(false);
    expect(test(null)).toBe(false);
    expect(test([order])).toBe(false);
  });
});

describe('record texts (each record cut from the body)', () => {
  it('finds the records in a top-level array or under the data type, whatever the spacing', () => {
    const records = [{ id: 'a', note: 'quote " and \\ backslash', nested: [{ x: [1, { y: '}]' }] }] }, { id: 'b', name: 'Café ☕ 𝄞' }, 7, 'text', null, [1, [2]]];
    for (const indent of [undefined, 2, '\t']) {
      for (const body of [JSON.stringify(records, null, indent), JSON.stringify({ before: { orders: 1 }, orders: records, after: [] }, null, indent)]) {
        const found = recordTexts(body, 'orders');
        expect(found).not.toBeNull();
        expect(found?.texts.map((t) => JSON.parse(t) as unknown)).toEqual(records);
        expect(JSON.parse(body.slice(found?.start, found?.end))).toEqual(records);
      }
    }
    expect(recordTexts(' [ ] ', 'orders')).toEqual({ texts: [], start: 1, end: 4 });
    expect(recordTexts('{"ord\\u0065rs":[{"id":"x"}]}', 'orders')?.texts).toEqual(['{"id":"x"}']);
  });

  it('gives up (the caller serialises) when the records cannot be pointed at', () => {
    expect(recordTexts('{"payments":[]}', 'orders')).toBeNull();
    expect(recordTexts('{"orders":[{"id":"a"}],"orders":[{"id":"b"}]}', 'orders')).toBeNull();
    expect(recordTexts('{"orders":"x"}', 'orders')).toBeNull();
    expect(recordTexts('{}', 'orders')).toBeNull();
    expect(recordTexts('"orders"', 'orders')).toBeNull();
  });

  it('cuts any JSON array exactly into its elements', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), fc.constantFrom(undefined, 1, 4), (values, indent) => {
        const body = JSON.stringify(values, null, indent);
        const found = recordTexts(body, 'orders');
        expect(found?.texts.map((t) => JSON.parse(t) as unknown)).toEqual(JSON.parse(body));
      }),
      { numRuns: 300 },
    );
  });
});

describe('push stores exactly what the contract accepts', () => {
  let store: Store;
  let service: ReturnType<typeof makeService>;
  let companyId: string;
  beforeEach(async () => {
    store = await openStore({ sqlite: ':memory:' });
    service = makeService({ store });
    companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
  });
  afterEach(async () => {
    await service.close();
    await store.close();
  });

  async function stored(): Promise<unknown[]> {
    return store.recordsCreatedBetween(companyId, 'orders', '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z');
  }

  it('stores records sent as the contract keeps them, and echoes the request array', async () => {
    const all = [];
    for (const [path, wrap, indent] of [
      [`/data/companies/${companyId}/sync/commerce-orders`, true, 2],
      [`/companies/${companyId}/data/commerce-orders`, false, undefined],
    ] as const) {
      const orders = [buildOrder({ id: `${path}-1`, orderNumber: 'Café ☕ 𝄞' }), buildOrder({ id: `${path}-2`, createdDate: '2026-03-10T11:00:00Z' })];
      all.push(...orders);
      const reply = await call(service, 'POST', path, undefined, { raw: JSON.stringify(wrap ? { orders } : orders, null, indent) });
      expect(reply.status).toBe(200);
      const echoed = (wrap ? reply.body.data.orders : reply.body) as unknown[];
      expect(echoed).toEqual(JSON.parse(JSON.stringify(orders)));
    }
    const expected = all.map((o) => OrderSchema.parse(JSON.parse(JSON.stringify(o))));
    const rows = (await stored()) as { id: string }[];
    expect(rows.length).toBe(4);
    for (const row of rows) expect(row).toEqual(expected.find((o) => o.id === row.id));
  });

  it('stores and echoes what zod makes of records it changes (text amounts, unknown fields)', async () => {
    const plain = buildOrder({ id: 'plain' });
    const changed = { ...buildOrder({ id: 'changed' }), totalAmount: '12.30', supplementalData: { till: 4 } };
    const reply = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [plain, changed]);
    expect(reply.status).toBe(200);
    const echoed = reply.body as Record<string, unknown>[];
    expect(echoed.map((o) => o.id)).toEqual(['plain', 'changed']);
    expect(echoed[1]?.totalAmount).toBe(12.3);
    expect(echoed[1]).not.toHaveProperty('supplementalData');
    const rows = (await stored()) as Record<string, unknown>[];
    const row = rows.find((o) => o.id === 'changed');
    expect(row?.totalAmount).toBe(12.3);
    expect(row).not.toHaveProperty('supplementalData');
    expect(rows.find((o) => o.id === 'plain')).toEqual(OrderSchema.parse(JSON.parse(JSON.stringify(plain))));
  });

  it('echoes only what was accepted when some records are repeated or ignored', async () => {
    const order = buildOrder({ id: 'o1' });
    await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [order]);
    const reply = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [order, buildOrder({ id: 'o2' }), { ...buildOrder({ id: 'o2' }), orderNumber: 'last wins' }]);
    expect(reply.status).toBe(200);
    expect((reply.body as { id: string; orderNumber: string }[]).map((o) => [o.id, o.orderNumber])).toEqual([['o2', 'last wins']]);
  });
});
