import type { ClientBase, Pool } from 'pg';
import { DELIVERY_COLUMNS, listWhere, rowFromSql } from './store.js';
import type {
  AttemptRecord,
  ClaimArgs,
  DeliveryRow,
  ListArgs,
  WebhookDeliveryStore,
} from './store.js';

/** Options of {@link createPostgresWebhookStore}. */
export interface PostgresWebhookStoreOptions {
  pool: Pool;
  /** Schema holding the table (default `public`); created by `migrate()` if missing. */
  schema?: string;
  /** Whether `close()` ends the pool (default false: the caller owns it). */
  ownsPool?: boolean;
}

function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(
      `"${name}" is not a valid PostgreSQL schema name: use letters, digits and underscores.`,
    );
  }
  return `"${name}"`;
}

/**
 * The webhook outbox on PostgreSQL (pg). Pass your transaction's client as `tx` to `enqueue` to
 * write deliveries atomically with your own changes. Claims use `FOR UPDATE SKIP LOCKED` plus a
 * lease, so any number of workers can poll the same table without sending a delivery twice.
 *
 * @example
 * const store = createPostgresWebhookStore({ pool: new pg.Pool({ connectionString }) });
 * await store.migrate();
 */
export function createPostgresWebhookStore(
  options: PostgresWebhookStoreOptions,
): WebhookDeliveryStore<ClientBase> {
  const { pool } = options;
  const schema = quoteIdent(options.schema ?? 'public');
  const table = `${schema}.webhook_deliveries`;
  const columns = DELIVERY_COLUMNS.map(([, c]) => c).join(', ');
  const rows = (result: { rows: Record<string, unknown>[] }) => result.rows.map(rowFromSql);

  return {
    dialect: 'postgres',
    async migrate() {
      await pool.query(`
        CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${table} (
          id TEXT PRIMARY KEY,
          event_id TEXT NOT NULL,
          event_type TEXT NOT NULL,
          company_id TEXT NOT NULL,
          endpoint_id TEXT NOT NULL,
          url TEXT NOT NULL,
          payload TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at BIGINT,
          lease_until BIGINT,
          lease_token TEXT,
          last_attempt_at BIGINT,
          last_response_code INTEGER,
          last_error TEXT,
          delivered_at BIGINT,
          created_at BIGINT NOT NULL,
          redelivery_of TEXT
        );
        CREATE UNIQUE INDEX IF NOT EXISTS webhook_deliveries_event_endpoint
          ON ${table} (event_id, endpoint_id) WHERE redelivery_of IS NULL;
        CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON ${table} (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS webhook_deliveries_company ON ${table} (company_id, created_at, id);
      `);
    },
    async insert(input: readonly DeliveryRow[], tx?: ClientBase) {
      if (input.length === 0) return [];
      const params: unknown[] = [];
      const values = input.map((row) => {
        const placeholders = DELIVERY_COLUMNS.map(([prop]) => {
          params.push(row[prop]);
          return `$${params.length}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      const result = await (tx ?? pool).query(
        `INSERT INTO ${table} (${columns}) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING RETURNING *`,
        params,
      );
      return rows(result);
    },
    async claimDue(args: ClaimArgs) {
      const result = await pool.query(
        `WITH due AS (
           SELECT id FROM ${table}
           WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
           ORDER BY next_attempt_at, id
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         UPDATE ${table} AS d SET lease_until = $3, lease_token = $4 FROM due WHERE d.id = due.id
         RETURNING d.*`,
        [args.now, args.limit, args.leaseUntil, args.leaseToken],
      );
      return rows(result);
    },
    async recordAttempt(r: AttemptRecord) {
      const result = await pool.query(
        `UPDATE ${table} SET attempts = attempts + 1, status = $1, next_attempt_at = $2, url = $3, last_attempt_at = $4,
           last_response_code = $5, last_error = $6,
           delivered_at = CASE WHEN $1 = 'succeeded' THEN $4 ELSE delivered_at END,
           lease_until = NULL, lease_token = NULL
         WHERE id = $7 AND lease_token = $8`,
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
      return result.rowCount === 1;
    },
    async get(id) {
      const result = await pool.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);
      return rows(result)[0] ?? null;
    },
    async list(args: ListArgs) {
      const { where, params } = listWhere(args, (i) => `$${i}`);
      const result = await pool.query(
        `SELECT * FROM ${table} ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1}`,
        [...params, args.limit],
      );
      return rows(result);
    },
    async retryNow(id, now) {
      const result = await pool.query(
        `UPDATE ${table} SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' RETURNING *`,
        [now, id],
      );
      return rows(result)[0] ?? null;
    },
    async close() {
      if (options.ownsPool) await pool.end();
    },
  };
}
