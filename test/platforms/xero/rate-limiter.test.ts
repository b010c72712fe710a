import { ConnectorError } from '../../../src/platforms/connector.js';
import { TenantRateLimiter } from '../../../src/platforms/http/rate-limiter.js';
import { TokenKeeper } from '../../../src/platforms/http/oauth.js';
import { retryAfterMs } from '../../../src/platforms/http/retrying-fetch.js';
import type { ConnectionTokens } from '../../../src/platforms/connector.js';

function simulatedClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
    advance: (ms: number) => (now += ms),
  };
}

describe('TenantRateLimiter', () => {
  it('keeps tenants independent and spaces a tenant to its per-minute budget', async () => {
    const clock = simulatedClock();
    const limiter = new TenantRateLimiter({ perMinute: 3, maxConcurrent: 10 }, clock, 'Test');
    const starts: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      (await limiter.acquire('a'))();
      starts.push(clock.now());
    }
    expect(starts).toEqual([0, 0, 0, 60_000, 60_000, 60_000, 120_000]);
    (await limiter.acquire('b'))();
    expect(clock.now()).toBe(120_000);
  });

  it('fails fast with rate_limited and the wait once the daily budget is spent', async () => {
    const clock = simulatedClock();
    const limiter = new TenantRateLimiter(
      { perMinute: 100, maxConcurrent: 10, perDay: 2 },
      clock,
      'Test',
    );
    (await limiter.acquire('a'))();
    clock.advance(1000);
    (await limiter.acquire('a'))();
    const error = await limiter.acquire('a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('rate_limited');
    expect((error as ConnectorError).retryAfterMs).toBe(86_400_000 - 1000);
  });

  it('queues beyond the concurrency cap and lets a cancelled caller leave the queue', async () => {
    const limiter = new TenantRateLimiter(
      { perMinute: 100, maxConcurrent: 1 },
      simulatedClock(),
      'Test',
    );
    const release = await limiter.acquire('a');
    const controller = new AbortController();
    const waiting = limiter.acquire('a', controller.signal);
    controller.abort(new Error('run cancelled'));
    await expect(waiting).rejects.toThrow('run cancelled');
    release();
    const next = await limiter.acquire('a');
    next();
  });
});

describe('TokenKeeper', () => {
  it('hands callers holding rotated-away tokens the fresh ones without refreshing again', async () => {
    let refreshes = 0;
    const keeper = new TokenKeeper(
      async (t) => ({
        ...t,
        accessToken: `a${++refreshes}`,
        refreshToken: `r${refreshes}`,
        expiresAt: 10_000_000,
      }),
      () => 1_000_000,
      'Test',
    );
    const stale: ConnectionTokens = {
      accessToken: 'a0',
      refreshToken: 'r0',
      expiresAt: 0,
      tenantId: 't',
    };
    const saved: ConnectionTokens[] = [];
    const first = await keeper.current({
      tokens: { ...stale },
      saveTokens: async (t) => void saved.push(t),
    });
    const second = await keeper.current({
      tokens: { ...stale },
      saveTokens: async (t) => void saved.push(t),
    });
    expect(first.accessToken).toBe('a1');
    expect(second).toBe(first);
    expect(refreshes).toBe(1);
    expect(saved).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('7', 0)).toBe(7000);
    expect(
      retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')),
    ).toBe(60_000);
    expect(retryAfterMs(null, 0)).toBeNull();
  });
});
