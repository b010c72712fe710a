import { delay, http } from 'msw';
import { setupServer } from 'msw/node';
import type { ConnectionTokens } from '../../src/platforms/connector.js';
import { createXeroConnector } from '../../src/platforms/xero/index.js';
import { DEV_ENCRYPTION_KEY, createSecretBox } from '../../src/server/crypto.js';
import type { Store } from '../../src/server/index.js';
import { ids, ukTenant, XERO_CLIENT, XeroMock } from '../mocks/xero/xero-mock.js';
import { call, clock, makeService } from './helpers.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const REDIRECT = 'https://partner.example/callback';
const TOKEN_URL = 'https://identity.xero.com/connect/token';
type Service = ReturnType<typeof makeService>;

/** Links Xero to a new company through `service` and saves a minimal journal configuration. */
async function linkedCompany(service: Service, mock: XeroMock, tenantId: string): Promise<{ companyId: string; connectionId: string }> {
  const companyId = (await call(service, 'POST', '/companies', { name: 'Twin Cafe' })).body.id as string;
  const connectionId = (await call(service, 'POST', `/companies/${companyId}/connections`, { platformKey: 'xero' })).body.id as string;
  const code = mock.consent([tenantId], REDIRECT);
  expect((await call(service, 'PUT', `/companies/${companyId}/connections/${connectionId}/authorization`, { code, state: 's', redirectUri: REDIRECT })).status).toBe(200);
  const config = (await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`)).body;
  config.enabled = true;
  config.schedule = { ...config.schedule, selectedFrequency: 'Daily', startDate: '2026-03-01', syncHour: 2, timeZone: 'Etc/UTC' };
  config.configuration.mapSettings = { ...config.configuration.mapSettings, outputFormat: 'JournalEntry' };
  config.configuration.sales.accounts.sales.selectedAccountId = ids.sales;
  config.configuration.payments.syncPayments = false;
  config.configuration.fees.syncFees = false;
  const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return { companyId, connectionId };
}

/** The mock's handlers behind a token endpoint that takes some milliseconds, as real ones do. */
function serve(mock: XeroMock, beforeToken: () => Promise<void> = () => delay(20)) {
  server.resetHandlers(
    // Falls through to the mock: only the answer is delayed. That delay is the window in which
    // another instance picks up the same (single-use) refresh token.
    http.post(TOKEN_URL, async () => {
      await beforeToken();
    }),
    ...mock.handlers(),
  );
}

/**
 * PostgreSQL: each instance opens its own pool. SQLite: better-sqlite3 blocks its thread while
 * waiting for another handle's write lock, so two handles in one process can stall each other;
 * the instances share one handle there, which still runs the same lease rows cross-process
 * instances would.
 */
describe.each([
  ['PostgreSQL', postgresTarget, false],
  ['SQLite', sqliteTarget, true],
] as const)('token refresh across two instances on one %s store', (_name, makeTarget, shareHandle) => {
  let target: Target;
  beforeEach(() => {
    target = makeTarget();
  });
  afterEach(async () => {
    await target.cleanup();
  });

  it('50 simultaneous refreshes on two instances: no run fails, the connection stays linked', { timeout: 240_000 }, async () => {
    const c = clock('2026-03-01T08:00:00Z');
    // The mock rotates refresh tokens and answers invalid_grant to a used one, as Xero does.
    const mock = new XeroMock({ now: () => c.now().getTime(), enforceLimits: false });
    const tenant = mock.addTenant(ukTenant());
    serve(mock);
    // Each instance has its own connector (its own in-process token keeper).
    const xero = () => createXeroConnector({ ...XERO_CLIENT, now: c.now });
    const storeA = await target.open('cs-token-a');
    const storeB = shareHandle ? storeA : await target.open('cs-token-b');
    const a = makeService({ now: c.now, store: storeA, sandbox: false, platforms: [xero()] });
    const b = makeService({ now: c.now, store: storeB, sandbox: false, platforms: [xero()] });
    try {
      const { companyId, connectionId } = await linkedCompany(a, mock, tenant.tenantId);
      const failures: string[] = [];
      const refreshesBefore = mock.refreshCount;
      const trials = 50;
      for (let trial = 0; trial < trials; trial += 1) {
        // A day later every stored access token has expired (Xero's last 30 minutes).
        c.set(new Date(Date.parse('2026-03-02T09:00:00Z') + trial * 86_400_000).toISOString());
        const [runner, reader] = trial % 2 === 0 ? [a, b] : [b, a];
        const [run, read] = await Promise.all([
          call(runner, 'POST', `/companies/${companyId}/sync/commerce/latest`, {}),
          call(reader, 'GET', `/config/companies/${companyId}/sync/commerce`),
        ]);
        // 2000 wrote documents, 2040 found none to write: both are successful runs.
        if (![2000, 2040].includes(run.body?.syncStatusCode)) failures.push(`trial ${trial}: run ${run.body?.syncStatusCode} ${run.body?.errorMessage ?? ''}`);
        if (read.status !== 200) failures.push(`trial ${trial}: configuration ${read.status} ${JSON.stringify(read.body).slice(0, 200)}`);
        const connection = (await call(a, 'GET', `/companies/${companyId}/connections/${connectionId}`)).body;
        if (connection.status !== 'Linked') {
          failures.push(`trial ${trial}: connection ${connection.status}`);
          break;
        }
      }
      expect(failures).toEqual([]);
      // One rotation per trial: the loser adopted the winner's tokens instead of refreshing again.
      expect(mock.refreshCount - refreshesBefore).toBe(trials);
    } finally {
      await b.close();
      await a.close();
      await storeA.close();
      if (storeB !== storeA) await storeB.close();
    }
  });

  it('a refresh refused because another writer just rotated the tokens retries with the stored ones', { timeout: 60_000 }, async () => {
    const c = clock('2026-03-01T08:00:00Z');
    const mock = new XeroMock({ now: () => c.now().getTime(), enforceLimits: false });
    const tenant = mock.addTenant(ukTenant());
    serve(mock);
    const store: Store = await target.open('cs-token-refused');
    const a = makeService({ now: c.now, store, sandbox: false, platforms: [createXeroConnector({ ...XERO_CLIENT, now: c.now })] });
    try {
      const { companyId, connectionId } = await linkedCompany(a, mock, tenant.tenantId);
      c.set('2026-03-02T09:00:00Z');
      const box = createSecretBox(DEV_ENCRYPTION_KEY);
      const sealed = (await store.getConnection(companyId, connectionId))?.tokens;
      if (!sealed) throw new Error('no tokens stored');
      const before = JSON.parse(box.open(sealed)) as ConnectionTokens;
      // A writer that does not take the refresh lease (an instance of an older release during a
      // rolling deploy) uses the same refresh token just before this instance, and stores its
      // result a moment after this instance's refresh has been refused.
      const outsider = createXeroConnector({ ...XERO_CLIENT, now: c.now });
      let intercepted = false;
      let stored: Promise<void> = Promise.resolve();
      serve(mock, async () => {
        if (intercepted) return;
        intercepted = true;
        const rotated = await outsider.refresh(before);
        stored = delay(100).then(() => store.updateConnection(connectionId, { tokens: box.seal(JSON.stringify(rotated)) }));
      });
      const run = await call(a, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      await stored;
      expect(intercepted).toBe(true);
      expect(run.body.syncStatusCode).toBe(2040);
      expect((await call(a, 'GET', `/companies/${companyId}/connections/${connectionId}`)).body.status).toBe('Linked');
    } finally {
      await a.close();
      await store.close();
    }
  });
});
