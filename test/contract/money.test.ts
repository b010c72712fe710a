import fc from 'fast-check';
import { allocate, fromMinor, taxAtPercent, toMinor, MoneyPrecisionError } from '../../src/contract/money.js';

describe('toMinor / fromMinor', () => {
  it.each([
    [12.34, 'GBP', 1234],
    [0.3, 'GBP', 30],
    [-5.5, 'EUR', -550],
    [1500, 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['1e2', 'USD', 10000],
    [1.15, 'GBP', 115],
  ] as const)('%s %s → %i', (amount, currency, minor) => {
    expect(toMinor(amount, currency)).toBe(minor);
  });

  it('refuses amounts finer than the currency allows, or rounds when asked', () => {
    expect(() => toMinor(1.005, 'GBP')).toThrow(MoneyPrecisionError);
    expect(toMinor(1.005, 'GBP', 'round')).toBe(101);
    expect(toMinor('-1.5', 'JPY', 'round')).toBe(-2);
    // Float noise from a partner's own arithmetic is caught, never silently absorbed.
    expect(() => toMinor(0.1 + 0.2, 'GBP')).toThrow(MoneyPrecisionError);
    expect(toMinor(0.1 + 0.2, 'GBP', 'round')).toBe(30);
  });

  it('round-trips every integer amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('GBP', 'JPY', 'KWD'), (n, c) => {
        expect(toMinor(fromMinor(n, c), c)).toBe(n);
        expect(toMinor(Number(fromMinor(n, c)), c)).toBe(n);
      }),
    );
  });
});

describe('allocate', () => {
  it('splits exactly, largest remainder first', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(5, [0, 0])).toEqual([5, 0]);
  });

  it('always conserves the total', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 8 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        },
      ),
    );
  });
});

describe('taxAtPercent', () => {
  // Worked by hand: amount × percent / 100, halves away from zero.
  it.each([
    [1000, 20, 200],
    [12345, 20, 2469], // 2469.0
    [4010, 5, 201], // 200.5 → 201
    [-4010, 5, -201],
    [-333, 17.5, -58], // -58.275
    [250, 12.5, 31], // 31.25
    [7, 0, 0],
    [10000, 8.875, 888], // 887.5 → 888
  ])('%i at %d %% is %i', (amount, percent, tax) => {
    expect(taxAtPercent(amount, percent)).toBe(tax);
  });
});
