import { z } from 'zod';
import { absentNotNull } from '../../src/contract/wire.js';

describe('absentNotNull', () => {
  const Row = z.object({ keep: z.string().nullable(), drop: z.string().optional(), either: z.string().nullish() });
  const Doc = z.object({
    rows: z.array(Row),
    byKey: z.record(z.string(), Row),
    inner: Row.nullish(),
    unknownField: z.unknown(),
  });

  it('drops null only where the schema has no null, at any depth', () => {
    const row = { keep: null, drop: null, either: null };
    expect(absentNotNull(Doc, { rows: [row], byKey: { a: row }, inner: row, unknownField: null, extra: null })).toEqual({
      rows: [{ keep: null, either: null }],
      byKey: { a: { keep: null, either: null } },
      inner: { keep: null, either: null },
      unknownField: null,
      extra: null,
    });
  });

  it('leaves values and non-objects alone', () => {
    expect(absentNotNull(Row, { keep: 'a', drop: 'b', either: 'c' })).toEqual({ keep: 'a', drop: 'b', either: 'c' });
    expect(absentNotNull(Row, null)).toBeNull();
    expect(absentNotNull(z.array(Row), 'x')).toBe('x');
  });
});
