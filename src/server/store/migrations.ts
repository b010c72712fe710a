import type { Db } from './db.js';

/** One versioned schema change; statements run in order inside one transaction. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Every migration, oldest first. Never edit a released one: append a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE companies (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT,
        tags TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_sync TEXT,
        synced_through TEXT,
        config TEXT,
        configured INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 0,
        failing_since TEXT
      )`,
      `CREATE TABLE connections (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        platform_key TEXT NOT NULL,
        source_type TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_sync TEXT,
        tokens TEXT,
        errors TEXT NOT NULL DEFAULT '[]'
      )`,
      `CREATE INDEX connections_company ON connections (company_id)`,
      `CREATE TABLE records (
        company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        data_type TEXT NOT NULL,
        id TEXT NOT NULL,
        created_at TEXT,
        source_modified TEXT,
        body TEXT NOT NULL,
        PRIMARY KEY (company_id, data_type, id)
      )`,
      `CREATE INDEX records_created ON records (company_id, data_type, created_at)`,
      `CREATE TABLE datasets (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        data_type TEXT NOT NULL,
        status TEXT NOT NULL,
        requested TEXT NOT NULL,
        completed TEXT,
        record_count INTEGER NOT NULL,
        accepted INTEGER NOT NULL,
        ignored INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        reopened TEXT NOT NULL
      )`,
      `CREATE TABLE push_locks (
        company_id TEXT NOT NULL,
        data_type TEXT NOT NULL,
        owner TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        PRIMARY KEY (company_id, data_type)
      )`,
      `CREATE TABLE dirty_days (
        company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        marked_at TEXT NOT NULL,
        PRIMARY KEY (company_id, day)
      )`,
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        trigger_kind TEXT NOT NULL,
        period_start TEXT,
        period_end TEXT,
        status_code INTEGER NOT NULL,
        status_text TEXT NOT NULL,
        error_message TEXT NOT NULL DEFAULT '',
        exception_message TEXT NOT NULL DEFAULT '',
        error_code TEXT,
        wizard_step TEXT,
        data_pushed INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        completed_at TEXT
      )`,
      `CREATE INDEX runs_company ON runs (company_id, seq)`,
      `CREATE TABLE push_items (
        company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        reference TEXT NOT NULL,
        run_id TEXT NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        revision INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        document TEXT NOT NULL,
        status TEXT NOT NULL,
        platform_id TEXT,
        error_code TEXT,
        error_message TEXT,
        detail TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (company_id, reference)
      )`,
      `CREATE INDEX push_items_run ON push_items (run_id, seq)`,
      `CREATE INDEX push_items_day ON push_items (company_id, day)`,
      `CREATE TABLE sync_flow_codes (
        code TEXT PRIMARY KEY,
        company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
        commerce_key TEXT NOT NULL,
        accounting_key TEXT NOT NULL,
        merchant_identifier TEXT,
        expires_at TEXT NOT NULL,
        used_at TEXT
      )`,
      `CREATE TABLE ui_text (
        locale TEXT NOT NULL,
        text_key TEXT NOT NULL,
        text TEXT,
        required INTEGER NOT NULL,
        PRIMARY KEY (locale, text_key)
      )`,
      `CREATE TABLE visible_accounts (
        platform_key TEXT PRIMARY KEY,
        accounts TEXT NOT NULL
      )`,
      `CREATE TABLE run_leases (
        lease_key TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at TEXT NOT NULL
      )`,
    ],
  },
  {
    version: 2,
    name: 'connection info',
    statements: ['ALTER TABLE connections ADD COLUMN connection_info TEXT'],
  },
  {
    version: 3,
    name: 'run and push item error params',
    statements: [
      // The failure's message parameters (JSON object of strings), so clients can word the
      // merchant message in the merchant's language with the run's own specifics.
      'ALTER TABLE runs ADD COLUMN error_params TEXT',
      'ALTER TABLE push_items ADD COLUMN error_params TEXT',
    ],
  },
  {
    version: 4,
    name: 'failing streak counts scheduled runs',
    statements: [
      // Distinct merchant-local days with a failing scheduled run in the current streak, and
      // the last such day: what the 31-day auto-disable counts (not the days a run covered).
      'ALTER TABLE companies ADD COLUMN failed_run_days INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE companies ADD COLUMN last_failed_run_day TEXT',
    ],
  },
  {
    version: 5,
    name: 'company next due time',
    statements: [
      // When the company's next scheduled run is due (ISO instant, UTC), null when none will be
      // (paused, unconfigured): a scheduler tick reads `next_due_at <= now` through the index.
      'ALTER TABLE companies ADD COLUMN next_due_at TEXT',
      'CREATE INDEX companies_next_due ON companies (next_due_at)',
      // SQL cannot compute zoned due times: schedulable companies are made due now, and the first
      // tick stores each one's real due time (running those that are due, as before).
      "UPDATE companies SET next_due_at = '1970-01-01T00:00:00.000Z' WHERE enabled = 1 AND configured = 1",
    ],
  },
  {
    version: 6,
    name: 'posted history of deleted syncs',
    statements: [
      // What a deleted company had posted to a ledger, kept after the delete: setting the same
      // merchant up again on the same ledger starts after it instead of posting those days twice.
      `CREATE TABLE posted_history (
        merchant_key TEXT NOT NULL,
        ledger_key TEXT NOT NULL,
        synced_through TEXT NOT NULL,
        documents INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (merchant_key, ledger_key)
      )`,
    ],
  },
  {
    version: 7,
    name: 'shared vendor call budgets',
    statements: [
      // Calls started per budget scope and time bucket (`<vendor>:t:<tenant>:s` one-second
      // buckets for a tenant's minute, `<vendor>:app:s` for the app's, `<vendor>:t:<tenant>:h`
      // one-hour buckets for its day), shared by every instance; epoch seconds or hours.
      `CREATE TABLE call_budget_counts (
        scope TEXT NOT NULL,
        bucket BIGINT NOT NULL,
        calls INTEGER NOT NULL,
        PRIMARY KEY (scope, bucket)
      )`,
      // Calls in flight: a slot per call, deleted when it ends, lapsing at `expires_at` (epoch
      // ms) when its process died before releasing it.
      `CREATE TABLE call_budget_slots (
        slot_id TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      'CREATE INDEX call_budget_slots_scope ON call_budget_slots (scope, expires_at)',
    ],
  },
  {
    version: 8,
    name: 'records excluded by support',
    statements: [
      // A record that cannot be posted, left out of its day on purpose by support so the day is
      // complete without it; re-pushing the record lifts the exclusion.
      `CREATE TABLE excluded_records (
        company_id TEXT NOT NULL,
        data_type TEXT NOT NULL,
        record_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        excluded_at TEXT NOT NULL,
        PRIMARY KEY (company_id, data_type, record_id)
      )`,
    ],
  },
];

/**
 * Applies every migration not yet applied, each in its own transaction, and records it in
 * `schema_migrations`. On PostgreSQL a transaction-scoped advisory lock keeps two instances
 * starting together from migrating twice.
 */
export async function migrate(db: Db, now: () => Date = () => new Date()): Promise<number[]> {
  // Under the same lock as the migrations: `IF NOT EXISTS` alone races between instances.
  await db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.query("SELECT pg_advisory_xact_lock(hashtext('commerce-sync:migrate'))");
    await tx.execute(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
  });
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const done = await db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.query("SELECT pg_advisory_xact_lock(hashtext('commerce-sync:migrate'))");
      const rows = await tx.query('SELECT version FROM schema_migrations WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      for (const statement of migration.statements) await tx.execute(statement);
      await tx.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        now().toISOString(),
      ]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}
