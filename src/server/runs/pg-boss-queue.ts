import PgBoss from 'pg-boss';
import type { Db } from '../store/index.js';
import { DeferRun, jobKey, type EnqueueOptions, type JobHandler, type QueueCounts, type RunQueue, type ScheduledJob } from './queue.js';

/** The pg-boss queue the scheduled runs go through. */
export const RUN_QUEUE_NAME = 'commerce-sync-scheduled-runs';

/** How the PostgreSQL run queue behaves; the defaults suit a fleet. */
export interface PgBossQueueOptions {
  /**
   * A job a worker has held this long without finishing is failed and retried (pg-boss
   * expiration). The run lease stays the guard: a retry while the run still lives finds the
   * company busy and ends. Default 900 (15 minutes).
   */
  expireInSeconds?: number;
  /** Seconds between pg-boss maintenance passes (expiring and archiving jobs). Default 30. */
  maintenanceIntervalSeconds?: number;
  /** Seconds an idle worker waits before asking for the next job. Default 1. */
  pollingIntervalSeconds?: number;
}

/**
 * The PostgreSQL run queue: pg-boss 10, its tables in the schema `<store schema>_jobs` of the
 * store's own database, reached through the store's connection pool. The queue has the
 * `short` policy and each job carries its key (`company:endDay`) as singleton key, so at most
 * one job per key waits, however many schedulers enqueue it. Which job runs a company is left
 * to the run lease (one run per company at a time): a job queued again after its worker died
 * is taken at once by a live worker, which takes the dead run's lease over (`stately`, one
 * active job per key, would hold it back until the dead job expires). A job whose handler
 * threw is retried up to 5 times, 10 s apart; one held past `expireInSeconds` (its worker died)
 * is expired by pg-boss maintenance and retried too.
 */
export async function createPgBossQueue(db: Db, handle: JobHandler, options: PgBossQueueOptions = {}): Promise<RunQueue> {
  const [row] = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
  const schema = `${row?.schema ?? 'public'}_jobs`;
  const open = async (): Promise<PgBoss> => {
    const created = new PgBoss({
      db: { executeSql: async (text: string, values: unknown[]) => ({ rows: await db.query(text, values as never[]) }) },
      schema,
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    });
    created.on('error', (error: unknown) => console.error('Run queue (pg-boss) error:', error));
    await created.start();
    return created;
  };
  let boss: PgBoss;
  try {
    boss = await open();
  } catch {
    // Two instances installing pg-boss's schema at the same moment: one wins, the other retries
    // and finds it installed.
    await new Promise((r) => setTimeout(r, 200));
    boss = await open();
  }
  if (!(await boss.getQueue(RUN_QUEUE_NAME))) {
    await boss.createQueue(RUN_QUEUE_NAME, { name: RUN_QUEUE_NAME, policy: 'short', retryLimit: 5, retryDelay: 10, expireInSeconds: options.expireInSeconds ?? 900 }).catch(async (error: unknown) => {
      // Another instance created it first.
      if (!(await boss.getQueue(RUN_QUEUE_NAME))) throw error;
    });
  }
  const polling = options.pollingIntervalSeconds ?? 1;
  let workers = 0;
  let sent: string[] = [];
  let stopping = false;
  const loops: Promise<void>[] = [];
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms).unref?.());

  /**
   * One worker: takes the next job, runs it, marks it done (or failed, to be retried), and
   * asks again at once; waits `polling` seconds only when the queue is empty or unreachable.
   */
  async function workLoop(): Promise<void> {
    while (!stopping) {
      let job: PgBoss.Job<ScheduledJob> | undefined;
      try {
        [job] = await boss.fetch<ScheduledJob>(RUN_QUEUE_NAME, { batchSize: 1 });
      } catch (error) {
        if (!stopping) console.error('Run queue: fetching a job failed:', error);
      }
      if (!job) {
        await pause(polling * 1000);
        continue;
      }
      try {
        await handle({ companyId: job.data.companyId, end: job.data.end, ...(job.data.retry ? { retry: job.data.retry } : {}) });
        await boss.complete(RUN_QUEUE_NAME, job.id).catch((error: unknown) => console.error('Run queue: completing a job failed:', error));
      } catch (error) {
        if (error instanceof DeferRun) {
          // The run yielded its worker: the same key again, to start once the budget refills
          // (a scheduler that queues the key meanwhile finds it queued), then this one is done.
          await boss
            .send(RUN_QUEUE_NAME, { ...job.data, waitingOnBudget: true }, { singletonKey: jobKey(job.data), startAfter: new Date(Date.now() + error.delayMs) })
            .catch((sendError: unknown) => console.error('Run queue: re-queueing a deferred job failed (the next tick queues it):', sendError));
          await boss.complete(RUN_QUEUE_NAME, job.id).catch(() => undefined);
          continue;
        }
        console.error(`Scheduled sync of company ${job.data.companyId} failed to run (the job is retried):`, error);
        await boss.fail(RUN_QUEUE_NAME, job.id, { message: error instanceof Error ? error.message : String(error) }).catch(() => undefined);
      }
      // Give HTTP and timers a turn between runs.
      await new Promise((r) => setImmediate(r));
    }
  }

  return {
    kind: 'pg-boss',
    async enqueue(jobs: readonly ScheduledJob[], enqueueOptions: EnqueueOptions = {}) {
      const delayed = enqueueOptions.delayMs !== undefined && enqueueOptions.delayMs > 0;
      let added = 0;
      for (const job of jobs) {
        const id = await boss.send(RUN_QUEUE_NAME, { companyId: job.companyId, end: job.end, ...(job.retry ? { retry: job.retry } : {}) }, {
          singletonKey: jobKey(job),
          // pg-boss holds the job back until then: no worker waits for it.
          ...(delayed ? { startAfter: new Date(Date.now() + (enqueueOptions.delayMs ?? 0)) } : {}),
        });
        if (id) {
          added += 1;
          // A tick waits for the runs it queued, not for retries later on.
          if (workers > 0 && !delayed) sent.push(id);
        }
      }
      return added;
    },
    async settled() {
      // With workers here, a tick waits for the jobs it queued, as on the embedded queue
      // (whichever instance's worker takes them); a scheduling-only instance does not wait.
      const ids = sent;
      sent = [];
      while (ids.length > 0 && !stopping) {
        const [left] = await db.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM ${schema}.job WHERE name = $1 AND id = ANY($2::uuid[]) AND state < 'completed'`,
          [RUN_QUEUE_NAME, ids as never],
        ).catch(() => [{ n: '0' }]);
        if (Number(left?.n ?? 0) === 0) return;
        await pause(50);
      }
    },
    async start(concurrency: number) {
      workers += concurrency;
      for (let i = 0; i < concurrency; i += 1) loops.push(workLoop());
    },
    async stop() {
      stopping = true;
      await Promise.allSettled(loops);
      await boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
    },
    async counts(): Promise<QueueCounts> {
      const rows = await db.query<{ state: string; n: string }>(
        `SELECT CASE WHEN state = 'created' AND data->>'waitingOnBudget' = 'true' THEN 'budget' ELSE state::text END AS state, COUNT(*) AS n
           FROM ${schema}.job WHERE name = $1 GROUP BY 1`,
        [RUN_QUEUE_NAME],
      );
      const n = (...states: string[]) => rows.filter((r) => states.includes(r.state)).reduce((sum, r) => sum + Number(r.n), 0);
      return { queued: n('created', 'retry'), running: n('active'), failed: n('failed'), waitingOnBudget: n('budget') };
    },
    async countsByPlatform(): Promise<Map<string, QueueCounts>> {
      // The jobs' companies are in the store's tables of the same database (on the search path).
      const rows = await db.query<{ platform_key: string; state: string; n: string }>(
        `SELECT COALESCE((SELECT k.platform_key FROM connections k WHERE k.company_id = j.data->>'companyId' AND k.source_type = 'Accounting'
                  ORDER BY CASE WHEN k.status = 'Linked' THEN 0 ELSE 1 END, k.created_at LIMIT 1), '') AS platform_key,
                CASE WHEN j.state = 'created' AND j.data->>'waitingOnBudget' = 'true' THEN 'budget' ELSE j.state::text END AS state, COUNT(*) AS n
           FROM ${schema}.job j WHERE j.name = $1 AND j.state IN ('created', 'retry', 'active', 'failed') GROUP BY 1, 2`,
        [RUN_QUEUE_NAME],
      );
      const out = new Map<string, QueueCounts>();
      for (const row of rows) {
        const counts = out.get(row.platform_key) ?? { queued: 0, running: 0, failed: 0, waitingOnBudget: 0 };
        const field = row.state === 'active' ? 'running' : row.state === 'failed' ? 'failed' : row.state === 'budget' ? 'waitingOnBudget' : 'queued';
        counts[field] = (counts[field] ?? 0) + Number(row.n);
        out.set(row.platform_key, counts);
      }
      return out;
    },
  };
}
