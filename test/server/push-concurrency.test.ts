import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import type { Store, SyncService } from '../../src/server/index.js';
import { buildOrder, buildPayment } from '../fixtures/index.js';
import { AUTH, BASE, call, makeService } from './helpers.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

/**
 * Sends a push whose body arrives in two parts: the first when the service starts reading
 * it, the rest when the test calls `finish`. `reading` resolves once the service reads the
 * body, i.e. while the push is in progress.
 */
function slowPush(service: SyncService, path: string, body: string): { response: Promise<Response>; reading: Promise<void>; finish(): void } {
  const bytes = new TextEncoder().encode(body);
  const half = Math.floor(bytes.length / 2);
  let started!: () => void;
  let finish!: () => void;
  const reading = new Promise<void>((resolve) => (started = resolve));
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let part = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        part += 1;
        if (part === 1) {
          controller.enqueue(bytes.subarray(0, half));
          started();
          return;
        }
        await finished;
        controller.enqueue(bytes.subarray(half));
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  const response = service.fetch(
    new Request(`${BASE}${path}`, { method: 'POST', headers: { Authorization: AUTH, 'Content-Type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit),
  );
  return { response, reading, finish };
}

describe.each([
  ['SQLite file', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('concurrent pushes of one data type (%s)', (_name, makeTarget: () => Target) => {
  let target: Target;
  let store: Store;
  let service: SyncService;
  let companyId: string;

  beforeEach(async () => {
    target = makeTarget();
    store = await target.open();
    service = makeService({ store });
    companyId = (await call(service, 'POST', '/companies', { name: 'Two Tills' })).body.id as string;
  });
  afterEach(async () => {
    await service.close();
    await store.close();
    await target.cleanup();
  });

  it('refuses a second push of the type with 409 while the first is in progress, then accepts it', async () => {
    const first = slowPush(service, `/companies/${companyId}/data/commerce-orders`, JSON.stringify([buildOrder({ id: 'till-1' })]));
    await first.reading;

    const second = await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ id: 'till-2' })]);
    expect(second.status).toBe(409);
    expect(ErrorEnvelopeSchema.parse(second.body)).toMatchObject({ code: 'push_in_progress', canBeRetried: 'Yes' });
    // Another data type is not held up, and the 2023 endpoint shares the lock.
    expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment()])).status).toBe(200);
    expect((await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [buildOrder({ id: 'till-2' })] })).status).toBe(409);
    expect(await store.countRecords(companyId, 'orders')).toBe(0);

    first.finish();
    const done = await first.response;
    expect(done.status, await done.clone().text()).toBe(200);
    expect(await store.countRecords(companyId, 'orders')).toBe(1);

    expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ id: 'till-2' })])).status).toBe(200);
    expect(await store.countRecords(companyId, 'orders')).toBe(2);
  });

  it('releases the lock when the first push is refused (invalid body)', async () => {
    const first = slowPush(service, `/companies/${companyId}/data/commerce-orders`, JSON.stringify([{ ...buildOrder(), createdDate: 'yesterday' }]));
    await first.reading;
    expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder()])).status).toBe(409);
    first.finish();
    expect((await first.response).status).toBe(400);
    expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder()])).status).toBe(200);
  });
});
