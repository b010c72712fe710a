import type { Configuration } from '../../contract/configuration.js';
import type { AccountingDocument } from '../../contract/documents.js';
import type { ConnectionStatus } from '../../contract/sync-api.js';
import type { Db, Lease, Row, SqlValue } from './db.js';
import { nextDueAt } from '../runs/due.js';
import { migrate } from './migrations.js';

/** A stored company. */
export interface CompanyRecord {
  id: string;
  name: string;
  description: string | null;
  tags: Record<string, string>;
  createdAt: string;
  lastSync: string | null;
  /** Merchant-local day (exclusive) up to which syncs have succeeded; null before the first success. */
  syncedThrough: string | null;
  /** Saved configuration (selections only, no options). */
  config: Configuration | null;
  configured: boolean;
  enabled: boolean;
  /** Merchant-local day the current streak of failing days starts at, if failing. */
  failingSince: string | null;
  /** Distinct merchant-local days on which a scheduled run of the current streak failed. */
  failedRunDays: number;
  /** The last of those days, so a second failing run on the same day is not counted again. */
  lastFailedRunDay: string | null;
}

/** Columns a company's due time depends on: a patch touching one recomputes `next_due_at`. */
const DUE_INPUTS = ['config', 'configured', 'enabled', 'syncedThrough'] as const;

/** The patch that ends a failing streak (a success, or sync switched back on). */
export const NO_FAILING_STREAK = { failingSince: null, failedRunDays: 0, lastFailedRunDay: null } as const satisfies Partial<CompanyRecord>;

/** A stored data connection. `tokens` is ciphertext. */
export interface ConnectionRecord {
  id: string;
  companyId: string;
  platformKey: string;
  sourceType: 'Accounting' | 'Commerce';
  status: ConnectionStatus;
  createdAt: string;
  lastSync: string | null;
  tokens: string | null;
  /** What the platform told us about the linked company (name, base currency, tenant id); null before linking. */
  connectionInfo: Record<string, unknown> | null;
  errors: { statusCode: string; statusText: string; errorMessage: string; erroredOnUtc: string; status: 'Active' | 'Resolved' }[];
}

/** What started a run. */
export type RunTrigger = 'scheduled' | 'latest' | 'historic' | 'retry';

/** A stored sync run. */
export interface RunRecord {
  id: string;
  companyId: string;
  seq: number;
  trigger: RunTrigger;
  periodStart: string | null;
  periodEnd: string | null;
  statusCode: number;
  statusText: string;
  errorMessage: string;
  exceptionMessage: string;
  errorCode: string | null;
  wizardStep: string | null;
  /** Parameters of the catalog message (`{accountName}`, `{platform}`, …), as strings. */
  errorParams: Record<string, string> | null;
  dataPushed: boolean;
  createdAt: string;
  completedAt: string | null;
}

/** State of one document write. */
export type PushItemStatus = 'Pending' | 'Written' | 'Failed';

/** A stored per-document write result. */
export interface PushItemRecord {
  companyId: string;
  reference: string;
  runId: string;
  day: string;
  kind: string;
  revision: number;
  seq: number;
  document: AccountingDocument;
  status: PushItemStatus;
  platformId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Parameters `errorMessage` was written with (see {@link RunRecord.errorParams}). */
  errorParams: Record<string, string> | null;
  detail: string | null;
  attempts: number;
  updatedAt: string;
}

/** A stored push (dataset). */
export interface DatasetRecord {
  id: string;
  companyId: string;
  dataType: string;
  status: 'Complete' | 'ValidationError' | 'Failed';
  requested: string;
  completed: string | null;
  recordCount: number;
  accepted: number;
  ignored: number;
  deleted: number;
  reopened: string[];
}

/** A commerce record row to upsert. */
export interface RecordRow {
  id: string;
  createdAt: string | null;
  sourceModified: string | null;
  body: string;
}

/** A sync-flow code row. */
export interface SyncFlowCodeRecord {
  code: string;
  companyId: string;
  commerceKey: string;
  accountingKey: string;
  merchantIdentifier: string | null;
  expiresAt: string;
  usedAt: string | null;
}

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number => Number(v);
const bool = (v: unknown): boolean => v === true || Number(v) === 1;

// Rows per multi-row statement: stays under SQLite's and PostgreSQL's bound-parameter limits.
const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function placeholders(count: number, width: number, offset = 0): string {
  const rows: string[] = [];
  for (let r = 0; r < count; r += 1) {
    const cols: string[] = [];
    for (let c = 0; c < width; c += 1) cols.push(`$${offset + r * width + c + 1}`);
    rows.push(`(${cols.join(', ')})`);
  }
  return rows.join(', ');
}

/** A `companies` row as a record (for queries over `companies` outside the store, such as support search). */
export function toCompany(r: Row): CompanyRecord {
  return {
    id: str(r.id),
    name: str(r.name),
    description: strOrNull(r.description),
    tags: JSON.parse(str(r.tags)) as Record<string, string>,
    createdAt: str(r.created_at),
    lastSync: strOrNull(r.last_sync),
    syncedThrough: strOrNull(r.synced_through),
    config: r.config ? (JSON.parse(str(r.config)) as Configuration) : null,
    configured: bool(r.configured),
    enabled: bool(r.enabled),
    failingSince: strOrNull(r.failing_since),
    failedRunDays: Number(r.failed_run_days ?? 0),
    lastFailedRunDay: strOrNull(r.last_failed_run_day),
  };
}

function toConnection(r: Row): ConnectionRecord {
  return {
    id: str(r.id),
    companyId: str(r.company_id),
    platformKey: str(r.platform_key),
    sourceType: str(r.source_type) as ConnectionRecord['sourceType'],
    status: str(r.status) as ConnectionStatus,
    createdAt: str(r.created_at),
    lastSync: strOrNull(r.last_sync),
    tokens: strOrNull(r.tokens),
    connectionInfo: r.connection_info ? (JSON.parse(str(r.connection_info)) as Record<string, unknown>) : null,
    errors: JSON.parse(str(r.errors)) as ConnectionRecord['errors'],
  };
}

/** A `runs` row (any selection of all its columns) as a {@link RunRecord}. */
export function runFromRow(r: Row): RunRecord {
  return {
    id: str(r.id),
    companyId: str(r.company_id),
    seq: num(r.seq),
    trigger: str(r.trigger_kind) as RunTrigger,
    periodStart: strOrNull(r.period_start),
    periodEnd: strOrNull(r.period_end),
    statusCode: num(r.status_code),
    statusText: str(r.status_text),
    errorMessage: str(r.error_message),
    exceptionMessage: str(r.exception_message),
    errorCode: strOrNull(r.error_code),
    wizardStep: strOrNull(r.wizard_step),
    errorParams: r.error_params ? (JSON.parse(str(r.error_params)) as Record<string, string>) : null,
    dataPushed: bool(r.data_pushed),
    createdAt: str(r.created_at),
    completedAt: strOrNull(r.completed_at),
  };
}

function toItem(r: Row): PushItemRecord {
  return {
    companyId: str(r.company_id),
    reference: str(r.reference),
    runId: str(r.run_id),
    day: str(r.day),
    kind: str(r.kind),
    revision: num(r.revision),
    seq: num(r.seq),
    document: JSON.parse(str(r.document)) as AccountingDocument,
    status: str(r.status) as PushItemStatus,
    platformId: strOrNull(r.platform_id),
    errorCode: strOrNull(r.error_code),
    errorMessage: strOrNull(r.error_message),
    errorParams: r.error_params ? (JSON.parse(str(r.error_params)) as Record<string, string>) : null,
    detail: strOrNull(r.detail),
    attempts: num(r.attempts),
    updatedAt: str(r.updated_at),
  };
}

function toDataset(r: Row): DatasetRecord {
  return {
    id: str(r.id),
    companyId: str(r.company_id),
    dataType: str(r.data_type),
    status: str(r.status) as DatasetRecord['status'],
    requested: str(r.requested),
    completed: strOrNull(r.completed),
    recordCount: num(r.record_count),
    accepted: num(r.accepted),
    ignored: num(r.ignored),
    deleted: num(r.deleted),
    reopened: JSON.parse(str(r.reopened)) as string[],
  };
}

/**
 * The sync service's persistence: one class over the {@link Db} query layer, identical on
 * SQLite and PostgreSQL. Methods taking `tx` join the caller's transaction.
 */
export class Store {
  constructor(readonly db: Db) {}

  /** Applies pending migrations (call once at start). */
  migrate(now?: () => Date): Promise<number[]> {
    return migrate(this.db, now);
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new Store(tx)));
  }

  /** Takes a cross-process lease (see {@link Db.tryLease}). */
  tryLease(key: string, owner: string, ttlMs: number, now: Date): Promise<Lease | null> {
    return this.db.tryLease(key, owner, ttlMs, now);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // Companies

  async insertCompany(c: CompanyRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO companies (id, name, description, tags, created_at, last_sync, synced_through, config, configured, enabled, failing_since,
         failed_run_days, last_failed_run_day, next_due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [c.id, c.name, c.description, JSON.stringify(c.tags), c.createdAt, c.lastSync, c.syncedThrough,
        c.config ? JSON.stringify(c.config) : null, c.configured ? 1 : 0, c.enabled ? 1 : 0, c.failingSince,
        c.failedRunDays, c.lastFailedRunDay, nextDueAt(c)],
    );
  }

  async getCompany(id: string): Promise<CompanyRecord | null> {
    const rows = await this.db.query('SELECT * FROM companies WHERE id = $1', [id]);
    return rows[0] ? toCompany(rows[0]) : null;
  }

  /** Companies in creation order, optionally only those whose tag `tagName` equals `tagValue`. */
  /**
   * One page of companies, oldest first, optionally only those whose tag `name` equals `value`.
   * Filtering, counting and paging happen in the database: a page costs the same with ten
   * companies or a hundred thousand.
   */
  async listCompanies(page: number, pageSize: number, tag?: { name: string; value: string }): Promise<{ rows: CompanyRecord[]; total: number }> {
    const params: SqlValue[] = [];
    let where = '';
    if (tag) {
      params.push(tag.name, tag.value);
      // Any tag name works (dots and quotes included): the key is a parameter, never part of a path.
      where =
        this.db.dialect === 'sqlite'
          ? 'WHERE EXISTS (SELECT 1 FROM json_each(companies.tags) t WHERE t.key = $1 AND t.type = \'text\' AND t.value = $2)'
          : 'WHERE (companies.tags::jsonb ->> $1) = $2';
    }
    const counted = await this.db.query(`SELECT COUNT(*) AS n FROM companies ${where}`, params);
    const total = Number(counted[0]?.n ?? 0);
    const offset = (page - 1) * pageSize;
    if (offset >= total) return { rows: [], total };
    const rows = await this.db.query(
      `SELECT * FROM companies ${where} ORDER BY created_at, id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, pageSize, offset],
    );
    return { rows: rows.map(toCompany), total };
  }

  async updateCompany(id: string, patch: Partial<Omit<CompanyRecord, 'id' | 'createdAt'>>): Promise<void> {
    const columns: Record<string, (v: unknown) => SqlValue> = {
      name: (v) => v as string,
      description: (v) => (v as string | null) ?? null,
      tags: (v) => JSON.stringify(v),
      lastSync: (v) => (v as string | null) ?? null,
      syncedThrough: (v) => (v as string | null) ?? null,
      config: (v) => (v ? JSON.stringify(v) : null),
      configured: (v) => (v ? 1 : 0),
      enabled: (v) => (v ? 1 : 0),
      failingSince: (v) => (v as string | null) ?? null,
      failedRunDays: (v) => Number(v),
      lastFailedRunDay: (v) => (v as string | null) ?? null,
    };
    const names: Record<string, string> = {
      name: 'name', description: 'description', tags: 'tags', lastSync: 'last_sync', syncedThrough: 'synced_through',
      config: 'config', configured: 'configured', enabled: 'enabled', failingSince: 'failing_since',
      failedRunDays: 'failed_run_days', lastFailedRunDay: 'last_failed_run_day',
    };
    const sets: string[] = [];
    const values: SqlValue[] = [];
    for (const [key, value] of Object.entries(patch)) {
      const convert = columns[key];
      if (!convert) continue;
      values.push(convert(value));
      sets.push(`${names[key]} = $${values.length}`);
    }
    if (sets.length === 0) return;
    values.push(id);
    const update = `UPDATE companies SET ${sets.join(', ')} WHERE id = $${values.length}`;
    if (!DUE_INPUTS.some((key) => key in patch)) {
      await this.db.execute(update, values);
      return;
    }
    // The due time follows the row as written: the UPDATE holds the row's lock until commit, so
    // the read after it sees every concurrent change that committed first.
    await this.db.transaction(async (tx) => {
      await tx.execute(update, values);
      const rows = await tx.query('SELECT config, configured, enabled, synced_through FROM companies WHERE id = $1', [id]);
      if (!rows[0]) return;
      const row = toCompany({ ...rows[0], id, name: '', tags: '{}', created_at: '' });
      await tx.execute('UPDATE companies SET next_due_at = $1 WHERE id = $2', [nextDueAt(row), id]);
    });
  }

  /**
   * Companies whose next scheduled run is due at `now` (`next_due_at <= now`, through its index),
   * earliest first, at most `limit`, after the `after` cursor (the last row of the previous page).
   */
  async dueCompanies(now: Date, limit: number, after?: { nextDueAt: string; id: string }): Promise<(CompanyRecord & { nextDueAt: string })[]> {
    const params: SqlValue[] = [now.toISOString()];
    let cursor = '';
    if (after) {
      params.push(after.nextDueAt, after.id);
      cursor = 'AND (next_due_at > $2 OR (next_due_at = $2 AND id > $3))';
    }
    params.push(limit);
    const rows = await this.db.query(
      `SELECT * FROM companies WHERE next_due_at <= $1 ${cursor} ORDER BY next_due_at, id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ ...toCompany(r), nextDueAt: str(r.next_due_at) }));
  }

  /**
   * The companies due at `now` (`next_due_at <= now`, through its index) counted by the
   * platform of their accounting connection (the linked one first; `''` for none), with the
   * earliest due time of each.
   */
  async dueByPlatform(now: Date): Promise<{ platformKey: string; due: number; oldestDueAt: string }[]> {
    const rows = await this.db.query(
      `SELECT platform_key, COUNT(*) AS due, MIN(next_due_at) AS oldest FROM (
         SELECT c.next_due_at, COALESCE((SELECT k.platform_key FROM connections k WHERE k.company_id = c.id AND k.source_type = 'Accounting'
           ORDER BY CASE WHEN k.status = 'Linked' THEN 0 ELSE 1 END, k.created_at LIMIT 1), '') AS platform_key
         FROM companies c WHERE c.next_due_at <= $1
       ) d GROUP BY platform_key ORDER BY platform_key`,
      [now.toISOString()],
    );
    return rows.map((r) => ({ platformKey: str(r.platform_key), due: Number(r.due), oldestDueAt: str(r.oldest) }));
  }

  /** The platform of each company's accounting connection (the linked one first); companies without one are left out. */
  async accountingPlatforms(companyIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < companyIds.length; i += 500) {
      const ids = companyIds.slice(i, i + 500);
      const rows = await this.db.query(
        `SELECT company_id, platform_key FROM connections WHERE source_type = 'Accounting' AND company_id IN (${ids.map((_, j) => `$${j + 1}`).join(', ')})
         ORDER BY CASE WHEN status = 'Linked' THEN 1 ELSE 0 END, created_at DESC`,
        ids as string[],
      );
      // Ordered so that the preferred connection of each company comes last and wins.
      for (const r of rows) out.set(str(r.company_id), str(r.platform_key));
    }
    return out;
  }

  /** Moves a company's due time (the scheduler, once a day's run has been attempted). */
  async setNextDue(id: string, at: string | null): Promise<void> {
    await this.db.execute('UPDATE companies SET next_due_at = $1 WHERE id = $2', [at, id]);
  }

  /** The company's stored due time (see {@link nextDueAt}). */
  async nextDue(id: string): Promise<string | null> {
    const rows = await this.db.query('SELECT next_due_at FROM companies WHERE id = $1', [id]);
    return strOrNull(rows[0]?.next_due_at);
  }

  /**
   * Deletes a company and everything it owns, in one transaction. With `remember`, what it posted
   * to its ledger (the exclusive day it had synced through and its written documents) is kept
   * under the merchant and ledger keys, the later of two records winning.
   */
  async deleteCompany(id: string, remember?: { merchantKey: string; ledgerKey: string; syncedThrough: string; recordedAt: string }): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (remember) {
        const [row] = await tx.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM push_items WHERE company_id = $1 AND status = 'Written'", [id]);
        const documents = Number(row?.n ?? 0);
        const [previous] = await tx.query<{ synced_through: string; documents: number | string }>(
          'SELECT synced_through, documents FROM posted_history WHERE merchant_key = $1 AND ledger_key = $2',
          [remember.merchantKey, remember.ledgerKey],
        );
        if (!previous) {
          await tx.execute('INSERT INTO posted_history (merchant_key, ledger_key, synced_through, documents, recorded_at) VALUES ($1, $2, $3, $4, $5)', [
            remember.merchantKey, remember.ledgerKey, remember.syncedThrough, documents, remember.recordedAt,
          ]);
        } else {
          await tx.execute('UPDATE posted_history SET synced_through = $1, documents = $2, recorded_at = $3 WHERE merchant_key = $4 AND ledger_key = $5', [
            previous.synced_through > remember.syncedThrough ? previous.synced_through : remember.syncedThrough,
            Number(previous.documents) + documents,
            remember.recordedAt, remember.merchantKey, remember.ledgerKey,
          ]);
        }
      }
      for (const table of ['push_items', 'runs', 'dirty_days', 'datasets', 'records', 'sync_flow_codes', 'connections', 'push_locks']) {
        await tx.execute(`DELETE FROM ${table} WHERE company_id = $1`, [id]);
      }
      return (await tx.execute('DELETE FROM companies WHERE id = $1', [id])) > 0;
    });
  }

  /** What deleted syncs of this merchant posted to this ledger, if any (see {@link Store.deleteCompany}). */
  async postedHistory(merchantKey: string, ledgerKey: string): Promise<{ syncedThrough: string; documents: number } | null> {
    const [row] = await this.db.query<{ synced_through: string; documents: number | string }>(
      'SELECT synced_through, documents FROM posted_history WHERE merchant_key = $1 AND ledger_key = $2',
      [merchantKey, ledgerKey],
    );
    return row ? { syncedThrough: row.synced_through, documents: Number(row.documents) } : null;
  }

  // Connections

  async insertConnection(c: ConnectionRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO connections (id, company_id, platform_key, source_type, status, created_at, last_sync, tokens, errors, connection_info)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [c.id, c.companyId, c.platformKey, c.sourceType, c.status, c.createdAt, c.lastSync, c.tokens, JSON.stringify(c.errors),
        c.connectionInfo ? JSON.stringify(c.connectionInfo) : null],
    );
  }

  async getConnection(companyId: string, id: string): Promise<ConnectionRecord | null> {
    const rows = await this.db.query('SELECT * FROM connections WHERE company_id = $1 AND id = $2', [companyId, id]);
    return rows[0] ? toConnection(rows[0]) : null;
  }

  async listConnections(companyId: string): Promise<ConnectionRecord[]> {
    return (await this.db.query('SELECT * FROM connections WHERE company_id = $1 ORDER BY created_at, id', [companyId])).map(toConnection);
  }

  async updateConnection(id: string, patch: Partial<Pick<ConnectionRecord, 'status' | 'tokens' | 'errors' | 'lastSync' | 'connectionInfo'>>): Promise<void> {
    const sets: string[] = [];
    const values: SqlValue[] = [];
    const add = (column: string, value: SqlValue) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.status !== undefined) add('status', patch.status);
    if (patch.tokens !== undefined) add('tokens', patch.tokens);
    if (patch.errors !== undefined) add('errors', JSON.stringify(patch.errors));
    if (patch.lastSync !== undefined) add('last_sync', patch.lastSync);
    if (patch.connectionInfo !== undefined) add('connection_info', patch.connectionInfo ? JSON.stringify(patch.connectionInfo) : null);
    if (sets.length === 0) return;
    values.push(id);
    await this.db.execute(`UPDATE connections SET ${sets.join(', ')} WHERE id = $${values.length}`, values);
  }

  async deleteConnection(companyId: string, id: string): Promise<boolean> {
    return (await this.db.execute('DELETE FROM connections WHERE company_id = $1 AND id = $2', [companyId, id])) > 0;
  }

  // Commerce records

  /** `createdAt`/`sourceModified` of the stored records among `ids`. */
  async recordMeta(companyId: string, dataType: string, ids: readonly string[]): Promise<Map<string, { createdAt: string | null; sourceModified: string | null }>> {
    const out = new Map<string, { createdAt: string | null; sourceModified: string | null }>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db.query(
        `SELECT id, created_at, source_modified FROM records WHERE company_id = $1 AND data_type = $2 AND id IN (${part.map((_, i) => `$${i + 3}`).join(', ')})`,
        [companyId, dataType, ...part],
      );
      for (const r of rows) out.set(str(r.id), { createdAt: strOrNull(r.created_at), sourceModified: strOrNull(r.source_modified) });
    }
    return out;
  }

  /** Leaves a record out of aggregation (support's "exclude"), until it is pushed again. */
  async excludeRecord(companyId: string, dataType: string, recordId: string, reason: string, at: string): Promise<void> {
    await this.db.execute('DELETE FROM excluded_records WHERE company_id = $1 AND data_type = $2 AND record_id = $3', [companyId, dataType, recordId]);
    await this.db.execute('INSERT INTO excluded_records (company_id, data_type, record_id, reason, excluded_at) VALUES ($1, $2, $3, $4, $5)', [companyId, dataType, recordId, reason, at]);
  }

  /** Ids of the company's records of `dataType` that support excluded. */
  async excludedRecordIds(companyId: string, dataType: string): Promise<Set<string>> {
    const rows = await this.db.query('SELECT record_id FROM excluded_records WHERE company_id = $1 AND data_type = $2', [companyId, dataType]);
    return new Set(rows.map((r) => str(r.record_id)));
  }

  /** Lifts the exclusion of records pushed again (one cheap look first: most companies have none). */
  async clearExclusions(companyId: string, dataType: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const any = await this.db.query('SELECT 1 AS one FROM excluded_records WHERE company_id = $1 AND data_type = $2 LIMIT 1', [companyId, dataType]);
    if (any.length === 0) return;
    for (const part of chunks([...new Set(ids)])) {
      await this.db.execute(
        `DELETE FROM excluded_records WHERE company_id = $1 AND data_type = $2 AND record_id IN (${part.map((_, i) => `$${i + 3}`).join(', ')})`,
        [companyId, dataType, ...part],
      );
    }
  }

  /** Inserts or replaces whole records. */
  async upsertRecords(companyId: string, dataType: string, rows: readonly RecordRow[]): Promise<void> {
    if (this.db.dialect === 'sqlite') {
      // In-process SQLite: one prepared single-row statement beats building multi-row SQL.
      await this.db.executeMany(
        `INSERT INTO records (company_id, data_type, id, created_at, source_modified, body) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (company_id, data_type, id) DO UPDATE SET created_at = excluded.created_at,
         source_modified = excluded.source_modified, body = excluded.body`,
        rows.map((r) => [companyId, dataType, r.id, r.createdAt, r.sourceModified, r.body]),
      );
      return;
    }
    for (const part of chunks(rows)) {
      const values: SqlValue[] = [];
      for (const r of part) values.push(companyId, dataType, r.id, r.createdAt, r.sourceModified, r.body);
      await this.db.execute(
        `INSERT INTO records (company_id, data_type, id, created_at, source_modified, body) VALUES ${placeholders(part.length, 6)}
         ON CONFLICT (company_id, data_type, id) DO UPDATE SET created_at = excluded.created_at,
         source_modified = excluded.source_modified, body = excluded.body`,
        values,
      );
    }
  }

  async deleteRecords(companyId: string, dataType: string, ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (const part of chunks(ids)) {
      deleted += await this.db.execute(
        `DELETE FROM records WHERE company_id = $1 AND data_type = $2 AND id IN (${part.map((_, i) => `$${i + 3}`).join(', ')})`,
        [companyId, dataType, ...part],
      );
    }
    return deleted;
  }

  /** Bodies of records created in `[fromIso, toIso)` (UTC instants). */
  async recordsCreatedBetween(companyId: string, dataType: string, fromIso: string, toIso: string): Promise<unknown[]> {
    const rows = await this.db.query(
      'SELECT body FROM records WHERE company_id = $1 AND data_type = $2 AND created_at >= $3 AND created_at < $4 ORDER BY created_at, id',
      [companyId, dataType, fromIso, toIso],
    );
    return rows.map((r) => JSON.parse(str(r.body)) as unknown);
  }

  async recordsByIds(companyId: string, dataType: string, ids: readonly string[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db.query(
        `SELECT body FROM records WHERE company_id = $1 AND data_type = $2 AND id IN (${part.map((_, i) => `$${i + 3}`).join(', ')})`,
        [companyId, dataType, ...part],
      );
      for (const r of rows) out.push(JSON.parse(str(r.body)) as unknown);
    }
    return out;
  }

  /** The latest `created_at` (UTC instant) among records of `dataTypes` created before `beforeIso`, or null. */
  async latestCreatedBefore(companyId: string, dataTypes: readonly string[], beforeIso: string): Promise<string | null> {
    const rows = await this.db.query(
      `SELECT MAX(created_at) AS latest FROM records WHERE company_id = $1 AND created_at < $2 AND data_type IN (${dataTypes.map((_, i) => `$${i + 3}`).join(', ')})`,
      [companyId, beforeIso, ...dataTypes],
    );
    const latest = rows[0]?.latest;
    return latest === null || latest === undefined ? null : str(latest);
  }

  /** All records of a (small) reference data type, e.g. tax components or locations. */
  async allRecords(companyId: string, dataType: string, limit = 10_000): Promise<unknown[]> {
    const rows = await this.db.query(
      'SELECT body FROM records WHERE company_id = $1 AND data_type = $2 ORDER BY created_at DESC, id LIMIT $3',
      [companyId, dataType, limit],
    );
    return rows.map((r) => JSON.parse(str(r.body)) as unknown);
  }

  /** One page of a data type's records, newest first (read-back). */
  async pageRecords(companyId: string, dataType: string, offset: number, limit: number): Promise<unknown[]> {
    const rows = await this.db.query(
      'SELECT body FROM records WHERE company_id = $1 AND data_type = $2 ORDER BY created_at DESC, id LIMIT $3 OFFSET $4',
      [companyId, dataType, limit, offset],
    );
    return rows.map((r) => JSON.parse(str(r.body)) as unknown);
  }

  async countRecords(companyId: string, dataType: string): Promise<number> {
    const rows = await this.db.query('SELECT CAST(COUNT(*) AS INTEGER) AS n FROM records WHERE company_id = $1 AND data_type = $2', [companyId, dataType]);
    return num(rows[0]?.n ?? 0);
  }

  // Datasets and push locks

  async insertDataset(d: DatasetRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO datasets (id, company_id, data_type, status, requested, completed, record_count, accepted, ignored, deleted, reopened)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [d.id, d.companyId, d.dataType, d.status, d.requested, d.completed, d.recordCount, d.accepted, d.ignored, d.deleted, JSON.stringify(d.reopened)],
    );
  }

  async getDataset(companyId: string, id: string): Promise<DatasetRecord | null> {
    const rows = await this.db.query('SELECT * FROM datasets WHERE company_id = $1 AND id = $2', [companyId, id]);
    return rows[0] ? toDataset(rows[0]) : null;
  }

  /** Takes the one-push-at-a-time lock of a data type; false when another push holds it. */
  async tryPushLock(companyId: string, dataType: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
    const changed = await this.db.execute(
      `INSERT INTO push_locks (company_id, data_type, owner, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (company_id, data_type) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE push_locks.expires_at < $5`,
      [companyId, dataType, owner, new Date(now.getTime() + ttlMs).toISOString(), now.toISOString()],
    );
    return changed > 0;
  }

  async releasePushLock(companyId: string, dataType: string, owner: string): Promise<void> {
    await this.db.execute('DELETE FROM push_locks WHERE company_id = $1 AND data_type = $2 AND owner = $3', [companyId, dataType, owner]);
  }

  // Re-opened days

  async markDirty(companyId: string, days: readonly string[], markedAt: string): Promise<void> {
    for (const part of chunks([...new Set(days)])) {
      const values: SqlValue[] = [];
      for (const d of part) values.push(companyId, d, markedAt);
      await this.db.execute(
        `INSERT INTO dirty_days (company_id, day, marked_at) VALUES ${placeholders(part.length, 3)}
         ON CONFLICT (company_id, day) DO UPDATE SET marked_at = excluded.marked_at`,
        values,
      );
    }
  }

  async dirtyDays(companyId: string): Promise<{ day: string; markedAt: string }[]> {
    const rows = await this.db.query('SELECT day, marked_at FROM dirty_days WHERE company_id = $1 ORDER BY day', [companyId]);
    return rows.map((r) => ({ day: str(r.day), markedAt: str(r.marked_at) }));
  }

  /** Clears re-opened days a run handled, unless they were marked again after `notAfter`. */
  async clearDirty(companyId: string, days: readonly string[], notAfter: string): Promise<void> {
    for (const day of days) {
      await this.db.execute('DELETE FROM dirty_days WHERE company_id = $1 AND day = $2 AND marked_at <= $3', [companyId, day, notAfter]);
    }
  }

  // Runs

  async insertRun(r: Omit<RunRecord, 'seq'>): Promise<RunRecord> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query('SELECT COALESCE(MAX(seq), 0) AS m FROM runs WHERE company_id = $1', [r.companyId]);
      const seq = num(rows[0]?.m ?? 0) + 1;
      await tx.execute(
        `INSERT INTO runs (id, company_id, seq, trigger_kind, period_start, period_end, status_code, status_text, error_message,
          exception_message, error_code, wizard_step, data_pushed, created_at, completed_at, error_params)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [r.id, r.companyId, seq, r.trigger, r.periodStart, r.periodEnd, r.statusCode, r.statusText, r.errorMessage,
          r.exceptionMessage, r.errorCode, r.wizardStep, r.dataPushed ? 1 : 0, r.createdAt, r.completedAt,
          r.errorParams ? JSON.stringify(r.errorParams) : null],
      );
      return { ...r, seq };
    });
  }

  async finishRun(id: string, patch: Pick<RunRecord, 'statusCode' | 'statusText' | 'errorMessage' | 'exceptionMessage' | 'errorCode' | 'wizardStep' | 'dataPushed' | 'completedAt'> & { errorParams?: RunRecord['errorParams'] }): Promise<void> {
    await this.db.execute(
      `UPDATE runs SET status_code = $1, status_text = $2, error_message = $3, exception_message = $4, error_code = $5,
        wizard_step = $6, data_pushed = $7, completed_at = $8, error_params = $9 WHERE id = $10`,
      [patch.statusCode, patch.statusText, patch.errorMessage, patch.exceptionMessage, patch.errorCode, patch.wizardStep,
        patch.dataPushed ? 1 : 0, patch.completedAt, patch.errorParams ? JSON.stringify(patch.errorParams) : null, id],
    );
  }

  async getRun(companyId: string, id: string): Promise<RunRecord | null> {
    const rows = await this.db.query('SELECT * FROM runs WHERE company_id = $1 AND id = $2', [companyId, id]);
    return rows[0] ? runFromRow(rows[0]) : null;
  }

  async listRuns(companyId: string): Promise<RunRecord[]> {
    return (await this.db.query('SELECT * FROM runs WHERE company_id = $1 ORDER BY seq DESC', [companyId])).map(runFromRow);
  }

  async latestRun(companyId: string): Promise<RunRecord | null> {
    const rows = await this.db.query('SELECT * FROM runs WHERE company_id = $1 ORDER BY seq DESC LIMIT 1', [companyId]);
    return rows[0] ? runFromRow(rows[0]) : null;
  }

  async lastSuccessfulRun(companyId: string): Promise<RunRecord | null> {
    const rows = await this.db.query(
      'SELECT * FROM runs WHERE company_id = $1 AND status_code IN (2000, 2040) ORDER BY seq DESC LIMIT 1',
      [companyId],
    );
    return rows[0] ? runFromRow(rows[0]) : null;
  }

  /** Runs still marked in progress (1000/1010). */
  async runsInProgress(companyId: string): Promise<RunRecord[]> {
    return (await this.db.query('SELECT * FROM runs WHERE company_id = $1 AND status_code IN (1000, 1010) ORDER BY seq', [companyId])).map(runFromRow);
  }

  // Push items

  /**
   * Records documents a run is about to write. An item already written keeps its state; a
   * pending or failed one moves to this run.
   */
  async recordPendingItems(companyId: string, runId: string, documents: readonly AccountingDocument[], now: string): Promise<void> {
    let seq = 0;
    for (const part of chunks(documents, 200)) {
      const values: SqlValue[] = [];
      for (const d of part) {
        seq += 1;
        values.push(companyId, d.reference, runId, d.date, d.kind, d.revision, seq, JSON.stringify(d), 'Pending', now);
      }
      await this.db.execute(
        `INSERT INTO push_items (company_id, reference, run_id, day, kind, revision, seq, document, status, updated_at)
         VALUES ${placeholders(part.length, 10)}
         ON CONFLICT (company_id, reference) DO UPDATE SET run_id = excluded.run_id, seq = excluded.seq,
           document = excluded.document, updated_at = excluded.updated_at
         WHERE push_items.status <> 'Written'`,
        values,
      );
    }
  }

  async markItem(companyId: string, reference: string, patch: { status: PushItemStatus; platformId?: string | null; errorCode?: string | null; errorMessage?: string | null; errorParams?: Record<string, string> | null; detail?: string | null; updatedAt: string }): Promise<void> {
    await this.db.execute(
      `UPDATE push_items SET status = $1, platform_id = COALESCE($2, platform_id), error_code = $3, error_message = $4, detail = $5,
        attempts = attempts + 1, updated_at = $6, error_params = $7 WHERE company_id = $8 AND reference = $9`,
      [patch.status, patch.platformId ?? null, patch.errorCode ?? null, patch.errorMessage ?? null, patch.detail ?? null, patch.updatedAt,
        patch.errorParams ? JSON.stringify(patch.errorParams) : null, companyId, reference],
    );
  }

  async itemsForRun(companyId: string, runId: string): Promise<PushItemRecord[]> {
    return (await this.db.query('SELECT * FROM push_items WHERE company_id = $1 AND run_id = $2 ORDER BY seq', [companyId, runId])).map(toItem);
  }

  async itemsByReference(companyId: string, references: readonly string[]): Promise<PushItemRecord[]> {
    const out: PushItemRecord[] = [];
    for (const part of chunks(references)) {
      const rows = await this.db.query(
        `SELECT * FROM push_items WHERE company_id = $1 AND reference IN (${part.map((_, i) => `$${i + 2}`).join(', ')})`,
        [companyId, ...part],
      );
      out.push(...rows.map(toItem));
    }
    return out;
  }

  /** Documents already written for the given merchant-local days (every revision). */
  async writtenDocumentsForDays(companyId: string, days: readonly string[]): Promise<PushItemRecord[]> {
    const out: PushItemRecord[] = [];
    for (const part of chunks([...new Set(days)])) {
      const rows = await this.db.query(
        `SELECT * FROM push_items WHERE company_id = $1 AND status = 'Written' AND day IN (${part.map((_, i) => `$${i + 2}`).join(', ')}) ORDER BY day, seq`,
        [companyId, ...part],
      );
      out.push(...rows.map(toItem));
    }
    return out;
  }

  // Sync-flow codes

  async insertSyncFlowCode(c: SyncFlowCodeRecord): Promise<void> {
    await this.db.execute(
      `INSERT INTO sync_flow_codes (code, company_id, commerce_key, accounting_key, merchant_identifier, expires_at, used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [c.code, c.companyId, c.commerceKey, c.accountingKey, c.merchantIdentifier, c.expiresAt, c.usedAt],
    );
  }

  /** Marks a code used if it is unused and unexpired; returns it, or null. Single use even across instances. */
  async consumeSyncFlowCode(code: string, now: string): Promise<SyncFlowCodeRecord | null> {
    const rows = await this.db.query(
      'UPDATE sync_flow_codes SET used_at = $1 WHERE code = $2 AND used_at IS NULL AND expires_at > $1 RETURNING *',
      [now, code],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      code: str(r.code),
      companyId: str(r.company_id),
      commerceKey: str(r.commerce_key),
      accountingKey: str(r.accounting_key),
      merchantIdentifier: strOrNull(r.merchant_identifier),
      expiresAt: str(r.expires_at),
      usedAt: strOrNull(r.used_at),
    };
  }

  // UI text and visible accounts

  async uiTextOverrides(locale: string): Promise<Record<string, { text: string | null; required: boolean }>> {
    const rows = await this.db.query('SELECT text_key, text, required FROM ui_text WHERE locale = $1', [locale]);
    return Object.fromEntries(rows.map((r) => [str(r.text_key), { text: strOrNull(r.text), required: bool(r.required) }]));
  }

  async setUiText(locale: string, entries: Record<string, { text: string | null; required: boolean }>): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const [key, value] of Object.entries(entries)) {
        await tx.execute(
          `INSERT INTO ui_text (locale, text_key, text, required) VALUES ($1, $2, $3, $4)
           ON CONFLICT (locale, text_key) DO UPDATE SET text = excluded.text, required = excluded.required`,
          [locale, key, value.text, value.required ? 1 : 0],
        );
      }
    });
  }

  async visibleAccounts(platformKey: string): Promise<string[] | null> {
    const rows = await this.db.query('SELECT accounts FROM visible_accounts WHERE platform_key = $1', [platformKey]);
    return rows[0] ? (JSON.parse(str(rows[0].accounts)) as string[]) : null;
  }

  /** `null` = every row is shown. */
  async setVisibleAccounts(platformKey: string, accounts: readonly string[] | null): Promise<void> {
    await this.db.execute(
      `INSERT INTO visible_accounts (platform_key, accounts) VALUES ($1, $2)
       ON CONFLICT (platform_key) DO UPDATE SET accounts = excluded.accounts`,
      [platformKey, JSON.stringify(accounts)],
    );
  }
}
