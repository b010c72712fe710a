import { addDays, datesOf, localDate, localDayRange } from '../aggregation/time.js';

/**
 * Merchant-local calendar arithmetic for the scheduler and runs (IANA zones, DST-correct).
 * Dates are `YYYY-MM-DD` strings; instants are `Date`s. Day boundaries come from the
 * aggregation engine's calendar, so runs and aggregation always agree on what a day is.
 */

export { addDays };

/** The merchant-local date of an instant. */
export const localDateOf = (instant: Date | string, timeZone: string): string => localDate(instant, timeZone);

/** Every date in `[start, end)`. */
export const datesIn = (start: string, end: string): string[] => datesOf({ start, end });

/** The UTC instants a merchant-local day spans: `[start, end)` (23 or 25 hours on DST days). */
export const localDayBounds = (date: string, timeZone: string): { start: Date; end: Date } => localDayRange(date, timeZone);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock parts of an instant in a zone. */
export function zonedParts(instant: Date, timeZone: string): { date: string; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The instant a local wall-clock time occurs in a zone. In a spring-forward gap the time
 * is moved forward past the gap; in a fall-back overlap the earlier instant is returned.
 */
export function zonedInstant(date: string, hour: number, timeZone: string): Date {
  const target = Date.parse(`${date}T${String(hour).padStart(2, '0')}:00:00Z`);
  let guess = target;
  for (let i = 0; i < 3; i += 1) {
    const p = zonedParts(new Date(guess), timeZone);
    const seen = Date.parse(`${p.date}T${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}:${String(p.second).padStart(2, '0')}Z`);
    const diff = target - seen;
    if (diff === 0) break;
    guess += diff;
  }
  // Prefer the earlier of two candidates in an overlap.
  const earlier = guess - 3_600_000;
  const pe = zonedParts(new Date(earlier), timeZone);
  if (pe.date === date && pe.hour === hour) return new Date(earlier);
  return new Date(guess);
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in whole minutes (old local-mean-time offsets are rounded). */
function offsetMinutes(ms: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, f);
  }
  const name = f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(name);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60;
  return Math.round(m[1] === '-' ? -minutes : minutes);
}

/** An ISO 8601 date-time without an offset (`2021-02-10T01:37:23`, fractions allowed). */
export const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

/**
 * A local date-time (no offset) with the zone's offset appended, so it names one instant:
 * `2021-02-10T01:37:23` in Europe/Paris → `2021-02-10T01:37:23+01:00`. In a fall-back overlap
 * the earlier instant is taken; a time inside a spring-forward gap gets the offset before the
 * gap (it denotes the instant that far past the transition). Text that is not a local
 * date-time is returned unchanged.
 */
export function withZoneOffset(text: string, timeZone: string): string {
  if (!LOCAL_DATE_TIME.test(text)) return text;
  const wall = Date.parse(`${text}Z`);
  if (Number.isNaN(wall)) return text;
  // The zone's offsets around that wall time; one is right unless it falls in a transition.
  const candidates = [...new Set([-86_400_000, 0, 86_400_000].map((d) => offsetMinutes(wall + d, timeZone)))];
  const valid = candidates.filter((o) => offsetMinutes(wall - o * 60_000, timeZone) === o);
  // Overlap: two are valid, the larger offset is the earlier instant. Gap: none is, take the one before it.
  const offset = valid.length ? Math.max(...valid) : Math.min(...candidates);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${text}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
