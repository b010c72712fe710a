import type { Redis } from 'ioredis';
import type { BudgetAnswer, BudgetLimit, BudgetRequest, CallBudgetBackend } from '../../platforms/http/call-budget.js';

/** Options of {@link createRedisCallBudget}. */
export interface RedisCallBudgetOptions {
  /** A connected ioredis client; the caller owns it (and quits it). */
  client: Redis;
  /** Key prefix, so several deployments can share one Redis. Default `commerce-sync:budget:`. */
  prefix?: string;
}

// One script, so every check and every count of a call happen atomically on the server.
// KEYS: tenant minute log, app minute log ('' when none), tenant in-flight slots, tenant day hours.
// ARGV: now, perMinute, maxConcurrent, perDay (-1: none), appPerMinute (-1: none), slot id, slot TTL.
// Minute logs are sorted sets of call starts (exact rolling windows); the day is counted in
// hour buckets (a hash), admitting a call only when the 25 buckets a 24-hour window ending at it
// can reach hold fewer than the limit.
const TRY_START = `
local now = tonumber(ARGV[1])
local perMinute = tonumber(ARGV[2])
local maxConcurrent = tonumber(ARGV[3])
local perDay = tonumber(ARGV[4])
local appPerMinute = tonumber(ARGV[5])
local hour = math.floor(now / 3600000)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if perDay >= 0 then
  local sum = 0
  local oldest = -1
  for h = hour - 24, hour do
    local n = tonumber(redis.call('HGET', KEYS[4], tostring(h)) or '0')
    if n > 0 and oldest < 0 then oldest = h end
    sum = sum + n
  end
  if sum >= perDay then return {0, 'day', (oldest + 25) * 3600000 - now} end
end
if redis.call('ZCARD', KEYS[3]) >= maxConcurrent then return {0, 'concurrent', 100} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
if redis.call('ZCARD', KEYS[1]) >= perMinute then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, 'minute', tonumber(first[2]) + 60000 - now}
end
if appPerMinute >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
  if redis.call('ZCARD', KEYS[2]) >= appPerMinute then
    local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {0, 'app', tonumber(first[2]) + 60000 - now}
  end
  redis.call('ZADD', KEYS[2], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[2], 120000)
end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('PEXPIRE', KEYS[1], 120000)
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[7]), ARGV[6])
redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[7]) + 60000)
if perDay >= 0 then
  redis.call('HINCRBY', KEYS[4], tostring(hour), 1)
  redis.call('HDEL', KEYS[4], tostring(hour - 25))
  redis.call('PEXPIRE', KEYS[4], 26 * 3600000)
end
return {1}
`;

/**
 * Shared call budgets in Redis (for fleets that already run it, or to keep the budget traffic
 * off the database): one Lua script per admission checks the tenant's day, in-flight slots,
 * rolling minute and the app's rolling minute, and counts the call only when all allow it, so
 * any number of instances share the limits exactly. Slots expire (a dead process's slots come
 * back after their TTL). Times are the callers' clocks: keep instances' clocks in sync (NTP).
 * Not for Redis Cluster (the app key is shared by every tenant's script).
 */
export function createRedisCallBudget(options: RedisCallBudgetOptions): CallBudgetBackend {
  const { client } = options;
  const prefix = options.prefix ?? 'commerce-sync:budget:';
  const key = (platform: string, tenant: string, part: string) => `${prefix}${platform}:t:${tenant}:${part}`;
  return {
    async tryStart(request: BudgetRequest): Promise<BudgetAnswer> {
      const { platform, tenant, policy } = request;
      const answer = (await client.eval(
        TRY_START,
        4,
        key(platform, tenant, 'minute'),
        `${prefix}${platform}:app:minute`,
        key(platform, tenant, 'slots'),
        key(platform, tenant, 'day'),
        request.now,
        policy.perMinute,
        policy.maxConcurrent,
        policy.perDay ?? -1,
        policy.appPerMinute ?? -1,
        request.slotId,
        request.slotTtlMs,
      )) as [number, string?, number?];
      if (answer[0] === 1) return { granted: true };
      return { granted: false, limit: answer[1] as BudgetLimit, retryAfterMs: Math.max(1, Number(answer[2])) };
    },
    async release(platform: string, tenant: string, slotId: string): Promise<void> {
      await client.zrem(key(platform, tenant, 'slots'), slotId);
    },
  };
}
