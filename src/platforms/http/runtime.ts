import { abortableSleep } from './rate-limiter.js';
import type { LimiterClock } from './rate-limiter.js';
import type { CallBudgetBackend } from './call-budget.js';

/** The outside world a vendor connector touches, each part injectable for tests. */
export interface VendorRuntimeOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /**
   * A shared call budget (the service's database or Redis, see `SharedCallBudget`): the
   * connector counts its vendor limits there, shared by every instance, instead of in this
   * process; a call that would wait long throws `BudgetExhaustedError` so the run can yield.
   */
  budget?: CallBudgetBackend;
}

/** Resolved runtime: defaults are the real fetch, clock, timers and Math.random. */
export interface VendorRuntime extends LimiterClock {
  fetch: typeof fetch;
  random: () => number;
  budget?: CallBudgetBackend;
}

/** Fills the defaults; `fetch` is looked up per call so test interceptors installed later apply. */
export function vendorRuntime(options: VendorRuntimeOptions): VendorRuntime {
  const now = options.now;
  const sleep = options.sleep;
  return {
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: now ? () => now().getTime() : () => Date.now(),
    sleep: sleep
      ? async (ms, signal) => {
          signal?.throwIfAborted();
          await sleep(ms);
          signal?.throwIfAborted();
        }
      : abortableSleep,
    random: options.random ?? Math.random,
    ...(options.budget ? { budget: options.budget } : {}),
  };
}

/** A small per-key cache with a time-to-live, used for charts of accounts and company settings. */
export class TtlCache<T> {
  readonly #entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  /** The cached value for `key`, loading it (once, even under concurrency) when absent or stale. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.#entries.set(key, { at: this.now(), value });
    value.catch(() => this.#entries.delete(key));
    return value;
  }

  /** Drops `key` so the next read reloads it. */
  invalidate(key: string): void {
    this.#entries.delete(key);
  }
}
