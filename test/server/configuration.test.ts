/*
 * Saving the configuration: pausing a sync whose selections went stale, keeping the stored
 * on/off choice when a save leaves it out, and the linked ledger's company details.
 */
import { ConfigurationSchema } from '../../src/contract/configuration.js';
import { ConnectionSchema } from '../../src/contract/sync-api.js';
import { buildConfiguration, SANDBOX_ACCOUNTS } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';

describe('sync service configuration saves', () => {
  const c = clock('2026-03-12T10:00:00Z');
  let service: ReturnType<typeof makeService>;

  beforeEach(() => {
    c.set('2026-03-12T10:00:00Z');
    service = makeService({ now: c.now });
  });
  afterEach(() => service.close());

  async function configuredCompany() {
    const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
    const { connectionId, ledgerId } = await linkSandbox(service, companyId, 'uk');
    const config = buildConfiguration({ timeZone: 'Europe/London' });
    config.schedule = { ...config.schedule, startDate: '2026-03-01' };
    const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.enabled).toBe(true);
    return { companyId, connectionId, ledgerId, config };
  }

  const path = (companyId: string) => `/config/companies/${companyId}/sync/commerce`;

  it('pauses a sync whose mapped account was archived, while switching it on stays blocked', async () => {
    const { companyId, ledgerId, config } = await configuredCompany();
    service.sandbox?.admin.archiveAccount(ledgerId, SANDBOX_ACCOUNTS.cardClearing.id);
    const resave = await call(service, 'POST', path(companyId), config);
    expect(resave.status).toBe(400);
    expect(resave.body.validation.errors.map((e: { itemId: string }) => e.itemId)).toContain('configuration.payments.accounts.card.selectedAccountId');

    const paused = await call(service, 'POST', path(companyId), { enabled: false });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(ConfigurationSchema.parse(paused.body)).toMatchObject({ enabled: false, configured: true });
    // The stored selections are untouched by a flag-only pause.
    const after = (await call(service, 'GET', path(companyId))).body;
    expect(after.enabled).toBe(false);
    expect(after.configuration.payments.accounts.card.selectedAccountId).toBe(SANDBOX_ACCOUNTS.cardClearing.id);
    expect(after.schedule.timeZone).toBe('Europe/London');

    // The current contract's `enable` pauses too, with the whole (stale) configuration in the body.
    const { enabled: _enabled, ...rest } = config;
    const pausedAgain = await call(service, 'POST', path(companyId), { ...rest, enable: false });
    expect(pausedAgain.status, JSON.stringify(pausedAgain.body)).toBe(200);
    expect(pausedAgain.body.enabled).toBe(false);

    const resumed = await call(service, 'POST', path(companyId), { enabled: true });
    expect(resumed.status).toBe(400);
    expect((await call(service, 'GET', path(companyId))).body.enabled).toBe(false);
  });

  it('keeps the stored on/off choice when a save leaves it out', async () => {
    const { companyId, config } = await configuredCompany();
    const { enabled: _enabled, ...rest } = config;
    const saved = await call(service, 'POST', path(companyId), { ...rest, schedule: { ...rest.schedule, syncHour: 6 } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ enabled: true, schedule: { syncHour: 6 } });
    expect((await call(service, 'GET', path(companyId))).body.enabled).toBe(true);

    expect((await call(service, 'POST', path(companyId), { enabled: false })).status).toBe(200);
    const stillPaused = await call(service, 'POST', path(companyId), rest);
    expect(stillPaused.status).toBe(200);
    expect(stillPaused.body.enabled).toBe(false);
  });

  it('records the linked ledger company on the connection and in the configuration', async () => {
    const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
    const { connectionId, ledgerId } = await linkSandbox(service, companyId, 'uk');
    const ledger = service.sandbox?.admin.listLedgers().find((l) => l.id === ledgerId);
    expect(ledger).toBeDefined();
    const connection = ConnectionSchema.parse((await call(service, 'GET', `/companies/${companyId}/connections/${connectionId}`)).body);
    expect(connection.connectionInfo).toEqual({ companyName: ledger?.name, baseCurrency: 'GBP', tenantId: ledgerId });
    const config = (await call(service, 'GET', path(companyId))).body;
    expect(config.accountingSoftwareCompanyName).toBe(ledger?.name);
    // Unlinking keeps what was linked (for support), re-linking refreshes it.
    await call(service, 'PATCH', `/companies/${companyId}/connections/${connectionId}`, { status: 'Unlinked' });
    expect((await call(service, 'GET', `/companies/${companyId}/connections/${connectionId}`)).body.connectionInfo).toEqual(connection.connectionInfo);
  });
});

describe('tax rate option names (issue 16)', () => {
  it('shows each rate once, whether or not the ledger\'s name already carries it; payment types named properly', async () => {
    const service = makeService({ now: () => new Date('2026-03-12T10:00:00Z') });
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Roaster' })).body.id as string;
      await linkSandbox(service, companyId, 'ca');
      const view = await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`);
      expect(view.status).toBe(200);
      const names = (view.body.configuration.sales.newTaxRates.accountingTaxRateOptions as { id: string; name: string }[]).map((o) => o.name);
      // The Canadian sandbox ledger names its rates with the rate ("GST (5%)").
      expect(names).toContain('GST (5%)');
      expect(names).toContain('PST BC (7%)');
      expect(names.filter((n) => /%.*%/.test(n))).toEqual([]);
      // Payment rows name their type as a sentence needs it, proper names capitalised.
      const payments = view.body.configuration.payments.accounts as Record<string, { descriptionText: string }>;
      expect(payments['swish']!.descriptionText).toBe('Clearing or bank account that receives Swish payments.');
      expect(payments['paypal']!.descriptionText).toBe('Clearing or bank account that receives PayPal payments.');
      expect(payments['storeCredit']!.descriptionText).toBe('Clearing or bank account that receives store credit payments.');
    } finally {
      await service.close();
    }
  });

  it('appends the rate only to a name that does not show it', async () => {
    const { nameWithRate } = await import('../../src/server/configuration.js');
    expect(nameWithRate('Standard', 20)).toBe('Standard (20%)');
    expect(nameWithRate('20% (VAT on Income)', 20)).toBe('20% (VAT on Income)');
    expect(nameWithRate('NY State + NYC (8.875%)', 8.875)).toBe('NY State + NYC (8.875%)');
    // A different number with a percent sign is not this rate.
    expect(nameWithRate('Reduced 5% goods', 20)).toBe('Reduced 5% goods (20%)');
    expect(nameWithRate('GST 5 %', 5)).toBe('GST 5 %');
  });
});
