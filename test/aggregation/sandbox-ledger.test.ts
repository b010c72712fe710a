import { aggregate } from '../../src/aggregation/index.js';
import { connect, contextFor, newSandbox } from '../platforms/sandbox/helpers.js';
import { buildConfiguration, generateMerchant } from '../fixtures/index.js';

// End to end against a real (in-memory SQLite) sandbox ledger: what aggregation emits for a
// generated merchant is accepted by the ledger's posting rules and keeps its books balanced.
describe('aggregated documents post to the sandbox ledger', () => {
  it.each([
    ['uk', 'JournalEntry'],
    ['uk', 'Invoice'],
    ['ca', 'JournalEntry'],
    ['ca', 'Invoice'],
  ] as const)('%s template, %s mode', async (template, outputFormat) => {
    const merchant = generateMerchant({ seed: 11, profile: template, days: 4, ordersPerDay: 12, refundRate: 0.3 });
    const configuration = buildConfiguration({ template, outputFormat, timeZone: merchant.timeZone });
    const { documents, problems } = aggregate({ companyId: 'co-e2e', configuration, period: merchant.period, records: merchant, platformName: 'Sandbox' });
    expect(problems).toEqual([]);
    expect(documents.length).toBeGreaterThan(4);

    const { sandbox } = newSandbox();
    try {
      const ctx = contextFor(await connect(sandbox, template));
      const related: Record<string, string> = {};
      for (const doc of documents) {
        const result = await sandbox.connector.writeDocument(ctx, doc, { idempotencyKey: doc.reference, related: { ...related } });
        related[doc.reference] = result.platformId;
      }
      const [ledger] = sandbox.admin.listLedgers();
      expect(sandbox.admin.documents(ledger!.id)).toHaveLength(documents.length);
      const balance = sandbox.admin.trialBalance(ledger!.id);
      for (const section of [balance, ...balance.otherCurrencies]) {
        expect(section.totals.debit).toBe(section.totals.credit);
      }
      expect(balance.otherCurrencies.map((s) => s.currency)).toEqual([template === 'uk' ? 'EUR' : 'USD']);
    } finally {
      sandbox.close();
    }
  });
});
