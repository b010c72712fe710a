import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationViewSchema, SyncStatusViewSchema } from '../../src/contract/bff.js';
import { createReadCache } from '../../src/bff/read-cache.js';
import { API_KEY, SYNC_URL, browser, connect, createHarness, validConfiguration } from './harness.js';
import type { Harness } from './harness.js';

/** A load whose answers the test hands out one by one. */
function controlled<T>() {
  const pending: { resolve(value: T): void; reject(error: Error): void }[] = [];
  return {
    calls: () => pending.length,
    load: () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject })),
    answer(index: number, value: T) {
      pending[index]?.resolve(value);
    },
    fail(index: number, error: Error) {
      pending[index]?.reject(error);
    },
  };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('read cache', () => {
  it('shares one load among concurrent reads of the same key, not across keys or scopes', async () => {
    const cache = createReadCache({ ttlMs: 1000, clock: () => 0 });
    const upstream = controlled<string>();
    const reads = [
      cache.read('m1', 'config', upstream.load),
      cache.read('m1', 'config', upstream.load),
      cache.read('m1', 'config', upstream.load),
    ];
    expect(upstream.calls()).toBe(1);
    void cache.read('m1', 'statuses', upstream.load);
    void cache.read('m2', 'config', upstream.load);
    expect(upstream.calls()).toBe(3);
    upstream.answer(0, 'A');
    expect(await Promise.all(reads)).toEqual(['A', 'A', 'A']);
  });

  it('keeps an answer for the time to live, refreshing ahead in its second half', async () => {
    let now = 0;
    const cache = createReadCache({ ttlMs: 1000, clock: () => now });
    const upstream = controlled<string>();
    const first = cache.read('m1', 'config', upstream.load);
    upstream.answer(0, 'A');
    expect(await first).toBe('A');
    now = 499; // first half: kept, nothing asked upstream
    expect(await cache.read('m1', 'config', upstream.load)).toBe('A');
    expect(upstream.calls()).toBe(1);
    now = 500; // second half: still the kept answer, and one refresh starts
    expect(await cache.read('m1', 'config', upstream.load)).toBe('A');
    expect(await cache.read('m1', 'config', upstream.load)).toBe('A');
    expect(upstream.calls()).toBe(2);
    upstream.answer(1, 'B');
    await settle();
    expect(await cache.read('m1', 'config', upstream.load)).toBe('B');
    now = 1500 + 1000; // the refreshed answer has expired as well: the next read waits for a new one
    const late = cache.read('m1', 'config', upstream.load);
    expect(upstream.calls()).toBe(3);
    upstream.answer(2, 'C');
    expect(await late).toBe('C');
  });

  it('keeps no failure', async () => {
    const cache = createReadCache({ ttlMs: 1000, clock: () => 0 });
    const upstream = controlled<string>();
    const failed = cache.read('m1', 'config', upstream.load);
    upstream.fail(0, new Error('sync service unavailable'));
    await expect(failed).rejects.toThrow('sync service unavailable');
    const retried = cache.read('m1', 'config', upstream.load);
    expect(upstream.calls()).toBe(2);
    upstream.answer(1, 'A');
    expect(await retried).toBe('A');
  });

  it("a write drops the scope's answers, and a read in flight during the write is not kept", async () => {
    const cache = createReadCache({ ttlMs: 1000, clock: () => 0 });
    const upstream = controlled<string>();
    const before = cache.read('m1', 'config', upstream.load);
    upstream.answer(0, 'old');
    await before;
    void cache.read('m2', 'config', upstream.load);
    let finishWrite: () => void = () => undefined;
    const write = cache.write('m1', () => new Promise<void>((resolve) => (finishWrite = resolve)));
    // During the write: the kept answer is gone, and what this read sees is not kept.
    const during = cache.read('m1', 'config', upstream.load);
    expect(upstream.calls()).toBe(3);
    upstream.answer(2, 'old-during-write');
    expect(await during).toBe('old-during-write');
    finishWrite();
    await write;
    const after = cache.read('m1', 'config', upstream.load);
    expect(upstream.calls()).toBe(4);
    upstream.answer(3, 'new');
    expect(await after).toBe('new');
    // Another merchant's answer was not touched.
    expect(upstream.calls()).toBe(4);
  });

  it('with a time to live of 0 shares reads in flight and keeps nothing', async () => {
    const cache = createReadCache({ ttlMs: 0, clock: () => 0 });
    const upstream = controlled<string>();
    const a = cache.read('m1', 'config', upstream.load);
    const b = cache.read('m1', 'config', upstream.load);
    expect(upstream.calls()).toBe(1);
    upstream.answer(0, 'A');
    expect([await a, await b]).toEqual(['A', 'A']);
    void cache.read('m1', 'config', upstream.load);
    expect(upstream.calls()).toBe(2);
  });
});

describe('BFF reads under concurrency', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('50 concurrent status reads of one merchant make one upstream call of each kind; its own write is seen at once', async () => {
    const upstream: string[] = [];
    h = await createHarness({
      syncService: {
        baseUrl: SYNC_URL,
        apiKey: API_KEY,
        fetch: (request) => {
          upstream.push(`${request.method} ${new URL(request.url).pathname}`);
          return h.service.fetch(request);
        },
      },
    });
    const alice = browser(h, 'alice');
    await connect(h, alice);
    const current = ConfigurationViewSchema.parse(await (await alice.call('GET', '/configuration')).json());
    const saved = await alice.call('PUT', '/configuration', validConfiguration(current));
    expect(saved.status).toBe(200);

    upstream.length = 0;
    const responses = await Promise.all(Array.from({ length: 50 }, () => alice.call('GET', '/sync/status')));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(SyncStatusViewSchema.parse(await response.json())).toMatchObject({ configured: true, enabled: true });
    }
    const counts = upstream.reduce<Record<string, number>>((acc, call) => {
      const kind = call.replace(/\/companies\/[^/]+/, '/companies/{id}');
      acc[kind] = (acc[kind] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts).toEqual({
      'GET /companies': 1,
      'GET /companies/{id}/sync/commerce/syncs/list/status': 1,
      'GET /config/companies/{id}/sync/commerce': 1,
    });

    // Pausing through this BFF drops the merchant's kept reads: the next status says paused.
    expect((await alice.call('POST', '/sync/pause')).status).toBe(200);
    const paused = SyncStatusViewSchema.parse(await (await alice.call('GET', '/sync/status')).json());
    expect(paused).toMatchObject({ enabled: false, health: 'paused' });
  });
});
