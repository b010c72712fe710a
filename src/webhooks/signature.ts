import { WebhookEventSchema } from '../contract/webhooks.js';
import type { WebhookEvent } from '../contract/webhooks.js';

/*
 * Uses only Web Crypto (`globalThis.crypto.subtle`) and TextEncoder, so the same helper runs in
 * Node 20+, Deno, Bun, Cloudflare Workers and Vercel Edge.
 */

/** Default replay window: a signature older or newer than this many seconds is refused. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Why a webhook failed verification. */
export type WebhookVerificationFailure =
  'malformed_header' | 'no_signature' | 'timestamp_outside_tolerance' | 'signature_mismatch';

/** The result of {@link verifyWebhook}. */
export type WebhookVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: WebhookVerificationFailure; message: string };

/** Thrown by {@link constructWebhookEvent} when a request is not a genuine, fresh webhook. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  constructor(
    readonly reason: WebhookVerificationFailure | 'invalid_payload',
    message: string,
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const c = globalThis.crypto as Crypto | undefined;
  if (!c?.subtle) {
    throw new Error(
      'Web Crypto (globalThis.crypto.subtle) is not available; use Node 20+ or an edge runtime.',
    );
  }
  return c.subtle;
}

function toBytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === 'string' ? encoder.encode(payload) : payload;
}

async function hmac(secret: string, timestamp: number, payload: Uint8Array): Promise<Uint8Array> {
  const key = await subtle().importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const prefix = encoder.encode(`${timestamp}.`);
  const message = new Uint8Array(prefix.length + payload.length);
  message.set(prefix, 0);
  message.set(payload, prefix.length);
  return new Uint8Array(await subtle().sign('HMAC', key, message));
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Compares in time independent of where the bytes differ, so the signature cannot be guessed byte by byte. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Unix seconds beyond this (the year 5138) are a millisecond value passed where seconds are
 * meant (`Date.now()`); taken as seconds it would put every signature outside the tolerance.
 */
const MAX_UNIX_SECONDS = 1e11;

function toUnixSeconds(at: number | Date, name: string): number {
  const seconds = at instanceof Date ? Math.floor(at.getTime() / 1000) : Math.floor(at);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds >= MAX_UNIX_SECONDS) {
    throw new TypeError(
      `${name} must be a Date or Unix seconds (e.g. Math.floor(Date.now() / 1000)); got ${String(at)}.`,
    );
  }
  return seconds;
}

/**
 * Signs a raw webhook body and returns the `Commerce-Sync-Signature` header value
 * `t=<unix seconds>,v1=<hex>` (one `v1` per secret when several are given, for rotation).
 * `timestamp` is a Date or Unix seconds; a millisecond number is refused with a TypeError.
 *
 * @example
 * const header = await signWebhook(body, process.env.WEBHOOK_SECRET!, new Date());
 */
export async function signWebhook(
  payload: string | Uint8Array,
  secret: string | readonly string[],
  timestamp: number | Date,
): Promise<string> {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0 || secrets.some((s) => s.length === 0)) {
    throw new Error('signWebhook needs at least one non-empty secret.');
  }
  const t = toUnixSeconds(timestamp, 'signWebhook timestamp');
  const bytes = toBytes(payload);
  const signatures = await Promise.all(
    secrets.map(async (s) => `v1=${toHex(await hmac(s, t, bytes))}`),
  );
  return [`t=${t}`, ...signatures].join(',');
}

/** Parses `t=…,v1=…[,v1=…]`; unknown schemes (e.g. a future `v2`) are ignored. */
function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== null || !/^\d{1,12}$/.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      signatures.push(value);
    }
  }
  return timestamp === null ? null : { timestamp, signatures };
}

/** Input of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The raw request body exactly as received (not re-serialised JSON). */
  payload: string | Uint8Array;
  /** The `Commerce-Sync-Signature` header value. */
  header: string | null | undefined;
  /** The endpoint secret; several during a rotation (any one matching is enough). */
  secret: string | readonly string[];
  /** Replay window in seconds (default 300). */
  toleranceSeconds?: number;
  /** Current time as a Date or Unix seconds (default: the system clock). */
  now?: Date | number;
}

/**
 * Checks a webhook's signature and freshness. Never throws for a bad request: returns
 * `{ ok: false, reason, message }` for a malformed or missing header, a stale or future
 * timestamp, a tampered body or a wrong secret.
 *
 * @example
 * const result = await verifyWebhook({ payload: await request.text(), header: request.headers.get('Commerce-Sync-Signature'), secret });
 * if (!result.ok) return new Response(result.message, { status: 400 });
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookVerification> {
  const { payload, header, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = options;
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (secrets.length === 0 || secrets.some((s) => s.length === 0)) {
    throw new Error('verifyWebhook needs at least one non-empty secret.');
  }
  if (!header) {
    return {
      ok: false,
      reason: 'malformed_header',
      message: 'The Commerce-Sync-Signature header is missing.',
    };
  }
  const parsed = parseHeader(header);
  if (!parsed) {
    return {
      ok: false,
      reason: 'malformed_header',
      message:
        'The Commerce-Sync-Signature header is not of the form t=<unix seconds>,v1=<hex signature>.',
    };
  }
  const candidates = parsed.signatures
    .map(fromHex)
    .filter((s): s is Uint8Array => s !== null && s.length === 32);
  if (candidates.length === 0) {
    return {
      ok: false,
      reason: 'no_signature',
      message: 'The Commerce-Sync-Signature header has no v1 signature.',
    };
  }
  const nowSeconds = toUnixSeconds(options.now ?? new Date(), 'verifyWebhook now');
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) {
    return {
      ok: false,
      reason: 'timestamp_outside_tolerance',
      message: `The signature timestamp is more than ${toleranceSeconds} s away from now; the request may be a replay (or the clocks differ).`,
    };
  }
  const bytes = toBytes(payload);
  let matched = false;
  for (const s of secrets) {
    const expected = await hmac(s, parsed.timestamp, bytes);
    // Every candidate is compared (no early exit), so timing does not reveal which one matched.
    for (const candidate of candidates) matched = constantTimeEqual(expected, candidate) || matched;
  }
  return matched
    ? { ok: true, timestamp: parsed.timestamp }
    : {
        ok: false,
        reason: 'signature_mismatch',
        message:
          'No signature matches the body with the configured secret: the body was altered or the secret is wrong.',
      };
}

/**
 * Verifies a webhook and parses its body into a typed event; throws
 * {@link WebhookVerificationError} when the signature or the body is not acceptable.
 *
 * @example
 * const event = await constructWebhookEvent({ payload: rawBody, header, secret });
 * if (event.type === 'sync.failed') notify(event.companyId, event.data.merchantMessage);
 */
export async function constructWebhookEvent(options: VerifyWebhookOptions): Promise<WebhookEvent> {
  const result = await verifyWebhook(options);
  if (!result.ok) throw new WebhookVerificationError(result.reason, result.message);
  const text =
    typeof options.payload === 'string'
      ? options.payload
      : new TextDecoder().decode(options.payload);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The webhook body is not JSON.');
  }
  const parsed = WebhookEventSchema.safeParse(json);
  if (!parsed.success) {
    throw new WebhookVerificationError(
      'invalid_payload',
      `The webhook body is not a known event: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
