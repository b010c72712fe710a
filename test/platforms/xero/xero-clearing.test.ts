import { setupServer } from 'msw/node';
import { aggregate } from '../../../src/aggregation/index.js';
import type { AccountingDocument } from '../../../src/contract/documents.js';
import type { ConnectorContext } from '../../../src/platforms/connector.js';
import { createXeroConnector } from '../../../src/platforms/xero/index.js';
import { ids, ukTenant, XERO_CLIENT, XeroMock } from '../../mocks/xero/xero-mock.js';
import type { XeroTenant } from '../../mocks/xero/xero-mock.js';
import { buildConfiguration, buildOrder, buildPayment, SANDBOX_ACCOUNTS as A, SANDBOX_TAX_RATES as R } from '../../fixtures/index.js';

/**
 * Issue 11 bug 3: invoice mode's clearing journal (money of a day for another day's sale) must be
 * a document Xero accepts. Xero refuses manual journals on its accounts-receivable system
 * account, so the clearing side is the unpaid-sales clearing account (`payments.accounts.unpaidSales`,
 * a current asset). Figures by hand below; the mock applies Xero's system-account rule.
 */

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const AR = '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6a10';
const UNPAID = '0d8a8a51-8f0e-4a55-9f33-2b1f0c6f6a11';
let mock: XeroMock;
let tenant: XeroTenant;

beforeEach(() => {
  mock = new XeroMock({ now: () => Date.parse('2026-03-12T03:00:00Z'), enforceLimits: false });
  tenant = mock.addTenant(ukTenant());
  tenant.accounts.push(
    { AccountID: AR, Code: '610', Name: 'Accounts Receivable', Type: 'CURRENT', Class: 'ASSET', Status: 'ACTIVE', SystemAccount: 'DEBTORS' },
    { AccountID: UNPAID, Code: '612', Name: 'Unpaid sales clearing', Type: 'CURRENT', Class: 'ASSET', Status: 'ACTIVE' },
  );
  server.resetHandlers(...mock.handlers());
});

const XERO_ID: Record<string, string> = {
  [A.sales.id]: ids.sales,
  [A.taxPayable.id]: ids.vat,
  [A.cardClearing.id]: ids.cardClearing,
  [A.cashClearing.id]: ids.cashClearing,
  [A.accountsReceivable.id]: AR,
  [A.undepositedFunds.id]: UNPAID,
  'cus-daily-sales': ids.customer,
  [R.uk['20']]: 'OUTPUT2',
  [R.uk['0']]: 'NONE',
};
const inXero = (d: AccountingDocument) =>
  JSON.parse(JSON.stringify(d), (_k, v: unknown) => (typeof v === 'string' && v in XERO_ID ? XERO_ID[v] : v)) as AccountingDocument;

/**
 * Day 11 of the cross-midnight case: a 12.00 sale of the 10th paid by card at 00:00:10 on the
 * 11th, and a 6.00 cash sale on the 11th. Day 11: invoice 6.00, a 6.00 card payment applied to it,
 * and 12.00 (6.00 card, 6.00 cash) for the 10th's sale on the clearing journal.
 */
function day11(unpaidSales: string | null) {
  const configuration = buildConfiguration({ outputFormat: 'Invoice', paymentAccounts: unpaidSales ? { unpaidSales } : {} });
  const { documents, problems } = aggregate({
    companyId: 'co-1',
    configuration,
    period: { start: '2026-03-11', end: '2026-03-12' },
    records: {
      orders: [
        buildOrder({ id: 'late', createdDate: '2026-03-10T23:59:50Z' }),
        buildOrder({ id: 'cash-sale', createdDate: '2026-03-11T12:00:00Z', totalAmount: 6, totalTaxAmount: 1, orderLineItems: [{ quantity: 1, unitPrice: 5, taxPercentage: 20, totalAmount: 6, totalTaxAmount: 1 }] }),
      ],
      payments: [
        buildPayment({ id: 'card-after-midnight', amount: 12, createdDate: '2026-03-11T00:00:10Z' }),
        buildPayment({ id: 'cash-1', amount: 6, type: 'Cash', createdDate: '2026-03-11T12:00:00Z' }),
      ],
      transactions: [],
    },
  });
  expect(problems).toEqual([]);
  return documents.map(inXero);
}

function context(): ConnectorContext {
  const issued = mock.issueTokens(tenant.tenantId);
  return { tokens: { ...issued, tenantId: tenant.tenantId }, saveTokens: async () => {} };
}

async function writeAll(documents: AccountingDocument[]) {
  const xero = createXeroConnector({ ...XERO_CLIENT, sleep: async () => {} });
  const ctx = context();
  const related: Record<string, string> = {};
  for (const d of documents) related[d.reference] = (await xero.writeDocument(ctx, d, { idempotencyKey: d.reference, related: { ...related } })).platformId;
}

describe('Xero: invoice mode money for another day\'s sale', () => {
  it('with Unpaid sales clearing mapped, the clearing journal (Dr card 6.00, Dr cash 6.00, Cr unpaid sales 12.00) is accepted', async () => {
    const documents = day11(A.undepositedFunds.id);
    expect(documents.map((d) => d.kind)).toEqual(['invoice', 'payment', 'journal']);
    await writeAll(documents);
    expect(mock.rejectedBodies).toEqual([]);
    const [journal] = tenant.documents.ManualJournals ?? [];
    const lines = (journal!.JournalLines as Array<{ AccountID: string; LineAmount: number }>).map((l) => [l.AccountID, l.LineAmount]);
    expect(lines).toEqual([[ids.cardClearing, 6], [ids.cashClearing, 6], [UNPAID, -12]]);
  });

  it('without it, a clearing journal on Accounts Receivable is refused before Xero with what to map', async () => {
    const documents = day11(null);
    await expect(writeAll(documents)).rejects.toMatchObject({ code: 'configuration_invalid', params: { detail: expect.stringContaining('Unpaid sales clearing') } });
    expect(tenant.documents.ManualJournals).toBeUndefined();
  });
});
