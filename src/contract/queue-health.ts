import { z } from 'zod';

/**
 * Wire shape of `GET /health/queue`: how far the run queue is behind, for operators of a
 * fleet (and Sync Health's totals). Strict: a field not listed here is a contract change.
 */

const Count = z.number().int().min(0);

/** The queue's figures, for every platform together or for one. */
export const QueueFiguresSchema = z
  .object({
    /** Jobs waiting for a worker (new, or waiting for their retry's delay). */
    queued: Count,
    /** Jobs a worker is on now. */
    running: Count,
    /** Runs that yielded their worker on a vendor call budget and wait to resume (0 without budgets). */
    waitingOnBudget: Count,
    /** Jobs that failed every attempt (kept for inspection). */
    failed: Count,
    /** Companies whose scheduled run is due now and has not run yet (queued or not). */
    due: Count,
    /** When the longest-waiting of those became due, or null when none is. */
    oldestDueAt: z.string().datetime().nullable(),
    /** How long ago that was, in whole seconds, or null when none is due. */
    oldestDueAgeSeconds: Count.nullable(),
  })
  .strict();
/** The queue's figures. */
export type QueueFigures = z.infer<typeof QueueFiguresSchema>;

/** Response of `GET /health/queue`. */
export const QueueHealthSchema = z
  .object({
    /** Which queue this service uses: `in-process` (embedded SQLite store) or `pg-boss` (PostgreSQL, shared by every instance). */
    queue: z.enum(['in-process', 'pg-boss']),
    /** When the figures were read. */
    at: z.string().datetime(),
    totals: QueueFiguresSchema,
    /** The same figures by the accounting platform of each job's company (`""`: none linked), by key. */
    byPlatform: z.array(QueueFiguresSchema.extend({ platformKey: z.string() }).strict()),
  })
  .strict();
/** Response of `GET /health/queue`. */
export type QueueHealth = z.infer<typeof QueueHealthSchema>;
