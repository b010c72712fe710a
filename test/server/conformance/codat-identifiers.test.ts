/*
 * Issue 14, "Codat's identifiers": Codat's four-letter platform keys (platform-keys.md) and
 * commerce key `lqai` are aliases of ours; Codat's UI-text keys are accepted; visible
 * accounts `{}` and `null` reset to all rows.
 */
import { createQuickBooksConnector } from '../../../src/platforms/quickbooks/index.js';
import { createXeroConnector } from '../../../src/platforms/xero/index.js';
import { call, makeService } from '../helpers.js';

const CLIENT = { clientId: 'client-id-0001', clientSecret: 'client-secret-0001' };

describe("Codat's identifiers", () => {
  let service: ReturnType<typeof makeService>;
  beforeEach(() => {
    service = makeService({
      platforms: [createXeroConnector(CLIENT), createQuickBooksConnector({ ...CLIENT, environment: 'sandbox' })],
    });
  });
  afterEach(() => service.close());

  const company = async () => (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;

  it.each([
    ['gbol', 'xero', 'Xero'],
    ['qhyg', 'quickbooks-online', 'QuickBooks Online'],
  ])('creates a connection for Codat key %s as our %s', async (codatKey, ours, name) => {
    const companyId = await company();
    const created = await call(service, 'POST', `/companies/${companyId}/connections`, { platformKey: codatKey });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ integrationKey: ours, platformName: name, status: 'PendingAuth', sourceType: 'Accounting' });
    const branding = await call(service, 'GET', `/config/integrations/${codatKey}/branding`);
    expect(branding.status).toBe(200);
    expect(branding.body.sourceId).toBe((await call(service, 'GET', `/config/integrations/${ours}/branding`)).body.sourceId);
  });

  it('treats lqai as the commerce connection every company already has', async () => {
    const companyId = await company();
    const existing = (await call(service, 'GET', `/companies/${companyId}/connections`)).body.results.find((c: { sourceType: string }) => c.sourceType === 'Commerce');
    const created = await call(service, 'POST', `/companies/${companyId}/connections`, { platformKey: 'lqai' });
    expect(created.status).toBe(200);
    expect(created.body.id).toBe(existing.id);
  });

  it('starts the sync flow for /config/sync/commerce/lqai/gbol/start and resolves the keys to ours', async () => {
    const start = await call(service, 'GET', '/config/sync/commerce/lqai/gbol/start?merchantIdentifier=m-42');
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const code = new URL(start.body.url as string).searchParams.get('code');
    const session = await call(service, 'POST', '/sync-flow/redeem', { code }, { auth: false });
    expect(session.body).toMatchObject({ commerceKey: 'commerce', accountingKey: 'xero', merchantIdentifier: 'm-42' });
  });

  it('names a Codat platform this service does not offer', async () => {
    const companyId = await company();
    const refused = await call(service, 'POST', `/companies/${companyId}/connections`, { platformKey: 'fbrh' });
    expect(refused.status).toBe(404);
    expect(refused.body.error).toContain('FreeAgent (Codat key "fbrh")');
    expect((await call(service, 'GET', '/config/sync/commerce/fztf/gbol/start')).status).toBe(404);
  });

  it('keeps visible accounts per platform whichever key names it, and resets them with {} or null', async () => {
    const set = await call(service, 'POST', '/sync/commerce/config/ui/accounts/platform/gbol', { visibleAccounts: ['card', 'cash'] });
    expect(set.body).toEqual({ visibleAccounts: ['card', 'cash'] });
    expect((await call(service, 'GET', '/clients/any/config/ui/accounts/platform/xero')).body).toEqual({ visibleAccounts: ['card', 'cash'] });
    for (const reset of [{}, { visibleAccounts: null }]) {
      expect((await call(service, 'POST', '/sync/commerce/config/ui/accounts/platform/xero', { visibleAccounts: ['card'] })).status).toBe(200);
      const cleared = await call(service, 'POST', '/sync/commerce/config/ui/accounts/platform/gbol', reset);
      expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
      expect(cleared.body).toEqual({ visibleAccounts: null });
      expect((await call(service, 'GET', '/clients/any/config/ui/accounts/platform/gbol')).body).toEqual({ visibleAccounts: null });
    }
  });

  it("accepts Codat's UI-text keys beside ours and returns them", async () => {
    const patched = await call(service, 'PATCH', '/sync/commerce/config/ui/text?locale=en-us', {
      'configure-misc-nextButton': { text: 'Continue', required: false },
      'output.title': { text: 'How do we post your sales?', required: true },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const texts = (await call(service, 'GET', '/sync/commerce/config/ui/text?locale=en-us')).body;
    expect(texts['configure-misc-nextButton']).toEqual({ text: 'Continue', required: false });
    expect(texts['output.title'].text).toBe('How do we post your sales?');
    const refused = await call(service, 'PATCH', '/sync/commerce/config/ui/text?locale=en-us', { 'no such key': { text: 'x', required: false } });
    expect(refused.status).toBe(400);
  });
});
