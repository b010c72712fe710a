import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationViewSchema } from '../../src/contract/bff.js';
import { SyncPreviewSchema } from '../../src/contract/preview.js';
import { buildOrder, buildPayment } from '../fixtures/index.js';
import { PUBLIC_URL, browser, companiesOf, connect, createHarness, expectResponseHygiene, serviceJson, validConfiguration } from './harness.js';
import type { Browser, Harness } from './harness.js';

/* Issue 16: the BFF's preview is the sync service's dry run, scoped to the signed-in merchant. */

let h: Harness;
let alice: Browser;
let bob: Browser;
beforeEach(async () => {
  h = await createHarness();
  alice = browser(h, 'alice');
  bob = browser(h, 'bob');
});
afterEach(async () => {
  expectResponseHygiene(h);
  await h.close();
});

async function previewOf(b: Browser, body: unknown) {
  const response = await b.call('POST', '/configuration/preview', body);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as unknown };
}

describe('POST /configuration/preview', () => {
  it("previews the merchant's own last day with data, unsaved, and nobody else's", async () => {
    await connect(h, alice);
    await connect(h, bob);
    const [company] = await companiesOf(h, 'm-alice');
    const companyId = company!.id;
    // Alice's 9 March: one 12.00 sale (10.00 + 2.00 VAT) paid by card.
    expect((await serviceJson(h, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [buildOrder({ id: 'a-1', createdDate: '2026-03-09T12:00:00Z' })] })).status).toBe(200);
    expect((await serviceJson(h, 'POST', `/data/companies/${companyId}/sync/commerce-payments`, { payments: [buildPayment({ id: 'a-p1', createdDate: '2026-03-09T12:00:00Z' })] })).status).toBe(200);

    const current = ConfigurationViewSchema.parse(JSON.parse(await (await alice.call('GET', '/configuration')).text()));
    const wanted = validConfiguration(current);
    wanted.configuration!.payments!.accounts!.card!.selectedAccountId = 'acc-091';
    wanted.configuration!.sales!.accounts!.tax = { required: false, selectedAccountId: 'acc-820' };
    wanted.configuration!.sales!.taxRates = { '20': { selectedTaxRateId: 'tax-uk-standard' } };
    const reply = await previewOf(alice, wanted);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const preview = SyncPreviewSchema.parse(reply.body);
    expect(preview).toMatchObject({ date: '2026-03-09', problems: [], validation: [] });
    const lines = preview.documents.flatMap((d) => d.lines.map((l) => [l.accountName, l.amount]));
    expect(lines).toEqual(expect.arrayContaining([['Card clearing', 1200], ['Sales', -1000], ['VAT payable', -200]]));
    // Not saved.
    const after = ConfigurationViewSchema.parse(JSON.parse(await (await alice.call('GET', '/configuration')).text()));
    expect(after.configured).toBe(false);

    // Bob previews his own (empty) company, even when naming Alice's.
    const bobsCurrent = ConfigurationViewSchema.parse(JSON.parse(await (await bob.call('GET', '/configuration')).text()));
    const bobs = SyncPreviewSchema.parse((await previewOf(bob, validConfiguration(bobsCurrent))).body);
    expect(bobs).toMatchObject({ date: null, documents: [] });
    expect((await previewOf(bob, { ...wanted, companyId })).status).toBe(404);
  });

  it('needs a linked ledger and a session', async () => {
    expect((await h.fetch(new Request(`${PUBLIC_URL}/configuration/preview`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))).status).toBe(401);
    expect((await previewOf(alice, {})).status).toBe(409);
  });
});
