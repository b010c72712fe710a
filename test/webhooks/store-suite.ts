import type { DeliveryRow } from '../../src/webhooks/store.js';
import type { StoreHarness } from './harness.js';

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

function row(overrides: Partial<DeliveryRow> & Pick<DeliveryRow, 'id'>): DeliveryRow {
  return {
    eventId: `evt-${overrides.id}`,
    eventType: 'sync.failed',
    companyId: 'company-1',
    endpointId: 'ep-1',
    url: 'http://127.0.0.1:9/hooks',
    payload: '{}',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: T0,
    leaseUntil: null,
    leaseToken: null,
    lastAttemptAt: null,
    lastResponseCode: null,
    lastError: null,
    deliveredAt: null,
    createdAt: T0,
    redeliveryOf: null,
    ...overrides,
  };
}

/** The storage contract every outbox store must meet, run against one backend. */
export function storeSuite(harness: StoreHarness): void {
  beforeAll(() => harness.setup());
  afterAll(() => harness.teardown());
  beforeEach(() => harness.reset());

  it('round-trips rows and ignores a second delivery of the same event to the same endpoint', async () => {
    const store = await harness.open();
    const first = row({ id: 'd1', lastResponseCode: null });
    expect(await store.insert([first])).toEqual([first]);
    expect(await store.insert([row({ id: 'd2', eventId: first.eventId })])).toEqual([]);
    // A redelivery of the same event to the same endpoint is a distinct row.
    expect(
      await store.insert([row({ id: 'd3', eventId: first.eventId, redeliveryOf: 'd1' })]),
    ).toHaveLength(1);
    expect(await store.get('d1')).toEqual(first);
    expect(await store.get('missing')).toBeNull();
    await store.migrate();
    expect(await store.get('d1')).toEqual(first);
  });

  it('leases a due delivery to one claimer only, and again after the lease expires', async () => {
    const a = await harness.open();
    const b = await harness.open();
    await a.insert([row({ id: 'd1' }), row({ id: 'd2', nextAttemptAt: T0 + 60_000 })]);

    const claimedA = await a.claimDue({
      now: T0,
      leaseUntil: T0 + 30_000,
      leaseToken: 'A',
      limit: 10,
    });
    expect(claimedA.map((r) => [r.id, r.leaseToken])).toEqual([['d1', 'A']]);
    expect(
      await b.claimDue({ now: T0 + 1_000, leaseUntil: T0 + 31_000, leaseToken: 'B', limit: 10 }),
    ).toEqual([]);

    // A crashed worker's lease runs out: another worker takes over, and the first can no longer record.
    const claimedB = await b.claimDue({
      now: T0 + 30_001,
      leaseUntil: T0 + 60_001,
      leaseToken: 'B',
      limit: 10,
    });
    expect(claimedB.map((r) => r.id)).toEqual(['d1']);
    const attempt = {
      id: 'd1',
      url: 'http://127.0.0.1:9/hooks',
      attemptAt: T0 + 30_001,
      status: 'succeeded',
      nextAttemptAt: null,
      responseCode: 200,
      error: null,
    } as const;
    expect(await a.recordAttempt({ ...attempt, leaseToken: 'A' })).toBe(false);
    expect(await b.recordAttempt({ ...attempt, leaseToken: 'B' })).toBe(true);
    expect(await a.get('d1')).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      deliveredAt: T0 + 30_001,
      lastResponseCode: 200,
      leaseToken: null,
      leaseUntil: null,
      nextAttemptAt: null,
    });
    expect(
      await a.claimDue({ now: T0 + 90_000, leaseUntil: T0 + 120_000, leaseToken: 'C', limit: 10 }),
    ).toEqual([expect.objectContaining({ id: 'd2' })]);
  });

  it('claims only pending rows, oldest due first, up to the limit', async () => {
    const store = await harness.open();
    await store.insert([
      row({ id: 'late', nextAttemptAt: T0 - 1_000 }),
      row({ id: 'early', nextAttemptAt: T0 - 5_000 }),
      row({ id: 'done', status: 'succeeded', nextAttemptAt: null }),
      row({ id: 'gaveup', status: 'failed', nextAttemptAt: null }),
      row({ id: 'future', nextAttemptAt: T0 + 1 }),
    ]);
    const claimed = await store.claimDue({
      now: T0,
      leaseUntil: T0 + 60_000,
      leaseToken: 'A',
      limit: 1,
    });
    expect(claimed.map((r) => r.id)).toEqual(['early']);
    const rest = await store.claimDue({
      now: T0,
      leaseUntil: T0 + 60_000,
      leaseToken: 'B',
      limit: 10,
    });
    expect(rest.map((r) => r.id)).toEqual(['late']);
  });

  it('records a failed attempt with its next attempt and keeps it pending', async () => {
    const store = await harness.open();
    await store.insert([row({ id: 'd1' })]);
    await store.claimDue({ now: T0, leaseUntil: T0 + 60_000, leaseToken: 'A', limit: 10 });
    await store.recordAttempt({
      id: 'd1',
      leaseToken: 'A',
      url: 'http://127.0.0.1:10/new',
      attemptAt: T0,
      status: 'pending',
      nextAttemptAt: T0 + 30_000,
      responseCode: 503,
      error: 'HTTP 503',
    });
    expect(await store.get('d1')).toMatchObject({
      status: 'pending',
      attempts: 1,
      url: 'http://127.0.0.1:10/new',
      nextAttemptAt: T0 + 30_000,
      lastAttemptAt: T0,
      lastResponseCode: 503,
      lastError: 'HTTP 503',
      deliveredAt: null,
    });
  });

  it('lists newest first with filters and keyset paging', async () => {
    const store = await harness.open();
    await store.insert([
      row({ id: 'a', createdAt: T0 }),
      row({ id: 'b', createdAt: T0 + 1 }),
      row({ id: 'c', createdAt: T0 + 1, companyId: 'company-2' }),
      row({ id: 'd', createdAt: T0 + 2, eventType: 'sync.succeeded', status: 'succeeded' }),
    ]);
    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(['d', 'c', 'b', 'a']);
    expect((await store.list({ limit: 10, companyId: 'company-1' })).map((r) => r.id)).toEqual([
      'd',
      'b',
      'a',
    ]);
    expect(
      (await store.list({ limit: 10, eventType: 'sync.failed', status: 'pending' })).map(
        (r) => r.id,
      ),
    ).toEqual(['c', 'b', 'a']);
    expect(
      (await store.list({ limit: 10, after: { createdAt: T0 + 1, id: 'c' } })).map((r) => r.id),
    ).toEqual(['b', 'a']);
    expect(
      (await store.list({ limit: 10, eventId: 'evt-b', endpointId: 'ep-1' })).map((r) => r.id),
    ).toEqual(['b']);
  });

  it('makes a pending delivery due now, and leaves finished ones alone', async () => {
    const store = await harness.open();
    await store.insert([
      row({ id: 'p', nextAttemptAt: T0 + 3_600_000 }),
      row({ id: 's', status: 'succeeded', nextAttemptAt: null }),
    ]);
    expect(await store.retryNow('p', T0)).toMatchObject({ id: 'p', nextAttemptAt: T0 });
    expect(await store.retryNow('s', T0)).toBeNull();
  });
}
