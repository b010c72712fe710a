import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../connector.js';
import type { LimiterClock, RateLimitPolicy } from './rate-limiter.js';

/** A vendor's call limits: per tenant (organisation, realm) and, optionally, for the whole app. */
export interface BudgetPolicy extends RateLimitPolicy {
  /** Calls the whole app (every tenant together) may start in any rolling 60-second window. */
  appPerMinute?: number;
}

/** Xero's published limits: 60 a minute, 5 at once and 5,000 a day per organisation; 10,000 a minute per app. */
export const XERO_BUDGET: BudgetPolicy = { perMinute: 60, maxConcurrent: 5, perDay: 5_000, appPerMinute: 10_000 };

/**
 * QuickBooks Online's published limits: 500 a minute and 10 at once per realm and app (no daily
 * or whole-app cap is published for the Accounting API).
 */
export const QUICKBOOKS_BUDGET: BudgetPolicy = { perMinute: 500, maxConcurrent: 10 };

/** One call asking to start: which vendor and tenant, under which limits, at what time. */
export interface BudgetRequest {
  /** Vendor key (`xero`, `quickbooks-online`): budgets of different vendors never mix. */
  platform: string;
  tenant: string;
  policy: BudgetPolicy;
  /** Epoch ms of the caller's clock. */
  now: number;
  /** Identifies the in-flight slot; pass it to `release`. */
  slotId: string;
  /** The slot lapses this long after `now` if never released (its process died). */
  slotTtlMs: number;
}

/** Which limit refused a call. */
export type BudgetLimit = 'concurrent' | 'minute' | 'day' | 'app';

/** The answer to a {@link BudgetRequest}: the call may start, or how long until it might. */
export type BudgetAnswer = { granted: true } | { granted: false; limit: BudgetLimit; retryAfterMs: number };

/**
 * Where shared call budgets are kept (the service's database, or Redis). `tryStart` checks every
 * limit and, when all allow it, counts the call and takes an in-flight slot, atomically across
 * every process sharing the backend.
 */
export interface CallBudgetBackend {
  tryStart(request: BudgetRequest): Promise<BudgetAnswer>;
  /** Frees an in-flight slot (its call finished); a lapsed or unknown slot is ignored. */
  release(platform: string, tenant: string, slotId: string): Promise<void>;
}

/**
 * A budget backend bound after the connectors are built: the service attaches its database (or
 * the host attaches Redis) once storage is open. Calls before that fail loudly.
 */
export class SharedCallBudget implements CallBudgetBackend {
  #backend: CallBudgetBackend | null = null;

  /** Whether a backend has been attached. */
  get bound(): boolean {
    return this.#backend !== null;
  }

  /** Attaches the backend every connector using this budget shares. */
  use(backend: CallBudgetBackend): this {
    this.#backend = backend;
    return this;
  }

  #inner(): CallBudgetBackend {
    if (!this.#backend) throw new Error('The shared call budget has no backend yet (the sync service attaches its database when it starts).');
    return this.#backend;
  }

  tryStart(request: BudgetRequest): Promise<BudgetAnswer> {
    return this.#inner().tryStart(request);
  }

  release(platform: string, tenant: string, slotId: string): Promise<void> {
    return this.#inner().release(platform, tenant, slotId);
  }
}

/**
 * Thrown when a call would have to wait longer than the limiter may sleep: the run should yield
 * its worker and come back after `retryAfterMs` (a `rate_limited` connector error, so callers
 * that do not yield treat it like the vendor's own 429).
 */
export class BudgetExhaustedError extends ConnectorError {
  constructor(
    readonly limit: BudgetLimit,
    platformName: string,
    retryAfterMs: number,
  ) {
    super('rate_limited', `${platformName} call budget (${limit} limit) is used up for now; retry after ${retryAfterMs} ms`, { platform: platformName }, retryAfterMs);
    this.name = 'BudgetExhaustedError';
  }
}

/** Admission control a vendor connector goes through before each HTTP call. */
export interface CallLimiter {
  /** Waits for a slot; resolves with the function that releases it (call it exactly once). */
  acquire(tenantId: string, signal?: AbortSignal): Promise<() => void>;
}

/** Options of {@link SharedCallLimiter}. */
export interface SharedCallLimiterOptions {
  platformKey: string;
  platformName: string;
  policy: BudgetPolicy;
  backend: CallBudgetBackend;
  clock: LimiterClock;
  /**
   * Longest a call waits in total (for a free slot or the window to move) before
   * {@link BudgetExhaustedError} tells the run to yield instead. Default 2,000 ms.
   */
  maxWaitMs?: number;
  /** Lifetime of an in-flight slot never released (a dead process). Default 60 s (twice the call time-out). */
  slotTtlMs?: number;
}

/**
 * The connectors' limiter over a shared budget: every instance counts against the same tenant
 * and app windows and in-flight slots. Short waits (a slot frees as a call ends) are slept out;
 * a longer one throws {@link BudgetExhaustedError} so the worker is freed, never held for a minute.
 */
export class SharedCallLimiter implements CallLimiter {
  readonly #o: Required<SharedCallLimiterOptions>;
  readonly #releasing = new Set<Promise<void>>();

  constructor(options: SharedCallLimiterOptions) {
    this.#o = { maxWaitMs: 2_000, slotTtlMs: 60_000, ...options };
  }

  async acquire(tenantId: string, signal?: AbortSignal): Promise<() => void> {
    const o = this.#o;
    const slotId = randomUUID();
    let waited = 0;
    for (;;) {
      signal?.throwIfAborted();
      const answer = await o.backend.tryStart({ platform: o.platformKey, tenant: tenantId, policy: o.policy, now: o.clock.now(), slotId, slotTtlMs: o.slotTtlMs });
      if (answer.granted) break;
      // A slot frees when a call ends: poll briefly. A window moves in its own time: wait it out.
      const wait = answer.limit === 'concurrent' ? Math.min(answer.retryAfterMs, 100) : Math.max(1, answer.retryAfterMs);
      if (waited + wait > o.maxWaitMs) throw new BudgetExhaustedError(answer.limit, o.platformName, Math.max(wait, answer.retryAfterMs));
      await o.clock.sleep(wait, signal);
      waited += wait;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const done = o.backend.release(o.platformKey, tenantId, slotId).catch((error: unknown) => {
        // The slot lapses on its own after its TTL; nothing is lost but a little capacity.
        console.warn(`Releasing a ${o.platformName} call slot failed:`, error);
      });
      this.#releasing.add(done);
      void done.finally(() => this.#releasing.delete(done));
    };
  }

  /** Resolves once every slot released so far is freed in the backend (before closing it). */
  async drain(): Promise<void> {
    await Promise.all([...this.#releasing]);
  }
}
