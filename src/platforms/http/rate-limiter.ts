import { ConnectorError } from '../connector.js';

/** Limits a vendor publishes per tenant (Xero organisation, QuickBooks realm). */
export interface RateLimitPolicy {
  /** Calls that may start in any rolling 60-second window. */
  perMinute: number;
  /** Calls that may be in flight at once. */
  maxConcurrent: number;
  /** Calls that may start in any rolling 24-hour window. */
  perDay?: number;
}

/** The clock the limiter waits on; injected so tests run in simulated time. */
export interface LimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

interface TenantState {
  active: number;
  /** Start times (epoch ms) of calls in the last minute, oldest first. */
  minute: number[];
  /** Start times of calls in the last day, oldest first. */
  day: number[];
  waiters: Array<() => void>;
  /** Serialises admissions so tenants are served first come, first served. */
  gate: Promise<void>;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Per-tenant admission control: at most `perMinute` call starts in any rolling minute, at most
 * `maxConcurrent` in flight, and at most `perDay` per rolling day (beyond which it fails fast
 * with `rate_limited` instead of blocking for hours).
 */
export class TenantRateLimiter {
  readonly #tenants = new Map<string, TenantState>();

  constructor(
    readonly policy: RateLimitPolicy,
    private readonly clock: LimiterClock,
    private readonly platformName: string,
  ) {}

  /** Waits for a slot; resolves with the function that releases it (call it exactly once). */
  async acquire(tenantId: string, signal?: AbortSignal): Promise<() => void> {
    const state = this.#state(tenantId);
    const previous = state.gate;
    let open!: () => void;
    state.gate = new Promise<void>((resolve) => (open = resolve));
    await previous;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.clock.now();
        while (state.minute.length > 0 && state.minute[0]! <= now - MINUTE) state.minute.shift();
        while (state.day.length > 0 && state.day[0]! <= now - DAY) state.day.shift();
        if (this.policy.perDay !== undefined && state.day.length >= this.policy.perDay) {
          const retryAfterMs = state.day[0]! + DAY - now;
          throw new ConnectorError(
            'rate_limited',
            `${this.platformName} daily call limit (${this.policy.perDay}) reached for this tenant`,
            { platform: this.platformName },
            retryAfterMs,
          );
        }
        if (state.active >= this.policy.maxConcurrent) {
          await new Promise<void>((resolve, reject) => {
            const wake = () => {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            };
            const onAbort = () => {
              const at = state.waiters.indexOf(wake);
              if (at >= 0) state.waiters.splice(at, 1);
              reject(signal!.reason as Error);
            };
            state.waiters.push(wake);
            signal?.addEventListener('abort', onAbort, { once: true });
          });
          continue;
        }
        if (state.minute.length >= this.policy.perMinute) {
          await this.clock.sleep(state.minute[0]! + MINUTE - now, signal);
          continue;
        }
        state.active += 1;
        state.minute.push(now);
        state.day.push(now);
        break;
      }
    } finally {
      open();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.active -= 1;
      state.waiters.shift()?.();
    };
  }

  #state(tenantId: string): TenantState {
    let state = this.#tenants.get(tenantId);
    if (!state) {
      state = { active: 0, minute: [], day: [], waiters: [], gate: Promise.resolve() };
      this.#tenants.set(tenantId, state);
    }
    return state;
  }
}

/** Real clock: `Date.now` and a `setTimeout` sleep that honours an abort signal. */
export const systemClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => abortableSleep(ms, signal),
};

/** Sleeps `ms` with `setTimeout`, rejecting early when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
