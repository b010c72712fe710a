import { ErrorEnvelopeSchema } from '../../src/contract/errors.js';
import {
  CompaniesSchema,
  CompanySchema,
  CompanySyncStatusSchema,
  ConnectionSchema,
  DatasetStatusSchema,
  IntegrationsSchema,
  LocalizationInfoSchema,
  SyncStatusSchema,
  SyncSummarySchema,
} from '../../src/contract/sync-api.js';
import { ConfigurationSchema } from '../../src/contract/configuration.js';
import { openStore, type Store } from '../../src/server/index.js';
import { buildConfiguration, buildOrder, buildPayment, SANDBOX_ACCOUNTS } from '../fixtures/index.js';
import { API_KEY, call, clock, linkSandbox, makeService } from './helpers.js';

type Service = ReturnType<typeof makeService>;

function expectError(reply: { status: number; body: unknown }, status: number, code: string) {
  expect(reply.status).toBe(status);
  const envelope = ErrorEnvelopeSchema.parse(reply.body);
  expect(envelope.code).toBe(code);
  expect(envelope.statusCode).toBe(status);
  expect(envelope.error.length).toBeGreaterThan(10);
  return envelope;
}

/** A company linked to a fresh UK sandbox ledger and configured from the fixture. */
async function configuredCompany(service: Service, startDate = '2026-03-01') {
  const company = await call(service, 'POST', '/companies', { name: 'Cafe', tags: { merchantId: 'm-1' } });
  const companyId = company.body.id as string;
  const { connectionId, ledgerId } = await linkSandbox(service, companyId, 'uk');
  const config = buildConfiguration({ timeZone: 'Europe/London' });
  config.schedule = { ...config.schedule, startDate };
  const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
  expect(saved.status, JSON.stringify(saved.body.validation)).toBe(200);
  return { companyId, connectionId, ledgerId, config };
}

describe('sync service HTTP API', () => {
  let store: Store;
  let service: Service;
  const c = clock('2026-03-12T10:00:00Z');

  beforeEach(async () => {
    c.set('2026-03-12T10:00:00Z');
    store = await openStore({ sqlite: ':memory:' });
    service = makeService({ now: c.now, store });
  });
  afterEach(async () => {
    await service.close();
    await store.close();
  });

  describe('authentication', () => {
    it('refuses requests without the API key, or with a wrong one', async () => {
      expectError(await call(service, 'GET', '/companies', undefined, { auth: false }), 401, 'unauthorized');
      expectError(await call(service, 'GET', '/companies', undefined, { auth: `Basic ${btoa('wrong-key-123')}` }), 401, 'unauthorized');
      expectError(await call(service, 'GET', '/companies', undefined, { auth: `Bearer ${API_KEY}` }), 401, 'unauthorized');
    });

    it('accepts Basic base64(apiKey) and base64(apiKey:)', async () => {
      expect((await call(service, 'GET', '/companies')).status).toBe(200);
      expect((await call(service, 'GET', '/companies', undefined, { auth: `Basic ${btoa(`${API_KEY}:`)}` })).status).toBe(200);
    });

    it('answers unknown paths with the error envelope', async () => {
      expectError(await call(service, 'GET', '/nope'), 404, 'not_found');
    });
  });

  describe('companies', () => {
    it('creates, lists with tag filter and paging, gets and deletes companies', async () => {
      const a = await call(service, 'POST', '/companies', { name: 'Alpha', tags: { merchantId: 'a-1' } });
      expect(a.status).toBe(200);
      const company = CompanySchema.parse(a.body);
      expect(company.dataConnections).toMatchObject([{ sourceType: 'Commerce', status: 'Linked' }]);
      await call(service, 'POST', '/companies', { name: 'Beta', tags: { merchantId: 'b-1' } });
      await call(service, 'POST', '/companies', { name: 'Gamma' });

      const all = CompaniesSchema.parse((await call(service, 'GET', '/companies?page=1&pageSize=2')).body);
      expect(all.totalResults).toBe(3);
      expect(all.results).toHaveLength(2);
      expect(all._links.next).toBeDefined();
      const tagged = CompaniesSchema.parse((await call(service, 'GET', `/companies?query=${encodeURIComponent('tags.merchantId=b-1')}`)).body);
      expect(tagged.results.map((x) => x.name)).toEqual(['Beta']);

      expect((await call(service, 'GET', `/companies/${company.id}`)).body.name).toBe('Alpha');
      expect((await call(service, 'DELETE', `/companies/${company.id}`)).status).toBe(204);
      expectError(await call(service, 'GET', `/companies/${company.id}`), 404, 'not_found');
      expectError(await call(service, 'DELETE', `/companies/${company.id}`), 404, 'not_found');
    });

    it('rejects bad company bodies with per-field messages', async () => {
      const noName = expectError(await call(service, 'POST', '/companies', { tags: {} }), 400, 'validation_failed');
      expect(noName.validation?.errors.map((e) => e.itemId)).toEqual(['name']);
      const tags = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`t${i}`, 'v']));
      const tooMany = expectError(await call(service, 'POST', '/companies', { name: 'X', tags }), 400, 'validation_failed');
      expect(tooMany.validation?.errors[0]?.itemId).toBe('tags');
      expectError(await call(service, 'POST', '/companies', undefined, { raw: '{"name": ' }), 400, 'invalid_json');
      expectError(await call(service, 'GET', '/companies?query=name=x'), 400, 'malformed_query');
      expectError(await call(service, 'GET', '/companies?pageSize=0'), 400, 'validation_failed');
    });
  });

  describe('connections and authorization', () => {
    it('links the sandbox through its consent page, stores tokens encrypted, and unlinks', async () => {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      const { connectionId, ledgerId } = await linkSandbox(service, companyId, 'uk');
      const connection = ConnectionSchema.parse((await call(service, 'GET', `/companies/${companyId}/connections/${connectionId}`)).body);
      expect(connection).toMatchObject({ status: 'Linked', integrationKey: 'sandbox', sourceType: 'Accounting' });

      const [row] = await store.db.query('SELECT tokens FROM connections WHERE id = $1', [connectionId]);
      const sealed = String(row?.tokens);
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain(ledgerId);
      expect(sealed).not.toContain('accessToken');

      const list = await call(service, 'GET', `/companies/${companyId}/connections`);
      expect(list.body.totalResults).toBe(2);

      const unlinked = await call(service, 'PATCH', `/companies/${companyId}/connections/${connectionId}`, { status: 'Unlinked' });
      expect(unlinked.body.status).toBe('Unlinked');
      const [after] = await store.db.query('SELECT tokens FROM connections WHERE id = $1', [connectionId]);
      expect(after?.tokens).toBeNull();
      const config = await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`);
      expect(config.body.configuration.sales.accounts.sales.accountOptions).toEqual([]);

      expectError(await call(service, 'PATCH', `/companies/${companyId}/connections/${connectionId}`, { status: 'Linked' }), 400, 'validation_failed');
      expectError(await call(service, 'PATCH', `/companies/${companyId}/connections/${connectionId}`, { other: 1 }), 400, 'validation_failed');
      expect((await call(service, 'DELETE', `/companies/${companyId}/connections/${connectionId}`)).status).toBe(204);
      expectError(await call(service, 'GET', `/companies/${companyId}/connections/${connectionId}`), 404, 'not_found');
    });

    it('explains bad authorization input', async () => {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      expectError(await call(service, 'POST', `/companies/${companyId}/connections`, { platformKey: 'nope' }), 404, 'not_found');
      expectError(await call(service, 'POST', `/companies/${companyId}/connections`, {}), 400, 'validation_failed');
      const connectionId = (await call(service, 'POST', `/companies/${companyId}/connections`, { platformKey: 'sandbox' })).body.id as string;
      const badStart = expectError(await call(service, 'POST', `/companies/${companyId}/connections/${connectionId}/authorization/start`, { state: 'abcdefgh', redirectUri: 'not a url' }), 400, 'validation_failed');
      expect(badStart.validation?.errors[0]?.itemId).toBe('redirectUri');
      const noCode = expectError(await call(service, 'PUT', `/companies/${companyId}/connections/${connectionId}/authorization`, { redirectUri: 'http://partner.test/cb' }), 400, 'validation_failed');
      expect(noCode.validation?.errors.map((e) => e.itemId)).toEqual(['code']);
      expectError(await call(service, 'PUT', `/companies/${companyId}/connections/${connectionId}/authorization`, { code: 'forged', redirectUri: 'http://partner.test/cb' }), 400, 'authorization_failed');
      expectError(await call(service, 'GET', '/companies/00000000-0000-0000-0000-000000000000/connections'), 404, 'not_found');
    });
  });

  describe('configuration', () => {
    it('fills options from the live ledger and saves valid selections, accepting enable and syncHourUtc', async () => {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      await linkSandbox(service, companyId, 'uk');
      await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [buildOrder()] });
      const before = ConfigurationSchema.parse((await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`)).body);
      expect(before.configured).toBe(false);
      const salesOptions = before.configuration?.sales?.accounts?.sales?.accountOptions ?? [];
      expect(salesOptions.map((o) => o.id)).toContain(SANDBOX_ACCOUNTS.sales.id);
      expect(Object.keys(before.configuration?.sales?.taxRates ?? {})).toEqual(['20']);
      expect(before.configuration?.sales?.taxRates?.['20']?.taxRateOptions?.map((o) => o.id)).toContain('tax-uk-standard');

      const config = buildConfiguration({ timeZone: 'Europe/London' });
      const { enabled: _enabled, ...rest } = config;
      const body = { ...rest, enable: true, schedule: { ...config.schedule, syncHour: undefined, syncHourUtc: 4 } };
      const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, body);
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(saved.body).toMatchObject({ enabled: true, configured: true, schedule: { syncHour: 4 } });
      expect(saved.body).not.toHaveProperty('enable');
      expect(saved.body.schedule).not.toHaveProperty('syncHourUtc');
      const after = await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`);
      expect(after.body.configuration.sales.accounts.sales.selectedAccountId).toBe(SANDBOX_ACCOUNTS.sales.id);
      expect(after.body.configuration.sales.accounts.sales.accountOptions.length).toBeGreaterThan(3);
    });

    it('refuses invalid selections with merchant-facing messages per field', async () => {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      await linkSandbox(service, companyId, 'uk');
      const config = buildConfiguration({ paymentAccounts: { payout: SANDBOX_ACCOUNTS.cardClearing.id }, salesAccounts: { sales: 'acc-does-not-exist' } });
      const reply = expectError(await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config), 400, 'validation_failed');
      const byItem = Object.fromEntries((reply.validation?.errors ?? []).map((e) => [e.itemId, e]));
      expect(byItem['configuration.payments.accounts.payout.selectedAccountId']?.validatorName).toBe('card_equals_payout');
      expect(byItem['configuration.sales.accounts.sales.selectedAccountId']?.validatorName).toBe('selection_not_an_option');
      expect(byItem['configuration.sales.accounts.sales.selectedAccountId']?.message).toMatch(/Choose another account/);

      const shape = expectError(await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, { schedule: { syncHour: 25 } }), 400, 'validation_failed');
      expect(shape.validation?.errors[0]?.itemId).toBe('schedule.syncHour');
      expectError(await call(service, 'GET', '/config/companies/unknown/sync/commerce'), 404, 'not_found');
    });

    it('needs the accounting platform linked before configuring', async () => {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      const reply = expectError(await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, buildConfiguration()), 400, 'validation_failed');
      expect(reply.validation?.errors.map((e) => e.validatorName)).toContain('connections_not_linked');
    });
  });

  describe('integrations, sync flow and UI settings', () => {
    it('lists integrations and branding', async () => {
      const list = IntegrationsSchema.parse((await call(service, 'GET', '/config/integrations')).body);
      expect(list.results.map((i) => i.key)).toEqual(['sandbox']);
      const branding = await call(service, 'GET', '/config/integrations/sandbox/branding');
      expect(branding.body.logo.full.image.src).toMatch(/^http/);
      expectError(await call(service, 'GET', '/config/integrations/nope/branding'), 404, 'not_found');
    });

    it('issues a single-use sync-flow code that expires after 30 seconds', async () => {
      const url = await call(service, 'GET', '/config/sync/commerce/commerce/sandbox/start?merchantIdentifier=m-77');
      expect(url.status).toBe(200);
      const code = new URL(url.body.url as string).searchParams.get('code') ?? '';
      const redeemed = await call(service, 'POST', '/sync-flow/redeem', { code }, { auth: false });
      expect(redeemed.status).toBe(200);
      expect(redeemed.body).toMatchObject({ commerceKey: 'commerce', accountingKey: 'sandbox', merchantIdentifier: 'm-77' });
      const company = await call(service, 'GET', `/companies/${redeemed.body.companyId}`);
      expect(company.body.tags).toEqual({ merchantIdentifier: 'm-77', merchantId: 'm-77' });
      expectError(await call(service, 'POST', '/sync-flow/redeem', { code }, { auth: false }), 410, 'code_invalid');

      const again = await call(service, 'GET', '/config/sync/commerce/commerce/sandbox/start?merchantIdentifier=m-77');
      const code2 = new URL(again.body.url as string).searchParams.get('code') ?? '';
      c.set('2026-03-12T10:00:31Z');
      expectError(await call(service, 'POST', '/sync-flow/redeem', { code: code2 }, { auth: false }), 410, 'code_invalid');
      expect((await call(service, 'GET', '/companies')).body.totalResults).toBe(1);
      expectError(await call(service, 'GET', '/config/sync/commerce/shopify/sandbox/start'), 404, 'not_found');
      expectError(await call(service, 'POST', '/sync-flow/redeem', {}, { auth: false }), 400, 'validation_failed');
    });

    it('serves UI text per locale with validated overrides', async () => {
      const en = LocalizationInfoSchema.parse((await call(service, 'GET', '/sync/commerce/config/ui/text?locale=en-us')).body);
      const fr = LocalizationInfoSchema.parse((await call(service, 'GET', '/sync/commerce/config/ui/text?locale=fr-fr')).body);
      expect(Object.keys(fr)).toEqual(Object.keys(en));
      expect(fr['payments.title']?.text).toBe('Paiements');
      expectError(await call(service, 'GET', '/sync/commerce/config/ui/text?locale=de-de'), 400, 'validation_failed');
      const patched = await call(service, 'PATCH', '/sync/commerce/config/ui/text?locale=en-us', { 'payments.title': { text: 'Tenders', required: true } });
      expect(patched.body['payments.title'].text).toBe('Tenders');
      expect((await call(service, 'GET', '/sync/commerce/config/ui/text?locale=en-us')).body['payments.title'].text).toBe('Tenders');
      expectError(await call(service, 'PATCH', '/sync/commerce/config/ui/text?locale=en-us', { 'no.such.key': { text: 'x', required: false } }), 400, 'validation_failed');
      expectError(await call(service, 'PATCH', '/sync/commerce/config/ui/text?locale=en-us', { 'payments.title': { text: null, required: true } }), 400, 'validation_failed');
    });

    it('stores visible accounts per platform', async () => {
      expect((await call(service, 'GET', '/clients/any/config/ui/accounts/platform/sandbox')).body).toEqual({ visibleAccounts: null });
      const set = await call(service, 'POST', '/sync/commerce/config/ui/accounts/platform/sandbox', { visibleAccounts: ['card', 'cash'] });
      expect(set.body).toEqual({ visibleAccounts: ['card', 'cash'] });
      expect((await call(service, 'GET', '/clients/any/config/ui/accounts/platform/sandbox')).body).toEqual({ visibleAccounts: ['card', 'cash'] });
      expectError(await call(service, 'POST', '/sync/commerce/config/ui/accounts/platform/sandbox', { visibleAccounts: 'card' }), 400, 'validation_failed');
      expectError(await call(service, 'GET', '/clients/any/config/ui/accounts/platform/nope'), 404, 'not_found');
    });
  });

  describe('push', () => {
    let companyId: string;
    beforeEach(async () => {
      companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
    });

    it('accepts every data type on the 2023 and partner paths and reports dataset status', async () => {
      const orders = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [buildOrder({ id: 'o1' })] });
      expect(orders.status).toBe(200);
      expect(orders.body.data.orders).toHaveLength(1);
      const status = DatasetStatusSchema.parse((await call(service, 'GET', `/meta/companies/${companyId}/pull/history/${orders.body.datasetId}`)).body);
      expect(status).toMatchObject({ dataType: 'orders', status: 'Complete', recordCount: 1, accepted: 1 });
      expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment()])).status).toBe(200);
      expect((await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-transactions`, { transactions: [] })).status).toBe(200);
      for (const [path, record] of [
        ['commerce-locations', { id: 'loc-1', name: 'Shop' }],
        ['commerce-taxComponents', { id: 'tc-1', name: 'VAT', rate: 0.2 }],
        ['commerce-products', { id: 'p-1', name: 'Mug' }],
        ['commerce-paymentMethods', { id: 'pm-1', name: 'Visa' }],
        ['commerce-productCategories', { id: 'cat-1', name: 'Drinks' }],
      ] as const) {
        const reply = await call(service, 'PUT', `/companies/${companyId}/data/${path}`, [record]);
        expect(reply.status, path).toBe(200);
        expect(reply.headers.get('x-dataset-id')).toBeTruthy();
      }
      expectError(await call(service, 'GET', `/meta/companies/${companyId}/pull/history/nope`), 404, 'not_found');
    });

    it('ignores the same sourceModifiedDate, replaces on a newer one, deletes on {id}', async () => {
      const order = buildOrder({ id: 'o1' });
      await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [order]);
      const same = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [{ ...order, totalAmount: 99 }] });
      expect((await call(service, 'GET', `/meta/companies/${companyId}/pull/history/${same.body.datasetId}`)).body).toMatchObject({ accepted: 0, ignored: 1 });
      const newer = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [{ ...order, sourceModifiedDate: '2026-03-11T00:00:00Z' }] });
      expect((await call(service, 'GET', `/meta/companies/${companyId}/pull/history/${newer.body.datasetId}`)).body).toMatchObject({ accepted: 1, ignored: 0 });
      const deleted = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [{ id: 'o1' }, { id: 'never-pushed' }] });
      expect((await call(service, 'GET', `/meta/companies/${companyId}/pull/history/${deleted.body.datasetId}`)).body).toMatchObject({ deleted: 1, ignored: 1 });
      expect(await store.countRecords(companyId, 'orders')).toBe(0);
    });

    it('refuses more than 5,000 records, invalid records (storing nothing), unknown types and companies', async () => {
      const tooMany = expectError(await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, Array.from({ length: 5001 }, (_, i) => ({ id: `o${i}` }))), 413, 'too_many_records');
      expect(tooMany.error).toMatch(/at most 5000 records/);
      const bad = expectError(
        await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [buildOrder({ id: 'good' }), { ...buildOrder(), createdDate: 'yesterday' }] }),
        400,
        'validation_failed',
      );
      expect(bad.validation?.errors[0]?.itemId).toBe('orders.1.createdDate');
      expect(await store.countRecords(companyId, 'orders')).toBe(0);
      expectError(await call(service, 'POST', `/companies/${companyId}/data/commerce-widgets`, []), 404, 'not_found');
      expectError(await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: 'x' }), 400, 'validation_failed');
      expectError(await call(service, 'POST', '/companies/unknown/data/commerce-orders', [buildOrder()]), 404, 'not_found');
    });

    it('answers 409 while another push of the same data type is in progress', async () => {
      expect(await store.tryPushLock(companyId, 'orders', 'other-instance', c.now(), 60_000)).toBe(true);
      expectError(await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder()]), 409, 'push_in_progress');
      expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment()])).status).toBe(200);
      await store.releasePushLock(companyId, 'orders', 'other-instance');
      expect((await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder()])).status).toBe(200);
    });
  });

  describe('syncs and status', () => {
    it('reports status endpoints, with 404 before the first sync', async () => {
      const { companyId } = await configuredCompany(service);
      expectError(await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/latest/status`), 404, 'not_found');
      expectError(await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/lastSuccessful/status`), 404, 'not_found');
      await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder()]);
      await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment()]);
      const summary = SyncSummarySchema.parse((await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`)).body);
      expect(summary.syncStatusCode).toBe(2000);
      expect(summary.syncDateRangeUtc).toEqual({ start: '2026-03-01T00:00:00.000Z', finish: '2026-03-12T00:00:00.000Z' });
      const latest = CompanySyncStatusSchema.parse((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/latest/status`)).body);
      expect(latest).toMatchObject({ syncId: summary.commerceSyncId, dataPushed: true, period: { start: '2026-03-01', finish: '2026-03-12' } });
      expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/lastSuccessful/status`)).body.syncId).toBe(summary.commerceSyncId);
      expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/${summary.commerceSyncId}/status`)).body.syncStatusCode).toBe(2000);
      const meta = SyncStatusSchema.parse((await call(service, 'GET', `/meta/companies/${companyId}/sync/commerce/status`)).body);
      expect(meta.dataConnections).toHaveLength(2);
      expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body).toHaveLength(1);
      expectError(await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/nope/status`), 404, 'not_found');
    });

    it('validates sync requests and protects synced days from duplication', async () => {
      const { companyId } = await configuredCompany(service);
      expectError(await call(service, 'POST', `/meta/companies/${companyId}/sync/commerce/historic`, { dateRange: { start: '2026-03-05' } }), 400, 'validation_failed');
      expectError(await call(service, 'POST', `/meta/companies/${companyId}/sync/commerce/historic`, { dateRange: { start: '2026-03-05', finish: '2026-03-01' } }), 400, 'validation_failed');
      expectError(await call(service, 'POST', `/meta/companies/${companyId}/sync/commerce/historic`, { dateRange: { start: '2026-03-05', finish: '2026-03-12' } }), 400, 'validation_failed');
      const historic = await call(service, 'POST', `/meta/companies/${companyId}/sync/commerce/historic`, { dateRange: { start: '2026-02-01T00:00:00Z', finish: '2026-02-03T00:00:00Z' } });
      expect(historic.body.syncStatusCode).toBe(2040);
      await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      const overlap = await call(service, 'POST', `/meta/companies/${companyId}/sync/commerce/historic`, { dateRange: { start: '2026-03-05', finish: '2026-03-06' } });
      expect(overlap.body).toMatchObject({ syncStatusCode: 5080, syncStatus: 'DuplicationProtection' });
      expect(overlap.body.errorMessage).toMatch(/already synced/);
      expectError(await call(service, 'POST', '/companies/unknown/sync/commerce/latest', {}), 404, 'not_found');
    });

    it('fails an unconfigured company with a configuration error', async () => {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
      const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(run.body).toMatchObject({ syncStatusCode: 4000, syncStatus: 'ConfigurationError' });
    });

    it('fails with a merchant message and a separate support message when a mapped account is archived', async () => {
      const { companyId, ledgerId } = await configuredCompany(service);
      service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
      await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment()]);
      const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(run.body.syncStatusCode).toBe(4000);
      expect(run.body.errorMessage).toBe(`The account "Card clearing" mapped to ${'Card payments'} is archived in Sandbox ledger. Restore it in Sandbox ledger or choose another account, then sync again.`);
      expect(run.body.syncExceptionMessage).toMatch(/acc-091/);
      const status = await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/latest/status`);
      expect(status.body).toMatchObject({ errorCode: 'account_archived', wizardStep: 'payments' });
    });

    it('marks the connection de-authorised when the ledger revoked access', async () => {
      const { companyId, connectionId, ledgerId } = await configuredCompany(service);
      service.sandbox?.admin.revokeAuthorizations(ledgerId);
      const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(run.body.syncStatusCode).toBe(4220);
      const connection = await call(service, 'GET', `/companies/${companyId}/connections/${connectionId}`);
      expect(connection.body.status).toBe('Deauthorized');
      expect(connection.body.dataConnectionErrors[0]).toMatchObject({ status: 'Active', statusCode: '4220' });
    });

    it('records failed writes as push items and retries only those, idempotently', async () => {
      const { companyId, ledgerId } = await configuredCompany(service);
      await call(service, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ createdDate: '2026-03-10T12:00:00Z' }), buildOrder({ createdDate: '2026-03-02T12:00:00Z', sourceModifiedDate: '2026-03-02T12:00:00Z' })]);
      await call(service, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment({ createdDate: '2026-03-10T12:00:00Z' }), buildPayment({ createdDate: '2026-03-02T12:00:00Z' })]);
      service.sandbox?.admin.setLockDate(ledgerId, '2026-03-05');
      const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(run.body.syncStatusCode).toBe(5130);
      expect(run.body.errorMessage).toMatch(/locked/);
      const items = (await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/${run.body.commerceSyncId}/items`)).body.results as { status: string; date: string; errorCode: string | null }[];
      expect(items.map((i) => [i.date, i.status])).toEqual([['2026-03-02', 'Failed'], ['2026-03-10', 'Written']]);
      expect(items[0]?.errorCode).toBe('period_locked');
      expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(1);

      service.sandbox?.admin.setLockDate(ledgerId, null);
      const retried = await call(service, 'POST', `/companies/${companyId}/sync/commerce/syncs/${run.body.commerceSyncId}/retry`);
      expect(retried.body).toMatchObject({ syncStatusCode: 2000, syncId: run.body.commerceSyncId });
      expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(2);
      const again = await call(service, 'POST', `/companies/${companyId}/sync/commerce/syncs/${run.body.commerceSyncId}/retry`);
      expect(again.body.syncStatusCode).toBe(2000);
      expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(2);
      expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/lastSuccessful/status`)).body.syncId).toBe(run.body.commerceSyncId);
      const next = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(next.body.syncStatusCode).toBe(2040);
    });
  });
});
