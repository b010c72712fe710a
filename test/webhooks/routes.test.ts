import Database from 'better-sqlite3';
import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import { WebhookDeliveryPageSchema, WebhookDeliverySchema } from '../../src/contract/webhooks.js';
import { createWebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { createWebhookDeliveryHandler } from '../../src/webhooks/routes.js';
import { createSqliteWebhookStore } from '../../src/webhooks/sqlite-store.js';
import { createReceiver, sequentialIds, syncFailed, syncSucceeded, testClock } from './harness.js';

describe('Sync Health delivery routes', () => {
  const receiver = createReceiver({
    respond: (req) => (JSON.parse(req.body).type === 'sync.failed' ? 503 : 200),
  });
  const db = new Database(':memory:');
  const clock = testClock();
  const webhooks = createWebhookDispatcher({
    store: createSqliteWebhookStore({ database: db }),
    endpoints: () => [
      { id: 'partner', url: receiver.url(), secret: 'whsec_routes_0123456789', events: ['*'] },
    ],
    now: clock.now,
    random: () => 0.5,
    newId: sequentialIds('d'),
  });
  const handler = createWebhookDeliveryHandler(webhooks, {
    basePath: '/api/webhooks',
    newCorrelationId: () => 'corr-1',
  });
  const call = (path: string, init?: RequestInit) =>
    handler(new Request(`http://localhost/api/webhooks${path}`, init));

  beforeAll(async () => {
    await receiver.up();
    await webhooks.enqueue(syncFailed('company-1', 'sync-1'));
    clock.advance(1);
    await webhooks.enqueue(syncSucceeded('company-1', 'sync-2'));
    clock.advance(1);
    await webhooks.enqueue(syncSucceeded('company-2', 'sync-3'));
    await webhooks.deliverDue();
  });
  afterAll(async () => {
    await receiver.down();
    db.close();
  });

  it('lists a company’s deliveries with status, attempts, last response code and next attempt', async () => {
    const response = await call('/deliveries?companyId=company-1&limit=10');
    expect(response.status).toBe(200);
    const page = WebhookDeliveryPageSchema.parse(await response.json());
    expect(page.items.map((d) => [d.eventType, d.status, d.attempts, d.lastResponseCode])).toEqual([
      ['sync.succeeded', 'succeeded', 1, 200],
      ['sync.failed', 'pending', 1, 503],
    ]);
    expect(page.items[1]!.nextAttemptAt).toBe(
      new Date(clock.now().getTime() + 30_000).toISOString(),
    );
    const failedOnly = WebhookDeliveryPageSchema.parse(
      await (await call('/deliveries?companyId=company-1&type=sync.failed&status=pending')).json(),
    );
    expect(failedOnly.items).toHaveLength(1);
  });

  it('reads one delivery and redelivers it', async () => {
    const [succeeded] = (await webhooks.listDeliveries({ companyId: 'company-2' })).items;
    const read = await call(`/deliveries/${succeeded!.id}`);
    expect(WebhookDeliverySchema.parse(await read.json())).toMatchObject({
      id: succeeded!.id,
      status: 'succeeded',
    });

    const response = await call(`/deliveries/${succeeded!.id}/redeliver`, { method: 'POST' });
    expect(response.status).toBe(202);
    const created = WebhookDeliverySchema.parse(await response.json());
    expect(created).toMatchObject({ status: 'pending', redeliveryOf: succeeded!.id });
    const before = receiver.received.length;
    await webhooks.deliverDue();
    expect(receiver.received.slice(before).map((r) => r.headers['commerce-sync-delivery'])).toEqual(
      [created.id],
    );
  });

  it('answers bad requests with the error envelope', async () => {
    const cases = [
      [await call('/deliveries/missing'), 404, 'not_found'],
      [await call('/deliveries?limit=500'), 400, 'invalid_query'],
      [await call('/deliveries?status=lost'), 400, 'invalid_query'],
      [await call('/deliveries', { method: 'DELETE' }), 405, 'method_not_allowed'],
      [await call('/deliveries/d1/redeliver'), 405, 'method_not_allowed'],
      [await call('/elsewhere'), 404, 'not_found'],
    ] as const;
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      expect(ErrorEnvelopeSchema.parse(await response.json())).toMatchObject({
        statusCode: status,
        code,
        correlationId: 'corr-1',
      });
    }
  });
});
