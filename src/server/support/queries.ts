import type { QueueHealth } from '../../contract/queue-health.js';
import {
  ERROR_CATALOG,
  type SyncErrorCode,
  type WizardStep,
} from '../../contract/error-catalog.js';
import { documentAmount } from '../../contract/documents.js';
import { normalizeConfiguration, type Configuration } from '../../contract/configuration.js';
import type { WebhookDeliveryPage, WebhookDeliveryQuery } from '../../contract/webhooks.js';
import {
  SupportExcludeRecordRequestSchema,
  SupportExcludedRecordSchema,
  SupportReenableRequestSchema,
  SupportHistoryQuerySchema,
  SupportSearchQuerySchema,
  type CompanyHealth,
  type SupportCompanyDetail,
  type SupportCompanySummary,
  type SupportConfiguration,
  type SupportDeliveries,
  type SupportDocumentLines,
  type SupportExcludedRecord,
  type SupportHistory,
  type SupportPlatform,
  type SupportProblem,
  type SupportPushItem,
  type SupportRetryResult,
  type SupportRun,
  type SupportSearchResult,
  type SupportSyncDetail,
} from '../../contract/support.js';
import { accountingConnection } from '../connections.js';
import { HttpError, notFound, parseOrThrow } from '../errors.js';
import { explainDocument } from './explain.js';
import { AUTO_DISABLE_DAYS } from '../runs/engine.js';
import type {
  CompanyRecord,
  ConnectionRecord,
  PushItemRecord,
  RunRecord,
  Store,
} from '../store/index.js';
import { NO_FAILING_STREAK, runFromRow, toCompany } from '../store/index.js';
import type { SqlValue } from '../store/db.js';
import { addDays, localDateOf } from '../time.js';

/** What the support queries need from the sync service. */
export interface SupportDeps {
  /** The sync service's store (read through its query layer; re-enable writes one company row). */
  store: Store;
  /**
   * Retries the failed items of a run (the sync service's retry: `SyncCore.retry`, or a call to
   * `POST /companies/{companyId}/sync/commerce/syncs/{syncId}/retry`). May throw an HttpError (409 while a sync runs).
   */
  retry(companyId: string, syncId: string): Promise<unknown>;
  /**
   * The company's configuration with its options filled from the live ledger, as runs aggregate
   * with it (for "explain this line"); defaults to the saved configuration as stored.
   */
  configuration?(companyId: string): Promise<Configuration>;
  /** Display name of a platform key (accounting connectors and the commerce source); defaults to the key. */
  platformName?: (key: string) => string | undefined;
  /** Webhook deliveries (src/webhooks `WebhookDispatcher.listDeliveries`), when webhooks are configured. */
  webhooks?: { listDeliveries(query?: WebhookDeliveryQuery): Promise<WebhookDeliveryPage> };
  /** The run queue's figures (`GET /health/queue`), added to the search totals when given. */
  queueHealth?: () => Promise<QueueHealth>;
  now?: () => Date;
}

const RUN_COLUMNS =
  'r.id, r.company_id, r.seq, r.trigger_kind, r.period_start, r.period_end, r.status_code, r.status_text, r.error_message, r.exception_message, r.error_code, r.wizard_step, r.error_params, r.data_pushed, r.created_at, r.completed_at';

const text = (v: unknown): string => String(v);


const WIZARD_STEPS: ReadonlySet<string> = new Set<WizardStep>([
  'output',
  'sales',
  'taxRates',
  'payments',
  'fees',
  'schedule',
  'review',
  'connection',
]);

function stateOf(statusCode: number): SupportRun['state'] {
  if (statusCode === 1000 || statusCode === 1010) return 'running';
  if (statusCode === 2000 || statusCode === 2040) return 'succeeded';
  return 'failed';
}

function problemOf(run: RunRecord): SupportProblem | null {
  if (stateOf(run.statusCode) !== 'failed') return null;
  const entry =
    run.errorCode && run.errorCode in ERROR_CATALOG
      ? ERROR_CATALOG[run.errorCode as SyncErrorCode]
      : null;
  return {
    code: entry?.code ?? null,
    rawCode: run.errorCode,
    statusCode: run.statusCode,
    retryable: entry?.retryable ?? false,
    step:
      run.wizardStep && WIZARD_STEPS.has(run.wizardStep) ? (run.wizardStep as WizardStep) : null,
    merchantMessage: run.errorMessage,
    supportDetail: run.exceptionMessage,
  };
}

/** A stored run as the support wire shape. */
export function toSupportRun(run: RunRecord): SupportRun {
  return {
    syncId: run.id,
    companyId: run.companyId,
    seq: run.seq,
    trigger: run.trigger,
    state: stateOf(run.statusCode),
    statusCode: run.statusCode,
    statusText: run.statusText,
    period:
      run.periodStart && run.periodEnd ? { start: run.periodStart, finish: run.periodEnd } : null,
    createdUtc: run.createdAt,
    completedUtc: run.completedAt,
    dataPushed: run.dataPushed,
    problem: problemOf(run),
  };
}

/** Health of a company from its flags and latest run. */
export function healthOf(company: CompanyRecord, latest: RunRecord | null): CompanyHealth {
  if (!company.configured) return 'not_configured';
  if (!company.enabled) {
    // The engine switches a company off after AUTO_DISABLE_DAYS failing days and keeps the streak; a merchant pause does not.
    return company.failedRunDays >= AUTO_DISABLE_DAYS ? 'disabled' : 'paused';
  }
  if (!latest) return 'never_synced';
  const state = stateOf(latest.statusCode);
  return state === 'running' ? 'running' : state === 'failed' ? 'failing' : 'healthy';
}

function toItem(item: PushItemRecord): SupportPushItem {
  const amount = { minor: documentAmount(item.document), currency: item.document.currency };
  return {
    reference: item.reference,
    date: item.day,
    kind: item.kind,
    revision: item.revision,
    status: item.status,
    platformId: item.platformId,
    errorCode: item.errorCode,
    merchantMessage: item.errorMessage,
    supportDetail: item.detail,
    attempts: item.attempts,
    updatedUtc: item.updatedAt,
    amount,
  };
}

function timeZoneOf(company: CompanyRecord): string {
  return normalizeConfiguration(company.config ?? {}).schedule?.timeZone ?? 'Etc/UTC';
}

/**
 * Support queries and actions over the sync service's store: company search with totals,
 * company and run detail with push items, retry of failed items, re-enable, configuration
 * export and webhook deliveries. Framework-free; `routes.ts` is the HTTP shell.
 */
export class SupportQueries {
  constructor(private readonly deps: SupportDeps) {}

  private get store(): Store {
    return this.deps.store;
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private platform(connection: ConnectionRecord | null | undefined): SupportPlatform | null {
    if (!connection) return null;
    return {
      key: connection.platformKey,
      name: this.deps.platformName?.(connection.platformKey) ?? connection.platformKey,
      connectionId: connection.id,
      status: connection.status,
    };
  }

  private async requireCompany(companyId: string): Promise<CompanyRecord> {
    const company = await this.store.getCompany(companyId);
    if (!company) throw notFound('company', companyId);
    return company;
  }

  private async requireRun(companyId: string, syncId: string): Promise<RunRecord> {
    const run = await this.store.getRun(companyId, syncId);
    if (!run) throw notFound('sync', syncId);
    return run;
  }

  /** Latest run of each of the given companies (one query, one row per company). */
  private async latestRuns(companyIds: readonly string[]): Promise<Map<string, RunRecord>> {
    if (companyIds.length === 0) return new Map();
    const slots = companyIds.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await this.store.db.query(
      `SELECT ${RUN_COLUMNS} FROM runs r
       WHERE r.company_id IN (${slots}) AND r.seq = (SELECT MAX(m.seq) FROM runs m WHERE m.company_id = r.company_id)`,
      companyIds,
    );
    return new Map(rows.map((r) => [text(r.company_id), runFromRow(r)]));
  }

  private summary(company: CompanyRecord, latest: RunRecord | null): SupportCompanySummary {
    return {
      companyId: company.id,
      name: company.name,
      tags: company.tags,
      health: healthOf(company, latest),
      enabled: company.enabled,
      configured: company.configured,
      failingSince: company.failingSince,
      syncedThrough: company.syncedThrough,
      lastSyncUtc: company.lastSync,
      latestRun: latest ? toSupportRun(latest) : null,
    };
  }

  /**
   * Companies matching the query, with totals by health over every company. Filtering, health,
   * sorting, paging and the totals are computed in the database: a page reads at most `pageSize`
   * company rows (and their latest runs), however many companies there are.
   */
  async search(rawQuery: unknown): Promise<SupportSearchResult> {
    const query = parseOrThrow(SupportSearchQuerySchema, rawQuery, 'search');
    const db = this.store.db;
    const health = healthSql();

    const counted = await db.query(
      `SELECT h.health AS health, COUNT(*) AS n FROM (SELECT ${health} AS health FROM ${withLatest('1 = 1', db.dialect)}) h GROUP BY h.health`,
    );
    const byHealth: Record<CompanyHealth, number> = {
      healthy: 0,
      failing: 0,
      disabled: 0,
      paused: 0,
      running: 0,
      never_synced: 0,
      not_configured: 0,
    };
    let companies = 0;
    for (const row of counted) {
      const n = Number(row.n);
      byHealth[text(row.health) as CompanyHealth] += n;
      companies += n;
    }

    const { where, params } = searchFilters(query, db.dialect);
    const matching = `SELECT b.*, ${health} AS health FROM ${withLatest(where, db.dialect)}`;
    const healthFilter = query.health ? `WHERE s.health = $${params.length + 1}` : '';
    const filterParams: SqlValue[] = query.health ? [...params, query.health] : params;
    // Without a health filter the count needs no latest runs.
    const countSql = query.health
      ? `SELECT COUNT(*) AS n FROM (${matching}) s ${healthFilter}`
      : `SELECT COUNT(*) AS n FROM companies c WHERE ${where}`;
    const total = Number((await db.query(countSql, filterParams))[0]?.n ?? 0);
    const offset = (query.page - 1) * query.pageSize;
    const rows =
      offset >= total
        ? []
        : await db.query(
            `SELECT * FROM (${matching}) s ${healthFilter}
             ORDER BY ${nameOrder(db.dialect)}, s.id LIMIT $${filterParams.length + 1} OFFSET $${filterParams.length + 2}`,
            [...filterParams, query.pageSize, offset],
          );
    const page = rows.map(toCompany);
    const latest = await this.latestRuns(page.map((c) => c.id));
    const queue = this.deps.queueHealth ? (await this.deps.queueHealth()).totals : undefined;
    return {
      totals: { companies, byHealth, ...(queue ? { queue } : {}) },
      results: page.map((c) => this.summary(c, latest.get(c.id) ?? null)),
      totalResults: total,
      page: query.page,
      pageSize: query.pageSize,
    };
  }

  /** One company with its platforms. */
  async company(companyId: string): Promise<SupportCompanyDetail> {
    const company = await this.requireCompany(companyId);
    const latest = await this.store.latestRun(companyId);
    const connections = await this.store.listConnections(companyId);
    const config = normalizeConfiguration(company.config ?? {});
    return {
      ...this.summary(company, latest),
      timeZone: timeZoneOf(company),
      startDate: config.schedule?.startDate?.slice(0, 10) ?? null,
      commerce: this.platform(connections.find((c) => c.sourceType === 'Commerce')),
      accounting: this.platform(accountingConnection(connections)),
    };
  }

  /** Runs of a company, newest first, filtered. */
  async history(companyId: string, rawQuery: unknown): Promise<SupportHistory> {
    await this.requireCompany(companyId);
    const query = parseOrThrow(SupportHistoryQuerySchema, rawQuery, 'history query');
    const { where, params } = runFilters(query, ['company_id = $1'], [companyId]);
    const rows = await this.store.db.query(
      `SELECT ${RUN_COLUMNS} FROM runs r WHERE ${where} ORDER BY r.seq DESC`,
      params,
    );
    let runs = rows.map(runFromRow);
    if (query.state) runs = runs.filter((r) => stateOf(r.statusCode) === query.state);
    return { runs: runs.slice(0, query.limit).map(toSupportRun) };
  }

  /** A run with every document it wrote or tried to write. */
  async sync(companyId: string, syncId: string): Promise<SupportSyncDetail> {
    const company = await this.requireCompany(companyId);
    const run = await this.requireRun(companyId, syncId);
    const items = (await this.store.itemsForRun(companyId, syncId)).map(toItem);
    const connections = await this.store.listConnections(companyId);
    return {
      run: toSupportRun(run),
      companyName: company.name,
      timeZone: timeZoneOf(company),
      commerce: this.platform(connections.find((c) => c.sourceType === 'Commerce')),
      accounting: this.platform(accountingConnection(connections)),
      items,
      counts: {
        written: items.filter((i) => i.status === 'Written').length,
        failed: items.filter((i) => i.status === 'Failed').length,
        pending: items.filter((i) => i.status === 'Pending').length,
      },
    };
  }

  /** Writes the run's failed and interrupted items again (never the written ones). Repeating it is safe. */
  async retryFailed(companyId: string, syncId: string): Promise<SupportRetryResult> {
    await this.requireCompany(companyId);
    await this.requireRun(companyId, syncId);
    const before = (await this.store.itemsForRun(companyId, syncId)).filter(
      (i) => i.status !== 'Written',
    );
    if (before.length > 0) await this.deps.retry(companyId, syncId);
    const detail = await this.sync(companyId, syncId);
    const retried = new Set(before.map((i) => i.reference));
    const written = detail.items.filter(
      (i) => retried.has(i.reference) && i.status === 'Written',
    ).length;
    return { attempted: before.length, written, stillFailing: before.length - written, detail };
  }

  /** "Explain this line": each line of a written document with the records behind it (see `explain.ts`). */
  async documentLines(companyId: string, reference: string): Promise<SupportDocumentLines> {
    const company = await this.requireCompany(companyId);
    const configuration = this.deps.configuration ? await this.deps.configuration(companyId) : normalizeConfiguration(company.config ?? {});
    return explainDocument(this.store, company, reference, configuration);
  }

  /**
   * Leaves a record that cannot be posted out of its day on purpose (the next run then completes
   * the day without it); pushing the record again lifts it. Refused for a record never pushed.
   */
  async excludeRecord(companyId: string, dataType: string, recordId: string, rawBody: unknown): Promise<SupportExcludedRecord> {
    await this.requireCompany(companyId);
    const kind = SupportExcludedRecordSchema.shape.dataType.safeParse(dataType);
    if (!kind.success) throw new HttpError(400, 'validation_failed', 'Only orders, payments and transactions can be excluded.', [{ itemId: 'dataType', message: 'Use orders, payments or transactions.', validatorName: 'invalid_value' }]);
    const body = parseOrThrow(SupportExcludeRecordRequestSchema, rawBody, 'exclusion');
    if ((await this.store.recordsByIds(companyId, kind.data, [recordId])).length === 0) throw notFound(kind.data.slice(0, -1), recordId);
    const excludedUtc = (this.deps.now?.() ?? new Date()).toISOString();
    await this.store.excludeRecord(companyId, kind.data, recordId, body.reason, excludedUtc);
    return { companyId, dataType: kind.data, recordId, reason: body.reason, excludedUtc };
  }

  /** Saved configuration (selections), for viewing or download. */
  async configuration(companyId: string): Promise<SupportConfiguration> {
    const company = await this.requireCompany(companyId);
    return {
      companyId,
      enabled: company.enabled,
      configured: company.configured,
      configuration: company.config,
    };
  }

  /**
   * Turns syncing back on for a company that is switched off, from `startDate`: days before it
   * are skipped by scheduled syncs (a historic sync can still cover them).
   */
  async reenable(companyId: string, body: unknown): Promise<SupportCompanyDetail> {
    const { startDate } = parseOrThrow(SupportReenableRequestSchema, body, 're-enable request');
    return this.store
      .transaction(async (tx) => {
        const company = await tx.getCompany(companyId);
        if (!company) throw notFound('company', companyId);
        if (!company.configured || !company.config) {
          throw new HttpError(
            409,
            'not_configured',
            'This company has never saved its sync settings, so there is nothing to re-enable. The merchant must finish setting up the sync first.',
          );
        }
        if (company.enabled) {
          throw new HttpError(
            409,
            'already_enabled',
            'Syncing is already on for this company; nothing was changed.',
          );
        }
        const today = localDateOf(this.now(), timeZoneOf(company));
        const field = (message: string) => [
          { itemId: 'startDate', message, validatorName: 'out_of_range' },
        ];
        if (startDate > today) {
          throw new HttpError(
            400,
            'validation_failed',
            `Choose a start date on or before ${today} (today in ${timeZoneOf(company)}).`,
            field(`Choose ${today} or earlier.`),
          );
        }
        if (company.syncedThrough && startDate < company.syncedThrough) {
          throw new HttpError(
            400,
            'validation_failed',
            `Days before ${company.syncedThrough} are already synced; choose ${company.syncedThrough} or later so nothing is posted twice.`,
            field(`Choose ${company.syncedThrough} or later.`),
          );
        }
        const config = company.config;
        await tx.updateCompany(companyId, {
          enabled: true,
          ...NO_FAILING_STREAK,
          // Scheduled syncs start at syncedThrough when set: move it so the skipped days are not retried.
          syncedThrough: company.syncedThrough ? startDate : null,
          config: { ...config, enabled: true, schedule: { ...(config.schedule ?? {}), startDate } },
        });
        return undefined;
      })
      .then(() => this.company(companyId));
  }

  /** Webhook deliveries of the company, newest first. */
  async deliveries(companyId: string): Promise<SupportDeliveries> {
    await this.requireCompany(companyId);
    if (!this.deps.webhooks) return { available: false, items: [] };
    const page = await this.deps.webhooks.listDeliveries({ companyId, limit: 100 });
    return { available: true, items: page.items };
  }
}

/**
 * {@link healthOf} as an SQL expression over {@link withLatest}'s `b` (the latest run by `seq` is
 * served by the `runs_company (company_id, seq)` index). Keep the two in step.
 */
function healthSql(): string {
  return `CASE
    WHEN b.configured = 0 THEN 'not_configured'
    WHEN b.enabled = 0 THEN CASE WHEN b.failed_run_days >= ${AUTO_DISABLE_DAYS} THEN 'disabled' ELSE 'paused' END
    WHEN b.latest_status IS NULL THEN 'never_synced'
    WHEN b.latest_status IN (1000, 1010) THEN 'running'
    WHEN b.latest_status IN (2000, 2040) THEN 'healthy'
    ELSE 'failing'
  END`;
}

/** Companies (filtered by `where` on `c`) with their latest run's status code and lower-cased name, as `b`. */
function withLatest(where: string, dialect: 'sqlite' | 'postgres'): string {
  // OFFSET 0 (SQLite: LIMIT -1 OFFSET 0) keeps the planner from inlining the subquery into each CASE branch of
  // healthSql (that would run it up to four times per company).
  return `(SELECT c.*, lower(c.name) AS lower_name,
     (SELECT lr.status_code FROM runs lr WHERE lr.company_id = c.id ORDER BY lr.seq DESC LIMIT 1) AS latest_status
   FROM companies c WHERE ${where} ${dialect === 'postgres' ? 'OFFSET 0' : 'LIMIT -1 OFFSET 0'}) b`;
}

/**
 * Search order: name case-insensitively (ASCII letters; SQLite's `lower` folds no others), then
 * the exact name by code point, then the company id; the same on both stores.
 */
function nameOrder(dialect: 'sqlite' | 'postgres'): string {
  return dialect === 'postgres'
    ? 's.lower_name COLLATE "C", s.name COLLATE "C"'
    : 's.lower_name, s.name';
}

/** SQL conditions on `companies c` for the text query and the run filters of a search. */
function searchFilters(
  query: {
    q?: string | undefined;
    statusCode?: number | undefined;
    errorCode?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
  dialect: 'sqlite' | 'postgres',
): { where: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (query.q) {
    params.push(query.q, query.q.toLowerCase());
    const exact = `$${params.length - 1}`;
    const needle = `$${params.length}`;
    const contains = dialect === 'postgres' ? `strpos(lower(c.name), ${needle}) > 0` : `instr(lower(c.name), ${needle}) > 0`;
    const tagEquals =
      dialect === 'postgres'
        ? `EXISTS (SELECT 1 FROM jsonb_each_text(c.tags::jsonb) t WHERE lower(t.value) = ${needle})`
        : `EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE t.type = 'text' AND lower(t.value) = ${needle})`;
    where.push(
      `(c.id = ${exact} OR c.id IN (SELECT sr.company_id FROM runs sr WHERE sr.id = ${exact}) OR ${contains} OR ${tagEquals})`,
    );
  }
  if (query.statusCode !== undefined || query.errorCode || query.from || query.to) {
    const runs = runFilters(query, [], params);
    params.splice(0, params.length, ...runs.params);
    where.push(`c.id IN (SELECT company_id FROM runs WHERE ${runs.where})`);
  }
  return { where: where.length ? where.join(' AND ') : '1 = 1', params };
}

/** SQL conditions on runs (aliased `r`) for status code, catalog code and UTC day range. */
function runFilters(
  query: {
    statusCode?: number | undefined;
    errorCode?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  },
  conditions: string[] = [],
  params: SqlValue[] = [],
): { where: string; params: SqlValue[] } {
  const where = [...conditions];
  const values = [...params];
  const add = (sql: string, value: SqlValue) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (query.statusCode !== undefined) add('status_code = ?', query.statusCode);
  if (query.errorCode) add('error_code = ?', query.errorCode);
  if (query.from) add('created_at >= ?', `${query.from}T00:00:00.000Z`);
  if (query.to) add('created_at < ?', `${addDays(query.to, 1)}T00:00:00.000Z`);
  return { where: where.length ? where.join(' AND ') : '1 = 1', params: values };
}
