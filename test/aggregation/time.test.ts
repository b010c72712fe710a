import { DayIndex, datesOf } from '../../src/aggregation/time.js';
import { localDate, localDayRange } from '../../src/aggregation/index.js';

const hours = (r: { start: Date; end: Date }) => (r.end.getTime() - r.start.getTime()) / 3_600_000;

describe('localDayRange on DST change days', () => {
  it.each([
    ['Europe/London', '2026-03-29', 23, '2026-03-29T00:00:00.000Z', '2026-03-29T23:00:00.000Z'],
    ['Europe/London', '2026-10-25', 25, '2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z'],
    ['America/New_York', '2026-03-08', 23, '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
    ['America/New_York', '2026-11-01', 25, '2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
    ['Australia/Sydney', '2026-04-05', 25, '2026-04-04T13:00:00.000Z', '2026-04-05T14:00:00.000Z'],
    ['Australia/Sydney', '2026-10-04', 23, '2026-10-03T14:00:00.000Z', '2026-10-04T13:00:00.000Z'],
    ['Europe/London', '2026-06-15', 24, '2026-06-14T23:00:00.000Z', '2026-06-15T23:00:00.000Z'],
    ['Etc/UTC', '2026-03-29', 24, '2026-03-29T00:00:00.000Z', '2026-03-30T00:00:00.000Z'],
  ])('%s %s is %i hours', (zone, date, length, start, end) => {
    const range = localDayRange(date, zone);
    expect(hours(range)).toBe(length);
    expect(range.start.toISOString()).toBe(start);
    expect(range.end.toISOString()).toBe(end);
  });

  it('starts a day whose midnight does not exist at the end of the gap (America/Santiago)', () => {
    // Chile springs forward at local midnight: 2026-09-06 starts at 01:00 local (04:00Z).
    const range = localDayRange('2026-09-06', 'America/Santiago');
    expect(range.start.toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(hours(range)).toBe(23);
    expect(localDate(new Date(range.start.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });

  it('puts instants either side of the boundaries on the right local dates', () => {
    expect(localDate('2026-03-29T22:59:59Z', 'Europe/London')).toBe('2026-03-29');
    expect(localDate('2026-03-29T23:00:00Z', 'Europe/London')).toBe('2026-03-30');
    expect(localDate('2026-10-26T00:30:00+01:00', 'Europe/London')).toBe('2026-10-25');
    expect(localDate('2026-11-01T04:30:00Z', 'America/New_York')).toBe('2026-11-01');
    expect(localDate('2026-04-04T13:30:00Z', 'Australia/Sydney')).toBe('2026-04-05');
    expect(localDate(new Date('2026-04-04T12:59:59Z'), 'Australia/Sydney')).toBe('2026-04-04');
  });

  it('buckets instants exactly like localDate across a period with both DST changes', () => {
    for (const zone of ['Europe/London', 'America/New_York', 'Australia/Sydney']) {
      const period = { start: '2026-03-01', end: '2026-11-10' };
      const index = new DayIndex(period, zone);
      const dates = datesOf(period);
      const first = localDayRange(period.start, zone).start.getTime();
      const last = localDayRange('2026-11-09', zone).end.getTime();
      expect(index.indexOf(first - 1)).toBe(-1);
      expect(index.indexOf(last)).toBe(-1);
      for (let t = first; t < last; t += 3_600_000 * 7 + 1_234_567) {
        expect(dates[index.indexOf(t)]).toBe(localDate(new Date(t), zone));
      }
    }
  });

  it('refuses dates that do not exist', () => {
    expect(() => localDayRange('2026-02-30', 'Europe/London')).toThrow(/not a calendar date/);
    expect(() => localDayRange('29/03/2026', 'Europe/London')).toThrow(/YYYY-MM-DD/);
  });
});
