import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WebhookDeliveryQuerySchema,
  WebhookEndpointSchema,
  WebhookEventSchema,
} from '../contract/webhooks.js';
import type {
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEvent,
  WebhookEventInput,
} from '../contract/webhooks.js';
import { signWebhook } from './signature.js';
import type { DeliveryRow, WebhookDeliveryStore } from './store.js';

/** Delays before each retry, in seconds: 30 s, 2 min, 10 min, 1 h, 6 h, 12 h, 24 h; then the delivery is `failed`. */
export const DEFAULT_RETRY_DELAYS_SECONDS: readonly number[] = [
  30, 120, 600, 3_600, 21_600, 43_200, 86_400,
];

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions<Tx> {
  store: WebhookDeliveryStore<Tx>;
  /** The partner's endpoints, or a function read at every enqueue and send (to pick up config changes and secret rotation). */
  endpoints: readonly WebhookEndpointInput[] | (() => readonly WebhookEndpointInput[]);
  fetch?: typeof fetch;
  now?: () => Date;
  /** Uniform [0, 1) source for retry jitter. */
  random?: () => number;
  newId?: () => string;
  retryDelaysSeconds?: readonly number[];
  /** Each retry delay is multiplied by a random factor in [1 - jitter, 1 + jitter] (default 0.2). */
  jitter?: number;
  /** Per-request timeout (default 10 000 ms). */
  timeoutMs?: number;
  /**
   * How long a worker owns a claimed batch. It must outlast the slowest batch
   * (`ceil(batchSize / concurrency) × timeoutMs`), or another worker could send a delivery again;
   * the default is that plus 30 s.
   */
  leaseSeconds?: number;
  /** Deliveries claimed per round of {@link WebhookDispatcher.deliverDue} (default 50). */
  batchSize?: number;
  /** Requests in flight at once per worker (default 8). */
  concurrency?: number;
  /** Called after every attempt, e.g. for logs and metrics. */
  onAttempt?: (delivery: WebhookDelivery) => void;
}

/** Counts of what one {@link WebhookDispatcher.deliverDue} call did. */
export interface DeliverDueResult {
  attempted: number;
  succeeded: number;
  /** Failed attempts with a retry scheduled. */
  retrying: number;
  /** Deliveries that gave up (retries exhausted or endpoint gone). */
  failed: number;
  /** Claimed deliveries whose lease another worker took over before this one finished (nothing recorded). */
  leaseLost: number;
}

/** An error of the dispatcher's query and redeliver operations, with a stable `code`. */
export class WebhookDispatchError extends Error {
  override readonly name = 'WebhookDispatchError';
  constructor(
    readonly code:
      'not_found' | 'invalid_query' | 'invalid_event' | 'invalid_endpoint' | 'endpoint_missing',
    message: string,
  ) {
    super(message);
  }
}

/** The durable webhook outbox and its delivery worker. */
export interface WebhookDispatcher<Tx = never> {
  /**
   * Validates the event and persists one delivery per matching, enabled endpoint. With `tx`
   * (a pg client inside the caller's transaction) the rows commit or roll back with it; on SQLite
   * the rows are written synchronously before this returns, so calling it inside `db.transaction`
   * joins that transaction. Enqueueing the same event id twice creates no second delivery.
   */
  enqueue(event: WebhookEventInput, options?: { tx?: Tx }): Promise<WebhookDelivery[]>;
  /** Sends every due delivery once (lease, POST, record outcome and next attempt). Safe to run from several workers. */
  deliverDue(now?: Date): Promise<DeliverDueResult>;
  /** Deliveries, newest first, filtered by company, event type, status, endpoint or event. */
  listDeliveries(query?: WebhookDeliveryQuery): Promise<WebhookDeliveryPage>;
  getDelivery(id: string): Promise<WebhookDelivery>;
  /**
   * Sends a delivery again: a pending one becomes due now; a succeeded or failed one gets a new
   * delivery (new id, same event, `redeliveryOf` set) due now.
   */
  redeliver(deliveryId: string): Promise<WebhookDelivery>;
}

function parseEndpoints(input: readonly WebhookEndpointInput[]): WebhookEndpoint[] {
  const endpoints = input.map((e, index) => {
    const parsed = WebhookEndpointSchema.safeParse(e);
    if (!parsed.success) {
      throw new WebhookDispatchError(
        'invalid_endpoint',
        `Webhook endpoint #${index + 1}${typeof e.id === 'string' ? ` (${e.id})` : ''} is invalid: ${parsed.error.issues
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    }
    return parsed.data;
  });
  const ids = new Set<string>();
  for (const e of endpoints) {
    if (ids.has(e.id))
      throw new WebhookDispatchError(
        'invalid_endpoint',
        `Two webhook endpoints share the id "${e.id}"; give each a unique id.`,
      );
    ids.add(e.id);
  }
  return endpoints;
}

/** Whether an endpoint wants an event. */
export function endpointMatches(
  endpoint: WebhookEndpoint,
  event: Pick<WebhookEvent, 'type' | 'companyId'>,
): boolean {
  if (!endpoint.enabled) return false;
  if (endpoint.companyIds && !endpoint.companyIds.includes(event.companyId)) return false;
  return endpoint.events.includes('*') || endpoint.events.includes(event.type);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    companyId: row.companyId,
    endpointId: row.endpointId,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    lastResponseCode: row.lastResponseCode,
    lastError: row.lastError,
    lastAttemptAt: iso(row.lastAttemptAt),
    nextAttemptAt: iso(row.nextAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    createdAt: new Date(row.createdAt).toISOString(),
    redeliveryOf: row.redeliveryOf,
    event: JSON.parse(row.payload) as WebhookEvent,
  };
}

function encodeCursor(row: DeliveryRow): string {
  return btoa(JSON.stringify([row.createdAt, row.id])).replace(/=+$/, '');
}

function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const value: unknown = JSON.parse(atob(cursor));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw new WebhookDispatchError(
    'invalid_query',
    'The cursor is not one returned by a previous page; start again without it.',
  );
}

/**
 * Retry delay in milliseconds after the `attempt`-th failed attempt (1-based), with jitter;
 * null when retries are exhausted.
 */
export function retryDelayMs(
  attempt: number,
  options: { delaysSeconds?: readonly number[]; jitter?: number; random?: () => number } = {},
): number | null {
  const {
    delaysSeconds = DEFAULT_RETRY_DELAYS_SECONDS,
    jitter = 0.2,
    random = Math.random,
  } = options;
  const base = delaysSeconds[attempt - 1];
  if (base === undefined) return null;
  return Math.round(base * 1000 * (1 + jitter * (2 * random() - 1)));
}

/** Milliseconds a `Retry-After` header (delta seconds or an HTTP date) asks to wait; 0 when absent or invalid. */
function parseRetryAfter(value: string | null, at: number): number {
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - at);
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError')
      return `No response within ${timeoutMs} ms.`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}

/**
 * Creates the webhook outbox over a store. Producers call `enqueue`; a worker (the sync
 * service's scheduler tick, or any interval) calls `deliverDue`.
 *
 * @example
 * const webhooks = createWebhookDispatcher({ store: createSqliteWebhookStore({ database: db }), endpoints: config.webhooks });
 * await webhooks.enqueue({ type: 'connection.deleted', companyId, data: { connectionId, platformKey: 'xero' } });
 * await webhooks.deliverDue(new Date());
 */
export function createWebhookDispatcher<Tx = never>(
  options: WebhookDispatcherOptions<Tx>,
): WebhookDispatcher<Tx> {
  const {
    store,
    fetch: fetchImpl = globalThis.fetch.bind(globalThis),
    now = () => new Date(),
    random = Math.random,
    newId = () => crypto.randomUUID(),
    retryDelaysSeconds = DEFAULT_RETRY_DELAYS_SECONDS,
    jitter = 0.2,
    timeoutMs = 10_000,
    batchSize = 50,
    concurrency = 8,
    onAttempt,
  } = options;
  const maxDelayMs = Math.max(0, ...retryDelaysSeconds) * 1000;
  const slowestBatchMs = Math.ceil(batchSize / concurrency) * timeoutMs;
  const leaseMs = (options.leaseSeconds ?? slowestBatchMs / 1000 + 30) * 1000;
  if (leaseMs <= slowestBatchMs) {
    throw new Error(
      `leaseSeconds must be longer than ${slowestBatchMs / 1000} s (ceil(batchSize / concurrency) × timeoutMs), or a slow batch could be sent twice.`,
    );
  }
  const staticEndpoints =
    typeof options.endpoints === 'function' ? null : parseEndpoints(options.endpoints);
  const readEndpoints = (): WebhookEndpoint[] =>
    staticEndpoints ??
    parseEndpoints((options.endpoints as () => readonly WebhookEndpointInput[])());

  async function attempt(
    row: DeliveryRow,
    leaseToken: string,
    at: number,
  ): Promise<keyof Omit<DeliverDueResult, 'attempted'>> {
    const endpoint = readEndpoints().find((e) => e.id === row.endpointId);
    let responseCode: number | null = null;
    let error: string | null = null;
    let url = row.url;
    let give = false;
    let retryAfterMs = 0;
    if (!endpoint) {
      error = `Endpoint "${row.endpointId}" is no longer configured.`;
      give = true;
    } else if (!endpoint.enabled) {
      error = `Endpoint "${row.endpointId}" is disabled.`;
      give = true;
    } else {
      url = endpoint.url;
      try {
        const signature = await signWebhook(
          row.payload,
          [endpoint.secret, ...endpoint.additionalSecrets],
          new Date(at),
        );
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'commerce-sync-webhooks/1',
            [WEBHOOK_SIGNATURE_HEADER]: signature,
            [WEBHOOK_EVENT_HEADER]: row.eventType,
            [WEBHOOK_DELIVERY_HEADER]: row.id,
          },
          body: row.payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        responseCode = response.status;
        if (response.status < 200 || response.status > 299) {
          if (response.status === 429 || response.status === 503) {
            retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), at);
          }
          const text = await response.text().catch(() => '');
          error = `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
        } else {
          await response.body?.cancel();
        }
      } catch (e) {
        error = describeError(e, timeoutMs);
      }
    }
    const succeeded = error === null;
    const delay =
      succeeded || give
        ? null
        : retryDelayMs(row.attempts + 1, { delaysSeconds: retryDelaysSeconds, jitter, random });
    const status = succeeded ? 'succeeded' : delay === null ? 'failed' : 'pending';
    // A receiver asking for more time (Retry-After) gets it, within the longest scheduled delay.
    const nextAttemptAt =
      status === 'pending' && delay !== null
        ? at + Math.max(delay, Math.min(retryAfterMs, maxDelayMs))
        : null;
    const recorded = await store.recordAttempt({
      id: row.id,
      leaseToken,
      url,
      attemptAt: at,
      status,
      nextAttemptAt,
      responseCode,
      error,
    });
    if (!recorded) return 'leaseLost';
    if (onAttempt) {
      onAttempt(
        toDelivery({
          ...row,
          url,
          status,
          attempts: row.attempts + 1,
          nextAttemptAt,
          lastAttemptAt: at,
          lastResponseCode: responseCode,
          lastError: error,
          deliveredAt: succeeded ? at : row.deliveredAt,
          leaseToken: null,
          leaseUntil: null,
        }),
      );
    }
    return status === 'succeeded' ? 'succeeded' : status === 'failed' ? 'failed' : 'retrying';
  }

  return {
    enqueue(input, enqueueOptions) {
      // Deliberately not async: on SQLite the rows are written before returning (see the interface).
      const at = now();
      const parsed = WebhookEventSchema.safeParse({
        ...input,
        id: input.id ?? newId(),
        createdAt: input.createdAt ?? at.toISOString(),
      });
      if (!parsed.success) {
        throw new WebhookDispatchError(
          'invalid_event',
          `The ${input.type} event is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      const event = parsed.data;
      const payload = JSON.stringify(event);
      const rows: DeliveryRow[] = readEndpoints()
        .filter((e) => endpointMatches(e, event))
        .map((e) => ({
          id: newId(),
          eventId: event.id,
          eventType: event.type,
          companyId: event.companyId,
          endpointId: e.id,
          url: e.url,
          payload,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at.getTime(),
          leaseUntil: null,
          leaseToken: null,
          lastAttemptAt: null,
          lastResponseCode: null,
          lastError: null,
          deliveredAt: null,
          createdAt: at.getTime(),
          redeliveryOf: null,
        }));
      if (rows.length === 0) return Promise.resolve([]);
      return store.insert(rows, enqueueOptions?.tx).then((inserted) => inserted.map(toDelivery));
    },

    async deliverDue(at) {
      const result: DeliverDueResult = {
        attempted: 0,
        succeeded: 0,
        retrying: 0,
        failed: 0,
        leaseLost: 0,
      };
      for (;;) {
        // Each round reads the clock again, so a long run does not lease with a stale time.
        const time = (at ?? now()).getTime();
        const leaseToken = newId();
        const claimed = await store.claimDue({
          now: time,
          leaseUntil: time + leaseMs,
          leaseToken,
          limit: batchSize,
        });
        await mapLimit(claimed, concurrency, async (row) => {
          result.attempted++;
          result[await attempt(row, leaseToken, (at ?? now()).getTime())]++;
        });
        if (claimed.length < batchSize) return result;
      }
    },

    async listDeliveries(query = {}) {
      const parsed = WebhookDeliveryQuerySchema.safeParse(query);
      if (!parsed.success) {
        throw new WebhookDispatchError(
          'invalid_query',
          parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
        );
      }
      const q = parsed.data;
      const rows = await store.list({
        companyId: q.companyId,
        eventType: q.type,
        status: q.status,
        endpointId: q.endpointId,
        eventId: q.eventId,
        after: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toDelivery),
        nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
      };
    },

    async getDelivery(id) {
      const row = await store.get(id);
      if (!row)
        throw new WebhookDispatchError('not_found', `No webhook delivery has the id "${id}".`);
      return toDelivery(row);
    },

    async redeliver(deliveryId) {
      const original = await store.get(deliveryId);
      if (!original)
        throw new WebhookDispatchError(
          'not_found',
          `No webhook delivery has the id "${deliveryId}".`,
        );
      const at = now().getTime();
      if (original.status === 'pending') {
        const updated = await store.retryNow(deliveryId, at);
        if (updated) return toDelivery(updated);
      }
      const endpoint = readEndpoints().find((e) => e.id === original.endpointId);
      if (!endpoint?.enabled) {
        throw new WebhookDispatchError(
          'endpoint_missing',
          `Endpoint "${original.endpointId}" is no longer configured or is disabled; enable it before redelivering.`,
        );
      }
      const [created] = await store.insert([
        {
          ...original,
          id: newId(),
          url: endpoint.url,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at,
          leaseUntil: null,
          leaseToken: null,
          lastAttemptAt: null,
          lastResponseCode: null,
          lastError: null,
          deliveredAt: null,
          createdAt: at,
          redeliveryOf: original.id,
        },
      ]);
      if (!created) throw new Error(`Redelivery of ${deliveryId} was not stored.`);
      return toDelivery(created);
    },
  };
}
