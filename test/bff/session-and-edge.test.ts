import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BffErrorSchema, REQUEST_ID_HEADER, SessionTokenSchema } from '../../src/contract/bff.js';
import { createBff } from '../../src/bff/index.js';
import { API_KEY, PUBLIC_URL, RETURN_URL, SECRET, SYNC_URL, browser, connect, createHarness, expectResponseHygiene, syncState } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  expectResponseHygiene(h);
  await h.close();
});

async function errorOf(response: Response) {
  return BffErrorSchema.parse(await response.json());
}

describe('POST /session', () => {
  it('issues a 10-minute token to a merchant signed in to the partner site', async () => {
    const response = await h.fetch(new Request(`${PUBLIC_URL}/session`, { method: 'POST', headers: { cookie: 'partner_session=alice' } }));
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get(REQUEST_ID_HEADER)).toMatch(/.{8,}/);
    const session = SessionTokenSchema.parse(await response.json());
    expect(session.expiresInSeconds).toBe(600);
    expect(session.expiresAt).toBe('2026-03-10T12:10:00.000Z');
  });

  it('accepts an empty JSON object body and refuses unknown fields', async () => {
    const ok = await h.fetch(
      new Request(`${PUBLIC_URL}/session`, { method: 'POST', headers: { cookie: 'partner_session=alice', 'content-type': 'application/json' }, body: '{}' }),
    );
    expect(ok.status).toBe(201);
    const extra = await h.fetch(
      new Request(`${PUBLIC_URL}/session`, {
        method: 'POST',
        headers: { cookie: 'partner_session=alice', 'content-type': 'application/json' },
        body: JSON.stringify({ merchantId: 'm-bob' }),
      }),
    );
    expect(extra.status).toBe(400);
    expect((await errorOf(extra)).code).toBe('validation_failed');
  });

  it('refuses a visitor who is not signed in', async () => {
    const response = await h.fetch(new Request(`${PUBLIC_URL}/session`, { method: 'POST' }));
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ code: 'unauthenticated', statusCode: 401 });
  });
});

describe('widget session tokens', () => {
  it('a call without a token: 401 unauthenticated', async () => {
    const response = await h.fetch(new Request(`${PUBLIC_URL}/connection`));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect((await errorOf(response)).code).toBe('unauthenticated');
  });

  it('a tampered token (merchant swapped): 401 session_invalid', async () => {
    const alice = browser(h, 'alice');
    const token = await alice.newSession();
    const [body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    alice.token = `${Buffer.from(JSON.stringify({ ...claims, sub: 'm-bob' })).toString('base64url')}.${signature}`;
    const response = await alice.call('GET', '/connection');
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('session_invalid');
  });

  it('garbage in the Authorization header: 401 session_invalid', async () => {
    const response = await h.fetch(new Request(`${PUBLIC_URL}/connection`, { headers: { authorization: 'Bearer not a token' } }));
    expect((await errorOf(response)).code).toBe('session_invalid');
  });

  it('an expired token: 401 session_expired, and a fresh token from POST /session works', async () => {
    const alice = browser(h, 'alice');
    await alice.newSession();
    expect((await alice.call('GET', '/connection')).status).toBe(200);
    h.clock.now = new Date(h.clock.now.getTime() + 600_000);
    const expired = await alice.call('GET', '/connection');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await errorOf(expired)).toMatchObject({ code: 'session_expired', canBeRetried: 'Yes' });
    await alice.newSession();
    expect((await alice.call('GET', '/connection')).status).toBe(200);
  });

  it('an OAuth state cannot be used as a session token', async () => {
    const alice = browser(h, 'alice');
    const started = await (await alice.call('POST', '/authorizations', { platformKey: 'sandbox', mode: 'popup' })).json();
    alice.token = new URL((started as { url: string }).url).searchParams.get('state');
    const response = await alice.call('GET', '/connection');
    expect((await errorOf(response)).code).toBe('session_invalid');
  });
});

describe('request edge', () => {
  it('echoes a caller request id and puts it in error bodies', async () => {
    const response = await h.fetch(new Request(`${PUBLIC_URL}/connection`, { headers: { [REQUEST_ID_HEADER]: 'req-12345678' } }));
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe('req-12345678');
    expect((await errorOf(response)).correlationId).toBe('req-12345678');
  });

  it('replaces an unsafe request id', async () => {
    const response = await h.fetch(new Request(`${PUBLIC_URL}/connection`, { headers: { [REQUEST_ID_HEADER]: 'bad id <script>' } }));
    expect(response.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('unknown path: 404; wrong method: 405 with Allow', async () => {
    const alice = browser(h, 'alice');
    const missing = await alice.call('GET', '/companies/other-company');
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe('not_found');
    const outside = await h.fetch(new Request('https://partner.test/api/other'));
    expect(outside.status).toBe(404);
    const wrong = await alice.call('PATCH', '/configuration');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PUT');
    expect((await errorOf(wrong)).code).toBe('method_not_allowed');
  });

  describe('bodies', () => {
    let before: unknown;
    let alice: ReturnType<typeof browser>;
    beforeEach(async () => {
      alice = browser(h, 'alice');
      await connect(h, alice);
      before = await syncState(h, 'm-alice');
    });
    afterEach(async () => {
      expect(await syncState(h, 'm-alice')).toEqual(before);
    });

    it('over 64 KB with Content-Length: 413 payload_too_large', async () => {
      const big = JSON.stringify({ configuration: { countryCode: 'x'.repeat(70 * 1024) } });
      const response = await alice.call('PUT', '/configuration', big, { 'content-length': String(Buffer.byteLength(big)) });
      expect(response.status).toBe(413);
      const error = await errorOf(response);
      expect(error.code).toBe('payload_too_large');
      expect(error.error).toContain('64 KB');
    });

    it('a Content-Length that lies (small header, large body): 413 all the same', async () => {
      const big = JSON.stringify({ configuration: { countryCode: 'x'.repeat(70 * 1024) } });
      const response = await alice.call('PUT', '/configuration', big, { 'content-length': '10' });
      expect(response.status).toBe(413);
    });

    it('over 64 KB streamed without Content-Length: 413', async () => {
      const chunk = new TextEncoder().encode(`"${'y'.repeat(16 * 1024)}",`);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"padding":['));
          if (sent++ < 6) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const response = await h.fetch(
        new Request(`${PUBLIC_URL}/configuration`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
          body: stream,
          duplex: 'half',
        } as RequestInit),
      );
      expect(response.status).toBe(413);
      expect((await errorOf(response)).code).toBe('payload_too_large');
    });

    it('malformed JSON: 400 invalid_json', async () => {
      const response = await alice.call('PUT', '/configuration', '{"enabled": tru');
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({ code: 'invalid_json', statusCode: 400 });
    });

    it('not JSON: 415', async () => {
      const response = await alice.call('POST', '/sync/run', 'kind=latest', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(415);
      expect((await errorOf(response)).code).toBe('unsupported_media_type');
    });

    it('schema-invalid body: 400 with field paths', async () => {
      const response = await alice.call('PUT', '/configuration', { schedule: { syncHour: 99, timeZone: 'Mars/Olympus' } });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('validation_failed');
      expect(error.validation?.errors.map((e) => e.itemId).sort()).toEqual(['schedule.syncHour', 'schedule.timeZone']);
    });
  });
});

describe('failures never leak internals', () => {
  it('an unreachable sync service: 502 upstream_unavailable, the detail only in the log', async () => {
    const logs: string[] = [];
    const bff = createBff({
      authenticate: () => ({ merchantId: 'm-alice', companyName: 'Alice Bakery' }),
      syncService: {
        baseUrl: SYNC_URL,
        apiKey: API_KEY,
        fetch: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:4010 (internal-db-host)')),
      },
      secret: SECRET,
      publicUrl: PUBLIC_URL,
      returnUrl: RETURN_URL,
      logger: { error: (m, d) => logs.push(`${m} ${JSON.stringify(d)}`), warn: () => undefined },
    });
    const session = await (await bff.fetch(new Request(`${PUBLIC_URL}/session`, { method: 'POST' }))).json();
    const response = await bff.fetch(
      new Request(`${PUBLIC_URL}/platforms`, { headers: { authorization: `Bearer ${(session as { token: string }).token}` } }),
    );
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(BffErrorSchema.parse(JSON.parse(text))).toMatchObject({ code: 'upstream_unavailable', canBeRetried: 'Yes' });
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('internal-db-host');
    expect(logs.join('\n')).toContain('internal-db-host');
  });

  it('a crash in the partner authenticate: 500 internal_error without the message', async () => {
    const logs: string[] = [];
    const bff = createBff({
      authenticate: () => {
        throw new Error('session table corrupted at /var/lib/partner/sessions.db');
      },
      syncService: { baseUrl: SYNC_URL, apiKey: API_KEY, fetch: (r) => h.service.fetch(r) },
      secret: SECRET,
      publicUrl: PUBLIC_URL,
      returnUrl: RETURN_URL,
      logger: { error: (m, d) => logs.push(`${m} ${JSON.stringify(d)}`), warn: () => undefined },
    });
    const response = await bff.fetch(new Request(`${PUBLIC_URL}/session`, { method: 'POST', headers: { 'x-request-id': 'req-crash-0001' } }));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(BffErrorSchema.parse(JSON.parse(text))).toMatchObject({ code: 'internal_error', correlationId: 'req-crash-0001' });
    expect(text).not.toContain('sessions.db');
    expect(logs.join('\n')).toContain('sessions.db');
    expect(logs.join('\n')).toContain('req-crash-0001');
  });

  it('a sync service that refuses the API key: 500 to the browser, never the upstream text', async () => {
    const bff = createBff({
      authenticate: () => ({ merchantId: 'm-alice', companyName: 'Alice Bakery' }),
      syncService: { baseUrl: SYNC_URL, apiKey: 'wrong-key-wrong-key', fetch: (r) => h.service.fetch(r) },
      secret: SECRET,
      publicUrl: PUBLIC_URL,
      returnUrl: RETURN_URL,
      logger: { error: () => undefined, warn: () => undefined },
    });
    const session = (await (await bff.fetch(new Request(`${PUBLIC_URL}/session`, { method: 'POST' }))).json()) as { token: string };
    const response = await bff.fetch(new Request(`${PUBLIC_URL}/connection`, { headers: { authorization: `Bearer ${session.token}` } }));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error' });
    expect(text).not.toContain('wrong-key');
  });

  it('refuses to start with a short secret or a relative public URL', () => {
    const base = {
      authenticate: () => null,
      syncService: { baseUrl: SYNC_URL, apiKey: API_KEY },
      publicUrl: PUBLIC_URL,
      returnUrl: RETURN_URL,
    };
    expect(() => createBff({ ...base, secret: 'short' })).toThrow(/secret must be at least 32 bytes/);
    expect(() => createBff({ ...base, secret: SECRET, publicUrl: '/api/commerce-sync' })).toThrow(/publicUrl/);
  });
});
