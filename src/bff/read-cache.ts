/**
 * The BFF's short-lived read cache in front of the sync service. Identical reads in flight at
 * once share one upstream call; an answer is then kept for `ttlMs`. A read in the second half
 * of that time still gets the kept answer but starts one refresh in the background, so a
 * merchant polling steadily never waits for the upstream, and no answer served is older than
 * `ttlMs`. Entries are grouped by scope (one merchant): a write of that merchant through this
 * BFF invalidates the scope before and after it runs, and a read (or refresh) that was already
 * in flight when the scope was invalidated is handed to its callers but not kept. Failures are
 * never kept.
 */
export interface ReadCache {
  /** The cached or in-flight answer of `key` in `scope`, else `load()` (shared by concurrent callers). */
  read<T>(scope: string, key: string, load: () => Promise<T>): Promise<T>;
  /** Runs a write: `scope`'s entries are dropped before it starts and again once it settles. */
  write<T>(scope: string, run: () => Promise<T>): Promise<T>;
  /** Drops every entry of `scope`; reads in flight finish but are not kept. */
  invalidate(scope: string): void;
}

interface Entry {
  value: Promise<unknown>;
  /** Monotonic time the answer arrived; null while the read is in flight. */
  settledAt: number | null;
  /** A background refresh is running. */
  refreshing: boolean;
}

interface Scope {
  generation: number;
  entries: Map<string, Entry>;
}

/** Reads between sweeps of expired entries and empty scopes. */
const SWEEP_EVERY = 1_000;

/** Creates a read cache; `ttlMs` 0 keeps nothing (in-flight reads are still shared). */
export function createReadCache(options: { ttlMs: number; clock?: () => number }): ReadCache {
  const ttlMs = Math.max(0, options.ttlMs);
  const clock = options.clock ?? (() => performance.now());
  const scopes = new Map<string, Scope>();
  let reads = 0;

  const fresh = (entry: Entry, at: number) => entry.settledAt === null || at - entry.settledAt < ttlMs;

  const sweep = () => {
    const at = clock();
    for (const [name, scope] of scopes) {
      for (const [key, entry] of scope.entries) if (!fresh(entry, at)) scope.entries.delete(key);
      if (scope.entries.size === 0) scopes.delete(name);
    }
  };

  const invalidate = (name: string) => {
    const scope = scopes.get(name);
    if (!scope) return;
    scope.generation += 1;
    scope.entries.clear();
  };

  return {
    read<T>(name: string, key: string, load: () => Promise<T>): Promise<T> {
      if (++reads % SWEEP_EVERY === 0) sweep();
      let scope = scopes.get(name);
      if (!scope) {
        scope = { generation: 0, entries: new Map() };
        scopes.set(name, scope);
      }
      const owner = scope;
      const at = clock();
      const hit = scope.entries.get(key);
      if (hit && fresh(hit, at)) {
        if (hit.settledAt !== null && !hit.refreshing && at - hit.settledAt >= ttlMs / 2) {
          // Refresh ahead: the next answer is ready before this one expires.
          hit.refreshing = true;
          const generation = scope.generation;
          load().then(
            (next) => {
              if (owner.entries.get(key) !== hit || owner.generation !== generation) return;
              owner.entries.set(key, { value: Promise.resolve(next), settledAt: clock(), refreshing: false });
            },
            () => {
              hit.refreshing = false;
            },
          );
        }
        return hit.value as Promise<T>;
      }
      const generation = scope.generation;
      const value = load();
      const entry: Entry = { value, settledAt: null, refreshing: false };
      scope.entries.set(key, entry);
      const current = () => owner.entries.get(key) === entry;
      value.then(
        () => {
          if (!current()) return;
          if (owner.generation === generation && ttlMs > 0) entry.settledAt = clock();
          else owner.entries.delete(key);
        },
        () => {
          if (current()) owner.entries.delete(key);
        },
      );
      return value;
    },
    async write<T>(name: string, run: () => Promise<T>): Promise<T> {
      invalidate(name);
      try {
        return await run();
      } finally {
        invalidate(name);
      }
    },
    invalidate,
  };
}
