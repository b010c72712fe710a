import type { WebhookDeliveryStatus, WebhookEventType } from '../contract/webhooks.js';

/**
 * A delivery as persisted in the outbox. Times are epoch milliseconds so both SQLite and
 * PostgreSQL compare them as plain integers. This is a storage row, not a wire shape: the
 * dispatcher maps it to `WebhookDelivery` (src/contract/webhooks.ts) before it leaves the module.
 */
export interface DeliveryRow {
  id: string;
  eventId: string;
  eventType: WebhookEventType;
  companyId: string;
  endpointId: string;
  url: string;
  /** The exact JSON body; every attempt sends the same bytes. */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  leaseUntil: number | null;
  leaseToken: string | null;
  lastAttemptAt: number | null;
  lastResponseCode: number | null;
  lastError: string | null;
  deliveredAt: number | null;
  createdAt: number;
  redeliveryOf: string | null;
}

/** Claims due deliveries for one worker until `leaseUntil`. */
export interface ClaimArgs {
  now: number;
  leaseUntil: number;
  leaseToken: string;
  limit: number;
}

/** The outcome of one attempt, written only if the worker still holds the lease. */
export interface AttemptRecord {
  id: string;
  leaseToken: string;
  url: string;
  attemptAt: number;
  status: WebhookDeliveryStatus;
  nextAttemptAt: number | null;
  responseCode: number | null;
  error: string | null;
}

/** Filters for {@link WebhookDeliveryStore.list}; rows come newest first (createdAt, then id, descending). */
export interface ListArgs {
  companyId?: string;
  eventType?: WebhookEventType;
  status?: WebhookDeliveryStatus;
  endpointId?: string;
  eventId?: string;
  /** Keyset cursor: only rows strictly after this one in the listing order. */
  after?: { createdAt: number; id: string };
  limit: number;
}

/**
 * Persistence port of the webhook outbox. Two implementations: {@link createSqliteWebhookStore}
 * (better-sqlite3) and {@link createPostgresWebhookStore} (pg). `Tx` is what a caller passes to
 * write deliveries inside its own transaction (a pg client for PostgreSQL).
 */
export interface WebhookDeliveryStore<Tx = never> {
  readonly dialect: 'sqlite' | 'postgres';
  /** Creates the table and indexes if missing (idempotent). */
  migrate(): Promise<void>;
  /** Inserts new deliveries; a second delivery of the same event to the same endpoint is ignored. Returns those inserted. */
  insert(rows: readonly DeliveryRow[], tx?: Tx): Promise<DeliveryRow[]>;
  /** Atomically leases pending, due, unleased deliveries: two workers never get the same row. */
  claimDue(args: ClaimArgs): Promise<DeliveryRow[]>;
  /** Records an attempt and releases the lease; false when the lease was lost (then nothing is written). */
  recordAttempt(record: AttemptRecord): Promise<boolean>;
  get(id: string): Promise<DeliveryRow | null>;
  list(args: ListArgs): Promise<DeliveryRow[]>;
  /** Makes a pending delivery due at `now`; null when it is not pending. */
  retryNow(id: string, now: number): Promise<DeliveryRow | null>;
  close(): Promise<void>;
}

/** Column list shared by both SQL dialects, in {@link DeliveryRow} order. */
export const DELIVERY_COLUMNS = [
  ['id', 'id'],
  ['eventId', 'event_id'],
  ['eventType', 'event_type'],
  ['companyId', 'company_id'],
  ['endpointId', 'endpoint_id'],
  ['url', 'url'],
  ['payload', 'payload'],
  ['status', 'status'],
  ['attempts', 'attempts'],
  ['nextAttemptAt', 'next_attempt_at'],
  ['leaseUntil', 'lease_until'],
  ['leaseToken', 'lease_token'],
  ['lastAttemptAt', 'last_attempt_at'],
  ['lastResponseCode', 'last_response_code'],
  ['lastError', 'last_error'],
  ['deliveredAt', 'delivered_at'],
  ['createdAt', 'created_at'],
  ['redeliveryOf', 'redelivery_of'],
] as const satisfies readonly (readonly [keyof DeliveryRow, string])[];

const NUMERIC = new Set<keyof DeliveryRow>([
  'attempts',
  'nextAttemptAt',
  'leaseUntil',
  'lastAttemptAt',
  'lastResponseCode',
  'deliveredAt',
  'createdAt',
]);

/** Maps a snake_case SQL row to a {@link DeliveryRow}; pg returns BIGINT as text, hence the conversion. */
export function rowFromSql(sql: Record<string, unknown>): DeliveryRow {
  const out: Record<string, unknown> = {};
  for (const [prop, column] of DELIVERY_COLUMNS) {
    const value = sql[column];
    out[prop] =
      value === null || value === undefined ? null : NUMERIC.has(prop) ? Number(value) : value;
  }
  return out as unknown as DeliveryRow;
}

/** Builds the WHERE clause of a listing with the dialect's placeholder style. */
export function listWhere(
  args: ListArgs,
  placeholder: (index: number) => string,
): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(placeholder(params.length)));
  };
  if (args.companyId !== undefined) add((p) => `company_id = ${p}`, args.companyId);
  if (args.eventType !== undefined) add((p) => `event_type = ${p}`, args.eventType);
  if (args.status !== undefined) add((p) => `status = ${p}`, args.status);
  if (args.endpointId !== undefined) add((p) => `endpoint_id = ${p}`, args.endpointId);
  if (args.eventId !== undefined) add((p) => `event_id = ${p}`, args.eventId);
  if (args.after) {
    const { createdAt, id } = args.after;
    params.push(createdAt, createdAt, id);
    const [a, b, c] = [
      placeholder(params.length - 2),
      placeholder(params.length - 1),
      placeholder(params.length),
    ];
    clauses.push(`(created_at < ${a} OR (created_at = ${b} AND id < ${c}))`);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
