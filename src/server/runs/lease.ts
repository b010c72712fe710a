import { randomUUID } from 'node:crypto';
import type { Store } from '../store/index.js';

/**
 * How long a run lease lasts without renewal. A live run renews it every sixth of that, so
 * only a run whose process stalled for most of it loses the lease; a process that died stops
 * renewing, and its lease is taken over when it lapses (at once on the same machine, where
 * the SQLite store can see the holder is gone; PostgreSQL drops it with the connection).
 */
export const RUN_LEASE_TTL_MS = 30_000;

/** A run lease held by this process, renewed by a heartbeat until released. */
export interface HeldRunLease {
  /** True once a renewal found the lease taken over: the run must stop writing. */
  lost(): boolean;
  release(): Promise<void>;
}

/**
 * Takes the lease that lets one run of a company work at a time, or null when a live run
 * elsewhere holds it. The heartbeat uses the caller's clock, as every expiry check does.
 */
export async function takeRunLease(store: Store, companyId: string, instanceId: string, now: () => Date, ttlMs = RUN_LEASE_TTL_MS): Promise<HeldRunLease | null> {
  const lease = await store.tryLease(`run:${companyId}`, `${instanceId}:${randomUUID()}`, ttlMs, now());
  if (!lease) return null;
  let lost = false;
  const beat = setInterval(() => {
    lease.renew(now()).then(
      (held) => {
        if (!held) lost = true;
      },
      // A failed renewal (database busy or briefly unreachable) is tried again on the next beat;
      // only a renewal that finds another holder ends the run.
      () => undefined,
    );
  }, Math.max(10, Math.floor(ttlMs / 6)));
  beat.unref?.();
  return {
    lost: () => lost,
    release: async () => {
      clearInterval(beat);
      await lease.release();
    },
  };
}
