import { normalizeConfiguration } from '../contract/configuration.js';
import type { RunEngine } from './runs/engine.js';
import { isInterrupted } from './runs/status.js';
import type { Store } from './store/index.js';
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

/**
 * Creates the scheduler: each tick, every enabled and configured company whose next period
 * has ended and whose sync hour has passed gets one scheduled run (at most one attempt per
 * day: a failed day is retried at the next day's sync hour, rolled into that run). A run that
 * never finished because its process died is not an attempt: the next tick runs it again, as
 * soon as the dead run's lease is taken over. A company whose run is alive on another
 * instance is left to it, with nothing recorded.
 */
export function createScheduler(options: {
  store: Store;
  engine: Pick<RunEngine, 'runUnlessBusy'>;
  now: () => Date;
  intervalMs?: number;
  ready?: Promise<unknown>;
  /** Work after the runs of each tick (sending due webhooks); its failure is logged, not thrown. */
  afterTick?: (now: Date) => Promise<void>;
}): Scheduler {
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;

  async function tick(now: Date): Promise<void> {
    await options.ready;
    for (const company of await options.store.listSchedulableCompanies()) {
      const config = normalizeConfiguration(company.config ?? {});
      const startDate = config.schedule?.startDate?.slice(0, 10);
      if (!startDate) continue;
      const { end, dueAt } = dueEnd(now, config.schedule?.timeZone ?? 'Etc/UTC', config.schedule?.syncHour ?? 0);
      const start = company.syncedThrough ?? startDate;
      if (start >= end) continue;
      const latest = await options.store.latestRun(company.id);
      const attempted = latest !== null && latest.trigger === 'scheduled' && latest.createdAt >= dueAt.toISOString() && latest.completedAt !== null && !isInterrupted(latest);
      if (attempted) continue;
      try {
        await options.engine.runUnlessBusy(company.id, { trigger: 'scheduled', end });
      } catch (error) {
        console.error(`Scheduled sync of company ${company.id} failed to run:`, error);
      }
    }
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
