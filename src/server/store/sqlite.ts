import Database from 'better-sqlite3';
import type { Db, Lease, Row, SqlValue } from './db.js';
import { toPositional } from './db.js';
import { decodeHolder, encodeHolder, holderIsDead } from './lease-holder.js';

/**
 * SQLite driver (better-sqlite3): one file, or ':memory:' for tests. better-sqlite3 is
 * synchronous, so async callers are serialised through one queue: a transaction holds the
 * queue until it commits, and nothing else can interleave with it.
 */
export function openSqlite(path: string): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  let queue: Promise<unknown> = Promise.resolve();

  function prepare(sql: string): Database.Statement {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

  function bind(params: readonly SqlValue[]): SqlValue[] {
    return params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  }

  function runQuery<T extends Row>(sql: string, params: readonly SqlValue[]): T[] {
    const p = toPositional(sql, params);
    return prepare(p.sql).all(...bind(p.params)) as T[];
  }

  function runExecute(sql: string, params: readonly SqlValue[]): number {
    const p = toPositional(sql, params);
    const statement = prepare(p.sql);
    if (statement.reader) return statement.all(...bind(p.params)).length;
    return statement.run(...bind(p.params)).changes;
  }

  function runMany(sql: string, rows: readonly (readonly SqlValue[])[]): number {
    if (rows.length === 0) return 0;
    const first = toPositional(sql, rows[0] ?? []);
    const statement = prepare(first.sql);
    // toPositional's reordering depends only on the SQL, so it is computed once.
    const order: number[] = [];
    sql.replace(/\$(\d+)/g, (_m, n: string) => {
      order.push(Number(n) - 1);
      return '?';
    });
    // Bulk pushes run this thousands of times: one reused argument array, no per-row copies.
    const args: SqlValue[] = new Array<SqlValue>(order.length);
    let changes = 0;
    for (const row of rows) {
      for (let k = 0; k < order.length; k += 1) {
        const v = row[order[k] ?? 0] ?? null;
        args[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
      }
      changes += statement.run(args).changes;
    }
    return changes;
  }

  function exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  }

  function inner(): Db {
    const tx: Db = {
      dialect: 'sqlite',
      query: async (sql, params = []) => runQuery(sql, params),
      execute: async (sql, params = []) => runExecute(sql, params),
      executeMany: async (sql, rows) => runMany(sql, rows),
      transaction: (fn) => fn(tx),
      tryLease: () => Promise.reject(new Error('Take leases outside transactions')),
      close: () => Promise.reject(new Error('Cannot close inside a transaction')),
    };
    return tx;
  }

  const api: Db = {
    dialect: 'sqlite',
    query: (sql, params = []) => exclusive(() => runQuery(sql, params)),
    execute: (sql, params = []) => exclusive(() => runExecute(sql, params)),
    executeMany: (sql, rows) => exclusive(() => runMany(sql, rows)),
    transaction: (fn) =>
      exclusive(async () => {
        db.prepare('BEGIN IMMEDIATE').run();
        try {
          const result = await fn(inner());
          db.prepare('COMMIT').run();
          return result;
        } catch (error) {
          if (db.inTransaction) db.prepare('ROLLBACK').run();
          throw error;
        }
      }),
    tryLease: (key, owner, ttlMs, now) =>
      exclusive((): Lease | null => {
        const holder = encodeHolder(owner);
        const at = now.toISOString();
        // Read and take in one write transaction: two processes never both see the row free.
        db.prepare('BEGIN IMMEDIATE').run();
        try {
          const row = runQuery('SELECT owner, expires_at FROM run_leases WHERE lease_key = $1', [key])[0];
          const current = row ? String(row.owner) : null;
          const previous = current === null ? null : decodeHolder(current);
          const free = !row || String(row.expires_at) < at || current === holder || (previous !== null && holderIsDead(previous));
          if (free) {
            runExecute(
              `INSERT INTO run_leases (lease_key, owner, expires_at) VALUES ($1, $2, $3)
               ON CONFLICT (lease_key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
              [key, holder, new Date(now.getTime() + ttlMs).toISOString()],
            );
          }
          db.prepare('COMMIT').run();
          if (!free) return null;
        } catch (error) {
          if (db.inTransaction) db.prepare('ROLLBACK').run();
          throw error;
        }
        return {
          key,
          renew: (time) =>
            exclusive(() => {
              if (!db.open) return false;
              const expires = new Date(time.getTime() + ttlMs).toISOString();
              return runExecute('UPDATE run_leases SET expires_at = $1 WHERE lease_key = $2 AND owner = $3', [expires, key, holder]) > 0;
            }),
          release: () =>
            exclusive(() => {
              if (db.open) runExecute('DELETE FROM run_leases WHERE lease_key = $1 AND owner = $2', [key, holder]);
            }),
        };
      }),
    close: () =>
      exclusive(() => {
        if (db.open) db.close();
      }),
  };
  return api;
}
