import type { Db } from './db.js';
import { openSqlite } from './sqlite.js';
import { openPostgres, type PostgresOptions } from './postgres.js';
import { Store } from './store.js';

export type { Db, Lease, Row, SqlValue } from './db.js';
export type { PostgresOptions } from './postgres.js';
export { dropPostgresSchema } from './postgres.js';
export { openSqlite } from './sqlite.js';
export { openPostgres } from './postgres.js';
export { MIGRATIONS, migrate } from './migrations.js';
export { NO_FAILING_STREAK, Store, runFromRow, toCompany } from './store.js';
export type {
  CompanyRecord,
  ConnectionRecord,
  RunRecord,
  RunTrigger,
  PushItemRecord,
  PushItemStatus,
  DatasetRecord,
  RecordRow,
  SyncFlowCodeRecord,
} from './store.js';

/** Where the sync service keeps its data: an SQLite file (default) or PostgreSQL. */
export type StoreOptions = { sqlite: string } | { postgres: PostgresOptions };

/** Opens the database, applies pending migrations, and returns the store. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const db: Db = 'sqlite' in options ? openSqlite(options.sqlite) : await openPostgres(options.postgres);
  const store = new Store(db);
  await store.migrate();
  return store;
}
