import { BffErrorSchema, DEFAULT_BFF_BASE_PATH } from '../../../src/contract/bff.js';
import {
  SupportCompanyDetailSchema,
  SupportRetryResultSchema,
  SupportSearchResultSchema,
  SupportSyncDetailSchema,
  type SupportStaff,
} from '../../../src/contract/support.js';
import { createSupportBff, createSupportTokens } from '../../../src/bff/support/index.js';
import {
  createSyncService,
  openStore,
  type Store,
  type SyncService,
} from '../../../src/server/index.js';
import { createSupportHandler } from '../../../src/server/support/index.js';
import { buildConfiguration, buildOrder, buildPayment } from '../../fixtures/index.js';
import { API_KEY as SERVER_HELPER_KEY, SANDBOX_REDIRECT_URI, linkSandbox } from '../../server/helpers.js';
import {
  API_KEY,
  PARTNER,
  SECRET,
  SYNC_URL,
  browser,
  createHarness,
  serviceJson,
  type Harness,
} from '../harness.js';

const SUPPORT_URL = `${PARTNER}${DEFAULT_BFF_BASE_PATH}/support`;
const STAFF: SupportStaff = { staffId: 'staff-42', name: 'Sam Support' };

describe('support BFF', () => {
  const clock = { now: new Date('2026-03-12T10:00:00Z') };
  let store: Store;
  let service: SyncService;
  let h: Harness;
  let audit: unknown[];
  let support: ReturnType<typeof createSupportBff>;
  const tokens = createSupportTokens({ secret: SECRET, now: () => clock.now });

  beforeEach(async () => {
    clock.now = new Date('2026-03-12T10:00:00Z');
    store = await openStore({ sqlite: ':memory:' });
    // linkSandbox (server test helper) calls with its own key.
    service = createSyncService({
      apiKeys: [API_KEY, SERVER_HELPER_KEY],
      store,
      dev: true,
      publicUrl: SYNC_URL,
      now: () => clock.now,
      sleep: async () => undefined,
      sandbox: { redirectUris: [SANDBOX_REDIRECT_URI] },
    });
    h = await createHarness({ service, clock });
    const supportRoutes = createSupportHandler({
      apiKeys: [API_KEY],
      store,
      now: () => clock.now,
      async retry(companyId, syncId) {
        const reply = await serviceJson(
          h,
          'POST',
          `/companies/${companyId}/sync/commerce/syncs/${syncId}/retry`,
        );
        if (reply.status !== 200) throw new Error(`retry answered ${reply.status}`);
      },
    });
    audit = [];
    support = createSupportBff({
      authenticateSupport: tokens.authenticate,
      syncService: {
        baseUrl: SYNC_URL,
        apiKey: API_KEY,
        fetch: (request) =>
          new URL(request.url).pathname.startsWith('/support/')
            ? supportRoutes(request)
            : service.fetch(request),
      },
      onAudit: (entry) => audit.push(entry),
      logger: { error: () => undefined, warn: () => undefined },
    });
  });
  afterEach(async () => {
    await h.close();
    await store.close();
  });

  const send = (
    method: string,
    path: string,
    options: { token?: string | null; body?: unknown; contentType?: string } = {},
  ) => {
    const token = options.token === undefined ? tokens.issue(STAFF).token : options.token;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined)
      headers['content-type'] = options.contentType ?? 'application/json';
    return support.fetch(
      new Request(`${SUPPORT_URL}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      }),
    );
  };

  async function expectRefused(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(BffErrorSchema.parse(await response.json()).code).toBe(code);
  }

  it('refuses missing, forged and expired credentials, and merchant session tokens', async () => {
    await expectRefused(await send('GET', '/companies', { token: null }), 401, 'unauthenticated');
    await expectRefused(
      await send('GET', '/companies', { token: 'not-a-token' }),
      401,
      'unauthenticated',
    );
    const valid = tokens.issue(STAFF).token;
    const [payload] = valid.split('.');
    const forged = `${Buffer.from(JSON.stringify({ v: 1, aud: 'support', sub: 'x', name: 'x', exp: 9_999_999_999 })).toString('base64url')}.${valid.split('.')[1]}`;
    expect(payload).toBeTruthy();
    await expectRefused(await send('GET', '/companies', { token: forged }), 401, 'unauthenticated');
    const otherSecret = createSupportTokens({
      secret: 'another-support-secret-0123456789abcdef',
      now: () => clock.now,
    }).issue(STAFF).token;
    await expectRefused(
      await send('GET', '/companies', { token: otherSecret }),
      401,
      'unauthenticated',
    );

    // A real merchant widget token from the merchant BFF (same secret) is not a support credential.
    const merchantToken = await browser(h, 'alice').newSession();
    const refused = await send('GET', '/companies', { token: merchantToken });
    expect(refused.headers.get('www-authenticate')).toMatch(/commerce-sync-support/);
    await expectRefused(refused, 401, 'unauthenticated');

    const issued = tokens.issue(STAFF).token;
    clock.now = new Date('2026-03-12T11:00:01Z');
    await expectRefused(await send('GET', '/companies', { token: issued }), 401, 'unauthenticated');
  });

  it('lets support staff find a failed sync, read it, and retry only the failed items', async () => {
    const created = await serviceJson<{ id: string }>(h, 'POST', '/companies', {
      name: 'Cafe Lumiere',
      tags: { merchantId: 'm-cafe' },
    });
    const companyId = created.body.id;
    const { ledgerId } = await linkSandbox(service, companyId, 'uk');
    const config = buildConfiguration({ timeZone: 'Europe/London' });
    config.schedule = { ...config.schedule, startDate: '2026-03-01' };
    expect(
      (await serviceJson(h, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status,
    ).toBe(200);
    await serviceJson(h, 'POST', `/companies/${companyId}/data/commerce-orders`, [
      buildOrder({ createdDate: '2026-03-02T12:00:00Z' }),
      buildOrder({ createdDate: '2026-03-10T12:00:00Z' }),
    ]);
    await serviceJson(h, 'POST', `/companies/${companyId}/data/commerce-payments`, [
      buildPayment({ createdDate: '2026-03-02T12:00:00Z' }),
      buildPayment({ createdDate: '2026-03-10T12:00:00Z' }),
    ]);
    service.sandbox?.admin.setLockDate(ledgerId, '2026-03-05');
    const run = await serviceJson<{ commerceSyncId: string; syncStatusCode: number }>(
      h,
      'POST',
      `/companies/${companyId}/sync/commerce/latest`,
      {},
    );
    expect(run.body.syncStatusCode).toBe(5130);
    const syncId = run.body.commerceSyncId;

    const search = SupportSearchResultSchema.parse(
      await (await send('GET', `/companies?q=${syncId}`)).json(),
    );
    expect(search.results.map((r) => [r.companyId, r.health])).toEqual([[companyId, 'failing']]);
    expect(search.totals.byHealth.failing).toBe(1);
    const company = SupportCompanyDetailSchema.parse(
      await (await send('GET', `/companies/${companyId}`)).json(),
    );
    expect(company.latestRun?.problem).toMatchObject({ code: 'period_locked', step: 'schedule' });

    const detail = SupportSyncDetailSchema.parse(
      await (await send('GET', `/companies/${companyId}/syncs/${syncId}`)).json(),
    );
    expect(detail.items.map((i) => [i.date, i.status])).toEqual([
      ['2026-03-02', 'Failed'],
      ['2026-03-10', 'Written'],
    ]);
    expect(detail.run.problem?.merchantMessage).toMatch(/locked/);
    expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(1);

    await expectRefused(
      await send('POST', `/companies/${companyId}/syncs/${syncId}/retry-failed`, {
        body: {},
        contentType: 'text/plain',
      }),
      415,
      'unsupported_media_type',
    );
    service.sandbox?.admin.setLockDate(ledgerId, null);
    const retried = SupportRetryResultSchema.parse(
      await (
        await send('POST', `/companies/${companyId}/syncs/${syncId}/retry-failed`, { body: {} })
      ).json(),
    );
    expect(retried).toMatchObject({ attempted: 1, written: 1, stillFailing: 0 });
    expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(2);
    const again = SupportRetryResultSchema.parse(
      await (
        await send('POST', `/companies/${companyId}/syncs/${syncId}/retry-failed`, { body: {} })
      ).json(),
    );
    expect(again.attempted).toBe(0);
    expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(2);
    expect(audit).toEqual([
      { staff: STAFF, action: 'retryFailed', companyId, syncId, status: 200 },
      { staff: STAFF, action: 'retryFailed', companyId, syncId, status: 200 },
    ]);
  });

  it('validates input and passes the sync service refusals on', async () => {
    await expectRefused(
      await send('POST', '/companies/nope/reenable', { body: { startDate: 'soon' } }),
      400,
      'validation_failed',
    );
    await expectRefused(await send('GET', '/companies/nope'), 404, 'not_found');
    await expectRefused(
      await send('GET', '/companies?from=2026-03-09&to=2026-03-01'),
      400,
      'validation_failed',
    );
    await expectRefused(await send('DELETE', '/companies/nope'), 405, 'method_not_allowed');
    await expectRefused(await send('GET', '/elsewhere'), 404, 'not_found');
  });
});
