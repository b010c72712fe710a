import type { ClientBase } from 'pg';
import { WebhookDeliverySchema, WebhookDeliveryPageSchema } from '../../src/contract/webhooks.js';
import type { WebhookEndpointInput } from '../../src/contract/webhooks.js';
import {
  createWebhookDispatcher,
  DEFAULT_RETRY_DELAYS_SECONDS,
  WebhookDispatchError,
} from '../../src/webhooks/dispatcher.js';
import type { WebhookDispatcherOptions } from '../../src/webhooks/dispatcher.js';
import { verifyWebhook } from '../../src/webhooks/signature.js';
import { createReceiver, sequentialIds, syncFailed, syncSucceeded, testClock } from './harness.js';
import type { ReceivedRequest, StoreHarness } from './harness.js';

/** The partner secret the suite's endpoints use. */
export const SECRET = 'whsec_partner_0123456789abcdef';

/** The dispatcher behaviours, run against one storage backend. */
export function dispatcherSuite(harness: StoreHarness): void {
  const receiver = createReceiver();
  let clock = testClock();

  beforeAll(async () => {
    await harness.setup();
    await receiver.up();
  });
  afterAll(async () => {
    await receiver.down();
    await harness.teardown();
  });
  beforeEach(async () => {
    await harness.reset();
    receiver.received.length = 0;
    receiver.setRespond(() => 200);
    receiver.setHeaders({});
    if (!receiver.isUp()) await receiver.up();
    clock = testClock();
  });

  const endpoint = (overrides: Partial<WebhookEndpointInput> = {}): WebhookEndpointInput => ({
    id: 'ep-1',
    url: receiver.url(),
    secret: SECRET,
    events: ['*'],
    ...overrides,
  });

  async function dispatcher(overrides: Partial<WebhookDispatcherOptions<ClientBase>> = {}) {
    return createWebhookDispatcher<ClientBase>({
      store: await harness.open(),
      endpoints: [endpoint()],
      now: clock.now,
      random: () => 0.5,
      newId: sequentialIds(`${harness.name}-${Math.floor(Math.random() * 1e6)}`),
      ...overrides,
    });
  }

  const verify = (req: ReceivedRequest, secret: string | string[] = SECRET) =>
    verifyWebhook({
      payload: req.body,
      header: req.headers['commerce-sync-signature'] as string,
      secret,
      now: clock.now(),
    });

  it('posts a signed JSON event with the event and delivery headers', async () => {
    const webhooks = await dispatcher();
    const [delivery] = await webhooks.enqueue(syncFailed());
    expect(delivery).toBeDefined();
    expect(WebhookDeliverySchema.parse(delivery)).toEqual(delivery);

    expect(await webhooks.deliverDue()).toEqual({
      attempted: 1,
      succeeded: 1,
      retrying: 0,
      failed: 0,
      leaseLost: 0,
    });
    expect(receiver.received).toHaveLength(1);
    const req = receiver.received[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['commerce-sync-event']).toBe('sync.failed');
    expect(req.headers['commerce-sync-delivery']).toBe(delivery!.id);
    expect(await verify(req)).toMatchObject({ ok: true });
    expect(JSON.parse(req.body)).toEqual(delivery!.event);
    expect(await webhooks.getDelivery(delivery!.id)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastResponseCode: 200,
      lastError: null,
      nextAttemptAt: null,
      deliveredAt: clock.now().toISOString(),
    });
  });

  it('delivers to a receiver that was down, later, exactly once, with a valid signature', async () => {
    const webhooks = await dispatcher();
    await receiver.down();
    const [delivery] = await webhooks.enqueue(syncFailed());

    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 1, retrying: 1 });
    const afterFirst = await webhooks.getDelivery(delivery!.id);
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastResponseCode: null });
    expect(afterFirst.lastError).toMatch(/ECONNREFUSED|fetch failed/);
    expect(afterFirst.nextAttemptAt).toBe(new Date(clock.now().getTime() + 30_000).toISOString());

    clock.advance(10);
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 0 });

    await receiver.up();
    clock.advance(20);
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(await verify(receiver.received[0]!)).toMatchObject({ ok: true });
    clock.advance(3_600);
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 0 });

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['commerce-sync-delivery']).toBe(delivery!.id);
    // An hour later the same request is a replay and the helper refuses it.
    expect(await verify(receiver.received[0]!)).toMatchObject({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(await webhooks.getDelivery(delivery!.id)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      lastResponseCode: 200,
    });
  });

  it('retries a 503 on the backoff schedule, then gives up as failed', async () => {
    receiver.setRespond(() => 503);
    const observed: string[] = [];
    const webhooks = await dispatcher({
      onAttempt: (d) => observed.push(`${d.attempts}:${d.status}:${d.lastResponseCode}`),
    });
    const [delivery] = await webhooks.enqueue(syncFailed());
    const gaps: number[] = [];
    let current = await webhooks.getDelivery(delivery!.id);
    while (current.status === 'pending') {
      const due = new Date(current.nextAttemptAt!);
      gaps.push((due.getTime() - clock.now().getTime()) / 1000);
      clock.set(due);
      await webhooks.deliverDue();
      current = await webhooks.getDelivery(delivery!.id);
    }
    expect(gaps.slice(1)).toEqual([...DEFAULT_RETRY_DELAYS_SECONDS]);
    expect(current).toMatchObject({
      status: 'failed',
      attempts: DEFAULT_RETRY_DELAYS_SECONDS.length + 1,
      lastResponseCode: 503,
      lastError: 'HTTP 503: receiver says 503',
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(receiver.received).toHaveLength(DEFAULT_RETRY_DELAYS_SECONDS.length + 1);
    expect(observed).toEqual([
      ...DEFAULT_RETRY_DELAYS_SECONDS.map((_, i) => `${i + 1}:pending:503`),
      `${DEFAULT_RETRY_DELAYS_SECONDS.length + 1}:failed:503`,
    ]);
    // Every attempt sends the same delivery id and body, freshly signed.
    expect(new Set(receiver.received.map((r) => r.headers['commerce-sync-delivery']))).toEqual(
      new Set([delivery!.id]),
    );
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  });

  it('waits longer when a 429 or 503 asks for it with Retry-After, up to the longest delay', async () => {
    const webhooks = await dispatcher();
    const nextAfter = async (status: number, retryAfter: string, syncId: string) => {
      receiver.setRespond(() => status);
      receiver.setHeaders({ 'retry-after': retryAfter });
      const [delivery] = await webhooks.enqueue(syncFailed('company-1', syncId));
      await webhooks.deliverDue();
      const next = (await webhooks.getDelivery(delivery!.id)).nextAttemptAt!;
      return (new Date(next).getTime() - clock.now().getTime()) / 1000;
    };
    expect(await nextAfter(429, '900', 'seconds')).toBe(900);
    expect(await nextAfter(429, '5', 'shorter-than-backoff')).toBe(30);
    expect(await nextAfter(503, '999999', 'capped')).toBe(86_400);
    const inFiveMinutes = new Date(clock.now().getTime() + 300_000).toUTCString();
    expect(await nextAfter(503, inFiveMinutes, 'http-date')).toBe(300);
    expect(await nextAfter(500, '900', 'not-honoured-on-500')).toBe(30);
  });

  it('applies jitter from the injected random source', async () => {
    receiver.setRespond(() => 500);
    const webhooks = await dispatcher({ random: () => 0 });
    const [delivery] = await webhooks.enqueue(syncFailed());
    await webhooks.deliverDue();
    expect((await webhooks.getDelivery(delivery!.id)).nextAttemptAt).toBe(
      new Date(clock.now().getTime() + 24_000).toISOString(),
    );
  });

  it('never sends a delivery twice when two workers run at once', async () => {
    receiver.setRespond(() => new Promise((resolve) => setTimeout(() => resolve(200), 20)));
    const a = await dispatcher({ batchSize: 5, concurrency: 3 });
    const b = await dispatcher({ batchSize: 5, concurrency: 3 });
    for (let i = 0; i < 24; i++) await a.enqueue(syncFailed(`company-${i % 3}`, `sync-${i}`));

    const [ra, rb] = await Promise.all([a.deliverDue(), b.deliverDue()]);
    expect(ra.attempted + rb.attempted).toBe(24);
    expect(ra.succeeded + rb.succeeded).toBe(24);
    const ids = receiver.received.map((r) => r.headers['commerce-sync-delivery']);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
    expect((await a.listDeliveries({ status: 'succeeded', limit: 100 })).items).toHaveLength(24);
  });

  it('leaves a delivery leased by a crashed worker alone until the lease expires', async () => {
    const store = await harness.open();
    const webhooks = await dispatcher({ store, leaseSeconds: 120 });
    const [delivery] = await webhooks.enqueue(syncFailed());
    const now = clock.now().getTime();
    await store.claimDue({
      now,
      leaseUntil: now + 120_000,
      leaseToken: 'crashed-worker',
      limit: 10,
    });

    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 0 });
    clock.advance(119);
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 0 });
    clock.advance(2);
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(receiver.received.map((r) => r.headers['commerce-sync-delivery'])).toEqual([
      delivery!.id,
    ]);
  });

  it('records a timeout when the receiver does not answer', async () => {
    receiver.setRespond(() => new Promise((resolve) => setTimeout(() => resolve(200), 2_000)));
    const webhooks = await dispatcher({ timeoutMs: 100, leaseSeconds: 1 });
    const [delivery] = await webhooks.enqueue(syncFailed());
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 1, retrying: 1 });
    expect(await webhooks.getDelivery(delivery!.id)).toMatchObject({
      status: 'pending',
      lastResponseCode: null,
      lastError: 'No response within 100 ms.',
    });
  });

  it('sends only what each endpoint subscribed to, and nothing twice for a repeated event id', async () => {
    const webhooks = await dispatcher({
      endpoints: [
        endpoint({ id: 'all' }),
        endpoint({ id: 'failures', events: ['sync.failed', 'sync.disabled'] }),
        endpoint({ id: 'company-2-only', companyIds: ['company-2'] }),
        endpoint({ id: 'off', enabled: false }),
      ],
    });
    const failed = await webhooks.enqueue({ ...syncFailed('company-1'), id: 'sync.failed:sync-1' });
    expect(failed.map((d) => d.endpointId).sort()).toEqual(['all', 'failures']);
    expect(
      await webhooks.enqueue({ ...syncFailed('company-1'), id: 'sync.failed:sync-1' }),
    ).toEqual([]);
    const succeeded = await webhooks.enqueue(syncSucceeded('company-2'));
    expect(succeeded.map((d) => d.endpointId).sort()).toEqual(['all', 'company-2-only']);
    expect((await webhooks.listDeliveries()).items).toHaveLength(4);
  });

  it('rejects an invalid event or endpoint with a message saying what to fix', async () => {
    const webhooks = await dispatcher();
    const bad = syncFailed();
    expect(() =>
      webhooks.enqueue({
        ...bad,
        data: { ...bad.data, period: { start: '2026-03-02', finish: '2026-03-01' } },
      } as typeof bad),
    ).toThrow(/data\.period\.finish: The period must end after it starts/);
    await expect(
      dispatcher({ endpoints: [endpoint({ url: 'ftp://example.com' })] }),
    ).rejects.toThrow(
      /endpoint #1 \(ep-1\) is invalid: url: Give the endpoint an absolute http\(s\) URL/,
    );
    await expect(dispatcher({ endpoints: [endpoint({ secret: 'short' })] })).rejects.toThrow(
      /at least 16 characters/,
    );
    await expect(dispatcher({ leaseSeconds: 60 })).rejects.toThrow(
      /leaseSeconds must be longer than 70 s/,
    );
    await expect(dispatcher({ endpoints: [endpoint(), endpoint()] })).rejects.toThrow(
      /share the id "ep-1"/,
    );
  });

  it('signs with every secret during a rotation and picks up config changes at send time', async () => {
    const next = 'whsec_next_secret_abcdefghij';
    let endpoints = [endpoint()];
    const webhooks = await dispatcher({ endpoints: () => endpoints });
    await webhooks.enqueue(syncFailed());
    endpoints = [endpoint({ secret: next, additionalSecrets: [SECRET] })];
    await webhooks.deliverDue();
    const req = receiver.received[0]!;
    expect((req.headers['commerce-sync-signature'] as string).match(/v1=/g)).toHaveLength(2);
    expect(await verify(req, SECRET)).toMatchObject({ ok: true });
    expect(await verify(req, next)).toMatchObject({ ok: true });
  });

  it('fails a delivery whose endpoint was removed, and refuses to redeliver it', async () => {
    let endpoints = [endpoint()];
    const webhooks = await dispatcher({ endpoints: () => endpoints });
    const [delivery] = await webhooks.enqueue(syncFailed());
    endpoints = [];
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 1, failed: 1 });
    expect(await webhooks.getDelivery(delivery!.id)).toMatchObject({
      status: 'failed',
      lastError: 'Endpoint "ep-1" is no longer configured.',
    });
    await expect(webhooks.redeliver(delivery!.id)).rejects.toMatchObject({
      code: 'endpoint_missing',
    });
    expect(receiver.received).toHaveLength(0);
  });

  it('lists deliveries per company, type and status, page by page', async () => {
    const webhooks = await dispatcher();
    for (let i = 0; i < 5; i++) {
      await webhooks.enqueue(syncFailed('company-1', `f-${i}`));
      clock.advance(1);
    }
    await webhooks.enqueue(syncSucceeded('company-1', 's-1'));
    await webhooks.enqueue(syncFailed('company-2', 'other'));
    receiver.setRespond((req) => (JSON.parse(req.body).data.syncId === 'f-0' ? 503 : 200));
    await webhooks.deliverDue();

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = WebhookDeliveryPageSchema.parse(
        await webhooks.listDeliveries({
          companyId: 'company-1',
          type: 'sync.failed',
          limit: 2,
          cursor,
        }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(
        ...page.items.map((d) => (d.event.type === 'sync.failed' ? d.event.data.syncId : '')),
      );
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['f-4', 'f-3', 'f-2', 'f-1', 'f-0']);

    const pending = await webhooks.listDeliveries({ status: 'pending' });
    expect(pending.items).toHaveLength(1);
    expect(pending.items[0]).toMatchObject({
      companyId: 'company-1',
      eventType: 'sync.failed',
      attempts: 1,
      lastResponseCode: 503,
      nextAttemptAt: new Date(clock.now().getTime() + 30_000).toISOString(),
    });
    expect((await webhooks.listDeliveries({ companyId: 'company-2' })).items).toHaveLength(1);
    await expect(webhooks.listDeliveries({ limit: 0 })).rejects.toThrow(
      /limit must be between 1 and 200/,
    );
    await expect(webhooks.listDeliveries({ cursor: 'not-a-cursor' })).rejects.toThrow(
      WebhookDispatchError,
    );
  });

  it('redelivers: a finished delivery as a new one for the same event, a pending one right away', async () => {
    const webhooks = await dispatcher();
    const [delivery] = await webhooks.enqueue(syncFailed());
    await webhooks.deliverDue();
    clock.advance(600);

    const again = await webhooks.redeliver(delivery!.id);
    expect(again).toMatchObject({
      status: 'pending',
      attempts: 0,
      redeliveryOf: delivery!.id,
      eventId: delivery!.eventId,
    });
    expect(again.id).not.toBe(delivery!.id);
    await webhooks.deliverDue();
    expect(receiver.received.map((r) => r.headers['commerce-sync-delivery'])).toEqual([
      delivery!.id,
      again.id,
    ]);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    expect(await verify(receiver.received[1]!)).toMatchObject({ ok: true });

    receiver.setRespond(() => 503);
    const [retrying] = await webhooks.enqueue(syncFailed('company-1', 'sync-9'));
    await webhooks.deliverDue();
    clock.advance(5);
    receiver.setRespond(() => 200);
    const now = await webhooks.redeliver(retrying!.id);
    expect(now).toMatchObject({ id: retrying!.id, nextAttemptAt: clock.now().toISOString() });
    expect(await webhooks.deliverDue()).toMatchObject({ attempted: 1, succeeded: 1 });

    await expect(webhooks.redeliver('nope')).rejects.toMatchObject({ code: 'not_found' });
  });
}
