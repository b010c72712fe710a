import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBff, createSupportBff, createSupportTokens, toNodeHandler } from '../../src/bff/index.js';
import { BffErrorSchema, DEFAULT_BFF_BASE_PATH, SessionTokenSchema } from '../../src/contract/bff.js';
import { createSyncService, type SyncService } from '../../src/server/index.js';
import { API_KEY, SECRET, cookieAuthenticate } from './harness.js';

/*
 * The whole chain over real sockets: a client → the partner's node:http server running the
 * BFF and the support BFF (toNodeHandler) → the sync service behind @hono/node-server.
 */

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
let service: SyncService;
let syncServer: ServerType;
let partner: Server;
let port: number;
const tokens = createSupportTokens({ secret: SECRET });
const supportToken = tokens.issue({ staffId: 'staff-1', name: 'Sam Support' }).token;

interface RawReply {
  status: number;
  json: unknown;
  text: string;
}

function send(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function sessionToken(): Promise<string> {
  const reply = await send('POST', `${DEFAULT_BFF_BASE_PATH}/session`, { cookie: 'partner_session=alice' });
  expect(reply.status, reply.text).toBe(201);
  return SessionTokenSchema.parse(reply.json).token;
}

const withBom = (value: unknown): Buffer => Buffer.concat([BOM, Buffer.from(JSON.stringify(value), 'utf8')]);

beforeAll(async () => {
  service = createSyncService({ apiKeys: [API_KEY], store: { sqlite: ':memory:' }, dev: true, publicUrl: 'http://127.0.0.1' });
  await service.ready;
  syncServer = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: (r) => service.fetch(r), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const syncUrl = `http://127.0.0.1:${(syncServer.address() as AddressInfo).port}`;
  const quiet = { error: () => undefined, warn: () => undefined };
  const bff = createBff({
    authenticate: cookieAuthenticate,
    syncService: { baseUrl: syncUrl, apiKey: API_KEY },
    secret: SECRET,
    publicUrl: `http://partner.test${DEFAULT_BFF_BASE_PATH}`,
    returnUrl: 'http://partner.test/settings',
    logger: quiet,
  });
  const support = createSupportBff({ authenticateSupport: tokens.authenticate, syncService: { baseUrl: syncUrl, apiKey: API_KEY }, logger: quiet });
  const merchant = toNodeHandler(bff.fetch);
  const staff = toNodeHandler(support.fetch);
  partner = createServer((req, res) => ((req.url ?? '').startsWith(support.pathPrefix) ? staff(req, res) : merchant(req, res)));
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
  port = (partner.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => partner.close(resolve));
  await new Promise((resolve) => syncServer.close(resolve));
  await service.close();
});

describe('JSON bodies starting with a UTF-8 byte-order mark, through the BFF (over HTTP)', () => {
  it('the merchant BFF reads the JSON after the mark', async () => {
    const token = await sessionToken();
    const started = await send(
      'POST',
      `${DEFAULT_BFF_BASE_PATH}/authorizations`,
      { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      withBom({ platformKey: 'sandbox', mode: 'popup' }),
    );
    expect(started.status, started.text).toBe(201);
    expect(started.json).toMatchObject({ popup: expect.any(Object) });
  });

  it('the support BFF reads the JSON after the mark (its own field check answers, not a JSON error)', async () => {
    const reply = await send(
      'POST',
      `${DEFAULT_BFF_BASE_PATH}/support/companies/c-1/reenable`,
      { authorization: `Bearer ${supportToken}`, 'content-type': 'application/json' },
      withBom({ startDate: '12 March' }),
    );
    expect(reply.status, reply.text).toBe(400);
    const error = BffErrorSchema.parse(reply.json);
    expect(error.code).toBe('validation_failed');
    expect(error.validation?.errors[0]?.itemId).toBe('startDate');
  });
});

describe('a path with a malformed percent-encoding (over HTTP)', () => {
  // `%E0%A4%A` is a cut-off UTF-8 sequence, `%zz` no hex at all, `%C3%28` an invalid UTF-8 byte pair.
  const malformed = ['%E0%A4%A', '%zz', '%C3%28'];

  it.each(malformed)('the support BFF answers 400 naming the problem (%s)', async (segment) => {
    for (const path of [`/companies/${segment}`, `/companies/${segment}/syncs`, `/companies/c-1/syncs/${segment}`]) {
      const reply = await send('GET', `${DEFAULT_BFF_BASE_PATH}/support${path}`, { authorization: `Bearer ${supportToken}` });
      expect(reply.status, `${path}: ${reply.text}`).toBe(400);
      const error = BffErrorSchema.parse(reply.json);
      expect(error.code).toBe('validation_failed');
      expect(error.error).toMatch(/percent-encod/i);
    }
  });

  it.each(malformed)('the merchant BFF answers 400 naming the problem (%s)', async (segment) => {
    const token = await sessionToken();
    const reply = await send('GET', `${DEFAULT_BFF_BASE_PATH}/sync/${segment}`, { authorization: `Bearer ${token}` });
    expect(reply.status, reply.text).toBe(400);
    const error = BffErrorSchema.parse(reply.json);
    expect(error.code).toBe('validation_failed');
    expect(error.error).toMatch(/percent-encod/i);
  });
});
