import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import type { SyncService } from '../../src/server/index.js';
import { buildOrder, buildPayment } from '../fixtures/index.js';
import { AUTH, makeService } from './helpers.js';

/** The sync service behind a real HTTP server (`@hono/node-server`, as `commerce-sync serve` runs it). */
let service: SyncService;
let server: ServerType;
let port: number;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

interface RawReply {
  status: number;
  text: string;
  json: unknown;
}

/** Sends exactly these bytes to exactly this path (no client-side URL normalisation). */
function send(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { authorization: AUTH, ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}), ...headers } },
      (res) => {
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
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const withBom = (value: unknown): Buffer => Buffer.concat([BOM, Buffer.from(JSON.stringify(value), 'utf8')]);

beforeAll(async () => {
  // Webhooks on, so `/webhooks/*` reaches its routes (nothing is delivered: the scheduler is not started).
  service = makeService({ webhooks: { endpoints: [{ id: 'partner', url: 'http://127.0.0.1:9/hooks', secret: 'whsec_http_edge_0123456789', events: ['*'] }] } });
  await service.ready;
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: (r) => service.fetch(r), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await service.close();
});

describe('JSON bodies starting with a UTF-8 byte-order mark (over HTTP)', () => {
  it('are read as the JSON after the mark: company, both push shapes, configuration', async () => {
    const created = await send('POST', '/companies', withBom({ name: 'BOM Bakery' }));
    expect(created.status, created.text).toBe(200);
    const companyId = (created.json as { id: string; name: string }).id;
    expect((created.json as { name: string }).name).toBe('BOM Bakery');

    const order = buildOrder({ id: 'bom-order-1' });
    const pushed2023 = await send('POST', `/data/companies/${companyId}/sync/commerce-orders`, withBom({ orders: [order] }));
    expect(pushed2023.status, pushed2023.text).toBe(200);
    expect(pushed2023.json).toMatchObject({ data: { orders: [{ id: 'bom-order-1' }] } });

    const payment = buildPayment({ id: 'bom-payment-é' });
    const pushedPartner = await send('POST', `/companies/${companyId}/data/commerce-payments`, withBom([payment]));
    expect(pushedPartner.status, pushedPartner.text).toBe(200);
    // The echo is the JSON array alone: the mark is not part of it.
    expect(pushedPartner.text.charCodeAt(0)).toBe('['.charCodeAt(0));
    expect(pushedPartner.json).toEqual([payment]);

    const paused = await send('POST', `/config/companies/${companyId}/sync/commerce`, withBom({ enabled: false }));
    expect(paused.status, paused.text).toBe(200);
    expect(paused.json).toMatchObject({ enabled: false });

    // Support routes: the field check answers, so the JSON after the mark was read.
    const reenable = await send('POST', `/support/companies/${companyId}/reenable`, withBom({ startDate: '12 March' }));
    expect(reenable.status, reenable.text).toBe(400);
    expect(ErrorEnvelopeSchema.parse(reenable.json)).toMatchObject({ code: 'validation_failed', validation: { errors: [{ itemId: 'startDate' }] } });
  });

  it('still refuses a mark followed by no JSON, and a mark in the middle', async () => {
    const onlyMark = await send('POST', '/companies', BOM);
    expect(onlyMark.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(onlyMark.json).code).toBe('invalid_body');
    const inside = Buffer.concat([Buffer.from(' '), BOM, Buffer.from('{"name":"x"}')]);
    const bad = await send('POST', '/companies', inside);
    expect(bad.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(bad.json).code).toBe('invalid_json');
  });
});

describe('a path with a malformed percent-encoding (over HTTP)', () => {
  // `%E0%A4%A` is a cut-off UTF-8 sequence, `%zz` no hex at all, `%C3%28` an invalid UTF-8 byte pair.
  const malformed = ['%E0%A4%A', '%zz', '%C3%28'];
  const paths = (segment: string) => [
    `/companies/${segment}`,
    `/companies/${segment}/sync/commerce/syncs/list/status`,
    `/config/companies/${segment}/sync/commerce`,
    `/support/companies/${segment}`,
    `/webhooks/deliveries/${segment}`,
    `/sandbox/ledgers/${segment}`,
  ];

  it.each(malformed)('is answered 400 naming the problem, on every surface the service mounts (%s)', async (segment) => {
    for (const path of paths(segment)) {
      const reply = await send('GET', path);
      expect(reply.status, `${path}: ${reply.text}`).toBe(400);
      const envelope = ErrorEnvelopeSchema.parse(reply.json);
      expect(envelope.code).toBe('invalid_path');
      expect(envelope.error).toMatch(/percent-encod/i);
    }
  });

  it('still serves well-formed encodings (an id with an encoded space)', async () => {
    const reply = await send('GET', '/companies/no%20such%20company');
    expect(reply.status).toBe(404);
    expect(ErrorEnvelopeSchema.parse(reply.json).error).toContain('"no such company"');
  });
});
