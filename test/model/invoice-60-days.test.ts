import { addDays } from '../../src/aggregation/index.js';
import type { Configuration } from '../../src/contract/configuration.js';
import type { SandboxTaxReport } from '../../src/platforms/sandbox/tax-report.js';
import { editMerchant, generateMerchant, SANDBOX_ACCOUNTS as A } from '../fixtures/index.js';
import type { GeneratedMerchant } from '../fixtures/index.js';
import { call } from '../server/helpers.js';
import { compareBooks } from './compare.js';
import { modelBooks, modelLocalDate } from './ledger-model.js';
import { modelChart, syncedMerchant } from './through-service.js';

/**
 * Issue 11, "what must be shown": a run over 60 generated days in invoice mode with return
 * orders, sales at 23:59:50 paid at 00:00:10, Refund transactions (some larger than the order),
 * Generic service charges, orders without line items, failed payouts and late edits, the way a partner and the scheduler drive it: each day's records are pushed the
 * morning after, then that day is synced; edits of older orders arrive on day 30 and day 60.
 * Shown: no run fails (0 refused days), every document of every run is written (0 half-written
 * adjustments), the company is still enabled, and the books equal the independent model.
 */

const DAYS = 60;
const START = '2026-03-02'; // spans the UK's spring DST change (29 March)

describe('60 days in invoice mode, with return orders, cross-midnight payments and late edits', () => {
  it('0 refused days, 0 half-written adjustments, the company still enabled, the books equal the model', async () => {
    const generated = generateMerchant({ seed: 6060, profile: 'uk', start: START, days: DAYS, ordersPerDay: 8, refundRate: 0.25, returnOrders: 0.5, crossMidnight: 0.12, serviceCharges: 0.2, customAmounts: 0.05, overRefunds: 0.1, failedPayouts: 0.1 });
    const tz = generated.timeZone;
    const localDay = (iso: string) => modelLocalDate(iso, tz);
    const counts = {
      returnOrders: generated.orders.filter((o) => (o.orderLineItems ?? []).some((l) => (l.quantity ?? 0) < 0)).length,
      refunds: generated.transactions.filter((t) => t.type === 'Refund').length,
      crossMidnight: generated.orders.filter((o) => (o.payments ?? []).some((p) => localDay(p.createdDate ?? o.createdDate) !== localDay(o.createdDate))).length,
    };
    // The data really has what the test is about.
    expect(counts.returnOrders).toBeGreaterThan(10);
    expect(counts.refunds).toBeGreaterThan(10);
    expect(counts.crossMidnight).toBeGreaterThan(10);

    const empty: GeneratedMerchant = { ...generated, orders: [], payments: [], transactions: [] };
    const m = await syncedMerchant(empty, { template: 'uk', outputFormat: 'Invoice' });
    try {
      const onDay = <T extends { createdDate: string }>(list: readonly T[], day: string) => list.filter((r) => localDay(r.createdDate) === day);
      const statuses: number[] = [];
      const failures: string[] = [];
      let current = generated;
      let edited = 0;
      for (let i = 0; i < DAYS; i++) {
        const day = addDays(START, i);
        // The morning after: the day's records (money after midnight comes with the next day).
        await m.push({ orders: onDay(generated.orders, day), payments: onDay(generated.payments, day), transactions: onDay(generated.transactions, day) });
        if (i === 29 || i === DAYS - 1) {
          const at = `${addDays(day, 1)}T06:00:00Z`;
          const edits = editMerchant(current, { seed: 6060 + i, share: 0.2, at, createdFrom: `${addDays(day, -29)}T00:00:00Z`, createdBefore: `${addDays(day, -4)}T00:00:00Z` });
          expect(edits.orders.length + edits.payments.length).toBeGreaterThan(5);
          edited += edits.orders.length;
          await m.push(edits);
          current = edits.after;
        }
        const run = await m.runLatest(`${addDays(day, 1)}T09:00:00Z`);
        statuses.push(run.syncStatusCode);
        const items = await call(m.service, 'GET', `/companies/${m.companyId}/sync/commerce/syncs/${run.commerceSyncId}/items`);
        for (const item of items.body.results as { reference: string; status: string; errorMessage: string | null }[]) {
          if (item.status !== 'Written') failures.push(`${day}: ${item.reference} ${item.status} ${item.errorMessage ?? ''}`);
        }
        if (run.syncStatusCode !== 2000 && run.syncStatusCode !== 2040) failures.push(`${day}: run ${run.syncStatusCode} ${run.errorMessage ?? ''}`);
      }
      expect(failures).toEqual([]);
      expect(statuses.filter((s) => s === 2000).length).toBe(DAYS);
      expect(edited).toBeGreaterThan(5);

      const configuration = (await call<Configuration>(m.service, 'GET', `/config/companies/${m.companyId}/sync/commerce`)).body;
      expect(configuration.enabled).toBe(true);

      const documents = await m.documents();
      // Adjustments were written as new documents (revision ≥ 1 or the day's clearing journal).
      expect(documents.filter((d) => /:r[1-9]\d*$/.test(d.reference) || /:clearing:/.test(d.reference)).length).toBeGreaterThan(0);
      const chart = modelChart('uk', tz);
      const period = { start: START, end: addDays(START, DAYS) };
      const dailyReports = new Map<string, SandboxTaxReport>();
      for (const date of new Set(documents.map((d) => d.date))) dailyReports.set(date, await m.taxReport(date, date));
      expect(compareBooks({ documents, model: modelBooks(current, chart, period), rounding: A.rounding.id, dailyReports })).toEqual([]);
    } finally {
      await m.close();
    }
  }, 120_000);
});
