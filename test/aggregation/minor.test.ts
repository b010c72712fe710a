import fc from 'fast-check';
import { minor } from '../../src/aggregation/accumulate.js';
import { toMinor } from '../../src/contract/money.js';

const outcome = (f: () => number) => {
  try {
    return f();
  } catch (error) {
    return (error as Error).name;
  }
};

describe('minor (the fast decimal → minor units conversion)', () => {
  it('agrees with toMinor on every decimal, including ones finer than the currency', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e11, max: 1e11 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('GBP', 'JPY', 'KWD', 'EUR'),
        (units, places, currency) => {
          const amount = Number((units / 10 ** places).toFixed(places));
          expect(outcome(() => minor(amount, currency))).toEqual(outcome(() => toMinor(amount, currency)));
        },
      ),
      { numRuns: 5000, seed: 42 },
    );
  });

  it.each([[1.15, 'GBP', 115], [0.29, 'GBP', 29], [-5.5, 'EUR', -550], [1500, 'JPY', 1500], [1.234, 'KWD', 1234], [0.1 + 0.2, 'GBP', 'MoneyPrecisionError'], [1.005, 'GBP', 'MoneyPrecisionError']] as const)(
    '%s %s → %s',
    (amount, currency, expected) => {
      expect(outcome(() => minor(amount, currency))).toBe(expected);
    },
  );
});
