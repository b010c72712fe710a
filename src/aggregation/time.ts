/**
 * Merchant-local calendar days. Day boundaries are computed once per day (never per record)
 * from the IANA time-zone database, so 23- and 25-hour DST days and zones whose clocks jump
 * at midnight are handled exactly.
 */

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(epochMs: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(epochMs)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Offset of `timeZone` from UTC at an instant, in ms (whole seconds). */
function offsetAt(epochMs: number, timeZone: string): number {
  const p = localParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a date; use YYYY-MM-DD.`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`"${date}" is not a calendar date.`);
  }
  return { year, month, day };
}

/**
 * The merchant-local calendar date (`YYYY-MM-DD`) of an instant in an IANA time zone.
 *
 * @example localDate('2026-03-29T23:30:00Z', 'Europe/London') === '2026-03-30'
 */
export function localDate(instant: string | Date, timeZone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`"${String(instant)}" is not a date-time.`);
  const p = localParts(ms, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** First instant whose local date is `date` (local midnight, or the end of a gap that swallows it). */
function startOfLocalDay(date: string, timeZone: string): number {
  const { year, month, day } = parseDate(date);
  const wall = Date.UTC(year, month - 1, day);
  const candidates = new Set<number>();
  for (const probe of [wall - DAY_MS, wall, wall + DAY_MS]) candidates.add(wall - offsetAt(probe, timeZone));
  let best = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (localDate(new Date(c), timeZone) === date && c < best) best = c;
  }
  if (best === Number.POSITIVE_INFINITY) {
    throw new RangeError(`Could not find the start of ${date} in ${timeZone}.`);
  }
  return best;
}

/**
 * The UTC instants `[start, end)` of a merchant-local calendar day; 23 or 25 hours long on DST
 * change days.
 *
 * @example localDayRange('2026-03-29', 'Europe/London') // 2026-03-29T00:00Z … 2026-03-29T23:00Z (23 h)
 */
export function localDayRange(date: string, timeZone: string): { start: Date; end: Date } {
  return { start: new Date(startOfLocalDay(date, timeZone)), end: new Date(startOfLocalDay(addDays(date, 1), timeZone)) };
}

/** `date` plus `n` calendar days. */
export function addDays(date: string, n: number): string {
  const { year, month, day } = parseDate(date);
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** The calendar dates of `[start, end)`. */
export function datesOf(period: { start: string; end: string }): string[] {
  parseDate(period.start);
  parseDate(period.end);
  const out: string[] = [];
  for (let d = period.start; d < period.end; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * Day buckets of a period: maps an epoch-ms instant to the index of its local day with a
 * binary search over precomputed boundaries (no per-record time-zone formatting).
 */
export class DayIndex {
  readonly dates: readonly string[];
  private readonly bounds: Float64Array;

  constructor(period: { start: string; end: string }, timeZone: string) {
    this.dates = datesOf(period);
    this.bounds = new Float64Array(this.dates.length + 1);
    this.dates.forEach((d, i) => {
      this.bounds[i] = startOfLocalDay(d, timeZone);
    });
    this.bounds[this.dates.length] = startOfLocalDay(period.end, timeZone);
  }

  /** Index of the local day containing `epochMs`, or -1 outside the period. */
  indexOf(epochMs: number): number {
    const b = this.bounds;
    const n = b.length - 1;
    if (n <= 0 || !(epochMs >= b[0]!) || epochMs >= b[n]!) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[mid]! <= epochMs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
