/*
 * Issue 14 items 2 and 3: the invoice mode lives in the `outputMode` extension (Codat's
 * `outputFormat` enum is closed: `JournalEntry` only), and set-configuration without a body
 * (as the current contract defines it) saves the current selections.
 */
import { buildConfiguration } from '../../fixtures/index.js';
import { call, linkSandbox, makeService } from '../helpers.js';
import { SpecValidator } from './spec-validator.js';

const current = new SpecValidator('sync-commerce-current');
const getConfiguration = current.operations.find((o) => o.operationId === 'get-configuration')!;
const setConfiguration = current.operations.find((o) => o.operationId === 'set-configuration')!;

describe('configuration as a strict Codat client reads it', () => {
  let service: ReturnType<typeof makeService>;
  beforeEach(() => {
    service = makeService();
  });
  afterEach(() => service.close());

  async function linkedCompany(): Promise<string> {
    const companyId = (await call(service, 'POST', '/companies', { name: 'Cafe' })).body.id as string;
    await linkSandbox(service, companyId, 'uk');
    return companyId;
  }
  const path = (companyId: string) => `/config/companies/${companyId}/sync/commerce`;

  it.each([
    ['the outputMode extension', { outputFormat: 'JournalEntry', outputMode: 'Invoice' }],
    ['the older outputFormat "Invoice"', { outputFormat: 'Invoice' }],
  ])('stores invoice mode sent as %s and answers outputFormat JournalEntry with outputMode Invoice', async (_, mapSettings) => {
    const companyId = await linkedCompany();
    const config = buildConfiguration({ outputFormat: 'Invoice', timeZone: 'Europe/London' });
    config.configuration!.mapSettings = mapSettings as never;
    const saved = await call(service, 'POST', path(companyId), config);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(current.responseErrors(setConfiguration, 200, saved.body)).toEqual([]);
    const read = await call(service, 'GET', path(companyId));
    expect(current.responseErrors(getConfiguration, 200, read.body)).toEqual([]);
    expect(read.body.configuration.mapSettings).toEqual({ outputFormat: 'JournalEntry', outputMode: 'Invoice' });
  });

  it('keeps the stored invoice mode when a strict client re-posts the configuration without outputMode', async () => {
    const companyId = await linkedCompany();
    const config = buildConfiguration({ outputFormat: 'Invoice', timeZone: 'Europe/London' });
    expect((await call(service, 'POST', path(companyId), config)).status).toBe(200);
    const read = (await call(service, 'GET', path(companyId))).body;
    // What a client generated from the spec sends back: unknown fields dropped.
    read.configuration.mapSettings = { outputFormat: 'JournalEntry' };
    const again = await call(service, 'POST', path(companyId), read);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.configuration.mapSettings.outputMode).toBe('Invoice');
  });

  it('still refuses an explicit switch of the mode after the first configuration', async () => {
    const companyId = await linkedCompany();
    const config = buildConfiguration({ outputFormat: 'Invoice', timeZone: 'Europe/London' });
    expect((await call(service, 'POST', path(companyId), config)).status).toBe(200);
    config.configuration!.mapSettings = { outputFormat: 'JournalEntry', outputMode: 'JournalEntry' };
    const switched = await call(service, 'POST', path(companyId), config);
    expect(switched.status).toBe(400);
    expect(switched.body.validation.errors.map((e: { itemId: string }) => e.itemId)).toContain('configuration.mapSettings.outputFormat');
  });

  it('saves the current selections when set-configuration has no body (or {})', async () => {
    const companyId = await linkedCompany();
    const config = buildConfiguration({ timeZone: 'Europe/London' });
    config.schedule = { ...config.schedule, startDate: '2026-03-01', syncHour: 4 };
    expect((await call(service, 'POST', path(companyId), config)).status).toBe(200);
    const before = (await call(service, 'GET', path(companyId))).body;
    for (const raw of ['', '{}']) {
      const saved = await call(service, 'POST', path(companyId), undefined, { raw });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(current.responseErrors(setConfiguration, 200, saved.body)).toEqual([]);
      expect(saved.body).toEqual(before);
    }
  });

  it('answers a bodiless save of a company with nothing stored with what to choose, not "empty body"', async () => {
    const companyId = await linkedCompany();
    const saved = await call(service, 'POST', path(companyId), undefined, { raw: '' });
    expect(saved.status).toBe(400);
    expect(saved.body.error).not.toMatch(/body is empty/);
    expect(saved.body.validation.errors.map((e: { itemId: string }) => e.itemId)).toEqual(
      expect.arrayContaining(['configuration.mapSettings.outputFormat', 'schedule.timeZone']),
    );
  });
});
