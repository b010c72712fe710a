import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { MAX_DESCRIPTION_LENGTH, MAX_ID_LENGTH, MAX_TEXT_LENGTH } from '../../src/contract/commerce.js';
import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import { openStore, type Store, type SyncService } from '../../src/server/index.js';
import { MAX_BODY_BYTES } from '../../src/server/body.js';
import { buildOrder, buildPayment, generateMerchant } from '../fixtures/index.js';
import { AUTH, BASE, call, makeService } from './helpers.js';

const MiB = 1024 * 1024;

describe('request limits of the sync service', () => {
  let store: Store;
  let service: SyncService;
  let companyId: string;

  beforeEach(async () => {
    store = await openStore({ sqlite: ':memory:' });
    service = makeService({ store });
    companyId = (await call(service, 'POST', '/companies', { name: 'Big Box' })).body.id as string;
  });
  afterEach(async () => {
    await service.close();
    await store.close();
  });

  it('documents 32 MiB', () => {
    expect(MAX_BODY_BYTES).toBe(32 * MiB);
  });

  it('answers 413 to an endless chunked push once the bytes read pass the limit, without reading on', async () => {
    const chunk = new Uint8Array(MiB).fill(0x20); // spaces: valid JSON whitespace, so only the size can refuse it
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }, { highWaterMark: 0 });
    const response = await service.fetch(new Request(`${BASE}/companies/${companyId}/data/commerce-orders`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: endless,
      duplex: 'half',
    } as RequestInit));
    expect(response.status).toBe(413);
    expect(ErrorEnvelopeSchema.parse(await response.json())).toMatchObject({ code: 'payload_too_large', error: expect.stringContaining('33554432 bytes') });
    // It stopped within a chunk or two of the limit.
    expect(pulled).toBeGreaterThan(MAX_BODY_BYTES);
    expect(pulled).toBeLessThanOrEqual(MAX_BODY_BYTES + 2 * MiB);
    // The push lock was released: the next push goes through.
    expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder()])).status).toBe(200);
  });

  it('answers 413 at once, over HTTP, when Content-Length is over the limit', async () => {
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: (r) => service.fetch(r), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const port = (server.address() as AddressInfo).port;
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1', port, method: 'POST', path: `/companies/${companyId}/data/commerce-payments`,
          headers: { authorization: AUTH, 'content-type': 'application/json', 'content-length': String(100 * MiB) },
        }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
            req.destroy();
          });
        });
        req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
        // Only the start of the promised 100 MiB is ever sent.
        req.write('[');
      });
      expect(reply.status).toBe(413);
      expect(ErrorEnvelopeSchema.parse(JSON.parse(reply.body)).code).toBe('payload_too_large');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await store.countRecords(companyId, 'payments')).toBe(0);
  });

  it('accepts the largest generated 5,000-order push (well under the limit)', { timeout: 120_000 }, async () => {
    const { orders } = generateMerchant({ seed: 7, days: 30, ordersPerDay: 300, profile: 'ca' });
    const largest = [...orders].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length);
    const batch = Array.from({ length: 5_000 }, (_, i) => ({ ...largest[i % 50]!, id: `big-${i}` }));
    const body = JSON.stringify(batch);
    expect(Buffer.byteLength(body)).toBeGreaterThan(10 * 1_000_000);
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_BODY_BYTES);
    const pushed = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, undefined, { raw: body });
    expect(pushed.status, JSON.stringify(pushed.body).slice(0, 300)).toBe(200);
    expect(await store.countRecords(companyId, 'orders')).toBe(5_000);
  });

  it('bounds ids, names and other texts, with a per-field error, nothing stored', async () => {
    const longId = 'x'.repeat(MAX_ID_LENGTH + 1);
    const megabyteId = 'x'.repeat(MiB);
    const cases: [unknown, string][] = [
      [[buildOrder({ id: longId })], 'orders.0.id'],
      [[buildOrder({ id: megabyteId })], 'orders.0.id'],
      [[buildOrder({ orderNumber: 'n'.repeat(MAX_TEXT_LENGTH + 1) })], 'orders.0.orderNumber'],
      [[buildOrder({ locationRef: { id: longId } })], 'orders.0.locationRef.id'],
    ];
    for (const [records, itemId] of cases) {
      const reply = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, records);
      expect(reply.status, itemId).toBe(400);
      const error = ErrorEnvelopeSchema.parse(reply.body).validation?.errors[0];
      expect(error?.itemId).toBe(itemId);
      expect(error?.message).toMatch(/at most \d+ characters/);
    }
    const product = { id: 'p1', name: 'Tea', description: 'd'.repeat(MAX_DESCRIPTION_LENGTH + 1) };
    const products = await call(service, 'POST', `/companies/${companyId}/data/commerce-products`, [product]);
    expect(ErrorEnvelopeSchema.parse(products.body).validation?.errors[0]?.itemId).toBe('products.0.description');
    expect(await store.countRecords(companyId, 'orders')).toBe(0);

    // The bounds themselves are allowed.
    const atBounds = await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment({ id: 'y'.repeat(MAX_ID_LENGTH), paymentProvider: 'z'.repeat(MAX_TEXT_LENGTH) })]);
    expect(atBounds.status, JSON.stringify(atBounds.body).slice(0, 300)).toBe(200);
  });
});
