import type { QueueFigures, QueueHealth } from '../../contract/queue-health.js';
import type { Store } from '../store/index.js';
import type { QueueCounts, RunQueue } from './queue.js';

/**
 * The figures of `GET /health/queue`: the queue's jobs (queued, running, waiting on budget,
 * failed) and the companies due and not yet run, in total and by the accounting platform of
 * each company. Reads only the due companies (through the `next_due_at` index) and the jobs.
 */
export async function readQueueHealth(queue: RunQueue, store: Store, now: Date): Promise<QueueHealth> {
  const [totals, byPlatform, due] = await Promise.all([queue.counts(), queue.countsByPlatform(), store.dueByPlatform(now)]);
  const dueOf = new Map(due.map((d) => [d.platformKey, d]));
  const figures = (counts: QueueCounts | undefined, dueCount: number, oldest: string | null): QueueFigures => ({
    queued: counts?.queued ?? 0,
    running: counts?.running ?? 0,
    waitingOnBudget: counts?.waitingOnBudget ?? 0,
    failed: counts?.failed ?? 0,
    due: dueCount,
    oldestDueAt: oldest,
    oldestDueAgeSeconds: oldest === null ? null : Math.max(0, Math.floor((now.getTime() - Date.parse(oldest)) / 1000)),
  });
  const oldest = due.reduce<string | null>((min, d) => (min === null || d.oldestDueAt < min ? d.oldestDueAt : min), null);
  const keys = [...new Set([...byPlatform.keys(), ...dueOf.keys()])].sort();
  return {
    queue: queue.kind,
    at: now.toISOString(),
    totals: figures(totals, due.reduce((sum, d) => sum + d.due, 0), oldest),
    byPlatform: keys.map((platformKey) => ({
      platformKey,
      ...figures(byPlatform.get(platformKey), dueOf.get(platformKey)?.due ?? 0, dueOf.get(platformKey)?.oldestDueAt ?? null),
    })),
  };
}
