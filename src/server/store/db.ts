/**
 * The query layer both store drivers implement. SQL is written once with `$1, $2…`
 * placeholders in the subset SQLite and PostgreSQL share (`ON CONFLICT`, `RETURNING`, TEXT
 * timestamps, INTEGER flags); each driver adapts placeholders and value types.
 */

/** A value bound to a placeholder. */
export type SqlValue = string | number | null;

/** A row as returned by a query: column name → value. */
export type Row = Record<string, unknown>;

/** A connection (or a transaction on one). */
export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs a statement that returns rows. */
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs one statement once per parameter row (same SQL, many rows) and returns the total of
   * changed rows. SQLite prepares it once; PostgreSQL sends the rows one after another.
   */
  executeMany(sql: string, rows: readonly (readonly SqlValue[])[]): Promise<number>;
  /** Runs `fn` in one transaction: everything or nothing is written. Nested calls join the outer one. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Takes an exclusive lease on `key` across every process sharing this database, or returns
   * null when a live holder has it. A lease belongs to a live owner only: SQLite keeps a lease
   * row that expires `ttlMs` after it was taken or last renewed, and a row left by a process
   * that died on this machine is taken over at once; PostgreSQL holds a session advisory lock
   * on a dedicated connection, which the server drops when that connection dies.
   */
  tryLease(key: string, owner: string, ttlMs: number, now: Date): Promise<Lease | null>;
  close(): Promise<void>;
}

/** An exclusive lease; renew it while working (well within its TTL) and release it when done. */
export interface Lease {
  readonly key: string;
  /**
   * Extends the lease to `now` + its TTL. Resolves false when the lease is no longer held
   * (it lapsed and another owner took it, or its connection died): stop the guarded work.
   */
  renew(now: Date): Promise<boolean>;
  release(): Promise<void>;
}

/** Rewrites `$n` placeholders to positional `?` and orders the values to match. */
export function toPositional(sql: string, params: readonly SqlValue[]): { sql: string; params: SqlValue[] } {
  const ordered: SqlValue[] = [];
  const out = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`Missing value for placeholder $${n}`);
    ordered.push(params[index] as SqlValue);
    return '?';
  });
  return { sql: out, params: ordered };
}
