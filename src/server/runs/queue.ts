import { normalizeConfiguration } from '../../contract/configuration.js';
import type { Store } from '../store/index.js';
import { zonedInstant } from '../time.js';
import { isInterrupted } from './status.js';

/** One scheduled run to do: a company's period ending (exclusive) at merchant-local `end`. */
export interface ScheduledJob {
  companyId: string;
  end: string;
  /**
   * Set on a retry of a scheduled run that failed on a passing platform problem (an outage, a
   * time-out): which retry it is (1, 2, …) and the failed run it follows. It runs only if no
   * other run of the company came in between.
   */
  retry?: { attempt: number; after: string };
}

/**
 * Thrown by a job handler whose run yielded its worker (a vendor call budget is spent for now):
 * the queue runs the job again after `delayMs`, counted meanwhile as waiting on budget.
 */
export class DeferRun extends Error {
  constructor(
    readonly delayMs: number,
    readonly reason: 'budget' = 'budget',
  ) {
    super(`Run deferred for ${delayMs} ms (${reason})`);
    this.name = 'DeferRun';
  }
}

/** The queue key of a job: any number of schedulers enqueueing the same key queue it once. */
export function jobKey(job: ScheduledJob): string {
  return job.retry ? `${job.companyId}:${job.end}:retry-${job.retry.attempt}` : `${job.companyId}:${job.end}`;
}

/** How a job goes on the queue. */
export interface EnqueueOptions {
  /** Not before this many milliseconds from now (a retry's backoff). Such jobs count as queued, and a tick does not wait for them. */
  delayMs?: number;
}

/** What `GET /health/queue` reports about a queue. */
export interface QueueCounts {
  /** Jobs waiting for a worker (new or waiting to be retried). */
  queued: number;
  /** Jobs a worker is on now. */
  running: number;
  /** Jobs that failed every attempt (kept for inspection). */
  failed: number;
  /** Runs that yielded their worker on a vendor call budget and wait to resume (absent: none). */
  waitingOnBudget?: number;
}

/**
 * The run queue behind the scheduler: the scheduler enqueues due runs, workers run them.
 * One implementation per store: in-process on SQLite, pg-boss on PostgreSQL.
 */
export interface RunQueue {
  readonly kind: 'in-process' | 'pg-boss';
  /** Queues each job unless one with its key is already queued; resolves with how many were new. */
  enqueue(jobs: readonly ScheduledJob[], options?: EnqueueOptions): Promise<number>;
  /** In-process only: resolves once every job queued so far has run (a tick awaits it). */
  settled(): Promise<void>;
  /** Starts `concurrency` workers in this process (0: enqueue only). */
  start(concurrency: number): Promise<void>;
  stop(): Promise<void>;
  counts(): Promise<QueueCounts>;
  /** {@link counts} by the accounting platform of each job's company (`''`: none linked). */
  countsByPlatform(): Promise<Map<string, QueueCounts>>;
}

/** Runs one job: returns when it finished (or was found not needed); throws to have it retried. */
export type JobHandler = (job: ScheduledJob) => Promise<void>;

/**
 * Whether a queued scheduled run is still to do: the company is still enabled and configured,
 * its period ending at `end` is not synced yet, and no scheduled run finished for that day (a
 * run killed mid-way is not an attempt). Asked while holding the company's run lease, so two
 * workers holding jobs with the same key run it once.
 */
export async function scheduledRunStillDue(store: Store, job: ScheduledJob): Promise<boolean> {
  const company = await store.getCompany(job.companyId);
  if (!company || !company.enabled || !company.configured) return false;
  const schedule = normalizeConfiguration(company.config ?? {}).schedule;
  const start = company.syncedThrough ?? schedule?.startDate?.slice(0, 10);
  if (!start || start >= job.end) return false;
  const dueAt = zonedInstant(job.end, schedule?.syncHour ?? 0, schedule?.timeZone ?? 'Etc/UTC').toISOString();
  const latest = await store.latestRun(job.companyId);
  // A retry runs only right after the failure it retries: any later run (manual, or the next
  // day's) has already tried again, and its outcome stands.
  if (job.retry) return latest?.id === job.retry.after;
  const attempted = latest !== null && latest.trigger === 'scheduled' && latest.createdAt >= dueAt && latest.completedAt !== null && !isInterrupted(latest);
  return !attempted;
}

/**
 * The embedded queue (SQLite): jobs live in this process, as runs always did, run by up to
 * `concurrency` workers at once. A key already queued or running is not queued again. Nothing
 * survives the process: the scheduler's next tick after a restart finds the company still due
 * (its due time moves only when a run finished) and queues it again.
 */
export function createInProcessQueue(
  handle: JobHandler,
  options: {
    /** The accounting platform of each company (for {@link RunQueue.countsByPlatform}); default: none known. */
    platformsOf?: (companyIds: readonly string[]) => Promise<Map<string, string>>;
  } = {},
): RunQueue {
  const waiting: ScheduledJob[] = [];
  const keys = new Set<string>();
  let running = 0;
  let failed = 0;
  const active: ScheduledJob[] = [];
  // Failed jobs by company (a handler that threw is not retried: the next day's run is).
  const failedBy = new Map<string, number>();
  // Jobs waiting out a delay (retries, a burst spread over the hour), then queued; and runs that
  // yielded on a vendor budget (`budget`), which keep their key until they resume.
  const later = new Map<ReturnType<typeof setTimeout>, { job: ScheduledJob; budget: boolean }>();
  const laterKeys = new Set<string>();
  let concurrency = 1;
  let idle: { promise: Promise<void>; resolve: () => void } | null = null;

  const pump = () => {
    while (running < concurrency && waiting.length > 0) {
      const job = waiting.shift() as ScheduledJob;
      running += 1;
      active.push(job);
      void (async () => {
        let deferred = false;
        try {
          await handle(job);
        } catch (error) {
          if (error instanceof DeferRun) {
            deferred = true;
            const timer = setTimeout(() => {
              later.delete(timer);
              waiting.push(job);
              pump();
            }, Math.max(0, error.delayMs));
            timer.unref?.();
            later.set(timer, { job, budget: true });
            return;
          }
          failed += 1;
          failedBy.set(job.companyId, (failedBy.get(job.companyId) ?? 0) + 1);
          console.error(`Scheduled sync of company ${job.companyId} failed to run:`, error);
        } finally {
          running -= 1;
          active.splice(active.indexOf(job), 1);
          if (!deferred) keys.delete(jobKey(job));
          // Give HTTP and timers a turn between runs.
          setImmediate(pump);
          if (running === 0 && waiting.length === 0 && idle) {
            idle.resolve();
            idle = null;
          }
        }
      })();
    }
  };

  const self: RunQueue = {
    kind: 'in-process',
    enqueue(jobs, options = {}) {
      if (options.delayMs !== undefined && options.delayMs > 0) {
        let delayed = 0;
        for (const job of jobs) {
          // A job already queued or already waiting out its delay (a burst spread over the
          // hour, found due again by the next tick) is not timed twice.
          const key = jobKey(job);
          if (keys.has(key) || laterKeys.has(key)) continue;
          laterKeys.add(key);
          const timer = setTimeout(() => {
            later.delete(timer);
            laterKeys.delete(key);
            void self.enqueue([job]);
          }, options.delayMs);
          timer.unref?.();
          later.set(timer, { job, budget: false });
          delayed += 1;
        }
        return Promise.resolve(delayed);
      }
      let added = 0;
      for (const job of jobs) {
        if (keys.has(jobKey(job))) continue;
        keys.add(jobKey(job));
        waiting.push(job);
        added += 1;
      }
      pump();
      return Promise.resolve(added);
    },
    settled() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      if (!idle) {
        let resolve = () => undefined as void;
        const promise = new Promise<void>((r) => {
          resolve = r;
        });
        idle = { promise, resolve };
      }
      return idle.promise;
    },
    start(n) {
      // The embedded queue always runs its jobs: with no workers asked for, one.
      concurrency = Math.max(1, n);
      pump();
      return Promise.resolve();
    },
    stop() {
      waiting.length = 0;
      for (const timer of later.keys()) clearTimeout(timer);
      later.clear();
      laterKeys.clear();
      return Promise.resolve();
    },
    counts: () => {
      const onBudget = [...later.values()].filter((l) => l.budget).length;
      return Promise.resolve({ queued: waiting.length + later.size - onBudget, running, failed, waitingOnBudget: onBudget });
    },
    async countsByPlatform() {
      const pending = [...later.values()];
      const queued = [...waiting.map((j) => j.companyId), ...pending.filter((l) => !l.budget).map((l) => l.job.companyId)];
      const onBudget = pending.filter((l) => l.budget).map((l) => l.job.companyId);
      const runningIds = active.map((j) => j.companyId);
      const platforms = await (options.platformsOf ?? (() => Promise.resolve(new Map<string, string>())))([...new Set([...queued, ...onBudget, ...runningIds, ...failedBy.keys()])]);
      const out = new Map<string, QueueCounts>();
      const add = (companyId: string, field: 'queued' | 'running' | 'failed' | 'waitingOnBudget', n = 1) => {
        const key = platforms.get(companyId) ?? '';
        const counts = out.get(key) ?? { queued: 0, running: 0, failed: 0, waitingOnBudget: 0 };
        counts[field] = (counts[field] ?? 0) + n;
        out.set(key, counts);
      };
      for (const id of queued) add(id, 'queued');
      for (const id of onBudget) add(id, 'waitingOnBudget');
      for (const id of runningIds) add(id, 'running');
      for (const [id, n] of failedBy) add(id, 'failed', n);
      return out;
    },
  };
  return self;
}
