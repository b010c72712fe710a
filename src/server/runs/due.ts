import { normalizeConfiguration, type Configuration } from '../../contract/configuration.js';
import { addDays, zonedInstant } from '../time.js';

/** What a company's due time depends on: its saved configuration, switches and last success. */
export interface DueInputs {
  config: Configuration | null;
  configured: boolean;
  enabled: boolean;
  syncedThrough: string | null;
}

/**
 * The instant a company's next scheduled run becomes due, or null when none ever will (paused,
 * not configured, no start date). The next period starts where the last success ended (or at
 * `schedule.startDate`); its first day ends at local midnight, and a day's sync is due at
 * `syncHour` local on the following day. The store keeps this as `companies.next_due_at`, so
 * a scheduler tick reads only the companies due at its time.
 */
export function nextDueAt(company: DueInputs): string | null {
  if (!company.enabled || !company.configured) return null;
  const schedule = normalizeConfiguration(company.config ?? {}).schedule;
  const startDate = schedule?.startDate?.slice(0, 10);
  if (!startDate) return null;
  const start = company.syncedThrough ?? startDate;
  return dueAfterDay(start, schedule?.timeZone ?? 'Etc/UTC', schedule?.syncHour ?? 0);
}

/** When the sync of merchant-local `day` (the period ending at the end of it) is due. */
export function dueAfterDay(day: string, timeZone: string, syncHour: number): string {
  return zonedInstant(addDays(day, 1), syncHour, timeZone).toISOString();
}
