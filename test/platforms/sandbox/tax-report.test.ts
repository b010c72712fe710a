import { aggregate } from '../../../src/aggregation/index.js';
import type { OutputFormat } from '../../../src/contract/configuration.js';
import type { SandboxTaxReport } from '../../../src/platforms/sandbox/tax-report.js';
import {
  buildConfiguration,
  buildOrder,
  buildPayment,
  buildTransaction,
} from '../../fixtures/index.js';
import { BASE, connect, contextFor, newSandbox } from './helpers.js';

/*
 * A day of sales at two UK rates, by hand (2026-03-10, Europe/London = UTC in March):
 *   order 1: 2 × 10.00 at 20 %            net 20.00  VAT 4.00  (card 24.00)
 *   order 2: 1 × 7.30 at 5 %              net  7.30  VAT 0.37  (7.30 × 5 % = 0.365; cash 7.67)
 *   order 3: 1 × 3.35 at 20 %, 1 × 2.00 at 5 %
 *                                         net 3.35 VAT 0.67 (0.67 exactly) | net 2.00 VAT 0.10 (card 6.12)
 *   refund of half of order 1 (12.00):   net −10.00 VAT −2.00 at 20 %
 * VAT charged minus VAT refunded, per rate:
 *   20 %: net 20.00 + 3.35 − 10.00 = 13.35, VAT 4.00 + 0.67 − 2.00 = 2.67
 *    5 %: net  7.30 + 2.00         =  9.30, VAT 0.37 + 0.10        = 0.47
 * (the per-rate sums are chosen so that a ledger's own per-line computation gives the same VAT:
 * 23.35 × 20 % = 4.67, 9.30 × 5 % = 0.465 → 0.47, 10.00 × 20 % = 2.00.)
 * An order the next day must stay out of the report for the 10th.
 */
function records() {
  const at = '2026-03-10T12:00:00Z';
  const line = (
    quantity: number,
    unitPrice: number,
    taxPercentage: number,
    totalTaxAmount: number,
  ) => ({
    id: `line-${unitPrice}-${taxPercentage}`,
    quantity,
    unitPrice,
    taxPercentage,
    totalAmount: Math.round((quantity * unitPrice + totalTaxAmount) * 100) / 100,
    totalTaxAmount,
    taxes: [],
    discountAllocations: [],
  });
  const o1 = buildOrder({
    id: 'o-1',
    createdDate: at,
    totalAmount: 24,
    totalTaxAmount: 4,
    orderLineItems: [line(2, 10, 20, 4)],
  });
  const o2 = buildOrder({
    id: 'o-2',
    createdDate: at,
    totalAmount: 7.67,
    totalTaxAmount: 0.37,
    orderLineItems: [line(1, 7.3, 5, 0.37)],
  });
  const o3 = buildOrder({
    id: 'o-3',
    createdDate: at,
    totalAmount: 6.12,
    totalTaxAmount: 0.77,
    orderLineItems: [line(1, 3.35, 20, 0.67), line(1, 2, 5, 0.1)],
  });
  const next = buildOrder({ id: 'o-next', createdDate: '2026-03-11T12:00:00Z' });
  return {
    orders: [o1, o2, o3, next],
    payments: [
      buildPayment({ id: 'p-1', amount: 24, type: 'Card', createdDate: at }),
      buildPayment({ id: 'p-2', amount: 7.67, type: 'Cash', createdDate: at }),
      buildPayment({ id: 'p-3', amount: 6.12, type: 'Card', createdDate: at }),
      buildPayment({ id: 'p-r', amount: -12, type: 'Card', createdDate: '2026-03-10T15:00:00Z' }),
      buildPayment({ id: 'p-next', amount: 12, type: 'Card', createdDate: '2026-03-11T12:00:00Z' }),
    ],
    transactions: [
      buildTransaction({
        id: 'rf-1',
        type: 'Refund',
        totalAmount: -12,
        subType: 'Card',
        createdDate: '2026-03-10T15:00:00Z',
        transactionSourceRef: { id: 'o-1', type: 'Order' },
      }),
    ],
  };
}

async function postAndReport(outputFormat: OutputFormat, from: string, to: string) {
  const configuration = buildConfiguration({ outputFormat, syncFees: false });
  const { documents, problems } = aggregate({
    companyId: 'co-tax',
    configuration,
    period: { start: '2026-03-10', end: '2026-03-12' },
    records: records(),
    platformName: 'Sandbox',
  });
  expect(problems).toEqual([]);
  const { sandbox } = newSandbox();
  try {
    const tokens = await connect(sandbox, 'uk');
    const ctx = contextFor(tokens);
    const related: Record<string, string> = {};
    for (const doc of documents) {
      const result = await sandbox.connector.writeDocument(ctx, doc, {
        idempotencyKey: doc.reference,
        related: { ...related },
      });
      related[doc.reference] = result.platformId;
    }
    const response = await sandbox.handler(
      new Request(`${BASE}/api/tax-report?from=${from}&to=${to}`, {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      }),
    );
    return {
      status: response.status,
      body: (await response.json()) as SandboxTaxReport & { error_description?: string },
    };
  } finally {
    sandbox.close();
  }
}

const perRate = (report: SandboxTaxReport) =>
  Object.fromEntries(
    report.sections
      .find((s) => s.currency === 'GBP')!
      .rates.filter((r) => r.sales.net !== 0 || r.sales.tax !== 0)
      .map((r) => [r.taxRateId, { net: r.sales.net, tax: r.sales.tax }]),
  );

describe('the sandbox tax report (GET /api/tax-report)', () => {
  it.each(['JournalEntry', 'Invoice'] as const)(
    '%s mode: net and VAT per rate are what was charged minus refunded',
    async (mode) => {
      const { status, body } = await postAndReport(mode, '2026-03-10', '2026-03-10');
      expect(status).toBe(200);
      expect(perRate(body)).toEqual({
        'tax-uk-standard': { net: 1_335, tax: 267 },
        'tax-uk-reduced': { net: 930, tax: 47 },
      });
      expect(body.sections[0]!.taxPayable).toBe(314);
    },
  );

  it('covers the period asked for: the next day adds its own 10.00 + 2.00', async () => {
    const { body } = await postAndReport('JournalEntry', '2026-03-10', '2026-03-11');
    expect(perRate(body)['tax-uk-standard']).toEqual({ net: 2_335, tax: 467 });
  });

  it('asks for a valid period', async () => {
    const { status, body } = await postAndReport('JournalEntry', '2026-03-11', '2026-03-10');
    expect(status).toBe(400);
    expect(body.error_description).toMatch(/from=YYYY-MM-DD&to=YYYY-MM-DD/);
  });
});
