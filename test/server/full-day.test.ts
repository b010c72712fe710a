import { aggregate } from '../../src/aggregation/index.js';
import type { Order } from '../../src/contract/commerce.js';
import type { Configuration } from '../../src/contract/configuration.js';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { buildConfiguration, buildPayment, generateMerchant } from '../fixtures/index.js';
import { call, clock, linkSandbox, makeService } from './helpers.js';

/** Account → signed amount of a document as the ledger posted it (debit positive). */
function postedNet(doc: { postings: { accountId: string; debit: number; credit: number }[] }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of doc.postings) out[p.accountId] = (out[p.accountId] ?? 0) + p.debit - p.credit;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0).sort());
}

/** Account → signed amount a journal predicts. */
function predictedNet(doc: AccountingDocument): Record<string, number> {
  const out: Record<string, number> = {};
  if (doc.kind === 'journal') {
    for (const l of doc.lines) out[l.accountId] = (out[l.accountId] ?? 0) + l.amount;
  } else if (doc.kind === 'transfer') {
    out[doc.toAccountId] = (out[doc.toAccountId] ?? 0) + doc.amount;
    out[doc.fromAccountId] = (out[doc.fromAccountId] ?? 0) - doc.amount;
  } else {
    throw new Error(`journal mode emits journals and transfers, not ${doc.kind}`);
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0).sort());
}

async function pushAll(service: ReturnType<typeof makeService>, companyId: string, path: string, key: string, records: readonly unknown[]) {
  for (let i = 0; i < records.length; i += 5000) {
    const reply = await call(service, 'POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records.slice(i, i + 5000) });
    expect(reply.status, JSON.stringify(reply.body).slice(0, 300)).toBe(200);
  }
}

describe('a merchant day through the HTTP API only', () => {
  it('links the sandbox, configures, pushes, syncs exactly the predicted balanced documents, re-runs idempotently and adjusts an edited order', async () => {
    const merchant = generateMerchant({ seed: 42, days: 2, ordersPerDay: 60 });
    const start = merchant.period.start;
    const dayAfter = merchant.period.end;
    const c = clock(`${start}T08:00:00Z`);
    const service = makeService({ now: c.now });
    try {
      const company = await call(service, 'POST', '/companies', { name: 'Flat White Cafe', tags: { merchantId: 'fw-1' } });
      expect(company.status).toBe(200);
      const companyId = company.body.id as string;

      const { ledgerId } = await linkSandbox(service, companyId, 'uk');
      service.sandbox?.admin.addCurrency(ledgerId, 'EUR');
      const connections = await call(service, 'GET', `/companies/${companyId}/connections`);
      expect(connections.body.results.map((x: { status: string }) => x.status).sort()).toEqual(['Linked', 'Linked']);

      // Reference data first, then the day's records, like a partner's first full push.
      expect((await call(service, 'PUT', `/companies/${companyId}/data/commerce-locations`, merchant.locations)).status).toBe(200);
      expect((await call(service, 'PUT', `/companies/${companyId}/data/commerce-products`, merchant.products)).status).toBe(200);
      expect((await call(service, 'PUT', `/companies/${companyId}/data/commerce-taxComponents`, merchant.taxComponents)).status).toBe(200);
      await pushAll(service, companyId, 'commerce-orders', 'orders', merchant.orders);
      await pushAll(service, companyId, 'commerce-payments', 'payments', merchant.payments);
      await pushAll(service, companyId, 'commerce-transactions', 'transactions', merchant.transactions);

      const wanted = buildConfiguration({ timeZone: merchant.timeZone });
      wanted.schedule = { ...wanted.schedule, startDate: start };
      const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, wanted);
      expect(saved.status, JSON.stringify(saved.body.validation)).toBe(200);
      const configuration = (await call<Configuration>(service, 'GET', `/config/companies/${companyId}/sync/commerce`)).body;
      expect(configuration.configured).toBe(true);

      // The day after the period, past the sync hour: the run covers every day of the period.
      c.set(`${dayAfter}T09:00:00Z`);
      const first = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(first.status).toBe(200);
      expect(first.body.syncStatusCode, first.body.errorMessage).toBe(2000);

      const predicted = aggregate({
        companyId,
        configuration,
        period: merchant.period,
        records: { orders: merchant.orders, payments: merchant.payments, transactions: merchant.transactions, taxComponents: merchant.taxComponents, products: merchant.products, locations: merchant.locations },
      });
      expect(predicted.problems).toEqual([]);
      expect(predicted.documents.length).toBeGreaterThan(1);
      const posted = service.sandbox?.admin.documents(ledgerId) ?? [];
      expect(posted.map((d) => d.reference).sort()).toEqual(predicted.documents.map((d) => d.reference).sort());
      for (const doc of predicted.documents) {
        const ledgerDoc = posted.find((p) => p.reference === doc.reference);
        expect(ledgerDoc && postedNet(ledgerDoc)).toEqual(predictedNet(doc));
      }
      const trial = service.sandbox?.admin.trialBalance(ledgerId);
      expect(trial?.totals.debit).toBe(trial?.totals.credit);
      for (const section of trial?.otherCurrencies ?? []) expect(section.totals.debit).toBe(section.totals.credit);

      const items = await call(service, 'GET', `/companies/${companyId}/sync/commerce/syncs/${first.body.commerceSyncId}/items`);
      expect(items.body.results).toHaveLength(predicted.documents.length);
      expect(items.body.results.every((i: { status: string }) => i.status === 'Written')).toBe(true);

      // Re-running the same period writes nothing new.
      const again = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(again.body.syncStatusCode).toBe(2040);
      const historic = await call(service, 'POST', `/meta/companies/${companyId}/sync/commerce/historic`, { dateRange: { start, finish: start } });
      expect(historic.body.syncStatusCode).toBe(5080);
      expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(posted.length);

      // Re-sending an order unchanged (same sourceModifiedDate) is ignored.
      const order = merchant.orders.find((o) => o.currency === 'GBP' && o.createdDate.startsWith(start) && (o.orderLineItems ?? []).some((l) => l.taxPercentage === 20)) as Order;
      const same = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [order] });
      const sameStatus = await call(service, 'GET', `/meta/companies/${companyId}/pull/history/${same.body.datasetId}`);
      expect(sameStatus.body).toMatchObject({ accepted: 0, ignored: 1, reopenedDays: [] });

      // An edit after posting: one more 6.00 line (5.00 + 1.00 VAT) paid in cash.
      const edited: Order = {
        ...order,
        totalAmount: Number(order.totalAmount) + 6,
        totalTaxAmount: Number(order.totalTaxAmount ?? 0) + 1,
        orderLineItems: [...(order.orderLineItems ?? []), { id: `${order.id}-extra`, quantity: 1, unitPrice: 5, taxPercentage: 20, totalAmount: 6, totalTaxAmount: 1, taxes: [], discountAllocations: [] }],
        sourceModifiedDate: `${dayAfter}T08:30:00Z`,
      };
      const edit = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-orders`, { orders: [edited] });
      const editStatus = await call(service, 'GET', `/meta/companies/${companyId}/pull/history/${edit.body.datasetId}`);
      expect(editStatus.body).toMatchObject({ accepted: 1, ignored: 0, reopenedDays: [start] });
      await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-payments`, {
        payments: [buildPayment({ id: `${order.id}-extra-cash`, amount: 6, currency: 'GBP', type: 'Cash', createdDate: order.createdDate, sourceModifiedDate: `${dayAfter}T08:30:00Z` })],
      });

      c.set(`${dayAfter}T10:00:00Z`);
      const adjust = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(adjust.body.syncStatusCode, adjust.body.errorMessage).toBe(2000);
      const after = service.sandbox?.admin.documents(ledgerId) ?? [];
      const added = after.filter((d) => !posted.some((p) => p.reference === d.reference));
      expect(added).toHaveLength(1);
      expect(added[0]?.reference).toMatch(new RegExp(`^${companyId}:${start}:GBP.*:r1$`));
      const cashAccount = wanted.configuration?.payments?.accounts?.cash?.selectedAccountId ?? '';
      const salesAccount = wanted.configuration?.sales?.accounts?.sales?.selectedAccountId ?? '';
      expect(postedNet(added[0] as never)[cashAccount]).toBe(600);
      expect(postedNet(added[0] as never)[salesAccount]).toBe(-500);
      const trialAfter = service.sandbox?.admin.trialBalance(ledgerId);
      expect(trialAfter?.totals.debit).toBe(trialAfter?.totals.credit);

      // And once adjusted, another run writes nothing.
      const quiet = await call(service, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(quiet.body.syncStatusCode).toBe(2040);
      expect(service.sandbox?.admin.documents(ledgerId)).toHaveLength(after.length);
    } finally {
      await service.close();
    }
  });
});
