import { randomUUID } from 'node:crypto';
import { aggregate as defaultAggregate, type AggregateInput, type AggregateResult } from '../../aggregation/index.js';
import { validateConfiguration } from '../../contract/configuration-rules.js';
import { normalizeConfiguration, outputModeOf, PAYMENT_TYPE_KEYS, PAYOUT_ACCOUNT_KEY, UNPAID_SALES_ACCOUNT_KEY, type AccountConfiguration, type Configuration } from '../../contract/configuration.js';
import type { AccountingDocument } from '../../contract/documents.js';
import type { SyncErrorCode, WizardStep } from '../../contract/error-catalog.js';
import { ConnectorError, type AccountingConnector, type ConnectorContext } from '../../platforms/connector.js';
import { withOptions, type LedgerSnapshot } from '../configuration.js';
import { accountingConnection, connectorContext } from '../connections.js';
import type { SecretBox } from '../crypto.js';
import { ERROR_CATALOG } from '../../contract/error-catalog.js';
import { NO_EVENTS, type ServiceEvents } from '../events.js';
import { commerceFacts } from '../facts.js';
import { NO_FAILING_STREAK, type CompanyRecord, type ConnectionRecord, type RunRecord, type Store } from '../store/index.js';
import { addDays, datesIn, localDateOf } from '../time.js';
import { takeRunLease, type HeldRunLease } from './lease.js';
import { windowRecords } from './window-records.js';
import { describeFailure, INTERRUPTED_DETAIL, stepForPath, STATUS_TEXT, type RunFailure } from './status.js';
import { DeferRun } from './queue.js';

/**
 * Support detail of a scheduled run that yielded its worker because a vendor call budget was
 * spent: it stays long-running (1010) and the queue resumes the same run once the budget refills.
 */
export const WAITING_ON_BUDGET_DETAIL = "Waiting for the ledger's call budget to refill; the run resumes where it stopped.";

/** A scheduled run giving its worker back until a vendor call budget refills. */
class RunYield extends Error {
  constructor(readonly delayMs: number) {
    super(`yield for ${delayMs} ms`);
  }
}

/** In a scheduled run, a vendor saying "not now" yields the worker instead of sleeping in it. */
function yieldIfRateLimited(error: unknown, mayYield: boolean): void {
  if (mayYield && error instanceof ConnectorError && error.code === 'rate_limited') {
    // Jitter spreads the runs refused together, so they do not come back together.
    const wait = Math.max(250, error.retryAfterMs ?? 60_000);
    throw new RunYield(wait + Math.floor(Math.random() * Math.min(5_000, wait / 5)));
  }
}

/** What a run is asked to cover. */
export type RunRequest =
  | { trigger: 'scheduled'; end: string }
  | { trigger: 'latest'; syncTo?: string | null }
  | { trigger: 'historic'; start: string; finish: string };

/** Fault-injection and observation hooks (tests, drills). */
export interface RunHooks {
  /** Called after each successful document write, before it is recorded as written. */
  afterWrite?(info: { count: number; reference: string }): void | Promise<void>;
}

/** Dependencies of the run engine. */
export interface RunEngineOptions {
  store: Store;
  connectors: ReadonlyMap<string, AccountingConnector>;
  box: SecretBox;
  now: () => Date;
  /** Identifies this instance in leases. */
  instanceId: string;
  sleep?: (ms: number) => Promise<void>;
  /** Run lease lifetime without renewal (default {@link RUN_LEASE_TTL_MS}); a live run renews it. */
  leaseTtlMs?: number;
  hooks?: RunHooks;
  aggregate?: (input: AggregateInput) => AggregateResult;
  /** Where sync and connection events go (webhooks). */
  events?: ServiceEvents;
}

/**
 * Failing days after which a company's sync is switched off: distinct merchant-local days on
 * which a scheduled run failed, with no success in between (as Codat counted). The days a run
 * covers do not count, so one failing 40-day catch-up run is one failing day.
 */
export const AUTO_DISABLE_DAYS = 31;

/** The failing streak after a failed run of `trigger` on the merchant-local day `today`. */
export function failingStreakAfter(
  company: Pick<CompanyRecord, 'failingSince' | 'failedRunDays' | 'lastFailedRunDay'>,
  trigger: RunRecord['trigger'],
  periodStart: string,
  today: string,
): Pick<CompanyRecord, 'failingSince' | 'failedRunDays' | 'lastFailedRunDay'> {
  const failingSince = company.failingSince ?? periodStart;
  const counts = trigger === 'scheduled' && company.lastFailedRunDay !== today;
  return {
    failingSince,
    failedRunDays: company.failedRunDays + (counts ? 1 : 0),
    lastFailedRunDay: counts ? today : company.lastFailedRunDay,
  };
}

const RUN_FATAL: ReadonlySet<SyncErrorCode> = new Set([
  'authorization_revoked',
  'authorization_expired',
  'connection_deleted',
  'subscription_expired',
  'platform_outage',
  'rate_limited',
]);

const MAX_WRITE_ATTEMPTS = 5;

class RunAbort extends Error {
  constructor(readonly failure: RunFailure) {
    super(failure.detail);
  }
}

/**
 * The merchant-local days a run's event reports (`finish` exclusive, after `start`): the run's
 * period, else the re-opened days it re-synced, else (nothing to cover) the day it would cover next.
 */
function eventPeriod(start: string, end: string, reopened: readonly string[]): { start: string; finish: string } {
  if (start < end) return { start, finish: end };
  const days = [...reopened].sort();
  const first = days[0];
  const last = days[days.length - 1];
  if (first && last) return { start: first, finish: addDays(last, 1) };
  return { start, finish: addDays(start, 1) };
}

/** Write failures caused by the ledger's state (something mapped was archived or removed). */
const LEDGER_STATE_CODES = new Set<string>(['account_archived', 'account_missing', 'tax_rate_missing', 'customer_archived', 'supplier_archived']);

const WIZARD_STEPS = new Set<string>(['output', 'sales', 'taxRates', 'payments', 'fees', 'schedule', 'review', 'connection']);
const wizardStepOf = (step: string | null): WizardStep | null => (step && WIZARD_STEPS.has(step) ? (step as WizardStep) : null);

const PAYMENT_TYPE_NAMES: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(PAYMENT_TYPE_KEYS).map(([name, key]) => [key, name]));

/**
 * A saved configuration cannot leave a row unmapped, so at run time an unmapped tax-rate or
 * payment-type row is one the merchant's sales just brought in: it gets its own catalog code
 * (and message naming the rate or type) rather than the generic configuration_invalid.
 */
function unmappedInSales(error: { itemId: string; validatorName: string }): RunFailure | null {
  if (error.validatorName !== 'selection_required') return null;
  const rate = /^configuration\.sales\.taxRates\.(.+)\.selectedTaxRateId$/.exec(error.itemId)?.[1];
  if (rate) return { code: 'tax_rate_unmapped', params: { taxRate: rate }, detail: `${error.itemId}: sales at ${rate}% have no tax rate mapped`, step: 'taxRates' };
  const key = /^configuration\.payments\.accounts\.(.+)\.selectedAccountId$/.exec(error.itemId)?.[1];
  if (key && key !== PAYOUT_ACCOUNT_KEY && key !== UNPAID_SALES_ACCOUNT_KEY) {
    return { code: 'payment_type_unmapped', params: { paymentType: PAYMENT_TYPE_NAMES[key] ?? key, paymentTypeKey: key }, detail: `${error.itemId}: payment type ${key} has no account mapped`, step: 'payments' };
  }
  return null;
}

/** Ends a run whose lease another instance took over (this one stalled past the lease TTL). */
function stopIfLost(lease: HeldRunLease): void {
  if (lease.lost()) {
    throw new RunAbort({ code: 'duplication_protection', params: {}, detail: 'The run lease was taken over by another instance (this one stalled longer than the lease lasts); it stopped writing.' });
  }
}

function asFailure(error: unknown): RunFailure {
  if (error instanceof RunAbort) return error.failure;
  if (error instanceof ConnectorError) return { code: error.code, params: error.params, detail: error.detail };
  return { code: 'internal_error', params: {}, detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/**
 * Runs syncs: picks the period, checks the configuration against the live ledger, aggregates
 * the merchant-local days, writes each document with its reference as idempotency key, and
 * records per-document results. A crashed run leaves `Pending` items; the next run re-emits
 * the same references and the connector's idempotency makes the re-write a no-op.
 */
export class RunEngine {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly aggregate: (input: AggregateInput) => AggregateResult;
  private readonly writeTimes = new Map<string, number[]>();
  private readonly events: ServiceEvents;

  constructor(private readonly options: RunEngineOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.aggregate = options.aggregate ?? defaultAggregate;
    this.events = options.events ?? NO_EVENTS;
  }

  /** Runs one sync for a company and returns its final status record. */
  async run(companyId: string, request: RunRequest): Promise<RunRecord> {
    const lease = await this.takeLease(companyId);
    if (!lease) {
      return this.recordImmediate(companyId, request.trigger, null, null, {
        code: 'duplication_protection',
        params: {},
        detail: 'Another sync of this company holds the run lease.',
      });
    }
    return this.runHolding(companyId, request, lease);
  }

  /**
   * Like {@link run}, but when a live run of the company holds the lease it records nothing
   * and returns null: the scheduler's way, which comes back on its next tick. With
   * `stillNeeded`, it is asked once the lease is held; false also records nothing.
   */
  async runUnlessBusy(companyId: string, request: RunRequest, stillNeeded?: () => Promise<boolean>): Promise<RunRecord | null> {
    const lease = await this.takeLease(companyId);
    if (!lease) return null;
    // A queued run asks, holding the lease, whether it is still to do: another worker may have
    // just finished the same job, and nothing is recorded for a run not needed.
    let needed = false;
    try {
      needed = stillNeeded ? await stillNeeded() : true;
    } finally {
      if (!needed) await lease.release().catch(() => undefined);
    }
    return needed ? this.runHolding(companyId, request, lease) : null;
  }

  private takeLease(companyId: string): Promise<HeldRunLease | null> {
    return takeRunLease(this.options.store, companyId, this.options.instanceId, this.options.now, this.options.leaseTtlMs);
  }

  private async runHolding(companyId: string, request: RunRequest, lease: HeldRunLease): Promise<RunRecord> {
    const { store, now } = this.options;
    try {
      // Holding the lease means no other run of this company is alive: anything still marked
      // in progress was interrupted (crash, kill) and is closed so its days can be re-run; a
      // scheduled run that yielded on a call budget is resumed by the next scheduled run.
      let resumable: RunRecord | null = null;
      const interrupt = async (stale: RunRecord) => store.finishRun(stale.id, {
          statusCode: 5000,
          statusText: STATUS_TEXT[5000] ?? 'ServerError',
          errorMessage: 'The sync was interrupted. It will run again; documents already posted are not posted twice.',
          exceptionMessage: INTERRUPTED_DETAIL,
          errorCode: 'internal_error',
          wizardStep: null,
          dataPushed: stale.dataPushed,
          completedAt: now().toISOString(),
        });
      for (const stale of await store.runsInProgress(companyId)) {
        const waited = stale.trigger === 'scheduled' && stale.exceptionMessage === WAITING_ON_BUDGET_DETAIL;
        if (waited && request.trigger === 'scheduled' && !resumable) resumable = stale;
        else await interrupt(stale);
      }
      const resume = { run: resumable, adopted: false };
      try {
        return await this.runLeased(companyId, request, lease, resume);
      } finally {
        if (resume.run && !resume.adopted) await interrupt(resume.run);
      }
    } finally {
      await lease.release().catch(() => undefined);
    }
  }

  private async recordImmediate(companyId: string, trigger: RunRecord['trigger'], start: string | null, end: string | null, failure: RunFailure | null): Promise<RunRecord> {
    const at = this.options.now().toISOString();
    const d = failure ? describeFailure(failure, 'your accounting platform') : null;
    return this.options.store.insertRun({
      id: randomUUID(),
      companyId,
      trigger,
      periodStart: start,
      periodEnd: end,
      statusCode: d?.statusCode ?? 2040,
      statusText: d?.statusText ?? 'Complete',
      errorMessage: d?.errorMessage ?? '',
      exceptionMessage: d?.exceptionMessage ?? '',
      errorCode: d?.errorCode ?? null,
      wizardStep: d?.wizardStep ?? null,
      errorParams: d?.errorParams ?? null,
      dataPushed: false,
      createdAt: at,
      completedAt: at,
    });
  }

  private async runLeased(companyId: string, request: RunRequest, lease: HeldRunLease, resume: { run: RunRecord | null; adopted: boolean }): Promise<RunRecord> {
    const { store, now } = this.options;
    const company = await store.getCompany(companyId);
    if (!company) throw new Error(`Unknown company ${companyId}`);
    const config = normalizeConfiguration(company.config ?? {});
    const timeZone = config.schedule?.timeZone ?? 'Etc/UTC';
    const startDate = config.schedule?.startDate?.slice(0, 10) ?? null;
    const today = localDateOf(now(), timeZone);

    if (!company.configured || !startDate) {
      return this.recordImmediate(companyId, request.trigger, null, null, {
        code: 'configuration_invalid',
        params: { detail: 'finish setting up the sync (accounts, tax rates and schedule) first.' },
        detail: 'Company has no saved configuration.',
        step: 'review',
      });
    }

    // The period: whole merchant-local days, start inclusive, end exclusive.
    const firstUnsynced = company.syncedThrough ?? startDate;
    let periodStart: string;
    let periodEnd: string;
    if (request.trigger === 'historic') {
      periodStart = request.start;
      periodEnd = addDays(request.finish, 1);
      const overlapsSynced = company.syncedThrough !== null && periodStart < company.syncedThrough && periodEnd > startDate;
      const written = overlapsSynced ? [] : await store.writtenDocumentsForDays(companyId, datesIn(periodStart, periodEnd));
      if (overlapsSynced || written.length > 0) {
        return this.recordImmediate(companyId, 'historic', periodStart, periodEnd, {
          code: 'duplication_protection',
          params: {},
          detail: `Requested ${periodStart}..${periodEnd} overlaps days already synced (synced through ${company.syncedThrough ?? 'none'}).`,
        });
      }
    } else {
      periodStart = firstUnsynced;
      const requestedEnd = request.trigger === 'scheduled' ? request.end : request.syncTo ? localDateOf(request.syncTo, timeZone) : today;
      periodEnd = requestedEnd < today ? requestedEnd : today;
      if (periodEnd < periodStart) periodEnd = periodStart;
    }
    const dirty = request.trigger === 'historic' ? [] : (await store.dirtyDays(companyId)).filter((d) => d.day < periodStart);
    const reopened = dirty.map((d) => d.day);

    const startedAt = now().toISOString();
    const resumed = resume.run && resume.run.periodStart === periodStart && resume.run.periodEnd === periodEnd ? resume.run : null;
    if (resumed) {
      resume.adopted = true;
      await store.finishRun(resumed.id, {
        statusCode: 1000, statusText: STATUS_TEXT[1000] ?? 'InProgress', errorMessage: '', exceptionMessage: '',
        errorCode: null, wizardStep: null, dataPushed: resumed.dataPushed, completedAt: null,
      });
    }
    const mayYield = request.trigger === 'scheduled';
    const progress = { written: 0 };
    const run = resumed ?? await store.insertRun({
      id: randomUUID(),
      companyId,
      trigger: request.trigger,
      periodStart,
      periodEnd,
      statusCode: 1000,
      statusText: STATUS_TEXT[1000] ?? 'InProgress',
      errorMessage: '',
      exceptionMessage: '',
      errorCode: null,
      wizardStep: null,
      errorParams: null,
      dataPushed: false,
      createdAt: startedAt,
      completedAt: null,
    });

    let platformName = 'your accounting platform';
    let connection: ConnectionRecord | null = null;
    let written = 0;
    try {
      connection = accountingConnection(await store.listConnections(companyId));
      if (!connection) throw new RunAbort({ code: 'connection_deleted', params: {}, detail: 'Company has no accounting connection.' });
      const connector = this.options.connectors.get(connection.platformKey);
      if (!connector) throw new RunAbort({ code: 'connection_deleted', params: {}, detail: `No connector registered for platform "${connection.platformKey}".` });
      platformName = connector.platform.name;
      if (connection.status !== 'Linked' || !connection.tokens) {
        throw new RunAbort({ code: 'authorization_revoked', params: {}, detail: `Connection ${connection.id} is ${connection.status}.` });
      }
      const ctx = await connectorContext(store, this.options.box, connector, connection, now);
      const ledger = await this.ledgerSnapshot(connector, ctx, mayYield);
      const facts = await commerceFacts(store, companyId);
      const filled = withOptions(company.config, ledger, facts, companyId);
      this.checkAgainstLedger(filled, ledger, platformName);

      const documents: AccountingDocument[] = [];
      const problems: AggregateResult['problems'] = [];
      const windows: { start: string; end: string }[] = [];
      if (periodStart < periodEnd) windows.push({ start: periodStart, end: periodEnd });
      for (const day of reopened) windows.push({ start: day, end: addDays(day, 1) });
      for (const window of windows) {
        const result = await this.aggregateWindow(company, filled, timeZone, window);
        documents.push(...result.documents);
        problems.push(...result.problems);
      }

      written = await this.writeAll(run, connector, ctx, documents, lease, mayYield, progress);
      // Documents an earlier pass of a resumed run wrote count too.
      if (resumed?.dataPushed) written = Math.max(written, 1);
      const firstProblem = problems[0];
      if (firstProblem) {
        throw new RunAbort({
          code: firstProblem.code,
          params: firstProblem.params,
          message: firstProblem.message,
          detail: `${problems.length} aggregation problem(s); first on ${firstProblem.date}: ${firstProblem.message} (records ${firstProblem.recordIds.slice(0, 5).join(', ')})${isolatedSummary(problems)}`,
          step: firstProblem.configPath ? stepForPath(firstProblem.configPath) : undefined,
        });
      }
      const failed = (await store.itemsForRun(companyId, run.id)).filter((i) => i.status !== 'Written');
      const firstFailed = failed[0];
      if (firstFailed) {
        let step: WizardStep | null | undefined;
        if (firstFailed.errorCode && LEDGER_STATE_CODES.has(firstFailed.errorCode)) {
          // The ledger changed while the run was writing. The check every run starts with names
          // the mapping that now points at something unusable, and so the wizard step to fix it.
          try {
            const fresh = await this.ledgerSnapshot(connector, ctx, false);
            this.checkAgainstLedger(withOptions(company.config, fresh, facts, companyId), fresh, platformName);
          } catch (error) {
            if (error instanceof RunAbort) step = error.failure.step;
          }
        }
        throw new RunAbort({
          step,
          code: (firstFailed.errorCode as SyncErrorCode | null) ?? 'document_rejected',
          // The item's own specifics (lock date, currency, account, …) win over the generic ones.
          params: { document: firstFailed.kind, date: firstFailed.day, detail: firstFailed.errorMessage ?? '', ...firstFailed.errorParams },
          // Items keep the merchant message already filled with the failure's own params
          // (account name, mapping, …); the catalog template alone would leave them blank.
          message: firstFailed.errorMessage || undefined,
          detail: `${failed.length} document(s) not written; first ${firstFailed.reference}: ${firstFailed.detail ?? firstFailed.errorMessage ?? ''}`,
        });
      }

      const completedAt = now().toISOString();
      await store.transaction(async (tx) => {
        await tx.finishRun(run.id, {
          statusCode: written > 0 ? 2000 : 2040,
          statusText: 'Complete',
          errorMessage: '',
          exceptionMessage: '',
          errorCode: null,
          wizardStep: null,
          dataPushed: written > 0,
          completedAt,
        });
        await this.markSucceeded(tx, company, request.trigger, periodStart, periodEnd, reopened, startedAt, completedAt);
        if (connection) await tx.updateConnection(connection.id, { lastSync: completedAt });
        // A run with no day to cover (already synced through today) is not news for the partner.
        if (periodStart < periodEnd || reopened.length > 0) {
          await this.events.emit({
            id: `sync.succeeded:${run.id}`,
            type: 'sync.succeeded',
            companyId,
            createdAt: completedAt,
            data: {
              syncId: run.id,
              dataConnectionId: connection?.id ?? null,
              period: eventPeriod(periodStart, periodEnd, reopened),
              syncStatusCode: written > 0 ? 2000 : 2040,
              errorCode: null,
              merchantMessage: null,
              documentCount: written,
            },
          }, tx);
        }
      });
    } catch (error) {
      if (error instanceof RunYield) {
        // Not a failure: the run stays long-running with what it wrote, and comes back.
        await store.finishRun(run.id, {
          statusCode: 1010, statusText: STATUS_TEXT[1010] ?? 'LongRunning', errorMessage: '', exceptionMessage: WAITING_ON_BUDGET_DETAIL,
          errorCode: null, wizardStep: null, dataPushed: progress.written > 0 || (resumed?.dataPushed ?? false), completedAt: null,
        });
        throw new DeferRun(error.delayMs, 'budget');
      }
      const failure = asFailure(error);
      const described = describeFailure(failure, platformName);
      const completedAt = now().toISOString();
      const streak = failingStreakAfter(company, request.trigger, periodStart, today);
      const disable = request.trigger !== 'historic' && streak.failedRunDays >= AUTO_DISABLE_DAYS;
      const errorMessage = disable
        ? `${described.errorMessage} Syncing is paused after ${AUTO_DISABLE_DAYS} days of failures: fix this, then turn syncing back on.`
        : described.errorMessage;
      const period = eventPeriod(periodStart, periodEnd, reopened);
      const wizardStep = wizardStepOf(described.wizardStep);
      await store.transaction(async (tx) => {
        await tx.finishRun(run.id, {
          ...described,
          errorMessage,
          dataPushed: written > 0,
          completedAt,
        });
        // What both failure events say about the run.
        const failed = {
          syncId: run.id,
          dataConnectionId: connection?.id ?? null,
          period,
          syncStatusCode: described.statusCode,
          errorCode: failure.code,
          merchantMessage: errorMessage,
          wizardStep,
        };
        await this.events.emit({
          id: `sync.failed:${run.id}`,
          type: 'sync.failed',
          companyId,
          createdAt: completedAt,
          data: { ...failed, retryable: ERROR_CATALOG[failure.code].retryable },
        }, tx);
        if (disable && company.enabled) {
          await this.events.emit({
            id: `sync.disabled:${run.id}`,
            type: 'sync.disabled',
            companyId,
            createdAt: completedAt,
            data: {
              ...failed,
              consecutiveFailedDays: streak.failedRunDays,
            },
          }, tx);
        }
        if (request.trigger !== 'historic') {
          await tx.updateCompany(company.id, {
            ...streak,
            ...(disable ? { enabled: false, config: { ...(company.config ?? {}), enabled: false, enable: undefined } } : {}),
          });
        }
        if (connection && (failure.code === 'authorization_revoked' || failure.code === 'authorization_expired')) {
          await tx.updateConnection(connection.id, {
            status: 'Deauthorized',
            errors: [...connection.errors, {
              statusCode: String(described.statusCode),
              statusText: described.statusText,
              errorMessage: described.errorMessage,
              erroredOnUtc: completedAt,
              status: 'Active',
            }],
          });
          if (connection.status === 'Linked') {
            await this.events.emit({
              id: `connection.deauthorized:${run.id}`,
              type: 'connection.deauthorized',
              companyId,
              createdAt: completedAt,
              data: { connectionId: connection.id, platformKey: connection.platformKey, initiatedBy: 'platform', errorCode: failure.code, merchantMessage: described.errorMessage },
            }, tx);
          }
        }
      });
    }
    const final = await store.getRun(companyId, run.id);
    if (!final) throw new Error(`Run ${run.id} vanished`);
    return final;
  }

  private async markSucceeded(tx: Store, company: CompanyRecord, trigger: RunRecord['trigger'], start: string, end: string, reopened: string[], startedAt: string, completedAt: string): Promise<void> {
    const current = company.syncedThrough;
    let syncedThrough = current;
    if (trigger !== 'historic') syncedThrough = !current || end > current ? end : current;
    else if (current && start <= current && end > current) syncedThrough = end;
    await tx.updateCompany(company.id, { syncedThrough, ...NO_FAILING_STREAK, lastSync: completedAt });
    const cleared = trigger === 'historic' ? [] : [...reopened, ...datesIn(start, end)];
    if (cleared.length) await tx.clearDirty(company.id, cleared, startedAt);
  }

  /**
   * Retries a platform call on rate limiting and outages, waiting as the platform asks; a
   * scheduled run (`mayYield`) yields its worker on rate limiting instead of waiting.
   */
  private async retrying<T>(call: () => Promise<T>, mayYield: boolean): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await call();
      } catch (error) {
        yieldIfRateLimited(error, mayYield);
        const retryable = error instanceof ConnectorError && (error.code === 'rate_limited' || error.code === 'platform_outage');
        if (!retryable || attempt >= MAX_WRITE_ATTEMPTS) throw error;
        await this.sleep(error.retryAfterMs ?? Math.min(200 * 2 ** (attempt - 1), 5_000));
      }
    }
  }

  private async ledgerSnapshot(connector: AccountingConnector, ctx: ConnectorContext, mayYield: boolean): Promise<LedgerSnapshot> {
    const info = await this.retrying(() => connector.getCompanyInfo(ctx), mayYield);
    const accounts = await this.retrying(() => connector.listAccounts(ctx), mayYield);
    const taxRates = await this.retrying(() => connector.listTaxRates(ctx), mayYield);
    const customers = await this.retrying(() => connector.listCustomers(ctx), mayYield);
    const suppliers = await this.retrying(() => connector.listSuppliers(ctx), mayYield);
    return { companyName: info.name, accounts, taxRates, customers, suppliers };
  }

  /** Live checks with specific catalog codes first, then the shared configuration rules. */
  private checkAgainstLedger(config: Configuration, ledger: LedgerSnapshot, platformName: string): void {
    const commerce = config.configuration ?? {};
    const invoiceMode = outputModeOf(commerce.mapSettings) === 'Invoice';
    // With no income account left, "choose another account" cannot be followed: say what can.
    if (commerce.sales?.syncSales !== false && !ledger.accounts.some((a) => a.classification === 'Income' && a.status === 'Active')) {
      throw new RunAbort({ code: 'no_sales_account', params: {}, detail: 'The ledger has no active Income account.', step: 'sales' });
    }
    const sections: [string, Record<string, AccountConfiguration> | null | undefined][] = [
      ['configuration.sales.accounts', commerce.sales?.syncSales !== false ? commerce.sales?.accounts : null],
      ['configuration.payments.accounts', commerce.payments?.syncPayments !== false ? commerce.payments?.accounts : null],
      ['configuration.fees.accounts', commerce.fees?.syncFees ? commerce.fees?.accounts : null],
    ];
    for (const [path, rows] of sections) {
      for (const [key, row] of Object.entries(rows ?? {})) {
        const id = row.selectedAccountId;
        if (!id) continue;
        const account = ledger.accounts.find((a) => a.id === id);
        const mapping = row.labelText ?? key;
        // The row as `<section>.<key>` ("payments.card"), so clients can name it in their own words.
        const mappingKey = `${path.split('.')[1] ?? ''}.${key}`;
        if (!account || account.status === 'Deleted') {
          throw new RunAbort({ code: 'account_missing', params: { accountName: account?.name ?? id, mapping, mappingKey }, detail: `${path}.${key}: account ${id} not in ledger`, step: stepForPath(path) });
        }
        if (account.status === 'Archived') {
          throw new RunAbort({ code: 'account_archived', params: { accountName: account.name, mapping, mappingKey }, detail: `${path}.${key}: account ${id} archived`, step: stepForPath(path) });
        }
      }
    }
    if (commerce.sales?.syncSales !== false) {
      for (const [rate, row] of Object.entries(commerce.sales?.taxRates ?? {})) {
        const id = row.selectedTaxRateId;
        if (!id) continue;
        const taxRate = ledger.taxRates.find((t) => t.id === id);
        if (!taxRate || taxRate.status !== 'Active') {
          throw new RunAbort({ code: 'tax_rate_missing', params: { taxRate: rate }, detail: `tax rate ${id} for ${rate}% is ${taxRate?.status ?? 'missing'}` });
        }
      }
      const customerId = commerce.sales?.salesCustomer?.selectedCustomerId;
      if (invoiceMode && customerId) {
        const customer = ledger.customers.find((c) => c.id === customerId);
        if (!customer || customer.status !== 'Active') {
          throw new RunAbort({ code: 'customer_archived', params: { contactName: customer?.name ?? customerId }, detail: `customer ${customerId} is ${customer?.status ?? 'missing'}` });
        }
      }
    }
    const supplierId = commerce.fees?.feesSupplier?.selectedSupplierId;
    if (invoiceMode && commerce.fees?.syncFees && supplierId) {
      const supplier = ledger.suppliers.find((s) => s.id === supplierId);
      if (!supplier || supplier.status !== 'Active') {
        throw new RunAbort({ code: 'supplier_archived', params: { contactName: supplier?.name ?? supplierId }, detail: `supplier ${supplierId} is ${supplier?.status ?? 'missing'}` });
      }
    }
    const errors = validateConfiguration(config, { platformName });
    const first = errors[0];
    if (first) {
      throw new RunAbort(unmappedInSales(first) ?? {
        code: 'configuration_invalid',
        params: { detail: first.message },
        detail: errors.map((e) => `${e.itemId}: ${e.validatorName}`).join('; '),
        step: stepForPath(first.itemId),
      });
    }
  }

  /**
   * Aggregates the company's stored records for whole merchant-local days `window` (end
   * exclusive) under `config`. With `posted: false` the documents already written for those
   * days are not read, so the result is what the configuration posts from scratch (the preview).
   */
  async aggregateWindow(company: CompanyRecord, config: Configuration, timeZone: string, window: { start: string; end: string }, options: { posted?: boolean; platformName?: string } = {}): Promise<AggregateResult> {
    const { store } = this.options;
    const records = await windowRecords(store, company.id, timeZone, window);
    const posted = options.posted === false ? [] : (await store.writtenDocumentsForDays(company.id, datesIn(window.start, window.end))).map((i) => i.document);
    return this.aggregate({
      companyId: company.id,
      configuration: config,
      period: window,
      records,
      posted,
      ...(options.platformName ? { platformName: options.platformName } : {}),
    });
  }

  /** Records then writes documents in order; returns how many were newly written. */
  private async writeAll(run: RunRecord, connector: AccountingConnector, ctx: ConnectorContext, documents: readonly AccountingDocument[], lease: HeldRunLease, mayYield: boolean, progress: { written: number }): Promise<number> {
    const { store, now } = this.options;
    if (documents.length === 0) return 0;
    await store.recordPendingItems(run.companyId, run.id, documents, now().toISOString());
    const existing = new Map((await store.itemsByReference(run.companyId, documents.map((d) => d.reference))).map((i) => [i.reference, i]));
    let written = 0;
    const stopped = new Set<string>();
    for (const document of documents) {
      if (existing.get(document.reference)?.status === 'Written') continue;
      if (stopped.has(dayGroupOf(document))) continue;
      stopIfLost(lease);
      const ok = await this.writeOne(run.companyId, connector, ctx, document, () => written + 1, mayYield);
      if (ok === 'written') {
        written += 1;
        progress.written = written;
      }
      if (ok === 'failed') stopped.add(dayGroupOf(document));
      if (ok === 'fatal') break;
    }
    return written;
  }

  /** Writes one document (idempotently) and records the result. */
  private async writeOne(companyId: string, connector: AccountingConnector, ctx: ConnectorContext, document: AccountingDocument, count: () => number, mayYield = false): Promise<'written' | 'failed' | 'fatal'> {
    const { store, now } = this.options;
    const dependencies = [document.appliesTo, document.adjusts].filter((r): r is string => !!r);
    const related: Record<string, string> = {};
    if (dependencies.length) {
      for (const item of await store.itemsByReference(companyId, dependencies)) {
        if (item.status === 'Written' && item.platformId) related[item.reference] = item.platformId;
      }
      const missing = document.appliesTo && !related[document.appliesTo] ? document.appliesTo : null;
      if (missing) {
        const rejected = describeFailure(
          { code: 'document_rejected', params: { document: document.kind, date: document.date, detail: `it settles ${missing}, which was not posted` }, detail: '' },
          connector.platform.name,
        );
        await store.markItem(companyId, document.reference, {
          status: 'Failed',
          errorCode: 'document_rejected',
          errorMessage: rejected.errorMessage,
          errorParams: rejected.errorParams,
          detail: `Dependency ${missing} not written`,
          updatedAt: now().toISOString(),
        });
        return 'failed';
      }
    }
    for (let attempt = 1; ; attempt += 1) {
      let result: Awaited<ReturnType<AccountingConnector['writeDocument']>>;
      try {
        await this.pace(connector);
        result = await connector.writeDocument(ctx, document, { idempotencyKey: document.reference, related });
      } catch (error) {
        // The document stays pending: the resumed run writes it (same idempotency key).
        yieldIfRateLimited(error, mayYield);
        const failure = asFailure(error);
        const retryable = failure.code === 'rate_limited' || failure.code === 'platform_outage';
        if (retryable && attempt < MAX_WRITE_ATTEMPTS) {
          const retryAfter = error instanceof ConnectorError ? error.retryAfterMs : undefined;
          await this.sleep(retryAfter ?? Math.min(200 * 2 ** (attempt - 1), 5_000));
          continue;
        }
        const described = describeFailure(failure, connector.platform.name);
        await store.markItem(companyId, document.reference, {
          status: 'Failed',
          errorCode: failure.code,
          errorMessage: described.errorMessage,
          errorParams: described.errorParams,
          detail: failure.detail,
          updatedAt: now().toISOString(),
        });
        return RUN_FATAL.has(failure.code) ? 'fatal' : 'failed';
      }
      // Outside the catch on purpose: a hook that throws stands for the process dying here.
      await this.options.hooks?.afterWrite?.({ count: count(), reference: document.reference });
      await store.markItem(companyId, document.reference, { status: 'Written', platformId: result.platformId, updatedAt: now().toISOString() });
      return 'written';
    }
  }

  /** Keeps writes under the platform's per-minute budget (sliding one-minute window). */
  private async pace(connector: AccountingConnector): Promise<void> {
    const key = connector.platform.key;
    // Reads share the platform budget; leave a tenth of it for them.
    const budget = Math.max(1, Math.floor(connector.rateLimits.requestsPerMinute * 0.9));
    const times = this.writeTimes.get(key) ?? [];
    const t = performance.now();
    while (times.length && t - (times[0] ?? 0) > 60_000) times.shift();
    if (times.length >= budget) {
      await this.sleep(60_000 - (t - (times[0] ?? t)));
      times.shift();
    }
    times.push(performance.now());
    this.writeTimes.set(key, times);
  }

  /**
   * Retries only the failed (or interrupted) items of a run, in their original order, each
   * with its own idempotency key. When every item of the run is then written and the run had
   * failed while writing, the run is marked successful and its days count as synced.
   */
  async retry(companyId: string, runId: string): Promise<RunRecord> {
    const { store, now } = this.options;
    const lease = await this.takeLease(companyId);
    if (!lease) throw new RunAbort({ code: 'duplication_protection', params: {}, detail: 'A sync of this company is running.' });
    try {
      const run = await store.getRun(companyId, runId);
      const company = await store.getCompany(companyId);
      if (!run || !company) throw new Error(`Unknown run ${runId}`);
      const items = await store.itemsForRun(companyId, runId);
      const pending = items.filter((i) => i.status !== 'Written');
      if (pending.length === 0) return run;
      const connection = accountingConnection(await store.listConnections(companyId));
      const connector = connection ? this.options.connectors.get(connection.platformKey) : undefined;
      if (!connection || !connector || connection.status !== 'Linked') return run;
      const ctx = await connectorContext(store, this.options.box, connector, connection, now);
      let written = 0;
      const stopped = new Set<string>();
      for (const item of pending) {
        if (stopped.has(dayGroupOf(item.document))) continue;
        stopIfLost(lease);
        const outcome = await this.writeOne(companyId, connector, ctx, item.document, () => written + 1);
        if (outcome === 'written') written += 1;
        if (outcome === 'failed') stopped.add(dayGroupOf(item.document));
        if (outcome === 'fatal') break;
      }
      const after = await store.itemsForRun(companyId, runId);
      const writeFailure = run.errorCode !== null && !['configuration_invalid', 'payment_type_unmapped', 'tax_rate_unmapped', 'no_sales_account', 'duplication_protection'].includes(run.errorCode);
      if (after.every((i) => i.status === 'Written') && writeFailure && run.periodStart && run.periodEnd) {
        const completedAt = now().toISOString();
        await store.transaction(async (tx) => {
          await tx.finishRun(run.id, {
            statusCode: 2000, statusText: 'Complete', errorMessage: '', exceptionMessage: `Completed by retry at ${completedAt}`,
            errorCode: null, wizardStep: null, dataPushed: true, completedAt,
          });
          await this.markSucceeded(tx, company, run.trigger, run.periodStart ?? '', run.periodEnd ?? '', [], run.createdAt, completedAt);
          await this.events.emit({
            id: `sync.succeeded:${run.id}`,
            type: 'sync.succeeded',
            companyId,
            createdAt: completedAt,
            data: {
              syncId: run.id,
              dataConnectionId: connection.id,
              period: eventPeriod(run.periodStart ?? '', run.periodEnd ?? '', []),
              syncStatusCode: 2000,
              errorCode: null,
              merchantMessage: null,
              documentCount: after.length,
            },
          }, tx);
        });
      }
      const final = await store.getRun(companyId, runId);
      return final ?? run;
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
}

/**
 * The merchant-day × group a document belongs to. Its documents are written in dependency order
 * and the first that fails stops the rest of that day-group in this pass (they stay pending;
 * other days go on); the next run or a retry writes what is missing, computed from what the
 * ledger already holds, so nothing is written twice.
 */
function dayGroupOf(document: AccountingDocument): string {
  const g = document.group;
  return `${document.date}|${g.currency}|${g.locationId ?? ''}|${g.country ?? ''}`;
}

export { RunAbort };

/**
 * Support detail for records that failed only themselves: each record, its day and why, while
 * the rest of those days was posted (the days stay incomplete until the records are fixed or deleted).
 */
function isolatedSummary(problems: AggregateResult['problems']): string {
  const isolated = problems.filter((p) => p.isolated);
  if (isolated.length === 0) return '';
  const named = isolated.slice(0, 20).map((p) => `${p.recordIds[0] ?? '?'} (${p.date}): ${String(p.params.detail ?? p.code)}`);
  const more = isolated.length > named.length ? `; and ${isolated.length - named.length} more` : '';
  return `. ${isolated.length} record(s) left out, the rest of their days posted; each day stays incomplete until its records are re-pushed fixed or deleted: ${named.join('; ')}${more}`;
}
