import type { Database as SqliteDatabase } from 'better-sqlite3';
import { DELIVERY_COLUMNS, listWhere, rowFromSql } from './store.js';
import type {
  AttemptRecord,
  ClaimArgs,
  DeliveryRow,
  ListArgs,
  WebhookDeliveryStore,
} from './store.js';

const TABLE = 'webhook_deliveries';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${TABLE} (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  company_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL,
  url TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  lease_until INTEGER,
  lease_token TEXT,
  last_attempt_at INTEGER,
  last_response_code INTEGER,
  last_error TEXT,
  delivered_at INTEGER,
  created_at INTEGER NOT NULL,
  redelivery_of TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_event_endpoint ON ${TABLE} (event_id, endpoint_id) WHERE redelivery_of IS NULL;
CREATE INDEX IF NOT EXISTS ${TABLE}_due ON ${TABLE} (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS ${TABLE}_company ON ${TABLE} (company_id, created_at, id);
`;

/** Options of {@link createSqliteWebhookStore}. */
export interface SqliteWebhookStoreOptions {
  /**
   * An open better-sqlite3 database, owned by the caller (so enqueues join its transactions).
   * For several processes on one file, open it with `journal_mode = WAL` and a `busy_timeout`.
   */
  database: SqliteDatabase;
}

/**
 * The webhook outbox on SQLite (better-sqlite3). Writes happen synchronously during the call,
 * so `enqueue` called inside the caller's `db.transaction(fn)` on the same database is part of
 * that transaction (and an error thrown there rolls it back). Several processes may share the
 * file: claims take the write lock (`BEGIN IMMEDIATE`), so a lease is granted to one worker only.
 *
 * @example
 * const store = createSqliteWebhookStore({ database: db });
 */
export function createSqliteWebhookStore(
  options: SqliteWebhookStoreOptions,
): WebhookDeliveryStore<never> {
  const db = options.database;
  db.exec(SCHEMA);

  const columns = DELIVERY_COLUMNS.map(([, c]) => c).join(', ');
  const insertStmt = db.prepare(
    `INSERT INTO ${TABLE} (${columns}) VALUES (${DELIVERY_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING RETURNING *`,
  );
  const claimStmt = db.prepare(
    `UPDATE ${TABLE} SET lease_until = ?, lease_token = ?
     WHERE id IN (SELECT id FROM ${TABLE}
                  WHERE status = 'pending' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                  ORDER BY next_attempt_at, id LIMIT ?)
     RETURNING *`,
  );
  const recordStmt = db.prepare(
    `UPDATE ${TABLE} SET attempts = attempts + 1, status = ?, next_attempt_at = ?, url = ?, last_attempt_at = ?,
       last_response_code = ?, last_error = ?, delivered_at = CASE WHEN ? = 'succeeded' THEN ? ELSE delivered_at END,
       lease_until = NULL, lease_token = NULL
     WHERE id = ? AND lease_token = ?`,
  );
  const getStmt = db.prepare(`SELECT * FROM ${TABLE} WHERE id = ?`);
  const retryStmt = db.prepare(
    `UPDATE ${TABLE} SET next_attempt_at = ? WHERE id = ? AND status = 'pending' RETURNING *`,
  );

  const insertAll = db.transaction((rows: readonly DeliveryRow[]) => {
    const inserted: DeliveryRow[] = [];
    for (const row of rows) {
      const result = insertStmt.get(...DELIVERY_COLUMNS.map(([p]) => row[p])) as
        Record<string, unknown> | undefined;
      if (result) inserted.push(rowFromSql(result));
    }
    return inserted;
  });
  const claim = db.transaction((args: ClaimArgs) =>
    (
      claimStmt.all(args.leaseUntil, args.leaseToken, args.now, args.now, args.limit) as Record<
        string,
        unknown
      >[]
    ).map(rowFromSql),
  );

  return {
    dialect: 'sqlite',
    migrate() {
      db.exec(SCHEMA);
      return Promise.resolve();
    },
    // Not `async`: the rows must be written before this returns, inside any transaction the caller has open.
    insert(rows) {
      return Promise.resolve(insertAll(rows));
    },
    claimDue(args) {
      return Promise.resolve(claim.immediate(args));
    },
    recordAttempt(r: AttemptRecord) {
      const { changes } = recordStmt.run(
        r.status,
        r.nextAttemptAt,
        r.url,
        r.attemptAt,
        r.responseCode,
        r.error,
        r.status,
        r.attemptAt,
        r.id,
        r.leaseToken,
      );
      return Promise.resolve(changes === 1);
    },
    get(id) {
      const row = getStmt.get(id) as Record<string, unknown> | undefined;
      return Promise.resolve(row ? rowFromSql(row) : null);
    },
    list(args: ListArgs) {
      const { where, params } = listWhere(args, () => '?');
      const rows = db
        .prepare(`SELECT * FROM ${TABLE} ${where} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .all(...params, args.limit) as Record<string, unknown>[];
      return Promise.resolve(rows.map(rowFromSql));
    },
    retryNow(id, now) {
      const row = retryStmt.get(now, id) as Record<string, unknown> | undefined;
      return Promise.resolve(row ? rowFromSql(row) : null);
    },
    // The database belongs to the caller, who closes it.
    close() {
      return Promise.resolve();
    },
  };
}
