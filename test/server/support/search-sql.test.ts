import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../../../src/contract/error-catalog.js';
import type { SupportSearchResult } from '../../../src/contract/support.js';
import { openPostgres } from '../../../src/server/store/postgres.js';
import { openSqlite } from '../../../src/server/store/sqlite.js';
import { Store, type Db, type Row, type SqlValue } from '../../../src/server/store/index.js';
import { SupportQueries } from '../../../src/server/support/queries.js';

/**
 * Support search over 2,000 generated companies, on SQLite and PostgreSQL: every page and its totals
 * equal an independent in-test computation (health by the rules of domain.md, filters, order
 * by name then id), and no query reads more company rows than the page holds.
 */

const COMPANIES = 2_000;
const PAGE_SIZE = 25;
const ERROR_CODES = Object.keys(ERROR_CATALOG).slice(0, 2);
const WORDS = ['Acme', 'bakery', 'Cafe', 'delta', 'Echo', 'fern', 'Grove', 'harbor'];

interface GenRun { id: string; seq: number; statusCode: number; errorCode: string | null; createdAt: string }
interface GenCompany {
  id: string;
  name: string;
  tags: Record<string, string>;
  configured: boolean;
  enabled: boolean;
  failedRunDays: number;
  runs: GenRun[];
}

/** Small deterministic generator (mulberry32), so both stores get the same companies. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(): GenCompany[] {
  const rnd = generator(15);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const companies: GenCompany[] = [];
  for (let i = 0; i < COMPANIES; i += 1) {
    const id = `co-${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}-${i}`;
    const runCount = Math.floor(rnd() * 4);
    const runs: GenRun[] = [];
    for (let s = 1; s <= runCount; s += 1) {
      const statusCode = pick([2000, 2040, 1000, 1010, 3000, 5080, 4010]);
      const failed = statusCode >= 3000;
      runs.push({
        id: `run-${i}-${s}`,
        seq: s,
        statusCode,
        errorCode: failed ? pick([...ERROR_CODES, null]) : null,
        createdAt: `2026-11-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}T10:00:00.000Z`,
      });
    }
    companies.push({
      id,
      // Duplicate names and names differing only in case, so the id and case tie-breaks matter.
      name: `${pick(WORDS)} ${pick(WORDS)} ${Math.floor(rnd() * 300)}`,
      tags: rnd() < 0.3 ? { region: pick(['north', 'South', 'east']) } : {},
      configured: rnd() < 0.9,
      enabled: rnd() < 0.8,
      failedRunDays: rnd() < 0.3 ? 40 : Math.floor(rnd() * 5),
      runs,
    });
  }
  return companies;
}

/** Health from domain.md's rules, written independently of the product code. */
function expectedHealth(c: GenCompany): string {
  if (!c.configured) return 'not_configured';
  if (!c.enabled) return c.failedRunDays >= 31 ? 'disabled' : 'paused';
  const latest = c.runs[c.runs.length - 1];
  if (!latest) return 'never_synced';
  if (latest.statusCode === 1000 || latest.statusCode === 1010) return 'running';
  if (latest.statusCode === 2000 || latest.statusCode === 2040) return 'healthy';
  return 'failing';
}

const asciiLower = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface Query { q?: string; health?: string; statusCode?: number; errorCode?: string; from?: string; to?: string; page?: number; pageSize?: number }

function expectedSearch(companies: readonly GenCompany[], query: Query): { ids: string[]; total: number; byHealth: Record<string, number> } {
  const byHealth: Record<string, number> = { healthy: 0, failing: 0, disabled: 0, paused: 0, running: 0, never_synced: 0, not_configured: 0 };
  for (const c of companies) byHealth[expectedHealth(c)] = (byHealth[expectedHealth(c)] ?? 0) + 1;
  let matches = [...companies];
  if (query.q) {
    const q = query.q;
    const needle = q.toLowerCase();
    matches = matches.filter(
      (c) =>
        c.id === q ||
        c.runs.some((r) => r.id === q) ||
        c.name.toLowerCase().includes(needle) ||
        Object.values(c.tags).some((v) => v.toLowerCase() === needle),
    );
  }
  if (query.health) matches = matches.filter((c) => expectedHealth(c) === query.health);
  if (query.statusCode !== undefined || query.errorCode || query.from || query.to) {
    matches = matches.filter((c) =>
      c.runs.some(
        (r) =>
          (query.statusCode === undefined || r.statusCode === query.statusCode) &&
          (!query.errorCode || r.errorCode === query.errorCode) &&
          (!query.from || r.createdAt.slice(0, 10) >= query.from) &&
          (!query.to || r.createdAt.slice(0, 10) <= query.to),
      ),
    );
  }
  matches.sort(
    (a, b) =>
      byCodePoint(asciiLower(a.name), asciiLower(b.name)) || byCodePoint(a.name, b.name) || byCodePoint(a.id, b.id),
  );
  const page = query.page ?? 1;
  const size = query.pageSize ?? 50;
  return { ids: matches.slice((page - 1) * size, page * size).map((c) => c.id), total: matches.length, byHealth };
}

/** A Db that records how many rows each query returned. */
function counting(db: Db): { db: Db; reads: number[] } {
  const reads: number[] = [];
  const wrapped: Db = {
    get dialect() {
      return db.dialect;
    },
    async query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
      const rows = await db.query<T>(sql, params);
      reads.push(rows.length);
      return rows;
    },
    execute: (sql, params) => db.execute(sql, params),
    executeMany: (sql, rows) => db.executeMany(sql, rows),
    transaction: (fn) => db.transaction(fn),
    tryLease: (key, owner, ttl, now) => db.tryLease(key, owner, ttl, now),
    close: () => db.close(),
  };
  return { db: wrapped, reads };
}

async function seed(store: Store, companies: readonly GenCompany[]): Promise<void> {
  await store.db.executeMany(
    `INSERT INTO companies (id, name, description, tags, created_at, configured, enabled, failed_run_days)
     VALUES ($1, $2, NULL, $3, $4, $5, $6, $7)`,
    companies.map((c, i) => [c.id, c.name, JSON.stringify(c.tags), `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
      c.configured ? 1 : 0, c.enabled ? 1 : 0, c.failedRunDays]),
  );
  await store.db.executeMany(
    `INSERT INTO runs (id, company_id, seq, trigger_kind, period_start, period_end, status_code, status_text, error_message,
       exception_message, error_code, wizard_step, data_pushed, created_at, completed_at, error_params)
     VALUES ($1, $2, $3, 'scheduled', NULL, NULL, $4, 'status', '', '', $5, NULL, 0, $6, NULL, NULL)`,
    companies.flatMap((c) => c.runs.map((r) => [r.id, c.id, r.seq, r.statusCode, r.errorCode, r.createdAt])),
  );
}

const companies = generate();
const sample = companies.find((c) => c.runs.length >= 2 && !c.runs.some((r) => r.id === c.id)) as GenCompany;
const QUERIES: Query[] = [
  {},
  { page: 3, pageSize: PAGE_SIZE },
  { q: 'acme', pageSize: PAGE_SIZE },
  { q: 'CAFE 1', pageSize: PAGE_SIZE, page: 2 },
  { q: 'SOUTH', pageSize: PAGE_SIZE },
  { q: sample.id, pageSize: PAGE_SIZE },
  { q: sample.runs[0]?.id ?? '', pageSize: PAGE_SIZE },
  { health: 'failing', pageSize: PAGE_SIZE, page: 2 },
  { health: 'disabled', q: 'grove', pageSize: PAGE_SIZE },
  { statusCode: 5080, pageSize: PAGE_SIZE },
  { errorCode: ERROR_CODES[0] as string, health: 'failing', pageSize: PAGE_SIZE },
  { from: '2026-11-10', to: '2026-11-12', pageSize: PAGE_SIZE },
  { health: 'never_synced', page: 500, pageSize: PAGE_SIZE },
  { pageSize: 200, page: 4 },
];

describe.each(['sqlite', 'postgres'] as const)('support search in SQL (%s)', (dialect) => {
  const schema = `support_search_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  let dir = '';
  let raw: Db;
  let reads: number[];
  let support: SupportQueries;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'support-search-'));
    raw =
      dialect === 'sqlite'
        ? openSqlite(join(dir, 'service.sqlite'))
        : await openPostgres({ host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schema, max: 4 });
    await new Store(raw).migrate();
    await seed(new Store(raw), companies);
    const counted = counting(raw);
    reads = counted.reads;
    support = new SupportQueries({ store: new Store(counted.db), retry: async () => undefined });
  }, 120_000);

  afterAll(async () => {
    if (dialect === 'postgres') await raw.execute(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(QUERIES.map((q) => [JSON.stringify(q), q] as const))('%s: page and totals equal the in-test computation, reading at most a page of rows', async (_label, query) => {
    const want = expectedSearch(companies, query);
    reads.splice(0);
    const got: SupportSearchResult = await support.search(query);
    expect(got.results.map((r) => r.companyId)).toEqual(want.ids);
    expect(got.totalResults).toBe(want.total);
    expect(got.totals.companies).toBe(COMPANIES);
    expect(got.totals.byHealth).toEqual(want.byHealth);
    for (const r of got.results) {
      const c = companies.find((x) => x.id === r.companyId) as GenCompany;
      expect(r.health).toBe(expectedHealth(c));
      expect(r.latestRun?.syncId ?? null).toBe(c.runs[c.runs.length - 1]?.id ?? null);
    }
    // Nothing loads all companies: no query returns more rows than the page (or the 7 health totals).
    const size = query.pageSize ?? 50;
    expect(Math.max(...reads)).toBeLessThanOrEqual(Math.max(size, 7));
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * size + 8);
  });

  it('the generated data exercises every filter (non-empty matches)', () => {
    for (const q of QUERIES.slice(2, 12)) expect(expectedSearch(companies, q).total).toBeGreaterThan(0);
  });
});
