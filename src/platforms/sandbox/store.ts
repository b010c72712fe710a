import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { fromMinor } from '../../contract/money.js';
import type { SyncErrorCode } from '../../contract/error-catalog.js';
import { SANDBOX_TEMPLATES, isSandboxTemplateKey } from './templates.js';
import type { SandboxTemplate, SandboxTemplateKey } from './templates.js';
import type {
  SandboxAccount,
  SandboxCompany,
  SandboxContact,
  SandboxLedgerSummary,
  SandboxPostedDocument,
  SandboxPosting,
  SandboxTaxRate,
  SandboxTrialBalance,
  SandboxTrialBalanceSection,
} from './schemas.js';

/**
 * SQLite persistence of the sandbox: ledgers with their charts, posted documents and their
 * double-entry postings, OAuth consent requests, codes and tokens. Every write runs in one
 * transaction so nothing is ever half-written.
 */

/** The platform name merchants see in messages. */
export const SANDBOX_PLATFORM_NAME = 'Sandbox ledger';

/** A rule the ledger refused a request under; carries the sync catalog code and message params. */
export class LedgerRejection extends Error {
  constructor(
    readonly code: SyncErrorCode,
    readonly detail: string,
    readonly params: Record<string, string | number> = {},
    readonly httpStatus = 422,
  ) {
    super(detail);
    this.name = 'LedgerRejection';
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledgers (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, template TEXT NOT NULL, base_currency TEXT NOT NULL,
  country_code TEXT NOT NULL, locale TEXT NOT NULL, lock_date TEXT, subscription_expired INTEGER NOT NULL DEFAULT 0,
  fail_remaining INTEGER NOT NULL DEFAULT 0, fail_status INTEGER NOT NULL DEFAULT 503, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_currencies (
  ledger_id TEXT NOT NULL REFERENCES ledgers(id), code TEXT NOT NULL, PRIMARY KEY (ledger_id, code)
);
CREATE TABLE IF NOT EXISTS accounts (
  ledger_id TEXT NOT NULL REFERENCES ledgers(id), id TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
  classification TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, is_bank INTEGER NOT NULL,
  enable_payments INTEGER NOT NULL, sort INTEGER NOT NULL, PRIMARY KEY (ledger_id, id)
);
CREATE TABLE IF NOT EXISTS tax_rates (
  ledger_id TEXT NOT NULL REFERENCES ledgers(id), id TEXT NOT NULL, name TEXT NOT NULL, effective_rate REAL NOT NULL,
  status TEXT NOT NULL, liability_account_id TEXT NOT NULL, sort INTEGER NOT NULL, PRIMARY KEY (ledger_id, id)
);
CREATE TABLE IF NOT EXISTS contacts (
  ledger_id TEXT NOT NULL REFERENCES ledgers(id), id TEXT NOT NULL, name TEXT NOT NULL, is_customer INTEGER NOT NULL,
  is_supplier INTEGER NOT NULL, status TEXT NOT NULL, sort INTEGER NOT NULL, PRIMARY KEY (ledger_id, id)
);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, ledger_id TEXT NOT NULL REFERENCES ledgers(id), seq INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL, reference TEXT NOT NULL, kind TEXT NOT NULL, date TEXT NOT NULL,
  currency TEXT NOT NULL, memo TEXT NOT NULL, contact_id TEXT, applies_to_id TEXT, lines_json TEXT NOT NULL,
  net INTEGER NOT NULL, tax INTEGER NOT NULL, total INTEGER NOT NULL, amount_due INTEGER, posted_at INTEGER NOT NULL,
  UNIQUE (ledger_id, idempotency_key)
);
CREATE INDEX IF NOT EXISTS documents_reference ON documents (ledger_id, reference);
CREATE INDEX IF NOT EXISTS documents_seq ON documents (ledger_id, seq);
CREATE TABLE IF NOT EXISTS postings (
  document_id TEXT NOT NULL REFERENCES documents(id), line INTEGER NOT NULL, ledger_id TEXT NOT NULL,
  account_id TEXT NOT NULL, currency TEXT NOT NULL, debit INTEGER NOT NULL, credit INTEGER NOT NULL,
  description TEXT NOT NULL, tax_rate_id TEXT, PRIMARY KEY (document_id, line)
);
CREATE INDEX IF NOT EXISTS postings_ledger ON postings (ledger_id, currency, account_id);
CREATE TABLE IF NOT EXISTS consent_requests (
  id TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, state TEXT, scope TEXT NOT NULL,
  code_challenge TEXT, expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS auth_codes (
  code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, ledger_id TEXT NOT NULL, redirect_uri TEXT NOT NULL,
  scope TEXT NOT NULL, code_challenge TEXT, expires_at INTEGER NOT NULL, used_at INTEGER, grant_id TEXT
);
CREATE INDEX IF NOT EXISTS auth_codes_grant ON auth_codes (grant_id);
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, grant_id TEXT NOT NULL, ledger_id TEXT NOT NULL,
  client_id TEXT NOT NULL, scope TEXT NOT NULL, expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_ledger ON tokens (ledger_id);
CREATE INDEX IF NOT EXISTS tokens_grant ON tokens (grant_id);
`;

interface LedgerRow {
  id: string;
  name: string;
  template: string;
  base_currency: string;
  country_code: string;
  locale: string;
  lock_date: string | null;
  subscription_expired: number;
  fail_remaining: number;
  fail_status: number;
  created_at: number;
}

interface AccountRow {
  id: string;
  code: string;
  name: string;
  classification: SandboxAccount['classification'];
  type: string;
  status: SandboxAccount['status'];
  is_bank: number;
  enable_payments: number;
}

interface TaxRateRow {
  id: string;
  name: string;
  effective_rate: number;
  status: SandboxTaxRate['status'];
  liability_account_id: string;
}

interface ContactRow {
  id: string;
  name: string;
  is_customer: number;
  is_supplier: number;
  status: SandboxContact['status'];
}

interface DocumentRow {
  id: string;
  idempotency_key: string;
  reference: string;
  kind: string;
  date: string;
  currency: string;
  memo: string;
  contact_id: string | null;
  applies_to_id: string | null;
  lines_json: string;
  net: number;
  tax: number;
  total: number;
  amount_due: number | null;
  posted_at: number;
}

/** One posting to insert: exactly one of debit/credit is positive. */
export interface NewPosting {
  accountId: string;
  debit: number;
  credit: number;
  description: string;
  taxRateId: string | null;
}

/** A validated document ready to be stored. */
export interface NewDocument {
  idempotencyKey: string;
  reference: string;
  kind: string;
  date: string;
  currency: string;
  memo: string;
  contactId: string | null;
  appliesToId: string | null;
  lines: Record<string, unknown>[];
  net: number;
  tax: number;
  total: number;
  amountDue: number | null;
  postings: NewPosting[];
  /** Reduce the amount due of the settled document by this much. */
  settles: { documentId: string; amount: number } | null;
}

/** A stored document as the ledger rules need it to check a settlement. */
export interface SettleableDocument {
  id: string;
  kind: string;
  currency: string;
  reference: string;
  amountDue: number | null;
}

/** Random URL-safe identifier with a readable prefix. */
export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** Opens (and migrates) the sandbox database. */
export class SandboxStore {
  readonly db: Database.Database;

  constructor(
    databasePath: string,
    private readonly now: () => Date,
  ) {
    this.db = new Database(databasePath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.writeTransaction = this.db.transaction(
      (ledgerId: string, key: string, decide: () => NewDocument) =>
        this.writeInTransaction(ledgerId, key, decide),
    );
  }

  private readonly writeTransaction: Database.Transaction<
    (
      ledgerId: string,
      key: string,
      decide: () => NewDocument,
    ) => { platformId: string; replayed: boolean }
  >;

  private readonly statements = new Map<string, Database.Statement>();

  /** A prepared statement, compiled once per SQL text. */
  prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }

  private nowMs(): number {
    return this.now().getTime();
  }

  // ---- ledgers -------------------------------------------------------------------------

  createLedger(template: SandboxTemplateKey, name?: string): string {
    if (!isSandboxTemplateKey(template)) {
      throw new RangeError(`Unknown sandbox template "${String(template)}"; use uk, us or ca.`);
    }
    const t: SandboxTemplate = SANDBOX_TEMPLATES[template];
    const ledgerName = name?.trim() || t.defaultName;
    if (ledgerName.length > 120)
      throw new RangeError('A ledger name must be at most 120 characters.');
    const id = randomId('ldg', 9);
    const insert = this.db.transaction(() => {
      this.prepare(
        `INSERT INTO ledgers (id, name, template, base_currency, country_code, locale, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, ledgerName, t.key, t.baseCurrency, t.countryCode, t.locale, this.nowMs());
      const currency = this.prepare(
        'INSERT INTO ledger_currencies (ledger_id, code) VALUES (?, ?)',
      );
      for (const code of t.currencies) currency.run(id, code);
      const acc = this.prepare(
        `INSERT INTO accounts (ledger_id, id, code, name, classification, type, status, is_bank, enable_payments, sort)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      Object.values(t.accounts).forEach((a, i) =>
        acc.run(
          id,
          a.id,
          a.code,
          a.name,
          a.classification,
          a.type,
          a.status,
          +a.isBankAccount,
          +a.enablePaymentsToAccount,
          i,
        ),
      );
      const tax = this.prepare(
        `INSERT INTO tax_rates (ledger_id, id, name, effective_rate, status, liability_account_id, sort)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      Object.values(t.taxRates).forEach((r, i) =>
        tax.run(id, r.id, r.name, r.effectiveRate, r.status, r.liabilityAccountId, i),
      );
      const contact = this.prepare(
        `INSERT INTO contacts (ledger_id, id, name, is_customer, is_supplier, status, sort) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      Object.values(t.contacts).forEach((c, i) =>
        contact.run(id, c.id, c.name, +c.isCustomer, +c.isSupplier, c.status, i),
      );
    });
    insert();
    return id;
  }

  private ledgerRow(ledgerId: string): LedgerRow | undefined {
    return this.prepare('SELECT * FROM ledgers WHERE id = ?').get(ledgerId) as
      LedgerRow | undefined;
  }

  /** The ledger row or a RangeError naming the unknown id. */
  private requireLedger(ledgerId: string): LedgerRow {
    const row = this.ledgerRow(ledgerId);
    if (!row) throw new RangeError(`No sandbox ledger "${ledgerId}".`);
    return row;
  }

  hasLedger(ledgerId: string): boolean {
    return this.ledgerRow(ledgerId) !== undefined;
  }

  listLedgers(): SandboxLedgerSummary[] {
    const rows = this.prepare(
      `SELECT l.*, (SELECT COUNT(*) FROM documents d WHERE d.ledger_id = l.id) AS document_count
         FROM ledgers l ORDER BY l.created_at, l.rowid`,
    ).all() as (LedgerRow & { document_count: number })[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      template: r.template as SandboxTemplateKey,
      baseCurrency: r.base_currency,
      lockDate: r.lock_date,
      documentCount: r.document_count,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  company(ledgerId: string): SandboxCompany & { locale: string } {
    const r = this.requireLedger(ledgerId);
    return {
      id: r.id,
      name: r.name,
      template: r.template as SandboxTemplateKey,
      baseCurrency: r.base_currency,
      currencies: this.currencies(ledgerId),
      countryCode: r.country_code,
      lockDate: r.lock_date,
      subscriptionExpired: r.subscription_expired === 1,
      locale: r.locale,
    };
  }

  currencies(ledgerId: string): string[] {
    const base = this.requireLedger(ledgerId).base_currency;
    const rows = this.prepare(
      'SELECT code FROM ledger_currencies WHERE ledger_id = ? ORDER BY code',
    ).all(ledgerId) as { code: string }[];
    return [base, ...rows.map((r) => r.code).filter((c) => c !== base)];
  }

  addCurrency(ledgerId: string, currency: string): void {
    this.requireLedger(ledgerId);
    if (!/^[A-Z]{3}$/.test(currency))
      throw new RangeError(`"${currency}" is not an ISO 4217 code such as EUR.`);
    this.prepare('INSERT OR IGNORE INTO ledger_currencies (ledger_id, code) VALUES (?, ?)').run(
      ledgerId,
      currency,
    );
  }

  setLockDate(ledgerId: string, date: string | null): void {
    this.requireLedger(ledgerId);
    if (date !== null && !isCalendarDate(date))
      throw new RangeError(`"${date}" is not a date as YYYY-MM-DD.`);
    this.prepare('UPDATE ledgers SET lock_date = ? WHERE id = ?').run(date, ledgerId);
  }

  setSubscriptionExpired(ledgerId: string, expired: boolean): void {
    this.requireLedger(ledgerId);
    this.prepare('UPDATE ledgers SET subscription_expired = ? WHERE id = ?').run(
      +expired,
      ledgerId,
    );
  }

  failNextRequests(ledgerId: string, count: number, status: number): void {
    this.requireLedger(ledgerId);
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError('count must be a whole number ≥ 0.');
    // 0: the calls never answer (see SandboxAdmin.hangNextRequests).
    if (status !== 0 && status !== 429 && (status < 500 || status > 599))
      throw new RangeError('status must be 429 or 5xx.');
    this.prepare('UPDATE ledgers SET fail_remaining = ?, fail_status = ? WHERE id = ?').run(
      count,
      status,
      ledgerId,
    );
  }

  /** Consumes one simulated failure, returning its HTTP status (0: hang), or null when none is armed. */
  takeSimulatedFailure(ledgerId: string): number | null {
    const row = this.prepare(
      'UPDATE ledgers SET fail_remaining = fail_remaining - 1 WHERE id = ? AND fail_remaining > 0 RETURNING fail_status',
    ).get(ledgerId) as { fail_status: number } | undefined;
    return row?.fail_status ?? null;
  }

  // ---- chart -------------------------------------------------------------------------

  accounts(ledgerId: string): SandboxAccount[] {
    const currency = this.requireLedger(ledgerId).base_currency;
    const rows = this.prepare('SELECT * FROM accounts WHERE ledger_id = ? ORDER BY sort, id').all(
      ledgerId,
    ) as AccountRow[];
    return rows.map((r) => toAccount(r, currency));
  }

  account(ledgerId: string, accountId: string): SandboxAccount | undefined {
    const row = this.prepare(
      `SELECT a.*, l.base_currency FROM accounts a JOIN ledgers l ON l.id = a.ledger_id WHERE a.ledger_id = ? AND a.id = ?`,
    ).get(ledgerId, accountId) as (AccountRow & { base_currency: string }) | undefined;
    return row && toAccount(row, row.base_currency);
  }

  setAccountStatus(ledgerId: string, accountId: string, status: SandboxAccount['status']): void {
    this.requireLedger(ledgerId);
    const result = this.prepare(
      'UPDATE accounts SET status = ? WHERE ledger_id = ? AND id = ?',
    ).run(status, ledgerId, accountId);
    if (result.changes === 0)
      throw new RangeError(`Ledger "${ledgerId}" has no account "${accountId}".`);
  }

  setAccountPayments(ledgerId: string, accountId: string, enable: boolean): void {
    const result = this.prepare(
      'UPDATE accounts SET enable_payments = ? WHERE ledger_id = ? AND id = ?',
    ).run(+enable, ledgerId, accountId);
    if (result.changes === 0)
      throw new RangeError(`Ledger "${ledgerId}" has no account "${accountId}".`);
  }

  taxRates(ledgerId: string): SandboxTaxRate[] {
    this.requireLedger(ledgerId);
    const rows = this.prepare('SELECT * FROM tax_rates WHERE ledger_id = ? ORDER BY sort, id').all(
      ledgerId,
    ) as TaxRateRow[];
    return rows.map(toTaxRate);
  }

  taxRate(ledgerId: string, taxRateId: string): SandboxTaxRate | undefined {
    const row = this.prepare('SELECT * FROM tax_rates WHERE ledger_id = ? AND id = ?').get(
      ledgerId,
      taxRateId,
    ) as TaxRateRow | undefined;
    return row && toTaxRate(row);
  }

  setTaxRateStatus(ledgerId: string, taxRateId: string, status: SandboxTaxRate['status']): void {
    this.requireLedger(ledgerId);
    const result = this.prepare(
      'UPDATE tax_rates SET status = ? WHERE ledger_id = ? AND id = ?',
    ).run(status, ledgerId, taxRateId);
    if (result.changes === 0)
      throw new RangeError(`Ledger "${ledgerId}" has no tax rate "${taxRateId}".`);
  }

  contacts(ledgerId: string): SandboxContact[] {
    this.requireLedger(ledgerId);
    const rows = this.prepare('SELECT * FROM contacts WHERE ledger_id = ? ORDER BY sort, id').all(
      ledgerId,
    ) as ContactRow[];
    return rows.map(toContact);
  }

  contact(ledgerId: string, contactId: string): SandboxContact | undefined {
    const row = this.prepare('SELECT * FROM contacts WHERE ledger_id = ? AND id = ?').get(
      ledgerId,
      contactId,
    ) as ContactRow | undefined;
    return row && toContact(row);
  }

  setContactStatus(ledgerId: string, contactId: string, status: SandboxContact['status']): void {
    this.requireLedger(ledgerId);
    const result = this.prepare(
      'UPDATE contacts SET status = ? WHERE ledger_id = ? AND id = ?',
    ).run(status, ledgerId, contactId);
    if (result.changes === 0)
      throw new RangeError(`Ledger "${ledgerId}" has no contact "${contactId}".`);
  }

  // ---- documents ----------------------------------------------------------------------

  /** The platform id stored under an idempotency key, if any. */
  documentIdByKey(ledgerId: string, idempotencyKey: string): string | undefined {
    const row = this.prepare(
      'SELECT id FROM documents WHERE ledger_id = ? AND idempotency_key = ?',
    ).get(ledgerId, idempotencyKey) as { id: string } | undefined;
    return row?.id;
  }

  /** Finds a document to settle by platform id, else by its reference. */
  settleable(ledgerId: string, idOrReference: string): SettleableDocument | undefined {
    const row = (this.prepare('SELECT * FROM documents WHERE ledger_id = ? AND id = ?').get(
      ledgerId,
      idOrReference,
    ) ??
      this.prepare(
        'SELECT * FROM documents WHERE ledger_id = ? AND reference = ? ORDER BY seq DESC LIMIT 1',
      ).get(ledgerId, idOrReference)) as DocumentRow | undefined;
    return (
      row && {
        id: row.id,
        kind: row.kind,
        currency: row.currency,
        reference: row.reference,
        amountDue: row.amount_due,
      }
    );
  }

  /**
   * Stores a validated document with its postings in one transaction. `decide` runs inside the
   * transaction so a concurrent write of the same key cannot slip between check and insert;
   * it returns the document to store or throws a {@link LedgerRejection}.
   */
  writeDocument(
    ledgerId: string,
    idempotencyKey: string,
    decide: () => NewDocument,
  ): { platformId: string; replayed: boolean } {
    return this.writeTransaction.immediate(ledgerId, idempotencyKey, decide);
  }

  private writeInTransaction(
    ledgerId: string,
    idempotencyKey: string,
    decide: () => NewDocument,
  ): { platformId: string; replayed: boolean } {
    const existing = this.documentIdByKey(ledgerId, idempotencyKey);
    if (existing) return { platformId: existing, replayed: true };
    const doc = decide();
    const id = randomId('doc', 9);
    const seq = (
      this.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM documents WHERE ledger_id = ?').get(
        ledgerId,
      ) as {
        n: number;
      }
    ).n;
    this.prepare(
      `INSERT INTO documents (id, ledger_id, seq, idempotency_key, reference, kind, date, currency, memo, contact_id,
             applies_to_id, lines_json, net, tax, total, amount_due, posted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      ledgerId,
      seq,
      idempotencyKey,
      doc.reference,
      doc.kind,
      doc.date,
      doc.currency,
      doc.memo,
      doc.contactId,
      doc.appliesToId,
      JSON.stringify(doc.lines),
      doc.net,
      doc.tax,
      doc.total,
      doc.amountDue,
      this.nowMs(),
    );
    const posting = this.prepare(
      `INSERT INTO postings (document_id, line, ledger_id, account_id, currency, debit, credit, description, tax_rate_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    doc.postings.forEach((p, i) =>
      posting.run(
        id,
        i + 1,
        ledgerId,
        p.accountId,
        doc.currency,
        p.debit,
        p.credit,
        p.description,
        p.taxRateId,
      ),
    );
    if (doc.settles) {
      const updated = this.prepare(
        'UPDATE documents SET amount_due = amount_due - ? WHERE id = ? AND amount_due >= ?',
      ).run(doc.settles.amount, doc.settles.documentId, doc.settles.amount);
      if (updated.changes !== 1) throw new Error('Settled document changed during the write.');
    }
    return { platformId: id, replayed: false };
  }

  documents(ledgerId: string): SandboxPostedDocument[] {
    this.requireLedger(ledgerId);
    const rows = this.prepare('SELECT * FROM documents WHERE ledger_id = ? ORDER BY seq').all(
      ledgerId,
    ) as DocumentRow[];
    const postings = this.prepare(
      `SELECT p.*, a.code AS account_code, a.name AS account_name FROM postings p
       LEFT JOIN accounts a ON a.ledger_id = p.ledger_id AND a.id = p.account_id
       WHERE p.document_id = ? ORDER BY p.line`,
    );
    return rows.map((r) => ({
      platformId: r.id,
      idempotencyKey: r.idempotency_key,
      reference: r.reference,
      kind: r.kind,
      date: r.date,
      currency: r.currency,
      memo: r.memo,
      contactId: r.contact_id,
      appliesToId: r.applies_to_id,
      lines: JSON.parse(r.lines_json) as Record<string, unknown>[],
      postings: (
        postings.all(r.id) as {
          account_id: string;
          account_code: string | null;
          account_name: string | null;
          description: string;
          debit: number;
          credit: number;
          tax_rate_id: string | null;
        }[]
      ).map((p): SandboxPosting => ({
        accountId: p.account_id,
        accountCode: p.account_code ?? '',
        accountName: p.account_name ?? p.account_id,
        description: p.description,
        debit: p.debit,
        credit: p.credit,
        taxRateId: p.tax_rate_id,
      })),
      totals: {
        net: r.net,
        tax: r.tax,
        total: r.total,
        totalDecimal: fromMinor(r.total, r.currency),
      },
      amountDue: r.amount_due,
      postedAt: new Date(r.posted_at).toISOString(),
    }));
  }

  trialBalance(ledgerId: string): SandboxTrialBalance {
    const ledger = this.requireLedger(ledgerId);
    const rows = this.prepare(
      `SELECT p.currency, a.id, a.code, a.name, a.classification, SUM(p.debit) AS debit, SUM(p.credit) AS credit
         FROM postings p JOIN accounts a ON a.ledger_id = p.ledger_id AND a.id = p.account_id
         WHERE p.ledger_id = ? GROUP BY p.currency, a.id ORDER BY p.currency, a.code, a.id`,
    ).all(ledgerId) as {
      currency: string;
      id: string;
      code: string;
      name: string;
      classification: string;
      debit: number;
      credit: number;
    }[];
    const byCurrency = new Map<string, SandboxTrialBalanceSection>();
    const section = (currency: string): SandboxTrialBalanceSection => {
      let s = byCurrency.get(currency);
      if (!s) {
        s = {
          currency,
          accounts: [],
          totals: { debit: 0, credit: 0, debitDecimal: '', creditDecimal: '' },
        };
        byCurrency.set(currency, s);
      }
      return s;
    };
    section(ledger.base_currency);
    for (const r of rows) {
      const s = section(r.currency);
      s.accounts.push({
        accountId: r.id,
        code: r.code,
        name: r.name,
        classification: r.classification,
        debit: r.debit,
        credit: r.credit,
        debitDecimal: fromMinor(r.debit, r.currency),
        creditDecimal: fromMinor(r.credit, r.currency),
      });
      s.totals.debit += r.debit;
      s.totals.credit += r.credit;
    }
    for (const s of byCurrency.values()) {
      s.totals.debitDecimal = fromMinor(s.totals.debit, s.currency);
      s.totals.creditDecimal = fromMinor(s.totals.credit, s.currency);
    }
    const base = section(ledger.base_currency);
    return {
      ledgerId,
      ...base,
      otherCurrencies: [...byCurrency.values()].filter((s) => s.currency !== ledger.base_currency),
    };
  }
}

function toAccount(r: AccountRow, currency: string): SandboxAccount {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    classification: r.classification,
    type: r.type,
    status: r.status,
    isBankAccount: r.is_bank === 1,
    enablePaymentsToAccount: r.enable_payments === 1,
    currency,
  };
}

function toTaxRate(r: TaxRateRow): SandboxTaxRate {
  return {
    id: r.id,
    name: r.name,
    effectiveRate: r.effective_rate,
    status: r.status,
    liabilityAccountId: r.liability_account_id,
  };
}

function toContact(r: ContactRow): SandboxContact {
  return {
    id: r.id,
    name: r.name,
    isCustomer: r.is_customer === 1,
    isSupplier: r.is_supplier === 1,
    status: r.status,
  };
}

/** Whether `value` is a real calendar date written as YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
