import { describe, expect, it } from 'vitest';
import {
  BFF_ROUTES,
  BFF_SCHEMAS,
  BffErrorSchema,
  RunSyncRequestSchema,
  StartAuthorizationRequestSchema,
  configurationSelections,
} from '../../src/contract/bff.js';
import { ConfigurationSchema } from '../../src/contract/configuration.js';

describe('BFF contract', () => {
  it('has schemas for every route and unique method + path pairs', () => {
    expect(Object.keys(BFF_SCHEMAS).sort()).toEqual(Object.keys(BFF_ROUTES).sort());
    const pairs = Object.values(BFF_ROUTES).map((r) => `${r.method} ${r.path}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('configurationSelections drops option lists, keeps selections (including selectedGroupByOptions)', () => {
    const full = ConfigurationSchema.parse({
      enabled: true,
      schedule: { selectedFrequency: 'Daily', frequencyOptions: ['Daily'], timeZone: 'Europe/Paris' },
      configuration: {
        sales: {
          accounts: { sales: { selectedAccountId: 'a1', accountOptions: [{ id: 'a1', name: 'Sales' }], labelText: 'Sales' } },
          salesCustomer: { selectedCustomerId: 'c1', customerOptions: [{ id: 'c1' }] },
          grouping: { groupingLevels: { invoiceLevel: { selectedGroupByOptions: ['Location'], groupByOptions: ['Location', 'Country'] } } },
        },
      },
    });
    const body = configurationSelections(full);
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/"(accountOptions|customerOptions|frequencyOptions|groupByOptions)"/);
    expect(body.configuration?.sales?.grouping?.groupingLevels?.invoiceLevel?.selectedGroupByOptions).toEqual(['Location']);
    expect(body.configuration?.sales?.accounts?.sales).toMatchObject({ selectedAccountId: 'a1', labelText: 'Sales' });
    expect(body.schedule).toMatchObject({ selectedFrequency: 'Daily', timeZone: 'Europe/Paris' });
    expect(ConfigurationSchema.safeParse(body).success).toBe(true);
    expect(full.schedule?.frequencyOptions).toEqual(['Daily']);
  });

  it('refuses authorization requests with unknown fields or modes', () => {
    expect(StartAuthorizationRequestSchema.safeParse({ platformKey: 'sandbox', mode: 'tab' }).success).toBe(false);
    expect(StartAuthorizationRequestSchema.safeParse({ platformKey: 'sandbox', mode: 'popup', companyId: 'c' }).success).toBe(false);
  });

  it('historic runs take inclusive local days', () => {
    expect(RunSyncRequestSchema.safeParse({ kind: 'historic', dateRange: { start: '2026-03-01', finish: '2026-03-01' } }).success).toBe(true);
    expect(RunSyncRequestSchema.safeParse({ kind: 'historic', dateRange: { start: '2026-03-01', finish: '1 March' } }).success).toBe(false);
  });

  it('an error envelope needs a known code', () => {
    const base = { statusCode: 401, error: 'x', correlationId: 'r' };
    expect(BffErrorSchema.safeParse({ ...base, code: 'session_expired' }).success).toBe(true);
    expect(BffErrorSchema.safeParse({ ...base, code: 'teapot' }).success).toBe(false);
  });
});
