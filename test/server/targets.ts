import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dropPostgresSchema, openStore, Store, type PostgresOptions, type StoreOptions } from '../../src/server/index.js';
import type { Db } from '../../src/server/store/index.js';

/** The local PostgreSQL the tests use (trust auth). */
export const PG: PostgresOptions = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

let counter = 0;

/** A unique schema name for one test run. */
export function uniqueSchema(): string {
  counter += 1;
  return `cs_test_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

/** A storage target the store suite runs against. */
export interface Target {
  name: 'sqlite' | 'postgres';
  /** Where the data lives, for another process to open the same store. */
  options: StoreOptions;
  /** Opens a store (several opens share the same data, like several processes). */
  open(applicationName?: string): Promise<Store>;
  /** Drops every connection of `applicationName` (PostgreSQL) — what a killed process does. */
  killConnections(applicationName: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A fresh SQLite file in a temp directory. */
export function sqliteTarget(): Target {
  const dir = mkdtempSync(join(tmpdir(), 'cs-store-'));
  const file = join(dir, 'sync.db');
  return {
    name: 'sqlite',
    options: { sqlite: file },
    open: () => openStore({ sqlite: file }),
    killConnections: async () => undefined,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A unique schema on the local PostgreSQL, dropped by cleanup. */
export function postgresTarget(): Target {
  const schema = uniqueSchema();
  return {
    name: 'postgres',
    options: { postgres: { ...PG, schema } },
    open: (applicationName) => openStore({ postgres: { ...PG, schema, ...(applicationName ? { applicationName } : {}) } }),
    async killConnections(applicationName) {
      const client = new pg.Client(PG);
      await client.connect();
      try {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [applicationName]);
      } finally {
        await client.end();
      }
    },
    cleanup: () => dropPostgresSchema({ ...PG, schema }),
  };
}

/**
 * Wraps a store's database so that after `kill()` every call fails, as if the process had
 * died: nothing more is written, and the run that was in flight never records its end.
 */
export function killable(store: Store): { store: Store; kill(): void } {
  let dead = false;
  const fail = () => Promise.reject(new Error('process killed'));
  const wrap = (db: Db): Db => ({
    dialect: db.dialect,
    query: (sql, params) => (dead ? fail() : db.query(sql, params)),
    execute: (sql, params) => (dead ? fail() : db.execute(sql, params)),
    executeMany: (sql, rows) => (dead ? fail() : db.executeMany(sql, rows)),
    transaction: (fn) => (dead ? fail() : db.transaction((tx) => fn(wrap(tx)))),
    tryLease: async (key, owner, ttl, now) => {
      if (dead) return fail();
      const lease = await db.tryLease(key, owner, ttl, now);
      return lease && { key: lease.key, renew: (at) => (dead ? fail() : lease.renew(at)), release: () => (dead ? fail() : lease.release()) };
    },
    close: () => db.close(),
  });
  return { store: new Store(wrap(store.db)), kill: () => (dead = true) };
}
