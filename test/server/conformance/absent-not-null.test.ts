import { call, linkSandbox, makeService } from '../helpers.js';
import { SpecValidator } from './spec-validator.js';

/**
 * Issue 14, item 1: fields the Codat contract types without `null` are left out when they have
 * no value. Each response is checked with the strict spec validator, and the fields the issue
 * found as `null` are named, so a regression says which field broke.
 */

const current = new SpecValidator('sync-commerce-current');

function strictErrors(method: string, path: string, status: number, body: unknown): string[] {
  const op = current.operation(method, path);
  if (!op) throw new Error(`No operation for ${method} ${path}`);
  return current.responseErrors(op, status, body) ?? [`no JSON body documented for ${status}`];
}

describe('absent, not null (issue 14 item 1)', () => {
  it('leaves out description, lastSync and referenceParentCompany of a new company and lastSync of its connections', async () => {
    const service = makeService();
    try {
      const created = await call(service, 'POST', '/companies', { name: 'Bean There' });
      expect(created.status).toBe(200);
      expect(strictErrors('POST', '/companies', 200, created.body)).toEqual([]);
      for (const key of ['description', 'lastSync', 'referenceParentCompany']) expect(created.body).not.toHaveProperty(key);
      expect(created.body.dataConnections[0]).not.toHaveProperty('lastSync');

      const listed = await call(service, 'GET', '/companies');
      expect(strictErrors('GET', '/companies', 200, listed.body)).toEqual([]);
      const connections = await call(service, 'GET', `/companies/${created.body.id}/connections`);
      expect(strictErrors('GET', `/companies/${created.body.id}/connections`, 200, connections.body)).toEqual([]);
      expect(connections.body.results[0]).not.toHaveProperty('lastSync');
    } finally {
      await service.close();
    }
  });

  it('leaves out the configuration fields that have no value yet, before linking and after', async () => {
    const service = makeService();
    try {
      const company = (await call(service, 'POST', '/companies', { name: 'Bean There' })).body;
      const path = `/config/companies/${company.id}/sync/commerce`;
      const before = await call(service, 'GET', path);
      expect(before.status).toBe(200);
      expect(strictErrors('GET', path, 200, before.body)).toEqual([]);
      expect(before.body).not.toHaveProperty('accountingSoftwareCompanyName');
      expect(before.body.schedule).not.toHaveProperty('selectedFrequency');
      expect(before.body.schedule).not.toHaveProperty('startDate');
      expect(before.body.configuration).not.toHaveProperty('countryCode');
      expect(before.body.configuration.mapSettings).not.toHaveProperty('outputFormat');
      expect(before.body.configuration.sales.grouping.groupingLevels).not.toHaveProperty('invoiceLineLevel');

      await linkSandbox(service, company.id);
      const after = await call(service, 'GET', path);
      expect(strictErrors('GET', path, 200, after.body)).toEqual([]);
      expect(typeof after.body.accountingSoftwareCompanyName).toBe('string');
      const status = await call(service, 'GET', `/meta/companies/${company.id}/sync/commerce/status`);
      if (status.status === 200) expect(strictErrors('GET', `/meta/companies/${company.id}/sync/commerce/status`, 200, status.body)).toEqual([]);
    } finally {
      await service.close();
    }
  });

  it('still accepts a configuration body that carries null in those fields (an echo of an older response)', async () => {
    const service = makeService();
    try {
      const company = (await call(service, 'POST', '/companies', { name: 'Bean There' })).body;
      const path = `/config/companies/${company.id}/sync/commerce`;
      const saved = await call(service, 'POST', path, {
        accountingSoftwareCompanyName: null,
        enabled: false,
        schedule: { selectedFrequency: null, startDate: null, timeZone: 'Europe/London' },
        configuration: { countryCode: null, mapSettings: { outputFormat: null }, sales: { grouping: { groupingLevels: { invoiceLineLevel: null } } } },
      });
      // Pausing an unconfigured company is stored; what matters here is that null is not a 400 about types.
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      expect(strictErrors('POST', path, 200, saved.body)).toEqual([]);
    } finally {
      await service.close();
    }
  });
});
