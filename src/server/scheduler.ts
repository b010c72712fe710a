import { normalizeConfiguration } from '../contract/configuration.js';
import type { RunQueue, ScheduledJob } from './runs/queue.js';
import { isInterrupted } from './runs/status.js';
import { dueAfterDay, nextDueAt } from './runs/due.js';
import type { CompanyRecord, Store } from './store/index.js';
import { addDays, zonedInstant, zonedParts } from './time.js';

/** The daily scheduler's controls. */
export interface Scheduler {
  /** Runs every company that is due at `now` (await it in tests instead of using timers). */
  tick(now: Date): Promise<void>;
  /** Ticks now (so a run a restart interrupted is picked up at once), then every `intervalMs` until stopped. */
  start(): void;
  stop(): void;
}

/**
 * The last merchant-local day (exclusive end) whose sync is due at `now`: days end at
 * midnight local, and a day's sync is due at `syncHour` local on the following day.
 */
export function dueEnd(now: Date, timeZone: string, syncHour: number): { end: string; dueAt: Date } {
  const local = zonedParts(now, timeZone);
  const end = local.hour >= syncHour ? local.date : addDays(local.date, -1);
  return { end, dueAt: zonedInstant(end, syncHour, timeZone) };
}

/** Companies a tick reads per query: a page of the due companies, never the whole table. */
const DUE_PAGE = 500;

/** Default of the scheduler's `burstPerMinute`. */
export const DEFAULT_BURST_PER_MINUTE = 500;
/** A burst is spread over at most this long after the tick (the hour after local midnight). */
const MAX_SPREAD_MS = 59 * 60_000;

/**
 * How long after the tick the `index`-th due company of the tick may start: the first
 * `burstPerMinute` at once, the rest evenly spaced at that rate, the last no later than 59
 * minutes on. So a fleet whose merchants reach midnight together starts its runs across the
 * hour instead of spending every vendor's per-app budget in the first minute.
 */
export function burstDelayMs(index: number, burstPerMinute: number): number {
  if (index < burstPerMinute) return 0;
  return Math.min(MAX_SPREAD_MS, Math.floor((index * 60_000) / burstPerMinute));
}

/**
 * Creates the scheduler: each tick reads only the companies whose stored due time
 * (`next_due_at`, see {@link nextDueAt}) has come, and every enabled and configured one whose
 * next period has ended and whose sync hour has passed gets one scheduled run (at most one
 * attempt per day: a failed day is retried at the next day's sync hour, rolled into that run).
 * A run that never finished because its process died is not an attempt: the next tick runs it
 * again, as soon as the dead run's lease is taken over. A company whose run is alive on another
 * instance is left to it, with nothing recorded. A tick enqueues the due runs (key
 * `company:endDay`, queued once however many schedulers tick) and, on the in-process queue,
 * waits for them to finish.
 */
export function createScheduler(options: {
  store: Store;
  /** Where due runs go: workers (in this process or others) run them. */
  queue: Pick<RunQueue, 'enqueue' | 'settled'>;
  now: () => Date;
  intervalMs?: number;
  ready?: Promise<unknown>;
  /** Work after the runs of each tick (sending due webhooks); its failure is logged, not thrown. */
  afterTick?: (now: Date) => Promise<void>;
  /**
   * Scheduled runs a tick starts at once; more due companies than that are spread over the
   * following hour at this rate (see {@link burstDelayMs}). Default {@link DEFAULT_BURST_PER_MINUTE}.
   */
  burstPerMinute?: number;
}): Scheduler {
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;

  /** The period to run for a due company now, or null after moving its due time forward. */
  async function duePeriod(company: CompanyRecord, now: Date): Promise<string | null> {
    const { store } = options;
    const config = normalizeConfiguration(company.config ?? {});
    const timeZone = config.schedule?.timeZone ?? 'Etc/UTC';
    const syncHour = config.schedule?.syncHour ?? 0;
    const startDate = config.schedule?.startDate?.slice(0, 10);
    const { end, dueAt } = dueEnd(now, timeZone, syncHour);
    const start = company.syncedThrough ?? startDate;
    if (!start || start >= end) {
      // Not due after all (a due time set before its inputs were known): store the real one.
      const next = nextDueAt(company);
      await store.setNextDue(company.id, next !== null && next <= now.toISOString() ? dueAfterDay(end, timeZone, syncHour) : next);
      return null;
    }
    const latest = await store.latestRun(company.id);
    const attempted = latest !== null && latest.trigger === 'scheduled' && latest.createdAt >= dueAt.toISOString() && latest.completedAt !== null && !isInterrupted(latest);
    if (attempted) {
      // Today's attempt failed (a success would have moved the due time): try again tomorrow.
      await store.setNextDue(company.id, dueAfterDay(end, timeZone, syncHour));
      return null;
    }
    return end;
  }

  async function tick(now: Date): Promise<void> {
    await options.ready;
    let after: { nextDueAt: string; id: string } | undefined;
    const burst = Math.max(1, options.burstPerMinute ?? DEFAULT_BURST_PER_MINUTE);
    // Due companies come oldest due first, so a company keeps its place across ticks.
    let index = 0;
    for (;;) {
      const page = await options.store.dueCompanies(now, DUE_PAGE, after);
      const jobs: ScheduledJob[] = [];
      const spread: [ScheduledJob, number][] = [];
      for (const company of page) {
        try {
          const end = await duePeriod(company, now);
          if (end !== null) {
            const delayMs = burstDelayMs(index, burst);
            index += 1;
            if (delayMs > 0) spread.push([{ companyId: company.id, end }, delayMs]);
            else jobs.push({ companyId: company.id, end });
          }
        } catch (error) {
          console.error(`Scheduling the sync of company ${company.id} failed:`, error);
        }
      }
      if (jobs.length > 0) await options.queue.enqueue(jobs);
      for (const [job, delayMs] of spread) await options.queue.enqueue([job], { delayMs });
      const last = page.at(-1);
      if (!last || page.length < DUE_PAGE) break;
      after = { nextDueAt: last.nextDueAt, id: last.id };
    }
    await options.queue.settled();
    try {
      await options.afterTick?.(now);
    } catch (error) {
      console.error('Scheduler tick: sending due webhooks failed:', error);
    }
  }

  return {
    tick,
    start() {
      if (timer) return;
      const beat = () => {
        if (running) return;
        running = tick(options.now())
          .catch((error: unknown) => console.error('Scheduler tick failed:', error))
          .finally(() => {
            running = null;
          });
      };
      timer = setInterval(beat, options.intervalMs ?? 60_000);
      timer.unref?.();
      beat();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
