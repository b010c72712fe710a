/*
 * The strict validator itself: it must reject what a strict generated client rejects, or the
 * conformance suite proves nothing.
 */
import { SpecValidator } from './spec-validator.js';

const current = new SpecValidator('sync-commerce-current');
const partner = new SpecValidator('sync-partner-commerce');
const company = {
  id: '0498e921-9b53-4396-a412-4f2f5983b0a2',
  name: 'Cafe',
  redirect: 'https://sync.example/companies/0498e921-9b53-4396-a412-4f2f5983b0a2/connections',
  created: '2026-03-01T00:00:00Z',
  products: ['commerce'],
  tags: {},
  referenceSubsidiaryCompanies: [],
  dataConnections: [],
};

describe('the strict spec validator', () => {
  it('accepts a company with absent optional fields', () => {
    expect(current.schemaErrors('Company', company)).toEqual([]);
  });

  it('rejects null in a field typed without null, also where nullable sits beside a $ref', () => {
    // lastSync and description are `{ $ref, nullable: true }`: OpenAPI 3.0 ignores that nullable.
    expect(current.schemaErrors('Company', { ...company, lastSync: null })).toEqual([expect.stringContaining('/lastSync must be string')]);
    expect(current.schemaErrors('Company', { ...company, description: null })).toEqual([expect.stringContaining('/description must be string')]);
    expect(partner.schemaErrors('Company', { ...company, createdByUserName: null }).join()).toContain('/createdByUserName must be string');
  });

  it('admits null where nullable sits beside a type', () => {
    expect(current.schemaErrors('Company', { ...company, createdByUserName: null })).toEqual([]);
  });

  it('closes enums and requires required fields', () => {
    const config = { configuration: { mapSettings: { outputFormat: 'Invoice' } } };
    expect(current.schemaErrors('Configuration', config).join()).toContain('/configuration/mapSettings/outputFormat must be equal to one of the allowed values');
    const { name: _name, ...nameless } = company;
    expect(current.schemaErrors('Company', nameless).join()).toContain("must have required property 'name'");
  });

  it('ignores fields the spec does not know (where our extensions live), even under additionalProperties: false', () => {
    expect(current.schemaErrors('Configuration', { configuration: { mapSettings: { outputFormat: 'JournalEntry', outputMode: 'Invoice' } } })).toEqual([]);
  });
});
