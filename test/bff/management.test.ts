import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BffErrorSchema,
  ConfigurationViewSchema,
  ConnectionViewSchema,
  DeleteCompanyResponseSchema,
  RunSyncResponseSchema,
  SyncHistorySchema,
  SyncStatusViewSchema,
  SyncToggleResponseSchema,
} from '../../src/contract/bff.js';
import type { Configuration } from '../../src/contract/configuration.js';
import type { BffMerchant } from '../../src/bff/index.js';
import { PUBLIC_URL, browser, cookieAuthenticate, expectResponseHygiene, companiesOf, connect, createHarness, serviceJson, syncState, validConfiguration } from './harness.js';
import type { Browser, Harness } from './harness.js';

let h: Harness;
let alice: Browser;
beforeEach(async () => {
  h = await createHarness();
  alice = browser(h, 'alice');
});
afterEach(async () => {
  // Whatever happened in a test, the browser never saw the sync service API key.
  expectResponseHygiene(h);
  await h.close();
});

async function json<T>(response: Response, schema: { parse(v: unknown): T }, status = 200): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return schema.parse(JSON.parse(text));
}

async function configured(b: Browser): Promise<Configuration> {
  await connect(h, b);
  const current = await json(await b.call('GET', '/configuration'), ConfigurationViewSchema);
  return json(await b.call('PUT', '/configuration', validConfiguration(current)), ConfigurationViewSchema);
}

async function ledgerId(): Promise<string> {
  const ledgers = h.service.sandbox!.admin.listLedgers();
  expect(ledgers).toHaveLength(1);
  return ledgers[0]!.id;
}

describe('connection', () => {
  it('is NotConnected before anything and creates no company by looking', async () => {
    const view = await json(await alice.call('GET', '/connection'), ConnectionViewSchema);
    expect(view).toEqual({ status: 'NotConnected', platform: null, accountingCompanyName: null, createdAt: null, lastSyncAt: null });
    expect(await companiesOf(h, 'm-alice')).toHaveLength(0);
  });

  it('de-authorises: the sync service unlinks (tokens revoked); a second call is a no-op', async () => {
    await connect(h, alice);
    const view = await json(await alice.call('DELETE', '/connection'), ConnectionViewSchema);
    expect(view).toMatchObject({ status: 'Unlinked', platform: { key: 'sandbox' } });
    const [company] = await companiesOf(h, 'm-alice');
    expect(company!.dataConnections.find((c) => c.sourceType === 'Accounting')!.status).toBe('Unlinked');
    const before = await syncState(h, 'm-alice');
    expect((await json(await alice.call('DELETE', '/connection'), ConnectionViewSchema)).status).toBe('Unlinked');
    expect(await syncState(h, 'm-alice')).toEqual(before);
  });

  it('reconnects the same connection after a de-authorisation, keeping the configuration', async () => {
    await configured(alice);
    await alice.call('DELETE', '/connection');
    const { response } = await connect(h, alice, 'redirect');
    expect(new URL(response.headers.get('location')!).searchParams.get('commerceSync')).toBe('connected');
    const [company] = await companiesOf(h, 'm-alice');
    expect(company!.dataConnections.filter((c) => c.sourceType === 'Accounting')).toHaveLength(1);
    const config = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    expect(config.configuration?.sales?.accounts?.sales?.selectedAccountId).toBe('acc-200');
  });
});

describe('configuration', () => {
  it('needs a linked connection first', async () => {
    const response = await alice.call('GET', '/configuration');
    expect(response.status).toBe(409);
    expect(BffErrorSchema.parse(await response.json()).code).toBe('not_connected');
  });

  it('reads options from the live ledger and saves selections', async () => {
    await connect(h, alice);
    const current = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    expect(current.configured).toBe(false);
    expect(current.accountingSoftwareCompanyName).toBeTruthy();
    expect(current.configuration?.sales?.accounts?.sales?.accountOptions?.map((o) => o.id)).toContain('acc-200');
    const saved = await json(await alice.call('PUT', '/configuration', validConfiguration(current)), ConfigurationViewSchema);
    expect(saved).toMatchObject({ configured: true, enabled: true, schedule: { timeZone: 'Europe/London', startDate: '2026-03-01T00:00:00Z' } }); // a date is answered as the date-time the 2023 contract types
  });

  it('passes the sync service field errors through with their paths unchanged, and saves nothing', async () => {
    await connect(h, alice);
    const current = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    const before = await syncState(h, 'm-alice');
    const doc = validConfiguration(current);
    doc.configuration!.sales!.accounts!.sales!.selectedAccountId = 'acc-does-not-exist';
    doc.configuration!.mapSettings = {};
    const response = await alice.call('PUT', '/configuration', doc);
    expect(response.status).toBe(400);
    const error = BffErrorSchema.parse(await response.json());
    expect(error.code).toBe('validation_failed');

    // The same body sent straight to the sync service yields the same field errors.
    const [company] = await companiesOf(h, 'm-alice');
    const direct = await serviceJson<{ validation: { errors: unknown[] } }>(h, 'POST', `/config/companies/${company!.id}/sync/commerce`, {
      ...doc,
      companyId: company!.id,
    });
    expect(error.validation?.errors).toEqual(direct.body.validation.errors);
    expect(error.validation?.errors.map((e) => e.itemId)).toEqual(
      expect.arrayContaining(['configuration.mapSettings.outputFormat', 'configuration.sales.accounts.sales.selectedAccountId']),
    );
    expect(await syncState(h, 'm-alice')).toEqual(before);
  });

  it('a ledger that revoked access: 409 accounting_platform_error with the reconnect step', async () => {
    await connect(h, alice);
    h.service.sandbox!.admin.revokeAuthorizations(await ledgerId());
    const response = await alice.call('GET', '/configuration');
    expect(response.status).toBe(409);
    expect(BffErrorSchema.parse(await response.json())).toMatchObject({
      code: 'accounting_platform_error',
      canBeRetried: 'No',
      problem: { code: 'authorization_revoked', step: 'connection', retryable: false },
    });
  });

  it('a ledger outage: 503 accounting_platform_error, retryable', async () => {
    await connect(h, alice);
    h.service.sandbox!.admin.failNextRequests(await ledgerId(), 50, 503);
    const response = await alice.call('GET', '/configuration');
    expect(response.status).toBe(503);
    const error = BffErrorSchema.parse(await response.json());
    expect(error).toMatchObject({ code: 'accounting_platform_error', canBeRetried: 'Yes', problem: { retryable: true, step: null } });
    expect(['platform_outage', 'rate_limited']).toContain(error.problem?.code);
  });

  it("another merchant's company id: 404, and neither merchant's configuration changes", async () => {
    const bob = browser(h, 'bob');
    await configured(bob);
    await connect(h, alice);
    const [bobCompany] = await companiesOf(h, 'm-bob');
    const bobBefore = await syncState(h, 'm-bob');
    const aliceBefore = await syncState(h, 'm-alice');

    const current = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    const attack = { ...validConfiguration(current), companyId: bobCompany!.id };
    const response = await alice.call('PUT', '/configuration', attack);
    expect(response.status).toBe(404);
    expect(BffErrorSchema.parse(await response.json()).code).toBe('not_found');

    // A company id in the query string is ignored: the merchant only ever gets its own.
    const own = await json(await alice.call('GET', `/configuration?companyId=${bobCompany!.id}`), ConfigurationViewSchema);
    const [aliceCompany] = await companiesOf(h, 'm-alice');
    expect(own.companyId).toBe(aliceCompany!.id);

    expect(await syncState(h, 'm-bob')).toEqual(bobBefore);
    expect(await syncState(h, 'm-alice')).toEqual(aliceBefore);
  });
});

describe('pause, resume, run, status and history', () => {
  it('pauses and resumes', async () => {
    await configured(alice);
    expect(await json(await alice.call('POST', '/sync/pause'), SyncToggleResponseSchema)).toEqual({ enabled: false });
    const paused = await json(await alice.call('GET', '/sync/status'), SyncStatusViewSchema);
    expect(paused).toMatchObject({ health: 'paused', enabled: false, configured: true });
    expect(await json(await alice.call('POST', '/sync/resume'), SyncToggleResponseSchema)).toEqual({ enabled: true });
    expect((await json(await alice.call('GET', '/sync/status'), SyncStatusViewSchema)).health).toBe('never_run');
  });

  it('refuses to pause before the sync is configured', async () => {
    await connect(h, alice);
    const before = await syncState(h, 'm-alice');
    const response = await alice.call('POST', '/sync/pause');
    expect(response.status).toBe(409);
    expect(BffErrorSchema.parse(await response.json()).code).toBe('conflict');
    expect(await syncState(h, 'm-alice')).toEqual(before);
  });

  it('reports health through the setup', async () => {
    expect((await json(await alice.call('GET', '/sync/status'), SyncStatusViewSchema)).health).toBe('not_connected');
    await connect(h, alice);
    expect((await json(await alice.call('GET', '/sync/status'), SyncStatusViewSchema)).health).toBe('not_configured');
    expect(await json(await alice.call('GET', '/sync/history'), SyncHistorySchema)).toEqual({ items: [] });
  });

  it('runs now, then shows the run in status and history with inclusive local days', async () => {
    await configured(alice);
    const { run } = await json(await alice.call('POST', '/sync/run', { kind: 'latest' }), RunSyncResponseSchema, 202);
    expect(run).toMatchObject({ state: 'succeeded', statusCode: 2040, problem: null, dateRange: { start: '2026-03-01', finish: '2026-03-09' } });

    const status = await json(await alice.call('GET', '/sync/status'), SyncStatusViewSchema);
    expect(status).toMatchObject({ health: 'healthy', enabled: true, configured: true });
    expect(status.latest?.id).toBe(run.id);
    expect(status.lastSuccessful?.id).toBe(run.id);
    const history = await json(await alice.call('GET', '/sync/history?limit=5'), SyncHistorySchema);
    expect(history.items.map((i) => i.id)).toEqual([run.id]);
  });

  it('a historic run over synced days fails with duplication protection, explained for the merchant', async () => {
    await configured(alice);
    await alice.call('POST', '/sync/run', { kind: 'latest' });
    const { run } = await json(
      await alice.call('POST', '/sync/run', { kind: 'historic', dateRange: { start: '2026-03-02', finish: '2026-03-03' } }),
      RunSyncResponseSchema,
      202,
    );
    expect(run).toMatchObject({
      state: 'failed',
      statusCode: 5080,
      dateRange: { start: '2026-03-02', finish: '2026-03-03' },
      problem: { code: 'duplication_protection', statusCode: 5080, step: null, retryable: false },
    });
    expect(run.problem?.message).toMatch(/already synced/);
    expect((await json(await alice.call('GET', '/sync/status'), SyncStatusViewSchema)).health).toBe('failing');
  });

  it('a run failing on the ledger carries the catalog code and the wizard step, never the support detail', async () => {
    await configured(alice);
    h.service.sandbox!.admin.archiveAccount(await ledgerId(), 'acc-200');
    const response = await alice.call('POST', '/sync/run', { kind: 'latest' });
    const text = await response.clone().text();
    const { run } = await json(response, RunSyncResponseSchema, 202);
    expect(run.state).toBe('failed');
    expect(run.problem).toMatchObject({ code: 'account_archived', step: 'sales', statusCode: 4000 });
    expect(run.problem?.message).toContain('Sales');
    // The specifics the message names, so the widget can say the same in the merchant's language.
    expect(run.problem?.params).toMatchObject({ platform: 'Sandbox ledger', mappingKey: 'sales.sales', mapping: 'Sales' });
    expect(run.problem?.message).toContain(run.problem?.params?.accountName ?? '(no account name)');

    const [company] = await companiesOf(h, 'm-alice');
    const statuses = await serviceJson<{ syncExceptionMessage: string }[]>(h, 'GET', `/companies/${company!.id}/sync/commerce/syncs/list/status`);
    const supportDetail = statuses.body[0]!.syncExceptionMessage;
    expect(supportDetail.length).toBeGreaterThan(0);
    expect(text).not.toContain(supportDetail);
    expect(text).not.toContain('syncExceptionMessage');

    const history = await alice.call('GET', '/sync/history');
    const historyText = await history.text();
    expect(SyncHistorySchema.parse(JSON.parse(historyText)).items[0]?.problem?.step).toBe('sales');
    expect(historyText).not.toContain(supportDetail);
  });

  it('a platform that revoked access: the run says reconnect, the connection shows Deauthorized', async () => {
    await configured(alice);
    h.service.sandbox!.admin.revokeAuthorizations(await ledgerId());
    h.clock.now = new Date('2026-03-12T12:00:00Z');
    await alice.newSession();
    const { run } = await json(await alice.call('POST', '/sync/run', { kind: 'latest' }), RunSyncResponseSchema, 202);
    expect(run).toMatchObject({
      state: 'failed',
      dateRange: { start: '2026-03-01', finish: '2026-03-11' },
      problem: { code: 'authorization_revoked', step: 'connection', retryable: false },
    });
    expect((await json(await alice.call('GET', '/connection'), ConnectionViewSchema)).status).toBe('Deauthorized');
    const status = await json(await alice.call('GET', '/sync/status'), SyncStatusViewSchema);
    expect(status).toMatchObject({ health: 'not_connected', configured: true, latest: { id: run.id } });
  });

  it('validates the run request and runs nothing when it is wrong', async () => {
    await configured(alice);
    const before = await syncState(h, 'm-alice');
    const response = await alice.call('POST', '/sync/run', { kind: 'historic', dateRange: { start: '2026-03-05', finish: '2026-03-01' } });
    expect(response.status).toBe(400);
    expect(BffErrorSchema.parse(await response.json()).validation?.errors[0]?.itemId).toBe('dateRange.finish');
    const unknownKind = await alice.call('POST', '/sync/run', { kind: 'everything' });
    expect(unknownKind.status).toBe(400);
    expect(await syncState(h, 'm-alice')).toEqual(before);
  });

  it('limits history and validates the limit', async () => {
    await configured(alice);
    await alice.call('POST', '/sync/run', { kind: 'latest' });
    await alice.call('POST', '/sync/run', { kind: 'historic', dateRange: { start: '2026-03-02', finish: '2026-03-03' } });
    const history = await json(await alice.call('GET', '/sync/history?limit=1'), SyncHistorySchema);
    expect(history.items).toHaveLength(1);
    expect(history.items[0]?.statusCode).toBe(5080);
    const bad = await alice.call('GET', '/sync/history?limit=1000');
    expect(bad.status).toBe(400);
    expect(BffErrorSchema.parse(await bad.json()).validation?.errors[0]?.itemId).toBe('limit');
  });

  it('runs need a linked connection', async () => {
    const response = await alice.call('POST', '/sync/run', { kind: 'latest' });
    expect(response.status).toBe(409);
    expect(BffErrorSchema.parse(await response.json()).code).toBe('not_connected');
  });
});

describe('DELETE /company', () => {
  it("deletes the merchant's company (only that one) and is idempotent", async () => {
    const bob = browser(h, 'bob');
    await configured(bob);
    await configured(alice);
    const bobBefore = await syncState(h, 'm-bob');
    expect(await json(await alice.call('DELETE', '/company'), DeleteCompanyResponseSchema)).toEqual({ deleted: true });
    expect(await companiesOf(h, 'm-alice')).toHaveLength(0);
    expect(await syncState(h, 'm-bob')).toEqual(bobBefore);
    expect((await json(await alice.call('GET', '/connection'), ConnectionViewSchema)).status).toBe('NotConnected');
    expect(await json(await alice.call('DELETE', '/company'), DeleteCompanyResponseSchema)).toEqual({ deleted: true });
  });
});

describe('set up again after a delete (issue 16 bug 4)', () => {
  it('starts after the last day the deleted sync posted to the same ledger, and says so', async () => {
    await configured(alice);
    const { run } = await json(await alice.call('POST', '/sync/run', { kind: 'latest' }), RunSyncResponseSchema, 202);
    // Start 1 Mar, clock 10 Mar: the run covered 1–9 Mar.
    expect(run.dateRange).toEqual({ start: '2026-03-01', finish: '2026-03-09' });
    const ledger = await ledgerId();
    expect(await json(await alice.call('DELETE', '/company'), DeleteCompanyResponseSchema)).toEqual({ deleted: true });

    await connect(h, alice, 'popup', ledger);
    const again = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    expect(again.configured).toBe(false);
    expect(again.schedule?.startDate).toBe('2026-03-10');
    expect(again.schedule?.previousSync).toEqual({ lastPostedDay: '2026-03-09', documents: 0 });

    // Once saved, the saved start date is what counts and the note is gone.
    const saved = await json(await alice.call('PUT', '/configuration', { ...validConfiguration(again), schedule: { ...validConfiguration(again).schedule, startDate: '2026-03-10' } }), ConfigurationViewSchema);
    expect(saved.schedule?.startDate).toBe('2026-03-10T00:00:00Z');
    expect(saved.schedule?.previousSync).toBeUndefined();
  });

  it('offers nothing for another ledger or another merchant', async () => {
    await configured(alice);
    await alice.call('POST', '/sync/run', { kind: 'latest' });
    const ledger = await ledgerId();
    await alice.call('DELETE', '/company');
    // Bob on Alice's old ledger: not the same merchant.
    const bob = browser(h, 'bob');
    await connect(h, bob, 'popup', ledger);
    expect((await json(await bob.call('GET', '/configuration'), ConfigurationViewSchema)).schedule?.previousSync).toBeUndefined();
    // Alice on a new ledger: not the same books.
    await connect(h, alice);
    const fresh = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    expect(fresh.schedule?.previousSync).toBeUndefined();
    expect(fresh.schedule?.startDate).toBeUndefined();
  });
});

describe('the merchant\'s time zone (issue 16 bug 2)', () => {
  const withZone = (timeZone: unknown) => (request: Request) => {
    const merchant = cookieAuthenticate(request);
    return merchant ? ({ ...merchant, timeZone } as BffMerchant) : null;
  };

  it('offers the zone authenticate reports as the default of a sync not set up yet', async () => {
    await h.close();
    h = await createHarness({ authenticate: withZone('America/Vancouver') });
    alice = browser(h, 'alice');
    await connect(h, alice);
    const current = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    expect(current.configured).toBe(false);
    expect(current.schedule?.timeZone).toBe('America/Vancouver');
    // Once saved, the merchant's own choice wins over the partner's zone.
    await json(await alice.call('PUT', '/configuration', validConfiguration(current)), ConfigurationViewSchema);
    expect((await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema)).schedule?.timeZone).toBe('Europe/London');
  });

  it('offers no zone when the partner gives none, so the widget takes the browser\'s (not the service\'s Etc/UTC fill-in)', async () => {
    await connect(h, alice);
    const current = await json(await alice.call('GET', '/configuration'), ConfigurationViewSchema);
    expect(current.configured).toBe(false);
    expect(current.schedule).toBeDefined();
    expect(current.schedule?.timeZone).toBeUndefined();
  });

  it('refuses a time zone that is not an IANA name, saying which field is wrong', async () => {
    await h.close();
    h = await createHarness({ authenticate: withZone('Pacific Time') });
    const response = await h.fetch(new Request(`${PUBLIC_URL}/session`, { method: 'POST', headers: { cookie: 'partner_session=alice' } }));
    expect(response.status).toBe(500);
    expect(h.logs.map((l) => JSON.stringify(l)).join('\n')).toMatch(/timeZone must be an IANA time zone name/);
  });
});
