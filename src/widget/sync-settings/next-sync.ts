/**
 * The next instant the daily sync is due: `syncHour`:00 merchant-local time, strictly after
 * `now`. Walks whole hours in UTC and reads the local hour with Intl, so DST days (23 or 25
 * hours, or a skipped local hour) are handled; a skipped hour falls to the next day's run.
 */
export function nextSyncAt(now: Date, syncHour: number, timeZone: string): Date {
  const hourIn = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' });
  const start = new Date(now);
  start.setUTCMinutes(0, 0, 0);
  // Zones with 30/45-minute offsets: local :00 is not UTC :00, so step in quarter hours.
  for (let minutes = 15; minutes <= 49 * 60; minutes += 15) {
    const candidate = new Date(start.getTime() + minutes * 60_000);
    if (candidate <= now) continue;
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone, minute: '2-digit' }).format(candidate);
    if (Number(parts) !== 0) continue;
    if (Number(hourIn.format(candidate)) === syncHour) return candidate;
  }
  throw new RangeError(`No ${syncHour}:00 in ${timeZone} within two days of ${now.toISOString()}.`);
}
