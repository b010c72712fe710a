import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryNonceStore, createRedisNonceStore } from '../../src/bff/nonce-store.js';
import type { NonceStore } from '../../src/bff/nonce-store.js';
import { randomId } from '../../src/bff/signing.js';

function sharedBehaviour(name: string, make: () => NonceStore) {
  describe(`${name}: shared behaviour`, () => {
    it('adds a key once (NX) and refuses a second add while it lives', async () => {
      const store = make();
      const key = `k-${randomId()}`;
      expect(await store.add(key, 'first', 60_000)).toBe(true);
      expect(await store.add(key, 'second', 60_000)).toBe(false);
      expect(await store.take(key)).toBe('first');
    });

    it('gives a value to exactly one taker', async () => {
      const store = make();
      const key = `k-${randomId()}`;
      await store.add(key, 'v', 60_000);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.take(key)));
      expect(results.filter((r) => r === 'v')).toHaveLength(1);
      expect(results.filter((r) => r === null)).toHaveLength(19);
    });

    it('answers null for a key never added', async () => {
      expect(await make().take(`missing-${randomId()}`)).toBeNull();
    });
  });
}

sharedBehaviour('memory', () => createMemoryNonceStore());

describe('memory nonce store', () => {
  it('expires values by its injected clock', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const store = createMemoryNonceStore({ now: () => now });
    await store.add('a', '1', 10 * 60_000);
    now = new Date('2026-03-01T10:09:59Z');
    await store.add('b', '2', 10 * 60_000);
    now = new Date('2026-03-01T10:10:00Z');
    expect(await store.take('a')).toBeNull();
    expect(await store.take('b')).toBe('2');
  });

  it('lets an expired key be added again', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const store = createMemoryNonceStore({ now: () => now });
    expect(await store.add('a', '1', 1000)).toBe(true);
    now = new Date('2026-03-01T10:00:01Z');
    expect(await store.add('a', '2', 1000)).toBe(true);
    expect(await store.take('a')).toBe('2');
  });

  it('drops the oldest entries beyond its bound', async () => {
    const store = createMemoryNonceStore({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await store.add(key, key, 60_000);
    expect(await store.take('a')).toBeNull();
    expect(await store.take('d')).toBe('d');
  });
});

describe('redis nonce store (real Redis at 127.0.0.1:6379)', () => {
  const prefix = `commerce-sync:test:bff:${randomId(6)}:`;
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    a = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    b = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length > 0) await a.del(...keys);
    await Promise.all([a.quit(), b.quit()]);
  });

  sharedBehaviour('redis', () => createRedisNonceStore({ client: a, prefix }));

  it('stores with SET NX PX: the key carries the requested expiry', async () => {
    const store = createRedisNonceStore({ client: a, prefix });
    await store.add('ttl', 'v', 600_000);
    const pttl = await a.pttl(`${prefix}ttl`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(600_000);
  });

  it('is single-use across two instances (two connections racing for one state)', async () => {
    const first = createRedisNonceStore({ client: a, prefix });
    const second = createRedisNonceStore({ client: b, prefix });
    const key = `state-${randomId()}`;
    await first.add(key, 'attempt', 60_000);
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => first.take(key)),
      ...Array.from({ length: 10 }, () => second.take(key)),
    ]);
    expect(results.filter((r) => r === 'attempt')).toHaveLength(1);
    expect(await a.exists(`${prefix}${key}`)).toBe(0);
  });

  it('keeps prefixes apart', async () => {
    const one = createRedisNonceStore({ client: a, prefix: `${prefix}one:` });
    const two = createRedisNonceStore({ client: a, prefix: `${prefix}two:` });
    await one.add('same', '1', 60_000);
    expect(await two.take('same')).toBeNull();
    expect(await one.take('same')).toBe('1');
  });
});
