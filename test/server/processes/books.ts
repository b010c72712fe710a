import type { SandboxPostedDocument } from '../../../src/platforms/sandbox/index.js';
import type { SyncService } from '../../../src/server/index.js';
import { buildConfiguration, type GeneratedMerchant } from '../../fixtures/index.js';
import { call } from '../helpers.js';

/**
 * Pushes a generated merchant's orders, payments and transactions to a linked company and saves
 * the fixture configuration in the merchant's zone from its first day, with sync hour 0 so every
 * day of the period has ended and is due at once.
 */
export async function pushAndConfigure(service: SyncService, companyId: string, merchant: GeneratedMerchant, outputFormat: 'Invoice' | 'JournalEntry'): Promise<void> {
  for (const [path, key, records] of [
    ['commerce-orders', 'orders', merchant.orders],
    ['commerce-payments', 'payments', merchant.payments],
    ['commerce-transactions', 'transactions', merchant.transactions],
  ] as const) {
    const pushed = await call(service, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(200);
  }
  const config = buildConfiguration({ outputFormat, timeZone: merchant.timeZone });
  config.schedule = { ...config.schedule, startDate: merchant.period.start, syncHour: 0 };
  const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
  expect(saved.status, JSON.stringify(saved.body.validation)).toBe(200);
}

/** What a document says in the books, without the ids the ledger assigned or the company id. */
export function inTheBooks(documents: readonly SandboxPostedDocument[], companyId: string) {
  return documents
    .map((d) => ({
      reference: d.reference.replaceAll(companyId, '<company>'),
      kind: d.kind,
      date: d.date,
      currency: d.currency,
      contactId: d.contactId,
      settles: d.appliesToId === null ? null : documents.find((o) => o.platformId === d.appliesToId)?.reference.replaceAll(companyId, '<company>'),
      lines: d.lines,
      postings: d.postings,
      totals: d.totals,
      amountDue: d.amountDue,
    }))
    .sort((x, y) => (x.reference < y.reference ? -1 : x.reference > y.reference ? 1 : 0));
}
