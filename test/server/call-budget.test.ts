import { Redis } from 'ioredis';
import { BudgetExhaustedError, SharedCallLimiter, XERO_BUDGET, type BudgetPolicy, type CallBudgetBackend } from '../../src/platforms/http/call-budget.js';
import { createRedisCallBudget } from '../../src/server/budgets/redis-budget.js';
import { createSqlCallBudget } from '../../src/server/budgets/sql-budget.js';
import type { Store } from '../../src/server/store/index.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

/**
 * Simulated time shared by every actor (a worker making vendor calls): time moves only when
 * every live actor is asleep, to the earliest wake-up. Database and Redis I/O are real and take
 * no simulated time, so the budgets are exercised exactly as in production, only faster.
 */
class SimClock {
  t = Date.UTC(2026, 2, 12, 23, 30);
  #actors = 0;
  #seq = 0;
  #sleepers: { at: number; seq: number; wake: () => void }[] = [];

  now = () => this.t;
  sleep = (ms: number) =>
    new Promise<void>((wake) => {
      this.#sleepers.push({ at: this.t + Math.max(0, ms), seq: (this.#seq += 1), wake });
      this.#advance();
    });

  spawn(fn: () => Promise<void>): Promise<void> {
    this.#actors += 1;
    return fn().finally(() => {
      this.#actors -= 1;
      this.#advance();
    });
  }

  #advance() {
    if (this.#sleepers.length === 0 || this.#sleepers.length < this.#actors) return;
    this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const at = this.#sleepers[0]!.at;
    this.t = Math.max(this.t, at);
    const due = this.#sleepers.filter((s) => s.at <= at);
    this.#sleepers = this.#sleepers.filter((s) => s.at > at);
    for (const s of due) s.wake();
  }
}

/** The fake vendor: records every call's tenant, start and end in simulated time. */
interface VendorCall {
  tenant: string;
  start: number;
  end: number;
}

/** A seeded generator (mulberry32) so latencies and jitter repeat from run to run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Most calls starting in any half-open window [start, start + width) of the given starts. */
function maxInWindow(starts: number[], width: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    while (j < sorted.length && sorted[j]! < sorted[i]! + width) j += 1;
    most = Math.max(most, j - i);
  }
  return most;
}

/** Most calls of one tenant in flight at once: at each call's start, the calls whose [start, end) holds it. */
function maxInFlight(calls: VendorCall[]): number {
  let most = 0;
  for (const c of calls) most = Math.max(most, calls.filter((d) => d.start <= c.start && c.start < d.end).length);
  return most;
}

/**
 * Runs `workers` actors per (instance, tenant) pair, each calling the vendor back to back
 * through its instance's limiter until `durationMs` has passed; a call refused for longer than
 * the limiter sleeps is retried after the wait it was told (plus jitter), as a yielded run is.
 */
async function simulate(backends: CallBudgetBackend[], plan: { tenants: (instance: number) => string[]; workers: number; durationMs: number; policy: BudgetPolicy }): Promise<VendorCall[]> {
  const sim = new SimClock();
  const end = sim.t + plan.durationMs;
  const random = seeded(42);
  const calls: VendorCall[] = [];
  const actors: Promise<void>[] = [];
  const limiters: SharedCallLimiter[] = [];
  backends.forEach((backend, instance) => {
    const limiter = new SharedCallLimiter({ platformKey: 'xero', platformName: 'Xero', policy: plan.policy, backend, clock: sim, slotTtlMs: 60_000 });
    limiters.push(limiter);
    for (const tenant of plan.tenants(instance)) {
      for (let w = 0; w < plan.workers; w += 1) {
        actors.push(
          sim.spawn(async () => {
            while (sim.t < end) {
              let release: () => void;
              try {
                release = await limiter.acquire(tenant);
              } catch (error) {
                if (!(error instanceof BudgetExhaustedError)) throw error;
                await sim.sleep((error.retryAfterMs ?? 1_000) + Math.floor(random() * 2_000));
                continue;
              }
              const latency = 150 + Math.floor(random() * 250);
              calls.push({ tenant, start: sim.t, end: sim.t + latency });
              await sim.sleep(latency);
              release();
            }
          }),
        );
      }
    }
  });
  await Promise.all(actors);
  for (const limiter of limiters) await limiter.drain();
  return calls;
}

interface Backends {
  /** Three budget clients on the same data, like three instances. */
  clients: CallBudgetBackend[];
  /** A fresh client on the same data (a restarted instance). */
  reopen(): Promise<CallBudgetBackend>;
  close(): Promise<void>;
}

/**
 * On PostgreSQL three connection pools, like three processes. The embedded SQLite store runs in
 * one process (its workers share one connection, and SQLite serialises writers across processes
 * with its file lock), so there the three clients share the connection.
 */
async function sqlBackends(target: Target): Promise<Backends> {
  const stores: Store[] = [];
  const open = async () => {
    const store = await target.open();
    stores.push(store);
    return createSqlCallBudget(store.db);
  };
  const first = await open();
  const clients = target.name === 'sqlite' ? [first, createSqlCallBudget(stores[0]!.db), createSqlCallBudget(stores[0]!.db)] : [first, await open(), await open()];
  return {
    clients,
    reopen: open,
    async close() {
      for (const s of stores) await s.close();
      await target.cleanup();
    },
  };
}

async function redisBackends(): Promise<Backends> {
  const prefix = `cs-test-budget:${process.pid}:${Date.now()}:`;
  const redis: Redis[] = [];
  const open = async () => {
    const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    redis.push(client);
    return createRedisCallBudget({ client, prefix });
  };
  const clients = [await open(), await open(), await open()];
  return {
    clients,
    reopen: open,
    async close() {
      const keys = await redis[0]!.keys(`${prefix}*`);
      if (keys.length) await redis[0]!.del(...keys);
      for (const r of redis) r.disconnect();
    },
  };
}

const BACKENDS: [string, () => Promise<Backends>][] = [
  ['SQLite', () => sqlBackends(sqliteTarget())],
  ['PostgreSQL', () => sqlBackends(postgresTarget())],
  ['Redis', redisBackends],
];

describe.each(BACKENDS)('shared vendor call budget on %s', (_name, make) => {
  let backends: Backends;
  beforeEach(async () => {
    backends = await make();
  });
  afterEach(async () => {
    await backends.close();
  });

  it('3 instances calling for one Xero tenant never exceed 60 calls in any 60 s window nor 5 in flight', async () => {
    const calls = await simulate(backends.clients, { tenants: () => ['org-1'], workers: 4, durationMs: 200_000, policy: XERO_BUDGET });
    // 12 workers could make ~2,600 calls a minute; the tenant's budget is 60.
    expect(maxInWindow(calls.map((c) => c.start), 60_000)).toBe(60);
    expect(maxInFlight(calls)).toBeLessThanOrEqual(5);
    // The budget is used, not just respected: over 200 s at least three full minutes' worth.
    expect(calls.length).toBeGreaterThanOrEqual(180);
    expect(calls.length).toBeLessThanOrEqual(4 * 60);
  }, 120_000);

  it('across 200 tenants on 3 instances never exceeds the app limit', async () => {
    // Xero's tenant limits; the app limit scaled from 10,000 to 1,000 a minute so the test makes
    // a couple of thousand calls rather than tens of thousands. 200 tenants could make 12,000 a minute.
    const policy: BudgetPolicy = { ...XERO_BUDGET, appPerMinute: 1_000 };
    const tenants = Array.from({ length: 200 }, (_, i) => `org-${i}`);
    const calls = await simulate(backends.clients, { tenants: (k) => tenants.filter((_, i) => i % 3 === k), workers: 1, durationMs: 70_000, policy });
    // The app limit is reached, never passed, and the calls go on once the window moves.
    expect(maxInWindow(calls.map((c) => c.start), 60_000)).toBe(1_000);
    expect(calls.length).toBeGreaterThan(1_000);
    for (const tenant of tenants) {
      const own = calls.filter((c) => c.tenant === tenant);
      expect(maxInWindow(own.map((c) => c.start), 60_000)).toBeLessThanOrEqual(60);
    }
  }, 120_000);

  it('gives the slots of an instance that died back after their lease, and keeps counts across a restart', async () => {
    const now = Date.UTC(2026, 2, 13, 0, 0);
    const [a, b] = backends.clients as [CallBudgetBackend, CallBudgetBackend];
    const request = (slotId: string, at: number) => ({ platform: 'xero', tenant: 'org-x', policy: XERO_BUDGET, now: at, slotId, slotTtlMs: 60_000 });
    // Instance A starts 5 calls and dies without releasing them.
    for (let i = 0; i < 5; i += 1) expect(await a.tryStart(request(`dead-${i}`, now + i))).toEqual({ granted: true });
    expect(await b.tryStart(request('live-0', now + 1_000))).toMatchObject({ granted: false, limit: 'concurrent' });
    expect(await b.tryStart(request('live-1', now + 59_000))).toMatchObject({ granted: false, limit: 'concurrent' });
    // Past the slots' 60 s lease B gets them back.
    expect(await b.tryStart(request('live-2', now + 60_005))).toEqual({ granted: true });
    await b.release('xero', 'org-x', 'live-2');
    // The dead calls have left the minute window by +61 s; with live-2, 59 more spend its 60, and
    // a restarted instance still sees them.
    for (let i = 0; i < 59; i += 1) {
      expect(await b.tryStart(request(`fill-${i}`, now + 61_000 + i))).toEqual({ granted: true });
      await b.release('xero', 'org-x', `fill-${i}`);
    }
    const restarted = await backends.reopen();
    const refused = await restarted.tryStart(request('after-restart', now + 62_000));
    expect(refused).toMatchObject({ granted: false, limit: 'minute' });
    // …and is told to come back once the oldest of those calls leaves the window (at most 61 s on).
    const wait = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(61_000);
    expect(await restarted.tryStart(request('later', now + 62_000 + wait))).toEqual({ granted: true });
  });

  it('stops a tenant at 5,000 calls in any 24 hours and tells it when it may go on', async () => {
    const policy: BudgetPolicy = { ...XERO_BUDGET, perMinute: 100_000, appPerMinute: 1_000_000, perDay: 30 };
    const start = Date.UTC(2026, 2, 13, 9, 10);
    const [a, b] = backends.clients as [CallBudgetBackend, CallBudgetBackend];
    for (let i = 0; i < 30; i += 1) {
      const client = i % 2 ? a : b;
      expect(await client.tryStart({ platform: 'xero', tenant: 'org-d', policy, now: start + i * 60_000, slotId: `d-${i}`, slotTtlMs: 1 })).toEqual({ granted: true });
    }
    const refused = await a.tryStart({ platform: 'xero', tenant: 'org-d', policy, now: start + 3 * 3_600_000, slotId: 'd-x', slotTtlMs: 1 });
    expect(refused).toMatchObject({ granted: false, limit: 'day' });
    const wait = (refused as { retryAfterMs: number }).retryAfterMs;
    // The first call was at 09:10; no window may hold it and a 31st call before 09:10 the next day.
    expect(start + 3 * 3_600_000 + wait).toBeGreaterThanOrEqual(start + 24 * 3_600_000);
    expect(await a.tryStart({ platform: 'xero', tenant: 'org-d', policy, now: start + 3 * 3_600_000 + wait, slotId: 'd-y', slotTtlMs: 1 })).toEqual({ granted: true });
    // Another tenant is not held back.
    expect(await a.tryStart({ platform: 'xero', tenant: 'org-e', policy, now: start, slotId: 'e-1', slotTtlMs: 1 })).toEqual({ granted: true });
  });
});
