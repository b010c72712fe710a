import type { Redis } from 'ioredis';

/**
 * Where the BFF keeps single-use, expiring values: the pending OAuth attempt (PKCE verifier,
 * merchant, return URL) keyed by the `state` nonce. Taking a value removes it atomically, which
 * is what makes a `state` single-use even when several BFF instances share the store.
 */
export interface NonceStore {
  /** Stores `value` under `key` for `ttlMs` unless the key exists; resolves true when stored. */
  add(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Returns the value and deletes it in one step; null when absent, expired or already taken. */
  take(key: string): Promise<string | null>;
}

/** Options of {@link createMemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /** Clock (defaults to the system clock); tests pass a fixed one. */
  now?: () => Date;
  /** Upper bound on pending entries; the oldest are dropped first when exceeded. */
  maxEntries?: number;
}

/**
 * The single-instance default: a process-local map with expiry. Use
 * {@link createRedisNonceStore} when more than one BFF instance serves the same merchants.
 *
 * @example
 * const bff = createBff({ ..., nonceStore: createMemoryNonceStore() });
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  const now = options.now ?? (() => new Date());
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<string, { value: string; expiresAt: number }>();

  const sweep = (at: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    // Map iteration order is insertion order, so this drops the oldest attempts first.
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  };

  return {
    add(key, value, ttlMs) {
      const at = now().getTime();
      const existing = entries.get(key);
      if (existing && existing.expiresAt > at) return Promise.resolve(false);
      entries.set(key, { value, expiresAt: at + ttlMs });
      if (entries.size > maxEntries || entries.size % 1024 === 0) sweep(at);
      return Promise.resolve(true);
    },
    take(key) {
      const entry = entries.get(key);
      entries.delete(key);
      if (!entry || entry.expiresAt <= now().getTime()) return Promise.resolve(null);
      return Promise.resolve(entry.value);
    },
  };
}

/** Options of {@link createRedisNonceStore}. */
export interface RedisNonceStoreOptions {
  /** A connected ioredis client; the caller owns it (and quits it). */
  client: Redis;
  /** Key prefix, so several deployments can share one Redis. */
  prefix?: string;
}

// GET then DEL in one script: atomic on every Redis version (GETDEL needs 6.2+).
const TAKE_SCRIPT = "local v = redis.call('GET', KEYS[1]) if v then redis.call('DEL', KEYS[1]) end return v";

/**
 * A nonce store in Redis for multi-instance deployments: `SET key value NX PX ttl` to add, an
 * atomic get-and-delete to take, so exactly one instance can complete a given `state`.
 *
 * @example
 * const redis = new Redis('redis://127.0.0.1:6379');
 * const bff = createBff({ ..., nonceStore: createRedisNonceStore({ client: redis }) });
 */
export function createRedisNonceStore(options: RedisNonceStoreOptions): NonceStore {
  const { client } = options;
  const prefix = options.prefix ?? 'commerce-sync:bff:';
  return {
    async add(key, value, ttlMs) {
      const reply = await client.set(prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
      return reply === 'OK';
    },
    async take(key) {
      const reply = (await client.eval(TAKE_SCRIPT, 1, prefix + key)) as string | null;
      return reply ?? null;
    },
  };
}
