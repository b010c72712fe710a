import { dropPostgresSchema, openStore } from '../../src/server/index.js';
import { PG, uniqueSchema } from './targets.js';

/**
 * Instances of a fleet start together on an empty PostgreSQL schema: each creates the schema and
 * the migrations table before migrating. `IF NOT EXISTS` alone does not make that safe (two
 * sessions both create it, one fails on the catalog's unique index: found when a worker of the
 * fleet test died at start with "duplicate key value violates unique constraint
 * pg_type_typname_nsp_index").
 */
describe('opening one new PostgreSQL store from many instances at once', () => {
  it('8 stores opened together on a schema that does not exist yet all open, and each migration is applied once', { timeout: 60_000 }, async () => {
    const schema = uniqueSchema();
    try {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => openStore({ postgres: { ...PG, schema, max: 2 } })));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      const stores = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      await Promise.all(stores.map((s) => s.close()));
      expect(failures).toEqual([]);
      const check = await openStore({ postgres: { ...PG, schema } });
      try {
        const rows = await check.db.query<{ version: number; n: number }>('SELECT version, COUNT(*) AS n FROM schema_migrations GROUP BY version');
        expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
        expect(rows.length).toBeGreaterThan(0);
      } finally {
        await check.close();
      }
    } finally {
      await dropPostgresSchema({ ...PG, schema });
    }
  });
});
