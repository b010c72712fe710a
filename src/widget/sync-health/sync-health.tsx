'use client';
import type { FormEvent, ReactNode, RefObject } from 'react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ERROR_CATALOG, type SyncErrorCode } from '../../contract/error-catalog.js';
import type {
  SupportPlatform,
  CompanyHealth,
  SupportRun,
  SupportSearchQuery,
  SupportSyncDetail,
} from '../../contract/support.js';
import { CompanyHealthSchema } from '../../contract/support.js';
import { Button } from '../components/button.js';
import type { SupportClient } from './client.js';
import { PushItemRows } from './explain-lines.js';
import {
  SupportClientProvider,
  useReenableCompany,
  useRetryFailedItems,
  useSupportCompany,
  useSupportConfiguration,
  useSupportDeliveries,
  useSupportHistory,
  useSupportSearch,
  useSupportSync,
  useSyncHealthI18n,
} from './hooks.js';
import type { SyncHealthMessages } from './messages.js';

/** What `<SyncHealth>` shows: a company (and one of its syncs), or nothing selected. */
export interface SyncHealthSelection {
  companyId: string | null;
  syncId: string | null;
}

/** Props of {@link SyncHealth}. */
export interface SyncHealthProps {
  /** The support client (`createSupportClient`), authenticated as support staff. */
  client: SupportClient;
  /** Controlled selection. */
  selection?: SyncHealthSelection;
  /** Initial selection when uncontrolled. */
  defaultSelection?: SyncHealthSelection;
  /** Fires when support opens a company or a sync, or goes back. */
  onSelectionChange?: (selection: SyncHealthSelection) => void;
  /** Fires after "retry failed items" finished, with how many were written. */
  onRetried?: (result: {
    companyId: string;
    syncId: string;
    attempted: number;
    written: number;
    stillFailing: number;
  }) => void;
  /** Fires after a company was re-enabled. */
  onReenabled?: (result: { companyId: string; startDate: string }) => void;
  /** Override any Sync Health message. */
  messages?: Partial<SyncHealthMessages>;
  /** Heading level of the component title (default 2); inner headings follow. */
  headingLevel?: 1 | 2 | 3 | 4;
}

type T = ReturnType<typeof useSyncHealthI18n>['t'];
type Format = ReturnType<typeof useSyncHealthI18n>['format'];

/** The run queue's figures Sync Health shows beside the totals (from `GET /health/queue`). */
const QUEUE_FIGURES = ['due', 'queued', 'running', 'waitingOnBudget', 'failed'] as const;

const HEALTHS = CompanyHealthSchema.options;
const STATUS_CODES = [2000, 2040, 4000, 4040, 4220, 4260, 5000, 5080, 5120, 5130];
const ERROR_CODES = Object.keys(ERROR_CATALOG) as SyncErrorCode[];

function Heading({
  level,
  children,
  headingRef,
  ...rest
}: {
  level: number;
  children: ReactNode;
  id?: string;
  tabIndex?: number;
  'data-part'?: string;
  headingRef?: RefObject<HTMLHeadingElement | null>;
}) {
  const Tag = `h${Math.min(Math.max(level, 1), 6)}` as 'h2';
  return (
    <Tag ref={headingRef} {...rest}>
      {children}
    </Tag>
  );
}

function errorText(t: T, error: unknown): string {
  const code =
    typeof error === 'object' && error && 'code' in error
      ? String((error as { code: unknown }).code)
      : '';
  if (code === 'unauthenticated' || code === 'session_invalid' || code === 'session_expired')
    return t('error.unauthenticated');
  if (code === 'not_found') return t('error.notFound');
  if (code === 'network_error') return t('error.network');
  return t('error.generic');
}

function QueryError({ t, error, onRetry }: { t: T; error: unknown; onRetry: () => void }) {
  return (
    <div data-part="error-state" role="alert">
      <p data-part="error-title">{t('error.title')}</p>
      <p data-part="error-message">{errorText(t, error)}</p>
      <Button onClick={onRetry}>{t('retry')}</Button>
    </div>
  );
}

function Loading({ t }: { t: T }) {
  return (
    <div data-part="loading" role="status">
      {t('loading')}
    </div>
  );
}

function runPeriod(t: T, format: Format, run: Pick<SupportRun, 'period'>): string {
  if (!run.period) return t('none');
  // A run that found every day already synced covers no days (`finish` equals `start`).
  if (run.period.finish <= run.period.start) return t('sync.periodEmpty');
  // `finish` is exclusive; show the last day covered.
  const last = new Date(`${run.period.finish}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  const start = format.date(run.period.start);
  const end = format.date(last.toISOString().slice(0, 10));
  return start === end ? start : t('sync.periodRange', { start, end });
}

function catalogMessage(t: T, code: SyncErrorCode | null): string | null {
  return code ? t(`catalog.${code}`) : null;
}

/**
 * Sync Health for support teams: totals by status, company search and filters, sortable sync
 * history, sync detail with every document written, retry of failed items, configuration
 * export, re-enabling switched-off companies and webhook deliveries. Render it inside
 * `<CommerceSyncProvider>` (theme, locale, query client) with a support-staff client.
 *
 * @example
 * <CommerceSyncProvider locale="en-GB">
 *   <SyncHealth client={createSupportClient({ getSupportToken })} onRetried={log} />
 * </CommerceSyncProvider>
 */
export function SyncHealth(props: SyncHealthProps) {
  return (
    <SupportClientProvider value={props.client}>
      <SyncHealthView {...props} />
    </SupportClientProvider>
  );
}

function SyncHealthView({
  selection: controlled,
  defaultSelection,
  onSelectionChange,
  onRetried,
  onReenabled,
  messages,
  headingLevel = 2,
}: SyncHealthProps) {
  const { t, format } = useSyncHealthI18n(messages);
  const titleId = useId();
  const [uncontrolled, setUncontrolled] = useState<SyncHealthSelection>(
    defaultSelection ?? { companyId: null, syncId: null },
  );
  const selection = controlled ?? uncontrolled;
  const select = (next: SyncHealthSelection) => {
    if (!controlled) setUncontrolled(next);
    onSelectionChange?.(next);
  };
  const [query, setQuery] = useState<SupportSearchQuery>({});

  return (
    <section data-part="sync-health" aria-labelledby={titleId}>
      <Heading level={headingLevel} id={titleId} data-part="title">
        {t('title')}
      </Heading>
      <SearchPanel
        t={t}
        format={format}
        query={query}
        onSearch={setQuery}
        selectedCompanyId={selection.companyId}
        onOpen={(companyId) => select({ companyId, syncId: null })}
      />
      {selection.companyId ? (
        <CompanyPanel
          key={selection.companyId}
          t={t}
          format={format}
          level={headingLevel + 1}
          companyId={selection.companyId}
          syncId={selection.syncId}
          onOpenSync={(syncId) => select({ companyId: selection.companyId, syncId })}
          onRetried={onRetried}
          onReenabled={onReenabled}
        />
      ) : null}
    </section>
  );
}

function SearchPanel({
  t,
  format,
  query,
  onSearch,
  onOpen,
  selectedCompanyId,
}: {
  t: T;
  format: Format;
  query: SupportSearchQuery;
  onSearch: (q: SupportSearchQuery) => void;
  onOpen: (companyId: string) => void;
  selectedCompanyId: string | null;
}) {
  const search = useSupportSearch(query);
  const ids = {
    q: useId(),
    health: useId(),
    status: useId(),
    code: useId(),
    from: useId(),
    to: useId(),
    totals: useId(),
    queue: useId(),
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (name: string) => {
      const v = data.get(name);
      return typeof v === 'string' && v.trim() ? v.trim() : undefined;
    };
    const statusCode = value('statusCode');
    onSearch({
      q: value('q'),
      health: value('health') as CompanyHealth | undefined,
      statusCode: statusCode ? Number(statusCode) : undefined,
      errorCode: value('errorCode') as SyncErrorCode | undefined,
      from: value('from'),
      to: value('to'),
    });
  };

  return (
    <div data-part="search-panel">
      {search.data ? (
        <div data-part="totals">
          <p id={ids.totals} data-part="totals-label">
            {t('totals.label')}
          </p>
          <ul aria-labelledby={ids.totals} data-part="totals-list">
            <li data-part="total" data-state="all">
              <span data-part="total-label">{t('totals.all')}</span>{' '}
              <strong data-part="total-value">{search.data.totals.companies}</strong>
            </li>
            {HEALTHS.map((health) => (
              <li key={health} data-part="total" data-state={health}>
                <span data-part="total-label">{t(`health.${health}`)}</span>{' '}
                <strong data-part="total-value">{search.data.totals.byHealth[health] ?? 0}</strong>
              </li>
            ))}
          </ul>
          {search.data.totals.queue ? (
            <>
              <p id={ids.queue} data-part="totals-label">
                {t('queue.label')}
              </p>
              <ul aria-labelledby={ids.queue} data-part="totals-list">
                {QUEUE_FIGURES.map((figure) => (
                  <li key={figure} data-part="total" data-state={figure}>
                    <span data-part="total-label">{t(`queue.${figure}`)}</span>{' '}
                    <strong data-part="total-value">{search.data.totals.queue?.[figure]}</strong>
                  </li>
                ))}
                <li data-part="total" data-state="oldestDue">
                  <span data-part="total-label">{t('queue.oldestDue')}</span>{' '}
                  <strong data-part="total-value">
                    {search.data.totals.queue.oldestDueAt ? format.dateTime(search.data.totals.queue.oldestDueAt) : t('none')}
                  </strong>
                </li>
              </ul>
            </>
          ) : null}
        </div>
      ) : null}

      <form role="search" aria-label={t('search.label')} data-part="search-form" onSubmit={submit}>
        <div data-part="field">
          <label htmlFor={ids.q}>{t('search.query')}</label>
          <input
            id={ids.q}
            name="q"
            type="search"
            defaultValue={query.q ?? ''}
            autoComplete="off"
          />
        </div>
        <div data-part="field">
          <label htmlFor={ids.health}>{t('search.health')}</label>
          <select id={ids.health} name="health" defaultValue={query.health ?? ''}>
            <option value="">{t('search.any')}</option>
            {HEALTHS.map((h) => (
              <option key={h} value={h}>
                {t(`health.${h}`)}
              </option>
            ))}
          </select>
        </div>
        <div data-part="field">
          <label htmlFor={ids.status}>{t('search.statusCode')}</label>
          <select
            id={ids.status}
            name="statusCode"
            defaultValue={query.statusCode === undefined ? '' : String(query.statusCode)}
          >
            <option value="">{t('search.any')}</option>
            {STATUS_CODES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </div>
        <div data-part="field">
          <label htmlFor={ids.code}>{t('search.errorCode')}</label>
          <select id={ids.code} name="errorCode" defaultValue={query.errorCode ?? ''}>
            <option value="">{t('search.any')}</option>
            {ERROR_CODES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </div>
        <div data-part="field">
          <label htmlFor={ids.from}>{t('search.from')}</label>
          <input id={ids.from} name="from" type="date" defaultValue={query.from ?? ''} />
        </div>
        <div data-part="field">
          <label htmlFor={ids.to}>{t('search.to')}</label>
          <input id={ids.to} name="to" type="date" defaultValue={query.to ?? ''} />
        </div>
        <Button type="submit" variant="primary">
          {t('search.submit')}
        </Button>
      </form>

      {search.isPending ? <Loading t={t} /> : null}
      {search.error ? (
        <QueryError t={t} error={search.error} onRetry={() => void search.refetch()} />
      ) : null}
      {search.data ? (
        search.data.results.length === 0 ? (
          <p data-part="empty" role="status">
            {t('results.empty')}
          </p>
        ) : (
          <table data-part="company-results">
            <caption>{t('results.caption', { count: search.data.totalResults })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('col.name')}</th>
                <th scope="col">{t('col.status')}</th>
                <th scope="col">{t('col.lastSync')}</th>
                <th scope="col">{t('col.failingSince')}</th>
                <th scope="col">{t('col.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {search.data.results.map((company) => (
                <tr
                  key={company.companyId}
                  data-part="company-row"
                  data-state={company.health}
                  aria-current={company.companyId === selectedCompanyId ? 'true' : undefined}
                >
                  <th scope="row">
                    <Button
                      variant="link"
                      aria-label={t('results.open', { name: company.name })}
                      onClick={() => onOpen(company.companyId)}
                    >
                      {company.name}
                    </Button>
                  </th>
                  <td>
                    <span data-part="badge" data-state={company.health}>
                      {t(`health.${company.health}`)}
                    </span>
                  </td>
                  <td>{company.lastSyncUtc ? format.dateTime(company.lastSyncUtc) : t('none')}</td>
                  <td>{company.failingSince ? format.date(company.failingSince) : t('none')}</td>
                  <td>{company.latestRun?.problem?.rawCode ?? t('none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </div>
  );
}

function CompanyPanel(props: {
  t: T;
  format: Format;
  level: number;
  companyId: string;
  syncId: string | null;
  onOpenSync: (syncId: string | null) => void;
  onRetried: SyncHealthProps['onRetried'];
  onReenabled: SyncHealthProps['onReenabled'];
}) {
  const { t, format, level, companyId, syncId, onOpenSync } = props;
  const company = useSupportCompany(companyId);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const [showConfig, setShowConfig] = useState(false);
  const [reenabledOn, setReenabledOn] = useState<string | null>(null);
  const configuration = useSupportConfiguration(companyId, true);
  const configId = useId();
  const loaded = company.data !== undefined;

  // Opening a company moves focus to its heading so keyboard and screen-reader users land on it.
  useEffect(() => {
    if (loaded && syncId === null) headingRef.current?.focus();
  }, [loaded, syncId]);

  if (company.isPending) return <Loading t={t} />;
  if (company.error)
    return <QueryError t={t} error={company.error} onRetry={() => void company.refetch()} />;
  const c = company.data;
  const json = configuration.data ? JSON.stringify(configuration.data, null, 2) : null;

  return (
    <section data-part="company" data-state={c.health} aria-labelledby={headingId}>
      <Heading
        level={level}
        id={headingId}
        tabIndex={-1}
        data-part="company-title"
        headingRef={headingRef}
      >
        {c.name}
      </Heading>
      <dl data-part="company-facts">
        <div>
          <dt>{t('col.status')}</dt>
          <dd>
            <span data-part="badge" data-state={c.health}>
              {t(`health.${c.health}`)}
            </span>
          </dd>
        </div>
        <PlatformFacts t={t} accounting={c.accounting} commerce={c.commerce} />
        <div>
          <dt>{t('company.timeZone')}</dt>
          <dd>{format.timeZone(c.timeZone)}</dd>
        </div>
        <div>
          <dt>{t('company.startDate')}</dt>
          <dd>{c.startDate ? format.date(c.startDate) : t('none')}</dd>
        </div>
        <div>
          <dt>{t('company.syncedThrough')}</dt>
          <dd>{c.syncedThrough ? format.date(c.syncedThrough) : t('none')}</dd>
        </div>
        <div>
          <dt>{t('company.failingSince')}</dt>
          <dd>{c.failingSince ? format.date(c.failingSince) : t('none')}</dd>
        </div>
      </dl>

      <div data-part="company-actions">
        <Button
          aria-expanded={showConfig}
          aria-controls={configId}
          onClick={() => setShowConfig((v) => !v)}
          disabled={!json}
        >
          {showConfig ? t('config.hide') : t('config.view')}
        </Button>
        {json ? (
          <a
            data-part="download"
            href={`data:application/json;charset=utf-8,${encodeURIComponent(json)}`}
            download={`commerce-sync-configuration-${c.companyId}.json`}
          >
            {t('config.download')}
          </a>
        ) : null}
      </div>
      <div id={configId} hidden={!showConfig} data-part="configuration">
        {showConfig && json ? (
          <pre
            data-part="configuration-json"
            // A scrollable region must be reachable by keyboard to be read (WCAG 2.1.1).
            // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
            tabIndex={0}
            aria-label={t('config.label', { name: c.name })}
          >
            {json}
          </pre>
        ) : null}
      </div>

      {c.health === 'disabled' ? (
        <ReenableForm
          t={t}
          level={level + 1}
          companyId={c.companyId}
          onReenabled={(result) => {
            setReenabledOn(result.startDate);
            // The form disappears once the company is on again: keep focus on the company.
            headingRef.current?.focus();
            props.onReenabled?.(result);
          }}
        />
      ) : null}
      <p role="status" data-part="reenable-result">
        {reenabledOn ? t('reenable.done', { date: format.date(reenabledOn) }) : ''}
      </p>

      {syncId ? (
        <SyncDetail
          t={t}
          format={format}
          level={level + 1}
          companyId={companyId}
          syncId={syncId}
          onBack={() => onOpenSync(null)}
          onRetried={props.onRetried}
        />
      ) : (
        <HistoryTable
          t={t}
          format={format}
          level={level + 1}
          companyId={companyId}
          onOpen={onOpenSync}
        />
      )}

      <Deliveries t={t} format={format} level={level + 1} companyId={companyId} />
    </section>
  );
}

function ReenableForm({
  t,
  level,
  companyId,
  onReenabled,
}: {
  t: T;
  level: number;
  companyId: string;
  onReenabled: NonNullable<SyncHealthProps['onReenabled']>;
}) {
  const reenable = useReenableCompany();
  const ids = { title: useId(), date: useId(), error: useId(), description: useId() };
  const fieldError =
    reenable.error && typeof reenable.error === 'object' && 'validation' in reenable.error
      ? (
          reenable.error as { validation: readonly { itemId: string; message: string }[] }
        ).validation.find((v) => v.itemId === 'startDate')?.message
      : undefined;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const startDate = String(new FormData(event.currentTarget).get('startDate') ?? '');
    reenable.mutate(
      { companyId, startDate },
      {
        onSuccess: () => onReenabled({ companyId, startDate }),
      },
    );
  };
  return (
    <section data-part="reenable" aria-labelledby={ids.title}>
      <Heading level={level} id={ids.title}>
        {t('reenable.title')}
      </Heading>
      <p id={ids.description}>{t('reenable.description')}</p>
      <form onSubmit={submit} data-part="reenable-form" aria-describedby={ids.description}>
        <div data-part="field" data-invalid={fieldError ? '' : undefined}>
          <label htmlFor={ids.date}>{t('reenable.startDate')}</label>
          <input
            id={ids.date}
            name="startDate"
            type="date"
            required
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? ids.error : undefined}
          />
          {fieldError ? (
            <p id={ids.error} data-part="field-error">
              {fieldError}
            </p>
          ) : null}
        </div>
        <Button type="submit" variant="primary" pending={reenable.isPending}>
          {t('reenable.submit')}
        </Button>
      </form>
      {reenable.error && !fieldError ? (
        <p role="alert" data-part="error-message">
          {errorText(t, reenable.error)}
        </p>
      ) : null}
    </section>
  );
}

type SortKey = 'started' | 'period' | 'result' | 'code';

function sortRuns(
  runs: readonly SupportRun[],
  key: SortKey,
  direction: 'ascending' | 'descending',
): SupportRun[] {
  const value = (r: SupportRun): string | number => {
    if (key === 'started') return r.createdUtc;
    if (key === 'period') return r.period?.start ?? '';
    if (key === 'result') return r.state;
    return r.statusCode;
  };
  const sorted = [...runs].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    return (x < y ? -1 : x > y ? 1 : 0) || a.seq - b.seq;
  });
  return direction === 'ascending' ? sorted : sorted.reverse();
}

function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: SortKey;
  sort: { key: SortKey; direction: 'ascending' | 'descending' };
  onSort: (key: SortKey) => void;
}) {
  const active = sort.key === column;
  return (
    <th
      scope="col"
      aria-sort={active ? sort.direction : 'none'}
      data-part="sort-header"
      data-state={active ? sort.direction : 'none'}
    >
      <button type="button" data-part="sort-button" onClick={() => onSort(column)}>
        {label}
        <span aria-hidden="true" data-part="sort-icon">
          {active ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
      </button>
    </th>
  );
}

function HistoryTable({
  t,
  format,
  level,
  companyId,
  onOpen,
}: {
  t: T;
  format: Format;
  level: number;
  companyId: string;
  onOpen: (syncId: string) => void;
}) {
  const history = useSupportHistory(companyId);
  const [sort, setSort] = useState<{ key: SortKey; direction: 'ascending' | 'descending' }>({
    key: 'started',
    direction: 'descending',
  });
  const titleId = useId();
  const runs = useMemo(
    () => sortRuns(history.data?.runs ?? [], sort.key, sort.direction),
    [history.data, sort],
  );
  const onSort = (key: SortKey) =>
    setSort((s) => ({
      key,
      direction: s.key === key && s.direction === 'ascending' ? 'descending' : 'ascending',
    }));

  return (
    <section data-part="history" aria-labelledby={titleId}>
      <Heading level={level} id={titleId}>
        {t('history.title')}
      </Heading>
      {history.isPending ? <Loading t={t} /> : null}
      {history.error ? (
        <QueryError t={t} error={history.error} onRetry={() => void history.refetch()} />
      ) : null}
      {history.data && history.data.runs.length === 0 ? (
        <p data-part="empty">{t('history.empty')}</p>
      ) : null}
      {history.data && history.data.runs.length > 0 ? (
        <table data-part="history-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <SortHeader label={t('col.started')} column="started" sort={sort} onSort={onSort} />
              <SortHeader label={t('col.period')} column="period" sort={sort} onSort={onSort} />
              <SortHeader label={t('col.result')} column="result" sort={sort} onSort={onSort} />
              <SortHeader label={t('col.code')} column="code" sort={sort} onSort={onSort} />
              <th scope="col">{t('col.problem')}</th>
              <th scope="col">{t('col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.syncId} data-part="history-row" data-state={run.state}>
                <td>{format.dateTime(run.createdUtc)}</td>
                <td>{runPeriod(t, format, run)}</td>
                <td>
                  <span data-part="badge" data-state={run.state}>
                    {t(`state.${run.state}`)}
                  </span>
                </td>
                <td>{run.statusCode}</td>
                <td>{run.problem?.rawCode ?? t('none')}</td>
                <td>
                  <Button variant="link" onClick={() => onOpen(run.syncId)}>
                    {t('history.open', { seq: run.seq })}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The accounting and commerce platforms of a company or a sync, as two description-list rows. */
function PlatformFacts({ t, accounting, commerce }: { t: T; accounting: SupportPlatform | null; commerce: SupportPlatform | null }) {
  const describe = (platform: SupportPlatform | null) =>
    platform ? t('company.platform', { name: platform.name, status: platform.status }) : t('none');
  return (
    <>
      <div>
        <dt>{t('company.accounting')}</dt>
        <dd>{describe(accounting)}</dd>
      </div>
      <div>
        <dt>{t('company.commerce')}</dt>
        <dd>{describe(commerce)}</dd>
      </div>
    </>
  );
}

function Problem({ t, detail }: { t: T; detail: SupportSyncDetail }) {
  const problem = detail.run.problem;
  if (!problem) return null;
  const localized = catalogMessage(t, problem.code);
  return (
    <div data-part="problem" data-state={problem.retryable ? 'retryable' : 'action-needed'}>
      <dl data-part="problem-facts">
        <div>
          <dt>{t('sync.code')}</dt>
          <dd>
            <code>{problem.rawCode ?? t('none')}</code>
          </dd>
        </div>
        <div>
          <dt>{t('sync.step')}</dt>
          <dd>{problem.step ? t(`step.${problem.step}`) : t('none')}</dd>
        </div>
        <div>
          <dt>{t('sync.retryable')}</dt>
          <dd>{problem.retryable ? t('yes') : t('no')}</dd>
        </div>
      </dl>
      <div data-part="merchant-message">
        <p data-part="label">{t('sync.merchantMessage')}</p>
        {localized ? <p>{localized}</p> : null}
        <p data-part="merchant-server-message">
          <span data-part="label">{t('sync.merchantServer')}: </span>
          <span lang="en">{problem.merchantMessage}</span>
        </p>
      </div>
      <div data-part="support-detail">
        <p data-part="label">{t('sync.supportDetail')}</p>
        {/* A scrollable region must be reachable by keyboard to be read (WCAG 2.1.1). */}
        {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
        <pre lang="en" tabIndex={0} aria-label={t('sync.supportDetail')}>
          {problem.supportDetail}
        </pre>
      </div>
    </div>
  );
}

function SyncDetail({
  t,
  format,
  level,
  companyId,
  syncId,
  onBack,
  onRetried,
}: {
  t: T;
  format: Format;
  level: number;
  companyId: string;
  syncId: string;
  onBack: () => void;
  onRetried: SyncHealthProps['onRetried'];
}) {
  const sync = useSupportSync(companyId, syncId);
  const retry = useRetryFailedItems();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();
  const [result, setResult] = useState<string>('');
  const resultRef = useRef<HTMLParagraphElement>(null);
  const loaded = sync.data !== undefined;

  // The retry button may disappear after a retry; focus the outcome so keyboard users keep their place.
  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  useEffect(() => {
    if (loaded) headingRef.current?.focus();
  }, [loaded]);

  if (sync.isPending) return <Loading t={t} />;
  if (sync.error)
    return <QueryError t={t} error={sync.error} onRetry={() => void sync.refetch()} />;
  const d = sync.data;
  const notWritten = d.counts.failed + d.counts.pending;

  return (
    <section data-part="sync-detail" data-state={d.run.state} aria-labelledby={titleId}>
      <Heading
        level={level}
        id={titleId}
        tabIndex={-1}
        data-part="sync-title"
        headingRef={headingRef}
      >
        {t('sync.title', { seq: d.run.seq })}
      </Heading>
      <Button variant="link" onClick={onBack}>
        {t('sync.back')}
      </Button>
      <dl data-part="sync-facts">
        <div>
          <dt>{t('sync.period')}</dt>
          <dd>{runPeriod(t, format, d.run)}</dd>
        </div>
        <div>
          <dt>{t('sync.started')}</dt>
          <dd>{format.dateTime(d.run.createdUtc, d.timeZone)}</dd>
        </div>
        <div>
          <dt>{t('sync.status')}</dt>
          <dd>
            <span data-part="badge" data-state={d.run.state}>
              {t(`state.${d.run.state}`)}
            </span>{' '}
            ({d.run.statusCode} {d.run.statusText})
          </dd>
        </div>
        <PlatformFacts t={t} accounting={d.accounting} commerce={d.commerce} />
      </dl>
      <Problem t={t} detail={d} />

      <div data-part="retry">
        {notWritten > 0 ? (
          <Button
            variant="primary"
            pending={retry.isPending}
            onClick={() =>
              retry.mutate(
                { companyId, syncId },
                {
                  onSuccess: (r) => {
                    setResult(
                      t('sync.retried', {
                        attempted: r.attempted,
                        written: r.written,
                        stillFailing: r.stillFailing,
                      }),
                    );
                    onRetried?.({
                      companyId,
                      syncId,
                      attempted: r.attempted,
                      written: r.written,
                      stillFailing: r.stillFailing,
                    });
                  },
                },
              )
            }
          >
            {t('sync.retry', { count: notWritten })}
          </Button>
        ) : (
          <p data-part="retry-none">{t('sync.noFailed')}</p>
        )}
        {retry.error ? (
          <p role="alert" data-part="error-message">
            {errorText(t, retry.error)}
          </p>
        ) : null}
        <p role="status" data-part="retry-result" ref={resultRef} tabIndex={-1}>
          {result}
        </p>
      </div>

      {d.items.length === 0 ? (
        <p data-part="empty">{t('sync.noItems')}</p>
      ) : (
        <table data-part="push-items">
          <caption>{t('sync.items', { count: d.items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.reference')}</th>
              <th scope="col">{t('col.date')}</th>
              <th scope="col">{t('col.kind')}</th>
              <th scope="col">{t('col.amount')}</th>
              <th scope="col">{t('col.result')}</th>
              <th scope="col">{t('col.attempts')}</th>
              <th scope="col">{t('col.error')}</th>
              <th scope="col">{t('explain.col')}</th>
            </tr>
          </thead>
          <tbody>
            {d.items.map((item) => (
              <PushItemRows
                key={item.reference}
                i18n={{ t, format }}
                companyId={companyId}
                item={item}
                columns={8}
                cells={
                  <>
                    <th scope="row">
                      <code>{item.reference}</code>
                    </th>
                    <td>{format.date(item.date)}</td>
                    <td>{item.kind}</td>
                    <td>
                      {item.amount
                        ? format.money(item.amount.minor, item.amount.currency)
                        : t('none')}
                    </td>
                    <td>
                      <span data-part="badge" data-state={item.status.toLowerCase()}>
                        {t(`item.${item.status}`)}
                      </span>
                    </td>
                    <td>{item.attempts}</td>
                    <td>
                      {item.errorCode ? (
                        <>
                          <code>{item.errorCode}</code>
                          {item.supportDetail ? (
                            <span lang="en"> — {item.supportDetail}</span>
                          ) : null}
                        </>
                      ) : (
                        t('none')
                      )}
                    </td>
                  </>
                }
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Deliveries({
  t,
  format,
  level,
  companyId,
}: {
  t: T;
  format: Format;
  level: number;
  companyId: string;
}) {
  const deliveries = useSupportDeliveries(companyId);
  const titleId = useId();
  return (
    <section data-part="deliveries" aria-labelledby={titleId}>
      <Heading level={level} id={titleId}>
        {t('deliveries.title')}
      </Heading>
      {deliveries.isPending ? <Loading t={t} /> : null}
      {deliveries.error ? (
        <QueryError t={t} error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : null}
      {deliveries.data && !deliveries.data.available ? <p>{t('deliveries.unavailable')}</p> : null}
      {deliveries.data?.available && deliveries.data.items.length === 0 ? (
        <p>{t('deliveries.empty')}</p>
      ) : null}
      {deliveries.data?.available && deliveries.data.items.length > 0 ? (
        <table data-part="deliveries-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">{t('col.event')}</th>
              <th scope="col">{t('col.endpoint')}</th>
              <th scope="col">{t('col.delivery')}</th>
              <th scope="col">{t('col.attempts')}</th>
              <th scope="col">{t('col.response')}</th>
              <th scope="col">{t('col.started')}</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.items.map((d) => (
              <tr key={d.id} data-part="delivery" data-state={d.status}>
                <td>{d.eventType}</td>
                <td>{d.url}</td>
                <td>
                  <span data-part="badge" data-state={d.status}>
                    {t(`delivery.${d.status}`)}
                  </span>
                </td>
                <td>{d.attempts}</td>
                <td>{d.lastResponseCode ?? d.lastError ?? t('none')}</td>
                <td>{format.dateTime(d.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
