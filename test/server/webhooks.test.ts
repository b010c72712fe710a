/*
 * Webhooks wired into the sync service: events are enqueued with the state change that causes
 * them and sent, signed, on the scheduler tick to a real HTTP receiver on 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookDeliveryPageSchema, WebhookEventSchema, type WebhookEvent } from '../../src/contract/webhooks.js';
import { webhookEndpointsFromEnv } from '../../src/server/cli.js';
import { verifyWebhook } from '../../src/webhooks/index.js';
import { buildConfiguration, buildPayment, SANDBOX_ACCOUNTS } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';
import { postgresTarget } from './targets.js';

const SECRET = 'whsec-test-secret-0123456789abcdef';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One delivery round sends its events concurrently, so arrival order is not event order: tests
 * compare events sorted by type, then time.
 */
function sorted(events: readonly WebhookEvent[]): WebhookEvent[] {
  return [...events].sort((a, b) => a.type.localeCompare(b.type) || a.createdAt.localeCompare(b.createdAt));
}

function receiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/hooks`, received });
    });
  });
}

describe('sync service webhooks', () => {
  const c = clock('2026-03-12T10:00:00Z');
  let hook: Awaited<ReturnType<typeof receiver>>;
  let service: ReturnType<typeof makeService>;

  beforeEach(async () => {
    c.set('2026-03-12T10:00:00Z');
    hook = await receiver();
    service = makeService({ now: c.now, webhooks: { endpoints: [{ id: 'partner', url: hook.url, secret: SECRET, events: ['*'] }] } });
  });
  afterEach(async () => {
    await service.close();
    await new Promise((resolve) => hook.server.close(resolve));
  });

  /**
   * Sends what is due without a scheduler tick (a tick would also start the scheduled syncs of
   * the enabled company and add their events).
   */
  async function deliver(): Promise<void> {
    const webhooks = await service.webhooks();
    await webhooks?.deliverDue(c.now());
  }

  /** Verifies every received request's signature and returns the events in arrival order. */
  async function events(): Promise<WebhookEvent[]> {
    const out: WebhookEvent[] = [];
    for (const r of hook.received) {
      const header = r.headers['commerce-sync-signature'];
      const verified = await verifyWebhook({ payload: r.body, header: typeof header === 'string' ? header : null, secret: SECRET, now: c.now() });
      expect(verified.ok, JSON.stringify(verified)).toBe(true);
      const event = WebhookEventSchema.parse(JSON.parse(r.body));
      expect(r.headers['commerce-sync-event']).toBe(event.type);
      out.push(event);
    }
    return out;
  }

  async function configuredCompany(startDate = '2026-03-01') {
    const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
    const { connectionId, ledgerId } = await linkSandbox(service, companyId, 'uk');
    const config = buildConfiguration({ timeZone: 'Europe/London' });
    config.schedule = { ...config.schedule, startDate };
    const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    return { companyId, connectionId, ledgerId };
  }

  it('sends a signed sync.failed for a failing run and sync.succeeded once it is fixed, once each', async () => {
    const { companyId, connectionId, ledgerId } = await configuredCompany();
    await deliver();
    expect((await events()).map((e) => e.type)).toEqual(['configuration.changed']);
    hook.received.length = 0;

    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment({ createdDate: '2026-03-10T12:00:00Z' })]);
    const failed = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(failed.body.syncStatusCode).toBe(4000);
    // Nothing is sent before delivery: the event waits in the outbox.
    expect(hook.received).toHaveLength(0);
    await deliver();
    const [failure] = await events();
    expect(failure).toMatchObject({
      id: `sync.failed:${failed.body.commerceSyncId}`,
      type: 'sync.failed',
      companyId,
      data: {
        syncId: failed.body.commerceSyncId,
        dataConnectionId: connectionId,
        period: { start: '2026-03-01', finish: '2026-03-12' },
        syncStatusCode: 4000,
        errorCode: 'account_archived',
        merchantMessage: failed.body.errorMessage,
        retryable: false,
        wizardStep: 'payments',
      },
    });

    service.sandbox?.admin.restoreAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    const fixed = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(fixed.body.syncStatusCode).toBe(2000);
    await deliver();
    const sent = await events();
    expect(sent.map((e) => e.type)).toEqual(['sync.failed', 'sync.succeeded']);
    expect(sent[1]).toMatchObject({
      id: `sync.succeeded:${fixed.body.commerceSyncId}`,
      data: { syncStatusCode: 2000, errorCode: null, merchantMessage: null, period: { start: '2026-03-01', finish: '2026-03-12' } },
    });
    expect(sent[1]?.type === 'sync.succeeded' && sent[1].data.documentCount).toBeGreaterThan(0);

    // The delivery log is readable behind the API key at /webhooks/deliveries.
    const page = await call(service, 'GET', `/webhooks/deliveries?companyId=${companyId}`);
    expect(page.status).toBe(200);
    const deliveries = WebhookDeliveryPageSchema.parse(page.body).items;
    // The test clock stands still, so the newest-first order among these is by id: compare as a set.
    expect(deliveries.map((d) => `${d.eventType}:${d.status}`).sort()).toEqual(['configuration.changed:succeeded', 'sync.failed:succeeded', 'sync.succeeded:succeeded']);
    expect((await call(service, 'GET', '/webhooks/deliveries', undefined, { auth: false })).status).toBe(401);
    // Support sees the same deliveries on the company's Sync Health page.
    const support = await call(service, 'GET', `/support/companies/${companyId}/webhook-deliveries`);
    expect(support.status).toBe(200);
    expect(support.body.available).toBe(true);
    expect(support.body.items).toHaveLength(3);
  });

  it('sends connection.deauthorized when the merchant unlinks, and connection.deleted on delete', async () => {
    const { companyId, connectionId } = await configuredCompany();
    const unlinked = await call(service, 'PATCH', `/companies/${companyId}/connections/${connectionId}`, { status: 'Unlinked' });
    expect(unlinked.body.status).toBe('Unlinked');
    // Unlinking again changes nothing and sends nothing.
    await call(service, 'PATCH', `/companies/${companyId}/connections/${connectionId}`, { status: 'Unlinked' });
    expect((await call(service, 'DELETE', `/companies/${companyId}/connections/${connectionId}`)).status).toBe(204);
    await deliver();
    const sent = sorted((await events()).filter((e) => e.type !== 'configuration.changed'));
    expect(sent).toEqual([
      expect.objectContaining({ type: 'connection.deauthorized', companyId, data: { connectionId, platformKey: 'sandbox', initiatedBy: 'merchant', errorCode: null, merchantMessage: null } }),
      expect.objectContaining({ id: `connection.deleted:${connectionId}`, type: 'connection.deleted', data: { connectionId, platformKey: 'sandbox' } }),
    ]);
  });

  it('reports a platform-side revocation as connection.deauthorized from the failing run', async () => {
    const { companyId, connectionId, ledgerId } = await configuredCompany();
    service.sandbox?.admin.revokeAuthorizations(ledgerId);
    const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(run.body.syncStatusCode).toBe(4220);
    await deliver();
    const sent = sorted((await events()).filter((e) => e.type !== 'configuration.changed'));
    expect(sent.map((e) => e.type)).toEqual(['connection.deauthorized', 'sync.failed']);
    expect(sent[0]).toMatchObject({ id: `connection.deauthorized:${run.body.commerceSyncId}`, data: { connectionId, initiatedBy: 'platform', errorCode: 'authorization_revoked' } });
  });

  it('sends sync.disabled once, with the scheduled run of the 31st failing day that switched the company off', { timeout: 60_000 }, async () => {
    const { companyId } = await configuredCompany('2026-02-01');
    const ledgerId = service.sandbox?.admin.listLedgers()[0]?.id ?? '';
    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    // Scheduled runs (sync hour 02:00 London) fail on 2 February … 3 March: 30 days.
    for (let day = new Date('2026-02-02T10:00:00Z'); day < new Date('2026-03-04T00:00:00Z'); day = new Date(day.getTime() + 86_400_000)) {
      c.set(day.toISOString());
      await service.scheduler.tick(c.now());
    }
    expect((await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`)).body.enabled).toBe(true);
    await deliver();
    hook.received.length = 0;

    c.set('2026-03-04T10:00:00Z');
    await service.scheduler.tick(c.now());
    const run = await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/latest/status`);
    expect(run.body).toMatchObject({ trigger: 'scheduled', syncStatusCode: 4000 });
    expect(run.body.errorMessage).toMatch(/paused after 31 days/);
    const again = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(again.body.syncStatusCode).toBe(4000);
    await deliver();
    const sent = sorted((await events()).filter((e) => e.type !== 'configuration.changed'));
    expect(sent.map((e) => e.type)).toEqual(['sync.disabled', 'sync.failed', 'sync.failed']);
    expect(sent[0]).toMatchObject({
      id: `sync.disabled:${run.body.syncId}`,
      data: { syncId: run.body.syncId, errorCode: 'account_archived', consecutiveFailedDays: 31, period: { start: '2026-02-01', finish: '2026-03-04' } },
    });
  });

  it('reports configuration changes by section, and sends due events on the scheduler tick', async () => {
    const { companyId } = await configuredCompany();
    c.set('2026-03-12T10:05:00Z');
    const paused = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, { enabled: false });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(hook.received).toHaveLength(0);
    // Paused, the company has no scheduled run: the tick only sends the outbox.
    await service.scheduler.tick(c.now());
    expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body).toEqual([]);
    const changes = sorted((await events()).filter((e) => e.type === 'configuration.changed'));
    expect(changes.map((e) => e.data)).toEqual([
      { changedSections: ['enabled', 'schedule', 'mapSettings', 'sales', 'payments', 'fees'], enabled: true, configured: true },
      { changedSections: ['enabled'], enabled: false, configured: true },
    ]);
  });

  it('reads the endpoint from the environment and refuses a URL without a secret', () => {
    expect(webhookEndpointsFromEnv({})).toBeNull();
    expect(webhookEndpointsFromEnv({ COMMERCE_SYNC_WEBHOOK_URL: 'https://partner.example/hooks', COMMERCE_SYNC_WEBHOOK_SECRET: SECRET, COMMERCE_SYNC_WEBHOOK_EVENTS: 'sync.failed, sync.disabled' }))
      .toEqual([{ id: 'env', url: 'https://partner.example/hooks', secret: SECRET, additionalSecrets: [], events: ['sync.failed', 'sync.disabled'] }]);
    expect(() => webhookEndpointsFromEnv({ COMMERCE_SYNC_WEBHOOK_URL: 'https://partner.example/hooks' })).toThrow(/COMMERCE_SYNC_WEBHOOK_SECRET/);
    expect(() => webhookEndpointsFromEnv({ COMMERCE_SYNC_WEBHOOK_URL: 'https://partner.example/hooks', COMMERCE_SYNC_WEBHOOK_SECRET: 'short' })).toThrow(/16 characters/);
    expect(() => webhookEndpointsFromEnv({ COMMERCE_SYNC_WEBHOOK_URL: 'https://partner.example/hooks', COMMERCE_SYNC_WEBHOOK_SECRET: SECRET, COMMERCE_SYNC_WEBHOOK_EVENTS: 'sync.maybe' })).toThrow(/events/);
  });
});

describe('sync service webhooks on PostgreSQL', () => {
  it('enqueues in the run transaction and sends from the same database', { timeout: 30_000 }, async () => {
    const target = postgresTarget();
    const store = await target.open('cs-webhooks');
    const hook = await receiver();
    const c = clock('2026-03-12T10:00:00Z');
    const service = makeService({ now: c.now, store, webhooks: { endpoints: [{ id: 'partner', url: hook.url, secret: SECRET, events: ['sync.failed', 'connection.deauthorized'] }] } });
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      const { connectionId, ledgerId } = await linkSandbox(service, companyId, 'uk');
      const config = buildConfiguration({ timeZone: 'Europe/London' });
      config.schedule = { ...config.schedule, startDate: '2026-03-01' };
      expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status).toBe(200);
      expect((await call(service, 'GET', `/companies/${companyId}/connections/${connectionId}`)).body.connectionInfo).toMatchObject({ tenantId: ledgerId, baseCurrency: 'GBP' });
      service.sandbox?.admin.revokeAuthorizations(ledgerId);
      const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(run.body.syncStatusCode).toBe(4220);
      await (await service.webhooks())?.deliverDue(c.now());
      const received: WebhookEvent[] = [];
      for (const r of hook.received) {
        const header = r.headers['commerce-sync-signature'];
        expect((await verifyWebhook({ payload: r.body, header: typeof header === 'string' ? header : null, secret: SECRET, now: c.now() })).ok).toBe(true);
        received.push(WebhookEventSchema.parse(JSON.parse(r.body)));
      }
      // Only the subscribed events: configuration.changed is not among them.
      expect(sorted(received).map((e) => e.type)).toEqual(['connection.deauthorized', 'sync.failed']);
    } finally {
      await service.close();
      await store.close();
      await new Promise((resolve) => hook.server.close(resolve));
      await target.cleanup();
    }
  });
});
