import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisNonceStore, toNodeHandler } from '../../src/bff/index.js';
import { randomId } from '../../src/bff/signing.js';
import { BffErrorSchema, SessionTokenSchema } from '../../src/contract/bff.js';
import { PUBLIC_URL, browser, companiesOf, consent, createHarness, startAuthorization, syncState } from './harness.js';
import type { Harness } from './harness.js';

describe('two BFF instances sharing Redis (real Redis at 127.0.0.1:6379)', () => {
  const prefix = `commerce-sync:test:bff-multi:${randomId(6)}:`;
  let redisA: Redis;
  let redisB: Redis;
  let a: Harness;
  let b: Harness;

  beforeAll(async () => {
    redisA = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
    redisB = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
    a = await createHarness({ nonceStore: createRedisNonceStore({ client: redisA, prefix }) });
    // Instance B: its own BFF and Redis connection, the same sync service, secret and clock.
    b = await createHarness({ nonceStore: createRedisNonceStore({ client: redisB, prefix }), service: a.service, clock: a.clock });
  });
  afterAll(async () => {
    const keys = await redisA.keys(`${prefix}*`);
    if (keys.length > 0) await redisA.del(...keys);
    await Promise.all([redisA.quit(), redisB.quit()]);
    await a.close();
  });

  it('starts on one instance, completes on the other, and refuses the replay on either', async () => {
    const onA = browser(a, 'alice');
    const onB = browser(b, 'alice');
    const started = await startAuthorization(onA, { mode: 'redirect' });
    expect(await redisA.exists(`${prefix}oauth:${JSON.parse(Buffer.from(new URL(started.url).searchParams.get('state')!.split('.')[0]!, 'base64url').toString()).n}`)).toBe(1);
    const callbackUrl = await consent(a, started.url);

    const done = await onB.navigate(callbackUrl);
    expect(new URL(done.headers.get('location')!).searchParams.get('commerceSync')).toBe('connected');
    const before = await syncState(a, 'm-alice');

    for (const instance of [onA, onB]) {
      const replay = await instance.navigate(callbackUrl);
      expect(new URL(replay.headers.get('location')!).searchParams.get('reason')).toBe('state_replayed');
    }
    expect(await syncState(a, 'm-alice')).toEqual(before);
  });

  it('lets exactly one of two simultaneous callbacks (one per instance) complete', async () => {
    const onA = browser(a, 'bob');
    const onB = browser(b, 'bob');
    const started = await startAuthorization(onA, { mode: 'redirect' });
    const callbackUrl = await consent(a, started.url);
    const results = await Promise.all([onA.navigate(callbackUrl), onB.navigate(callbackUrl)]);
    const outcomes = results.map((r) => new URL(r.headers.get('location')!).searchParams.get('commerceSync')).sort();
    expect(outcomes).toEqual(['connected', 'error']);
    const [company] = await companiesOf(a, 'm-bob');
    expect(company!.dataConnections.filter((c) => c.sourceType === 'Accounting').map((c) => c.status)).toEqual(['Linked']);
  });

  it('a session token from one instance works on the other (same secret)', async () => {
    const onA = browser(a, 'alice');
    const token = await onA.newSession();
    const onB = browser(b, 'alice');
    onB.token = token;
    expect((await onB.call('GET', '/connection')).status).toBe(200);
  });
});

describe('toNodeHandler over a real HTTP server', () => {
  let h: Harness;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    h = await createHarness();
    server = createServer(toNodeHandler((request) => h.bff.fetch(request)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  const path = new URL(PUBLIC_URL).pathname;

  it('serves a session and a widget call with the request id header', async () => {
    const session = await fetch(`${origin}${path}/session`, { method: 'POST', headers: { cookie: 'partner_session=alice' } });
    expect(session.status).toBe(201);
    const { token } = SessionTokenSchema.parse(await session.json());
    const connection = await fetch(`${origin}${path}/connection`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'node-req-0001' } });
    expect(connection.status).toBe(200);
    expect(connection.headers.get('x-request-id')).toBe('node-req-0001');
    expect(connection.headers.get('cache-control')).toBe('no-store');
    expect(await connection.json()).toMatchObject({ status: 'NotConnected' });
  });

  it('refuses an oversized chunked body with 413 and a malformed one with 400', async () => {
    const session = SessionTokenSchema.parse(
      await (await fetch(`${origin}${path}/session`, { method: 'POST', headers: { cookie: 'partner_session=alice' } })).json(),
    );
    const chunk = new TextEncoder().encode('x'.repeat(8 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const big = await fetch(`${origin}${path}/sync/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(big.status).toBe(413);
    expect(BffErrorSchema.parse(await big.json()).code).toBe('payload_too_large');

    const malformed = await fetch(`${origin}${path}/sync/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: '{"kind":',
    });
    expect(malformed.status).toBe(400);
    expect(BffErrorSchema.parse(await malformed.json()).code).toBe('invalid_json');
  });

  it('uses the original URL when mounted under a prefix-stripping router (Express req.originalUrl)', async () => {
    const handler = toNodeHandler((request) => h.bff.fetch(request));
    const mounted = createServer((req, res) => {
      const original = req.url!;
      // What Express does for app.use('/api/commerce-sync', …): strips the mount path.
      Object.assign(req, { originalUrl: original, url: original.slice(path.length) || '/' });
      handler(req, res);
    });
    await new Promise<void>((resolve) => mounted.listen(0, '127.0.0.1', resolve));
    try {
      const port = (mounted.address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}${path}/session`, { method: 'POST', headers: { cookie: 'partner_session=bob' } });
      expect(response.status).toBe(201);
    } finally {
      await new Promise<void>((resolve) => mounted.close(() => resolve()));
    }
  });
});
