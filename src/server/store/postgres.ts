import pg from 'pg';
import type { Db, Lease, Row, SqlValue } from './db.js';

/** Where and how to reach PostgreSQL. */
export interface PostgresOptions {
  /** A `postgres://` URL, or discrete settings. */
  connectionString?: string;
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  /** Schema the tables live in (created when missing). Default `public`. */
  schema?: string;
  /** Pool size. Default 10. */
  max?: number;
  /** `application_name` of the connections (visible in pg_stat_activity). Default `commerce-sync`. */
  applicationName?: string;
}

/**
 * PostgreSQL driver (pg). Same SQL as SQLite; leases are session advisory locks on a
 * dedicated connection, so a crashed instance releases its leases when its connection drops.
 */
export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const schema = options.schema ?? 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name "${schema}"`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'commerce-sync',
    options: `-c search_path=${schema}`,
  });
  pool.on('error', (error) => console.error('PostgreSQL pool error', error.message));
  // `IF NOT EXISTS` does not stop two instances starting together from both creating the
  // schema (one then fails on a unique index of the catalog), so creation holds a lock.
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('commerce-sync:migrate'))");
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }

  const leases = new Set<Lease>();
  type Queryable = pg.Pool | pg.PoolClient;
  const on = (target: Queryable, inTx: boolean): Db => {
    const self: Db = {
      dialect: 'postgres',
      query: async <T extends Row>(sql: string, params: readonly SqlValue[] = []) =>
        (await target.query(sql, params as SqlValue[])).rows as T[],
      execute: async (sql, params = []) => (await target.query(sql, params as SqlValue[])).rowCount ?? 0,
      executeMany: async (sql, rows) => {
        let changes = 0;
        for (const row of rows) changes += (await target.query(sql, row as SqlValue[])).rowCount ?? 0;
        return changes;
      },
      transaction: async (fn) => {
        if (inTx) return fn(self);
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await fn(on(client, true));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      tryLease: async (key) => {
        const client = await pool.connect();
        // A checked-out client has no pool error handler: a dropped connection (failover,
        // admin kill) would otherwise crash the process. The lock dies with the connection.
        let lost = false;
        const onError = (error: Error) => {
          lost = true;
          console.warn(`Run lease connection for ${key} lost: ${error.message}`);
        };
        client.on('error', onError);
        try {
          // A process that dies closes its socket and the server drops the lock at once. A host
          // that vanishes sends nothing: server-side keepalives find the dead peer within about
          // 25 s instead of the operating system's default of hours (ignored on Unix sockets).
          await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
          const { rows } = await client.query<{ ok: boolean }>(
            'SELECT pg_try_advisory_lock(hashtext($1)) AS ok',
            [`${schema}:${key}`],
          );
          if (!rows[0]?.ok) {
            client.off('error', onError);
            client.release();
            return null;
          }
        } catch (error) {
          client.off('error', onError);
          client.release(true);
          throw error;
        }
        let released = false;
        const lease: Lease = {
          key,
          renew: async () => {
            if (released || lost) return false;
            try {
              // The lock lives as long as this session: a session that still answers still holds it.
              await client.query('SELECT 1');
              return true;
            } catch {
              lost = true;
              return false;
            }
          },
          release: async () => {
            if (released) return;
            released = true;
            leases.delete(lease);
            client.off('error', onError);
            try {
              await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`${schema}:${key}`]);
              client.release();
            } catch {
              // The connection is gone, so is the lock; drop the client rather than pool it.
              client.release(true);
            }
          },
        };
        leases.add(lease);
        return lease;
      },
      close: async () => {
        // Held leases keep their clients checked out, and pool.end() would wait for them.
        await Promise.all([...leases].map((l) => l.release()));
        await pool.end();
      },
    };
    return self;
  };
  return on(pool, false);
}

/**
 * Drops a schema and everything in it, with the run queue's `<schema>_jobs` beside it (tests
 * clean up their per-run schema with this).
 */
export async function dropPostgresSchema(options: PostgresOptions & { schema: string }): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`Invalid schema name "${options.schema}"`);
  const client = new pg.Client({
    connectionString: options.connectionString,
    host: options.host,
    port: options.port,
    database: options.database,
    user: options.user,
    password: options.password,
  });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${options.schema}, ${options.schema}_jobs CASCADE`);
  } finally {
    await client.end();
  }
}
