import { ConnectorError } from '../connector.js';
import type { CallLimiter } from './call-budget.js';

/** How a vendor call is paced, timed out and retried. */
export interface RetryingFetchOptions {
  /** Human name for messages (`Xero`, `QuickBooks Online`). */
  platformName: string;
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) source for backoff jitter. */
  random: () => number;
  limiter: CallLimiter;
  /** Per-attempt time-out. */
  timeoutMs?: number;
  /** Attempts in total, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited out: the call fails with `rate_limited`. */
  maxRetryAfterMs?: number;
}

/** One HTTP call to a vendor API on behalf of one tenant. */
export interface VendorCall {
  tenantId: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Sends a vendor call through the tenant's rate limiter with a per-attempt time-out. Retries
 * 429 after Retry-After and 5xx, network errors and time-outs with exponential backoff and
 * full jitter. Returns the first response that is neither (2xx or a 4xx the caller maps);
 * throws `rate_limited` or `platform_outage` when attempts run out. Only safe for calls that
 * are idempotent (reads, or writes carrying the vendor's idempotency key).
 */
export async function retryingFetch(
  options: RetryingFetchOptions,
  call: VendorCall,
): Promise<Response> {
  const o = {
    ...options,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
  };
  let lastProblem = '';
  for (let attempt = 1; ; attempt += 1) {
    const release = await o.limiter.acquire(call.tenantId, call.signal);
    let response: Response | null = null;
    try {
      const timeout = AbortSignal.timeout(o.timeoutMs);
      const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
      const init: RequestInit = { method: call.method, headers: call.headers, signal };
      if (call.body !== undefined) init.body = call.body;
      response = await o.fetch(call.url, init);
    } catch (error) {
      if (call.signal?.aborted) throw error;
      lastProblem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    } finally {
      release();
    }

    if (response && response.status === 429) {
      const waitMs =
        retryAfterMs(response.headers.get('retry-after'), o.now()) ?? backoff(o, attempt);
      const problem = response.headers.get('x-rate-limit-problem');
      await drain(response);
      if (waitMs > o.maxRetryAfterMs || attempt >= o.maxAttempts) {
        throw new ConnectorError(
          'rate_limited',
          `${o.platformName} answered 429${problem ? ` (${problem} limit)` : ''}; retry after ${waitMs} ms`,
          { platform: o.platformName },
          waitMs,
        );
      }
      await o.sleep(waitMs, call.signal);
      continue;
    }
    if (response && response.status < 500) return response;
    if (response) {
      lastProblem = `HTTP ${response.status}`;
      await drain(response);
    }
    if (attempt >= o.maxAttempts) {
      throw new ConnectorError(
        'platform_outage',
        `${o.platformName} did not answer successfully after ${attempt} attempts (${lastProblem}) for ${call.method} ${new URL(call.url).pathname}`,
        { platform: o.platformName },
      );
    }
    await o.sleep(backoff(o, attempt), call.signal);
  }
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base·2^(attempt-1))]. */
function backoff(
  o: { baseDelayMs: number; maxDelayMs: number; random: () => number },
  attempt: number,
): number {
  const cap = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(o.random() * cap);
}

/** Parses Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Reads and discards a body so the connection is released (bodies of error answers are small). */
export async function drain(response: Response): Promise<void> {
  await response.arrayBuffer().catch(() => undefined);
}
