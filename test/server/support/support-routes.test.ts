import { ErrorEnvelopeSchema } from '../../../src/contract/errors.js';
import {
  SupportCompanyDetailSchema,
  SupportConfigurationSchema,
  SupportDeliveriesSchema,
  SupportHistorySchema,
  SupportRetryResultSchema,
  SupportSearchResultSchema,
  SupportSyncDetailSchema,
} from '../../../src/contract/support.js';
import Database from 'better-sqlite3';
import type { Store } from '../../../src/server/index.js';
import { createSqliteWebhookStore, createWebhookDispatcher } from '../../../src/webhooks/index.js';
import { createSupportHandler } from '../../../src/server/support/index.js';
import {
  buildConfiguration,
  buildOrder,
  buildPayment,
  SANDBOX_ACCOUNTS,
} from '../../fixtures/index.js';
import { API_KEY, AUTH, BASE, call, clock, linkSandbox, makeService } from '../helpers.js';
import { postgresTarget, sqliteTarget, type Target } from '../targets.js';

type Service = ReturnType<typeof makeService>;

/** Support routes over the real service's store; retry goes through the service's own retry endpoint. */
function supportFor(service: Service, store: Store, now: () => Date) {
  const handler = createSupportHandler({
    apiKeys: [API_KEY],
    store,
    now,
    platformName: (key) =>
      key === 'sandbox'
        ? service.sandbox?.connector.platform.name
        : key === 'commerce'
          ? 'Partner commerce'
          : undefined,
    async retry(companyId, syncId) {
      const reply = await call(
        service,
        'POST',
        `/companies/${companyId}/sync/commerce/syncs/${syncId}/retry`,
      );
      if (reply.status !== 200) throw new Error(`retry answered ${reply.status}`);
      return reply.body;
    },
  });
  return async (method: string, path: string, body?: unknown, auth: string | null = AUTH) => {
    const headers: Record<string, string> = {};
    if (auth) headers.Authorization = auth;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await handler(
      new Request(`${BASE}/support${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    return { status: response.status, body: (await response.json()) as unknown };
  };
}

async function configuredCompany(service: Service, name: string, startDate: string) {
  const created = await call(service, 'POST', '/companies', {
    name,
    tags: { merchantId: `m-${name}` },
  });
  const companyId = created.body.id as string;
  const { ledgerId } = await linkSandbox(service, companyId, 'uk');
  const config = buildConfiguration({ timeZone: 'Europe/London' });
  config.schedule = { ...config.schedule, startDate };
  const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  return { companyId, ledgerId };
}

describe.each([
  ['SQLite file', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('support routes on the real sync service (%s)', (_name, makeTarget: () => Target) => {
  const c = clock('2026-03-12T10:00:00Z');
  let target: Target;
  let store: Store;
  let service: Service;
  let archiveAfterFirstWrite: (() => void) | null;

  beforeEach(async () => {
    c.set('2026-03-12T10:00:00Z');
    target = makeTarget();
    store = await target.open();
    archiveAfterFirstWrite = null;
    service = makeService({
      now: c.now,
      store,
      hooks: {
        afterWrite: ({ count }) => {
          // The account is archived in the ledger while the run is writing (after the first document).
          if (count === 1 && archiveAfterFirstWrite) archiveAfterFirstWrite();
        },
      },
    });
  });
  afterEach(async () => {
    await service.close();
    await store.close();
    await target.cleanup();
  });

  it('finds a failed company, reads the cause, and retries only the failed items without duplicates', async () => {
    const support = supportFor(service, store, c.now);
    const healthy = await configuredCompany(service, 'Bakery', '2026-03-01');
    await call(service, 'POST', `/companies/${healthy.companyId}/sync/commerce/latest`, {});
    const { companyId, ledgerId } = await configuredCompany(service, 'Cafe Lumiere', '2026-03-01');
    await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [
      buildOrder({ createdDate: '2026-03-02T12:00:00Z' }),
      buildOrder({ createdDate: '2026-03-10T12:00:00Z' }),
    ]);
    await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [
      buildPayment({ createdDate: '2026-03-02T12:00:00Z' }),
      buildPayment({ createdDate: '2026-03-10T12:00:00Z' }),
    ]);
    archiveAfterFirstWrite = () =>
      service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    archiveAfterFirstWrite = null;
    expect(run.body.syncStatusCode).toBeGreaterThanOrEqual(4000);
    const syncId = run.body.commerceSyncId as string;
    const postedBefore = service.sandbox?.admin.documents(ledgerId).length ?? 0;
    expect(postedBefore).toBeGreaterThan(0);

    // Support finds it: totals, then by sync id, by name, and by catalog code and date range.
    const all = SupportSearchResultSchema.parse((await support('GET', '/companies')).body);
    expect(all.totals).toMatchObject({ companies: 2, byHealth: { healthy: 1, failing: 1 } });
    const bySyncId = SupportSearchResultSchema.parse(
      (await support('GET', `/companies?q=${syncId}`)).body,
    );
    expect(bySyncId.results.map((r) => r.companyId)).toEqual([companyId]);
    const byName = SupportSearchResultSchema.parse(
      (await support('GET', '/companies?q=lumi')).body,
    );
    expect(byName.results.map((r) => r.name)).toEqual(['Cafe Lumiere']);
    const byHealth = SupportSearchResultSchema.parse(
      (await support('GET', '/companies?health=failing')).body,
    );
    expect(byHealth.results.map((r) => r.companyId)).toEqual([companyId]);
    const failed = byHealth.results[0]!.latestRun!;
    const code = failed.problem!.code!;
    const byCode = SupportSearchResultSchema.parse(
      (
        await support(
          'GET',
          `/companies?errorCode=${code}&statusCode=${failed.statusCode}&from=2026-03-12&to=2026-03-12`,
        )
      ).body,
    );
    expect(byCode.results.map((r) => r.companyId)).toEqual([companyId]);
    const otherDay = SupportSearchResultSchema.parse(
      (await support('GET', `/companies?errorCode=${code}&from=2026-03-13`)).body,
    );
    expect(otherDay.results).toEqual([]);

    // The cause: catalog code, merchant message vs support detail, wizard step, and every push item.
    const detail = SupportSyncDetailSchema.parse(
      (await support('GET', `/companies/${companyId}/syncs/${syncId}`)).body,
    );
    expect(detail.run.problem).toMatchObject({
      code: 'account_archived',
      // The archived account is the card clearing account, so the fix is on the Payments step.
      step: 'payments',
      retryable: false,
    });
    // The run-level message comes from the first failed item; the item's own message names the account.
    expect(detail.run.problem?.merchantMessage).toMatch(/archived in Sandbox ledger/);
    // The run's message keeps the failed item's own params (account name, mapping), not blanks.
    expect(detail.run.problem?.merchantMessage).not.toMatch(/\{\w+\}/);
    expect(detail.run.problem?.merchantMessage).toMatch(/Card clearing/);
    expect(detail.run.problem?.supportDetail).toMatch(/not written/);
    expect(detail.run.period).toEqual({ start: '2026-03-01', finish: '2026-03-12' });
    expect(detail.accounting).toMatchObject({
      key: 'sandbox',
      name: 'Sandbox ledger',
      status: 'Linked',
    });
    expect(detail.commerce).toMatchObject({ key: 'commerce', name: 'Partner commerce' });
    expect(detail.counts.written).toBe(postedBefore);
    expect(detail.counts.failed).toBeGreaterThan(0);
    const failedItem = detail.items.find((i) => i.status === 'Failed')!;
    expect(failedItem).toMatchObject({ errorCode: 'account_archived', attempts: 1 });
    expect(failedItem.merchantMessage).toMatch(/Card clearing.*archived in Sandbox ledger/);
    expect(failedItem.merchantMessage).not.toEqual(failedItem.supportDetail);
    expect(failedItem.supportDetail).toMatch(/Card clearing is archived/);

    // History is filterable by status code and state.
    const history = SupportHistorySchema.parse(
      (
        await support(
          'GET',
          `/companies/${companyId}/syncs?state=failed&statusCode=${failed.statusCode}`,
        )
      ).body,
    );
    expect(history.runs.map((r) => r.syncId)).toEqual([syncId]);
    expect(
      SupportHistorySchema.parse(
        (await support('GET', `/companies/${companyId}/syncs?state=succeeded`)).body,
      ).runs,
    ).toEqual([]);

    // Fixed in the ledger (the mapped account restored), then only failed items are retried.
    service.sandbox?.admin.restoreAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    const retried = SupportRetryResultSchema.parse(
      (await support('POST', `/companies/${companyId}/syncs/${syncId}/retry-failed`)).body,
    );
    expect(retried).toMatchObject({
      attempted: detail.counts.failed + detail.counts.pending,
      stillFailing: 0,
    });
    expect(retried.detail.run).toMatchObject({ state: 'succeeded', problem: null });
    expect(retried.detail.items.every((i) => i.status === 'Written')).toBe(true);
    const written = retried.detail.items.find((i) => i.reference === failedItem.reference)!;
    expect(written.attempts).toBe(2);
    const ledgerAfter = service.sandbox?.admin.documents(ledgerId) ?? [];
    expect(ledgerAfter).toHaveLength(detail.items.length);
    // Each document's amount is what the ledger shows as its total (a journal's debit side).
    for (const item of retried.detail.items) {
      const posted = ledgerAfter.find((d) => d.reference === item.reference);
      expect(item.amount, item.reference).toEqual({ minor: posted?.totals.total, currency: posted?.currency });
    }

    // Again: nothing to retry, nothing posted twice.
    const again = SupportRetryResultSchema.parse(
      (await support('POST', `/companies/${companyId}/syncs/${syncId}/retry-failed`)).body,
    );
    expect(again).toMatchObject({ attempted: 0, written: 0, stillFailing: 0 });
    expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(detail.items.length);
    const refs = (service.sandbox?.admin.documents(ledgerId) ?? []).map((d) => JSON.stringify(d));
    expect(new Set(refs).size).toBe(refs.length);

    const afterTotals = SupportSearchResultSchema.parse(
      (await support('GET', '/companies')).body,
    ).totals;
    expect(afterTotals.byHealth).toMatchObject({ healthy: 2, failing: 0 });
  });

  it('re-enables a company switched off after 31 failing days, from a new start date', { timeout: 60_000 }, async () => {
    const support = supportFor(service, store, c.now);
    const { companyId, ledgerId } = await configuredCompany(service, 'Deli', '2026-02-01');
    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    // Scheduled runs fail on 31 days: 3 February … 5 March (26 + 5).
    for (let day = new Date('2026-02-03T03:00:00Z'); day <= new Date('2026-03-05T03:00:00Z'); day = new Date(day.getTime() + 86_400_000)) {
      c.set(day.toISOString());
      await service.scheduler.tick(c.now());
    }

    const found = SupportCompanyDetailSchema.parse(
      (await support('GET', `/companies/${companyId}`)).body,
    );
    expect(found).toMatchObject({
      health: 'disabled',
      enabled: false,
      failingSince: '2026-02-01',
      startDate: '2026-02-01',
      timeZone: 'Europe/London',
    });
    expect(
      SupportSearchResultSchema.parse((await support('GET', '/companies?health=disabled')).body)
        .results,
    ).toHaveLength(1);

    const config = SupportConfigurationSchema.parse(
      (await support('GET', `/companies/${companyId}/configuration`)).body,
    );
    expect(config.configuration?.configuration?.payments?.accounts?.card?.selectedAccountId).toBe(
      SANDBOX_ACCOUNTS.cardClearing.id,
    );

    const future = await support('POST', `/companies/${companyId}/reenable`, {
      startDate: '2026-03-06',
    });
    expect(future.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(future.body).validation?.errors[0]?.itemId).toBe('startDate');
    const malformed = await support('POST', `/companies/${companyId}/reenable`, {
      startDate: '5 March',
    });
    expect(ErrorEnvelopeSchema.parse(malformed.body)).toMatchObject({
      statusCode: 400,
      code: 'validation_failed',
    });

    service.sandbox?.admin.restoreAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    const reenabled = SupportCompanyDetailSchema.parse(
      (await support('POST', `/companies/${companyId}/reenable`, { startDate: '2026-03-04' })).body,
    );
    expect(reenabled).toMatchObject({ enabled: true, failingSince: null, startDate: '2026-03-04' });
    const twice = await support('POST', `/companies/${companyId}/reenable`, {
      startDate: '2026-03-04',
    });
    expect(ErrorEnvelopeSchema.parse(twice.body)).toMatchObject({
      statusCode: 409,
      code: 'already_enabled',
    });

    const next = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
    expect(next.body).toMatchObject({ syncStatusCode: 2040 });
    expect(next.body.syncDateRangeUtc.start).toBe('2026-03-04T00:00:00.000Z');
    expect(
      SupportCompanyDetailSchema.parse((await support('GET', `/companies/${companyId}`)).body)
        .health,
    ).toBe('healthy');

    expect(
      SupportDeliveriesSchema.parse(
        (await support('GET', `/companies/${companyId}/webhook-deliveries`)).body,
      ),
    ).toEqual({ available: false, items: [] });
  });

  it("lists the company's webhook deliveries from the webhook dispatcher", async () => {
    const { companyId } = await configuredCompany(service, 'Deli', '2026-03-01');
    const database = new Database(':memory:');
    // The partner's endpoint is outside our system: it answers 503 here.
    const dispatcher = createWebhookDispatcher({
      store: createSqliteWebhookStore({ database }),
      endpoints: [
        {
          id: 'ep-1',
          url: 'https://partner.test/hooks',
          secret: 'whsec-0123456789abcdef',
          events: ['*'],
        },
      ],
      fetch: async () => new Response('unavailable', { status: 503 }),
      now: c.now,
    });
    await dispatcher.enqueue({
      type: 'configuration.changed',
      companyId,
      data: { changedSections: ['schedule'], enabled: true, configured: true },
    });
    await dispatcher.enqueue({
      type: 'configuration.changed',
      companyId: 'another-company',
      data: { changedSections: ['fees'], enabled: true, configured: true },
    });
    await dispatcher.deliverDue(c.now());
    const handler = createSupportHandler({
      apiKeys: [API_KEY],
      store,
      now: c.now,
      retry: async () => undefined,
      webhooks: dispatcher,
    });
    const response = await handler(
      new Request(`${BASE}/support/companies/${companyId}/webhook-deliveries`, {
        headers: { Authorization: AUTH },
      }),
    );
    const deliveries = SupportDeliveriesSchema.parse(await response.json());
    expect(deliveries.available).toBe(true);
    expect(deliveries.items).toHaveLength(1);
    expect(deliveries.items[0]).toMatchObject({
      companyId,
      eventType: 'configuration.changed',
      status: 'pending',
      attempts: 1,
      lastResponseCode: 503,
    });
    database.close();
  });

  it('refuses missing or wrong API keys and answers unknown ids with the error envelope', async () => {
    const support = supportFor(service, store, c.now);
    for (const auth of [null, `Basic ${btoa('wrong-key-000')}`, `Bearer ${API_KEY}`]) {
      const reply = await support('GET', '/companies', undefined, auth);
      expect(ErrorEnvelopeSchema.parse(reply.body)).toMatchObject({
        statusCode: 401,
        code: 'unauthorized',
      });
    }
    expect(ErrorEnvelopeSchema.parse((await support('GET', '/companies/nope')).body)).toMatchObject(
      { statusCode: 404, code: 'not_found' },
    );
    expect(
      ErrorEnvelopeSchema.parse(
        (await support('GET', '/companies?from=2026-03-05&to=2026-03-01')).body,
      ),
    ).toMatchObject({ statusCode: 400, code: 'validation_failed' });
  });
});
