import { previewDifference, SyncPreviewSchema, type PreviewDocument } from '../../src/contract/preview.js';
import { SandboxDocumentListSchema } from '../../src/platforms/sandbox/index.js';
import { buildConfiguration, buildOrder, buildPayment, buildTransaction, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';
import { BASE, call, clock, linkSandbox, makeService } from './helpers.js';

/*
 * Issue 16: the preview (dry run) of an unsaved configuration runs the real aggregation on the
 * merchant's pushed records for the most recent day with data, writes nothing, and shows exactly
 * what the run then posts.
 */

/** Account → signed effect (debit +) of documents whose lines are signed (journals, transfers, payments). */
function signedNet(documents: readonly PreviewDocument[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of documents) {
    expect(d.lineStyle).toBe('signed');
    for (const l of d.lines) out[l.accountId] = (out[l.accountId] ?? 0) + l.amount;
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0).sort());
}

/** Account → signed effect (debit +) of the ledger's postings. */
function ledgerNet(documents: readonly { postings: { accountId: string; debit: number; credit: number }[] }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of documents) for (const p of d.postings) out[p.accountId] = (out[p.accountId] ?? 0) + p.debit - p.credit;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0).sort());
}

async function setUp(outputFormat: 'JournalEntry' | 'Invoice') {
  const c = clock('2026-03-10T08:00:00Z');
  const service = makeService({ now: c.now });
  const companyId = (await call(service, 'POST', '/companies', { name: 'Preview Cafe' })).body.id as string;
  const { ledgerId } = await linkSandbox(service, companyId, 'uk');
  // Day 10: a 12.00 sale (10.00 + 2.00 VAT) paid by card with a 0.21 fee, and one paid in cash.
  // Day 9: one earlier cash sale (the preview picks the most recent day, not the first).
  const records = {
    orders: [buildOrder({ id: 'o-9', createdDate: '2026-03-09T12:00:00Z' }), buildOrder({ id: 'o-10a' }), buildOrder({ id: 'o-10b' })],
    payments: [buildPayment({ id: 'p-9', type: 'Cash', createdDate: '2026-03-09T12:00:00Z' }), buildPayment({ id: 'p-10a' }), buildPayment({ id: 'p-10b', type: 'Cash' })],
    transactions: [buildTransaction({ id: 'fee-10' })],
  };
  for (const [path, key, list] of [['commerce-orders', 'orders', records.orders], ['commerce-payments', 'payments', records.payments], ['commerce-transactions', 'transactions', records.transactions]] as const) {
    expect((await call(service, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: list })).status).toBe(200);
  }
  const wanted = buildConfiguration({ outputFormat });
  wanted.schedule = { ...wanted.schedule, startDate: '2026-03-10' };
  const ledgerDocuments = async () => {
    const response = await service.fetch(new Request(`${BASE}/sandbox/ledgers/${encodeURIComponent(ledgerId)}/documents`));
    expect(response.status).toBe(200);
    return SandboxDocumentListSchema.parse(await response.json()).items;
  };
  return { c, service, companyId, wanted, ledgerDocuments };
}

describe('the preview of what a configuration will post', () => {
  it('shows the last day with data for an unsaved journal configuration, writes nothing, and equals what the run then posts', async () => {
    const { c, service, companyId, wanted, ledgerDocuments } = await setUp('JournalEntry');
    try {
      c.set('2026-03-11T09:00:00Z');
      const before = await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`);
      const reply = await call(service, 'POST', `/companies/${companyId}/sync/commerce/preview`, wanted);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      const preview = SyncPreviewSchema.parse(reply.body);
      expect(preview).toMatchObject({ date: '2026-03-10', dayOpen: false, timeZone: 'Europe/London', posted: [], problems: [], validation: [] });
      // Hand-computed for day 10: card 12.00 − 0.21 fee, cash 12.00, sales 20.00 Cr, VAT 4.00 Cr, fees 0.21 Dr.
      expect(signedNet(preview.documents)).toEqual(Object.fromEntries(Object.entries({
        [A.cardClearing.id]: 1179, [A.cashClearing.id]: 1200, [A.sales.id]: -2000, [A.taxPayable.id]: -400, [A.merchantFees.id]: 21,
      }).sort()));
      const lines = preview.documents.flatMap((d) => d.lines);
      expect(lines.find((l) => l.accountId === A.sales.id)?.accountName).toBe(A.sales.name);
      expect(lines.find((l) => l.accountId === A.cardClearing.id)?.accountName).toBe(A.cardClearing.name);
      expect(preview.documents.every((d) => d.currency === 'GBP' && d.date === '2026-03-10')).toBe(true);

      // Nothing written: no ledger document, no sync, the configuration still unsaved.
      expect(await ledgerDocuments()).toEqual([]);
      expect((await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body).toEqual([]);
      const after = await call(service, 'GET', `/config/companies/${companyId}/sync/commerce`);
      expect(after.body).toEqual(before.body);
      expect(after.body.configured).toBe(false);

      // Save and run: the ledger holds exactly the previewed documents.
      expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, wanted)).status).toBe(200);
      const run = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(run.body.syncStatusCode, run.body.errorMessage).toBe(2000);
      const posted = await ledgerDocuments();
      expect(posted.map((d) => d.reference).sort()).toEqual(preview.documents.map((d) => d.reference).sort());
      expect(ledgerNet(posted)).toEqual(signedNet(preview.documents));
      for (const d of preview.documents) expect(posted.find((p) => p.reference === d.reference)?.totals.total).toBe(d.total);

      // Editing afterwards: the saved mapping makes no difference; card money to the bank moves 11.79.
      const again = SyncPreviewSchema.parse((await call(service, 'POST', `/companies/${companyId}/sync/commerce/preview`, {})).body);
      expect(again.posted.map((d) => d.reference).sort()).toEqual(preview.documents.map((d) => d.reference).sort());
      expect(previewDifference(again.documents, again.posted)).toEqual([]);
      const edited = structuredClone(wanted);
      edited.configuration!.payments!.accounts!.card!.selectedAccountId = A.undepositedFunds.id;
      const moved = SyncPreviewSchema.parse((await call(service, 'POST', `/companies/${companyId}/sync/commerce/preview`, edited)).body);
      expect(previewDifference(moved.documents, moved.posted)).toEqual([
        { currency: 'GBP', accountId: A.cardClearing.id, accountName: A.cardClearing.name, before: 1179, after: 0 },
        { currency: 'GBP', accountId: A.undepositedFunds.id, accountName: A.undepositedFunds.name, before: 0, after: 1179 },
      ]);
      expect(await ledgerDocuments()).toHaveLength(posted.length);
    } finally {
      await service.close();
    }
  });

  it('previews invoice mode document by document, as the ledger then holds it', async () => {
    const { c, service, companyId, wanted, ledgerDocuments } = await setUp('Invoice');
    try {
      c.set('2026-03-11T09:00:00Z');
      const preview = SyncPreviewSchema.parse((await call(service, 'POST', `/companies/${companyId}/sync/commerce/preview`, wanted)).body);
      // One invoice of 24.00, a card and a cash payment of 12.00 each, a 0.21 fee spent from card clearing.
      expect(preview.documents.map((d) => `${d.kind} ${d.total}`).sort()).toEqual(['bankTransaction 21', 'invoice 2400', 'payment 1200', 'payment 1200']);
      const invoice = preview.documents.find((d) => d.kind === 'invoice');
      expect(invoice?.lines.map((l) => [l.accountName, l.amount, l.taxAmount])).toEqual([[A.sales.name, 2000, 400]]);
      expect(await ledgerDocuments()).toEqual([]);

      expect((await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, wanted)).status).toBe(200);
      expect((await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {})).body.syncStatusCode).toBe(2000);
      const posted = await ledgerDocuments();
      expect(posted.map((d) => `${d.reference} ${d.kind} ${d.totals.total}`).sort()).toEqual(preview.documents.map((d) => `${d.reference} ${d.kind} ${d.total}`).sort());
    } finally {
      await service.close();
    }
  });

  it('says when there is no data yet, and previews today while only today has any', async () => {
    const c = clock('2026-03-10T08:00:00Z');
    const service = makeService({ now: c.now });
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'New Cafe' })).body.id as string;
      await linkSandbox(service, companyId, 'uk');
      const wanted = buildConfiguration();
      const none = SyncPreviewSchema.parse((await call(service, 'POST', `/companies/${companyId}/sync/commerce/preview`, wanted)).body);
      expect(none).toMatchObject({ date: null, documents: [], posted: [] });
      await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [buildOrder({ id: 'o-today', createdDate: '2026-03-10T07:30:00Z' })] });
      const today = SyncPreviewSchema.parse((await call(service, 'POST', `/companies/${companyId}/sync/commerce/preview`, wanted)).body);
      expect(today).toMatchObject({ date: '2026-03-10', dayOpen: true });
      expect(today.documents.length).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });
});
