import { addDays } from '../../src/aggregation/index.js';
import { generateMerchant } from '../../test/fixtures/generator.js';
import type { SalesSimulator } from './partner-app.js';

/** Orders a simulated day has; enough for realistic journals, small enough to push in a blink. */
export const SIMULATED_ORDERS_PER_DAY = 30;

/**
 * Simulated sales from the project's seeded generator (test/fixtures): multi-rate tax or GST+PST
 * components, discounts, shipping, tips, gift cards, split tender, refunds, processor fees and
 * payouts, in the merchant's time zone. The same merchant, period and seed give the same records,
 * which is how the e2e tests compute the journals they expect.
 */
export const simulateSales: SalesSimulator = ({ merchant, period, seed }) => {
  let days = 0;
  while (addDays(period.start, days) < period.end) days += 1;
  const generated = generateMerchant({
    seed,
    profile: merchant.generatorProfile,
    timeZone: merchant.timeZone,
    start: period.start,
    days,
    ordersPerDay: SIMULATED_ORDERS_PER_DAY,
  });
  return {
    locations: generated.locations,
    products: generated.products,
    taxComponents: generated.taxComponents,
    orders: generated.orders,
    payments: generated.payments,
    transactions: generated.transactions,
  };
};
