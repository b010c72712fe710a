import { aggregate, type AggregateResult } from '../../../src/aggregation/index.js';
import { ConfigurationSchema, normalizeConfiguration, type Configuration } from '../../../src/contract/configuration.js';
import type { AccountingDocument } from '../../../src/contract/documents.js';
import { CompaniesSchema } from '../../../src/contract/sync-api.js';
import type { SimulateResult } from '../../../demo/shared/partner-api.js';
import type { DemoMerchant } from '../../../demo/server/merchants.js';
import { simulateSales } from '../../../demo/server/simulator.js';
import type { DemoStack } from '../../../demo/server/stack.js';

/** Calls the sync service API as the partner does (Basic auth with the API key). */
async function syncApi<T>(stack: DemoStack, path: string, parse: (body: unknown) => T): Promise<T> {
  const response = await fetch(`${stack.syncUrl}${path}`, {
    headers: { authorization: `Basic ${Buffer.from(stack.syncApiKey).toString('base64')}`, accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return parse(await response.json());
}

/** The company tagged with the merchant's id, or null (after delete). */
export async function companyOf(stack: DemoStack, merchantId: string) {
  const companies = await syncApi(stack, `/companies?query=${encodeURIComponent(`tags.merchantId=${merchantId}`)}`, (b) => CompaniesSchema.parse(b));
  return companies.results[0] ?? null;
}

/** The merchant's saved configuration, as the sync service holds it. */
export async function savedConfiguration(stack: DemoStack, merchantId: string): Promise<{ companyId: string; configuration: Configuration }> {
  const company = await companyOf(stack, merchantId);
  if (!company) throw new Error(`No company is tagged with merchantId ${merchantId}.`);
  const configuration = await syncApi(stack, `/config/companies/${company.id}/sync/commerce`, (b) => ConfigurationSchema.parse(b));
  return { companyId: company.id, configuration: normalizeConfiguration(configuration) };
}

/**
 * What the ledger should hold after syncing a simulated period: the same records regenerated
 * from the run's seed, aggregated with the saved configuration over the synced days (from the
 * configured first day, or the simulated period's start if later).
 */
export async function expectedDocuments(
  stack: DemoStack,
  merchant: DemoMerchant,
  simulated: SimulateResult,
): Promise<AggregateResult & { period: { start: string; end: string } }> {
  const { companyId, configuration } = await savedConfiguration(stack, merchant.id);
  const startDate = configuration.schedule?.startDate?.slice(0, 10) ?? simulated.period.start;
  const period = { start: startDate > simulated.period.start ? startDate : simulated.period.start, end: simulated.period.end };
  const records = simulateSales({ merchant, period: simulated.period, seed: simulated.seed });
  const result = aggregate({ companyId, configuration, period, records });
  return { ...result, period };
}

/** Debit total of a journal (sum of its positive lines), in minor units. */
export function journalDebitTotal(document: AccountingDocument): number {
  if (document.kind !== 'journal') throw new Error(`${document.reference} is a ${document.kind}, not a journal.`);
  return document.lines.reduce((sum, line) => sum + Math.max(line.amount, 0), 0);
}
