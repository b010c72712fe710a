import { IdIndex } from '../../src/aggregation/accumulate.js';

describe('IdIndex', () => {
  it('stores and finds 200,000 ids through several growths, and misses unknown ones', () => {
    const index = new IdIndex(8);
    const n = 200_000;
    for (let i = 0; i < n; i++) index.set(`ord-${i}`, i * 3);
    expect(index.size).toBe(n);
    for (let i = 0; i < n; i += 7) expect(index.get(`ord-${i}`)).toBe(i * 3);
    expect(index.get('ord--1')).toBe(-1);
    expect(index.get(`ord-${n}`)).toBe(-1);
    index.set('ord-5', 1);
    expect(index.get('ord-5')).toBe(1);
    expect(index.size).toBe(n);
  });
});
