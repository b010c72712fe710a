import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBff } from '../../src/bff/index.js';
import { createSyncService, type SyncService } from '../../src/server/index.js';
import { listen } from '../../demo/server/listen.js';
import { findMerchant } from '../../demo/server/merchants.js';
import { createPartnerApp, lastDays } from '../../demo/server/partner-app.js';
import { createSessionCodec } from '../../demo/server/session.js';
import { simulateSales } from '../../demo/server/simulator.js';
import { createSyncClient } from '../../demo/server/sync-client.js';

const API_KEY = 'partner-server-test-key';
const merchant = findMerchant('brick-lane-coffee-london')!;

describe('demo partner server', () => {
  let service: SyncService;
  const session = createSessionCodec('a-secret-only-this-test-knows');
  const syncUrl = 'http://127.0.0.1:4999';
  let app: ReturnType<typeof createPartnerApp>;
  const appUrl = 'http://127.0.0.1:5999';

  beforeAll(async () => {
    service = createSyncService({ apiKeys: [API_KEY], store: { sqlite: ':memory:' }, dev: true, publicUrl: syncUrl });
    await service.ready;
    const fetchService = (request: Request) => service.fetch(request);
    const bff = createBff({
      syncService: { baseUrl: syncUrl, apiKey: API_KEY, fetch: fetchService },
      secret: 'x'.repeat(48),
      publicUrl: `${appUrl}/api/commerce-sync`,
      returnUrl: `${appUrl}/accounting`,
      authenticate: (request) => {
        const m = findMerchant(session.read(request));
        return m ? { merchantId: m.id, companyName: m.name } : null;
      },
    });
    app = createPartnerApp({
      session,
      bff: (request) => bff.fetch(request),
      sync: createSyncClient({ baseUrl: syncUrl, apiKey: API_KEY, fetch: fetchService }),
      simulate: simulateSales,
      seed: () => 42,
      now: () => new Date('2026-03-30T12:00:00Z'),
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  const cookieFor = (merchantId: string) => session.signIn(merchantId).split(';')[0]!;
  const call = (path: string, init: RequestInit & { cookie?: string } = {}) =>
    app.request(`${appUrl}${path}`, {
      ...init,
      // What the dashboard's own fetch calls carry: the partner routes refuse writes without them.
      headers: { 'content-type': 'application/json', origin: appUrl, 'sec-fetch-site': 'same-origin', ...(init.cookie ? { cookie: init.cookie } : {}) },
    });

  it('signs in only as a demo merchant, and rejects a tampered cookie', async () => {
    const bad = await call('/api/partner/session', { method: 'POST', body: JSON.stringify({ merchantId: 'someone-else' }) });
    expect(bad.status).toBe(400);
    const ok = await call('/api/partner/session', { method: 'POST', body: JSON.stringify({ merchantId: merchant.id }) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const tampered = cookieFor(merchant.id).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await (await call('/api/partner/session', { cookie: tampered })).json()).toEqual({ merchant: null });
    expect(((await (await call('/api/partner/session', { cookie: cookieFor(merchant.id) })).json()) as { merchant: { id: string } }).merchant.id).toBe(merchant.id);
  });

  it('refuses to simulate before sign-in, with bad input, and before the merchant has a company', async () => {
    expect((await call('/api/partner/simulate', { method: 'POST', body: JSON.stringify({ days: 2 }) })).status).toBe(401);
    const cookie = cookieFor(merchant.id);
    const tooMany = await call('/api/partner/simulate', { method: 'POST', cookie, body: JSON.stringify({ days: 40 }) });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toBe('Simulate at most 31 days at a time.');
    const noCompany = await call('/api/partner/simulate', { method: 'POST', cookie, body: JSON.stringify({ days: 2 }) });
    expect(noCompany.status).toBe(409);
    expect(((await noCompany.json()) as { code: string }).code).toBe('not_connected');
  });

  it('pushes the generated records of the last days through the push API', async () => {
    const cookie = cookieFor(merchant.id);
    // The merchant's company, tagged as the BFF tags it when the merchant starts connecting.
    const created = await service.fetch(
      new Request(`${syncUrl}/companies`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(API_KEY).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: merchant.name, tags: { merchantId: merchant.id } }),
      }),
    );
    expect(created.ok).toBe(true);
    const response = await call('/api/partner/simulate', { method: 'POST', cookie, body: JSON.stringify({ days: 2 }) });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { period: { start: string; end: string }; seed: number; pushed: Record<string, number> };
    expect(result.period).toEqual({ start: '2026-03-28', end: '2026-03-30' });
    const generated = simulateSales({ merchant, period: result.period, seed: result.seed });
    expect(result.pushed).toEqual({ orders: generated.orders.length, payments: generated.payments.length, transactions: generated.transactions.length });
    expect(result.pushed.orders).toBeGreaterThan(0);
  });

  it('pushes Canadian sales with their GST and PST components for the Vancouver shop', async () => {
    const vancouver = findMerchant('granville-roasters-vancouver')!;
    const created = await service.fetch(
      new Request(`${syncUrl}/companies`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(API_KEY).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: vancouver.name, tags: { merchantId: vancouver.id } }),
      }),
    );
    expect(created.ok).toBe(true);
    const response = await call('/api/partner/simulate', { method: 'POST', cookie: cookieFor(vancouver.id), body: JSON.stringify({ days: 1 }) });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { period: { start: string; end: string }; seed: number };
    // Noon UTC on 30 March is 05:00 in Vancouver: yesterday there is the 29th.
    expect(result.period).toEqual({ start: '2026-03-29', end: '2026-03-30' });
    const generated = simulateSales({ merchant: vancouver, period: result.period, seed: result.seed });
    expect(generated.taxComponents.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringMatching(/GST/), expect.stringMatching(/PST/)]));
    expect(new Set(generated.orders.map((o) => o.currency))).toContain('CAD');
  });

  it('answers the ledger view as not connected before the sandbox is linked', async () => {
    const body = await (await call('/api/partner/ledger', { cookie: cookieFor(merchant.id) })).json();
    expect(body).toEqual({ connected: false });
  });
});

describe('lastDays', () => {
  it('ends at today in the merchant zone, across the spring DST change', () => {
    // 00:30 UTC on 30 March is 01:30 BST: already the 30th in London, still the 29th in Vancouver.
    const now = new Date('2026-03-30T00:30:00Z');
    expect(lastDays(now, 'Europe/London', 3)).toEqual({ start: '2026-03-27', end: '2026-03-30' });
    expect(lastDays(now, 'America/Vancouver', 1)).toEqual({ start: '2026-03-28', end: '2026-03-29' });
  });
});

describe('listen', () => {
  it('falls back to a free port when the preferred one is busy, unless the port was asked for', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const server = await listen((_req, res) => res.end('ok'), '127.0.0.1', { port: busy, strict: false });
      expect(server.port).not.toBe(busy);
      expect(await (await fetch(server.url)).text()).toBe('ok');
      await server.close();
      await expect(listen((_req, res) => res.end(), '127.0.0.1', { port: busy, strict: true })).rejects.toThrow(`Port ${busy} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});
