import { DELIVERY_COLUMNS, listWhere, rowFromSql } from './store.js';
import type {
  AttemptRecord,
  ClaimArgs,
  DeliveryRow,
  ListArgs,
  WebhookDeliveryStore,
} from './store.js';

/**
 * The query port this store needs: `$1, $2…` placeholders on both dialects (the sync service's
 * `Db` from `src/server/store/db.ts` satisfies it as is, with its transaction handle as `tx`).
 */
export interface WebhookSqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs a statement that returns rows. */
  query(
    sql: string,
    params?: readonly (string | number | null)[],
  ): Promise<Record<string, unknown>[]>;
  /** Runs a statement that returns no rows (DDL); resolves to the number of rows changed. */
  execute(sql: string, params?: readonly (string | number | null)[]): Promise<number>;
}

const TABLE = 'webhook_deliveries';

const MIGRATION = (dialect: 'sqlite' | 'postgres') => {
  const time = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  return [
    `CREATE TABLE IF NOT EXISTS ${TABLE} (
      id TEXT PRIMARY KEY,
      event_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      company_id TEXT NOT NULL,
      endpoint_id TEXT NOT NULL,
      url TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at ${time},
      lease_until ${time},
      lease_token TEXT,
      last_attempt_at ${time},
      last_response_code INTEGER,
      last_error TEXT,
      delivered_at ${time},
      created_at ${time} NOT NULL,
      redelivery_of TEXT
    )`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${TABLE}_event_endpoint ON ${TABLE} (event_id, endpoint_id) WHERE redelivery_of IS NULL`,
    `CREATE INDEX IF NOT EXISTS ${TABLE}_due ON ${TABLE} (status, next_attempt_at)`,
    `CREATE INDEX IF NOT EXISTS ${TABLE}_company ON ${TABLE} (company_id, created_at, id)`,
  ];
};

/**
 * The webhook outbox over a generic SQL executor, for a host that already has its own database
 * layer (the sync service's `Db`). Pass the host's transaction handle as `enqueue`'s `tx` so the
 * event commits with the change that caused it. Call `migrate()` once at boot.
 *
 * @example
 * const webhooks = createWebhookDispatcher({ store: createSqlWebhookStore(store.db), endpoints });
 * await store.db.transaction(async (tx) => { await markFailed(tx); await webhooks.enqueue(event, { tx }); });
 */
export function createSqlWebhookStore(
  db: WebhookSqlExecutor,
): WebhookDeliveryStore<WebhookSqlExecutor> {
  const columns = DELIVERY_COLUMNS.map(([, c]) => c).join(', ');
  const claimSql =
    db.dialect === 'postgres'
      ? `WITH due AS (
           SELECT id FROM ${TABLE}
           WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
           ORDER BY next_attempt_at, id LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         UPDATE ${TABLE} AS d SET lease_until = $3, lease_token = $4 FROM due WHERE d.id = due.id
         RETURNING d.*`
      : `UPDATE ${TABLE} SET lease_until = $3, lease_token = $4
         WHERE id IN (SELECT id FROM ${TABLE}
                      WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
                      ORDER BY next_attempt_at, id LIMIT $2)
         RETURNING *`;

  return {
    dialect: db.dialect,
    async migrate() {
      for (const statement of MIGRATION(db.dialect)) await db.execute(statement);
    },
    // One statement each, so inserts and claims are atomic without a transaction of our own.
    async insert(rows: readonly DeliveryRow[], tx?: WebhookSqlExecutor) {
      if (rows.length === 0) return [];
      const params: (string | number | null)[] = [];
      const values = rows.map(
        (row) =>
          `(${DELIVERY_COLUMNS.map(([p]) => {
            params.push(row[p]);
            return `$${params.length}`;
          }).join(', ')})`,
      );
      const result = await (tx ?? db).query(
        `INSERT INTO ${TABLE} (${columns}) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING RETURNING *`,
        params,
      );
      return result.map(rowFromSql);
    },
    async claimDue(args: ClaimArgs) {
      const result = await db.query(claimSql, [
        args.now,
        args.limit,
        args.leaseUntil,
        args.leaseToken,
      ]);
      return result.map(rowFromSql);
    },
    async recordAttempt(r: AttemptRecord) {
      const result = await db.query(
        `UPDATE ${TABLE} SET attempts = attempts + 1, status = $1, next_attempt_at = $2, url = $3, last_attempt_at = $4,
           last_response_code = $5, last_error = $6,
           delivered_at = CASE WHEN $1 = 'succeeded' THEN $4 ELSE delivered_at END,
           lease_until = NULL, lease_token = NULL
         WHERE id = $7 AND lease_token = $8
         RETURNING id`,
        [
          r.status,
          r.nextAttemptAt,
          r.url,
          r.attemptAt,
          r.responseCode,
          r.error,
          r.id,
          r.leaseToken,
        ],
      );
      return result.length === 1;
    },
    async get(id) {
      const [row] = await db.query(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
      return row ? rowFromSql(row) : null;
    },
    async list(args: ListArgs) {
      const { where, params } = listWhere(args, (i) => `$${i}`);
      const result = await db.query(
        `SELECT * FROM ${TABLE} ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1}`,
        [...(params as (string | number)[]), args.limit],
      );
      return result.map(rowFromSql);
    },
    async retryNow(id, now) {
      const [row] = await db.query(
        `UPDATE ${TABLE} SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' RETURNING *`,
        [now, id],
      );
      return row ? rowFromSql(row) : null;
    },
    // The executor belongs to the host, which closes it.
    async close() {},
  };
}
