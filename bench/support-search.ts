/**
 * Support search latency at 100,000 companies (about 1.5 runs each) on SQLite and PostgreSQL.
 * Not a test: prints the median of 5 searches per query. Bounded to about a minute.
 *
 *   npx tsx bench/support-search.ts [companies]
 *
 * PostgreSQL: 127.0.0.1:5432, database `test`, user `postgres`, a throw-away schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../src/server/store/postgres.js';
import { openSqlite } from '../src/server/store/sqlite.js';
import { Store, type Db, type SqlValue } from '../src/server/store/index.js';
import { SupportQueries } from '../src/server/support/queries.js';

const COMPANIES = Number(process.argv[2] ?? 100_000);
const WORDS = ['Acme', 'bakery', 'Cafe', 'delta', 'Echo', 'fern', 'Grove', 'harbor'];
const QUERIES: Record<string, Record<string, unknown>> = {
  'first page': {},
  'page 100': { page: 100 },
  'q=acme': { q: 'acme' },
  'health=failing': { health: 'failing' },
  'statusCode=5080': { statusCode: 5080 },
};

async function insertBatched(db: Db, head: string, width: number, rows: SqlValue[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const values = chunk.map((_, r) => `(${Array.from({ length: width }, (_, k) => `$${r * width + k + 1}`).join(', ')})`);
    await db.execute(`${head} VALUES ${values.join(', ')}`, chunk.flat());
  }
}

async function seed(db: Db): Promise<void> {
  const companies: SqlValue[][] = [];
  const runs: SqlValue[][] = [];
  for (let i = 0; i < COMPANIES; i += 1) {
    const id = `co-${i}`;
    companies.push([id, `${WORDS[i % 8]} ${WORDS[(i * 7) % 8]} ${i % 997}`, '{}', '2026-01-01T00:00:00.000Z', i % 10 === 0 ? 0 : 1, i % 5 === 0 ? 0 : 1, i % 3 === 0 ? 40 : 0]);
    for (let s = 1; s <= i % 4; s += 1) {
      runs.push([`run-${i}-${s}`, id, s, [2000, 3000, 5080, 1000][(i + s) % 4] as number, `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00.000Z`]);
    }
  }
  await db.transaction((tx) =>
    insertBatched(tx, 'INSERT INTO companies (id, name, tags, created_at, configured, enabled, failed_run_days)', 7, companies),
  );
  await db.transaction(async (tx) => {
    for (let i = 0; i < runs.length; i += 500) {
      const chunk = runs.slice(i, i + 500);
      const values = chunk.map((_, r) => `($${r * 5 + 1}, $${r * 5 + 2}, $${r * 5 + 3}, 'scheduled', $${r * 5 + 4}, '', '', '', 0, $${r * 5 + 5})`);
      await tx.execute(
        `INSERT INTO runs (id, company_id, seq, trigger_kind, status_code, status_text, error_message, exception_message, data_pushed, created_at) VALUES ${values.join(', ')}`,
        chunk.flat(),
      );
    }
  });
}

async function bench(name: string, db: Db): Promise<void> {
  const store = new Store(db);
  await store.migrate();
  const started = performance.now();
  await seed(db);
  // Statistics as autovacuum (PostgreSQL) or `ANALYZE` would leave them on a live database.
  await db.execute('ANALYZE');
  const count = (await db.query('SELECT COUNT(*) AS n FROM companies'))[0]?.n;
  console.log(`${name}: ${String(count)} companies seeded in ${Math.round(performance.now() - started)} ms`);
  const support = new SupportQueries({ store, retry: async () => undefined });
  for (const [label, query] of Object.entries(QUERIES)) {
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const t = performance.now();
      await support.search(query);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${label.padEnd(16)} median ${(times[2] ?? 0).toFixed(1)} ms`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-support-search-'));
const sqlite = openSqlite(join(dir, 'bench.sqlite'));
try {
  await bench('SQLite', sqlite);
} finally {
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
}
const schema = `bench_support_search_${process.pid}`;
const pg = await openPostgres({ host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schema, max: 2 });
try {
  await bench('PostgreSQL', pg);
} finally {
  await pg.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pg.close();
}
