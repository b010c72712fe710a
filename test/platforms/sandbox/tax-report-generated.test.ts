import { aggregate, addDays } from '../../../src/aggregation/index.js';
import { toMinor } from '../../../src/contract/money.js';
import type { SandboxTaxReport } from '../../../src/platforms/sandbox/tax-report.js';
import { buildConfiguration, generateMerchant, SANDBOX_TAX_RATES } from '../../fixtures/index.js';
import { BASE, connect, contextFor, newSandbox } from './helpers.js';

/**
 * Over a generated UK merchant (VAT 20/5/0, discounts, shipping, tips, gift cards, two
 * currencies, DST; no refunds), the sandbox tax report's VAT-bearing rates equal what the orders
 * charged, summed straight from the records (line and service-charge net and tax by their
 * tax percentage). Journal mode only: invoice mode replaces a sent tax that differs by one minor
 * unit from the per-line computation with the computed figure and moves the cent to Rounding
 * (README, Aggregation), so its return is up to a cent per rate and day below the VAT charged.
 */
describe('the tax report over a generated merchant', () => {
  it('journal mode: net and VAT at the 20 and 5 per cent rates equal the orders’ own', async () => {
    const outputFormat = 'JournalEntry';
    const merchant = generateMerchant({
      seed: 7,
      profile: 'uk',
      days: 4,
      ordersPerDay: 40,
      refundRate: 0,
    });
    const expected: Record<string, Record<string, { net: number; tax: number }>> = {};
    const add = (currency: string, pct: number | null | undefined, gross: number, tax: number) => {
      const id = (SANDBOX_TAX_RATES.uk as Record<string, string>)[String(pct ?? 0)];
      if (id !== SANDBOX_TAX_RATES.uk['20'] && id !== SANDBOX_TAX_RATES.uk['5']) return;
      const row = ((expected[currency] ??= {})[id] ??= { net: 0, tax: 0 });
      row.net += gross - tax;
      row.tax += tax;
    };
    for (const order of merchant.orders) {
      const cur = order.currency!;
      for (const line of order.orderLineItems ?? [])
        add(
          cur,
          line.taxPercentage,
          toMinor(line.totalAmount!, cur),
          toMinor(line.totalTaxAmount ?? 0, cur),
        );
      for (const charge of order.serviceCharges ?? [])
        add(
          cur,
          charge.taxPercentage,
          toMinor(charge.totalAmount, cur),
          toMinor(charge.taxAmount ?? 0, cur),
        );
    }
    const configuration = buildConfiguration({
      template: 'uk',
      outputFormat,
      timeZone: merchant.timeZone,
    });
    const { documents, problems } = aggregate({
      companyId: 'co-gen',
      configuration,
      period: merchant.period,
      records: merchant,
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
        new Request(
          `${BASE}/api/tax-report?from=${merchant.period.start}&to=${addDays(merchant.period.end, -1)}`,
          {
            headers: { authorization: `Bearer ${tokens.accessToken}` },
          },
        ),
      );
      const report = (await response.json()) as SandboxTaxReport;
      const actual: typeof expected = {};
      for (const section of report.sections)
        for (const r of section.rates)
          if (
            r.taxRateId === SANDBOX_TAX_RATES.uk['20'] ||
            r.taxRateId === SANDBOX_TAX_RATES.uk['5']
          )
            (actual[section.currency] ??= {})[r.taxRateId] = { net: r.sales.net, tax: r.sales.tax };
      expect(actual).toEqual(expected);
    } finally {
      sandbox.close();
    }
  });
});
