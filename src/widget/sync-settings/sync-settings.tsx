'use client';
import { useId, useMemo, useState } from 'react';
import type { SyncRun } from '../../contract/bff.js';
import { useConfiguration, useConnection, useDeauthorize, useDeleteCompany, usePauseSync, useResumeSync, useRunSync, useSyncHistory, useSyncStatus } from '../api/hooks.js';
import { Button } from '../components/button.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorState, Loading } from '../components/status-views.js';
import type { ConfigurationStep } from '../configuration-wizard/model.js';
import { isConfigurationStep, rowLabelKey } from '../configuration-wizard/model.js';
import type { CommerceSyncContextValue } from '../provider/provider.js';
import { detailedCatalogMessage, localizedCatalogMessage } from '../i18n/catalog-messages.js';
import { formatMessage } from '../i18n/index.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import { nextSyncAt } from './next-sync.js';

/** Props of {@link SyncSettings}. */
export interface SyncSettingsProps {
  /** "Edit mapping" and the "Fix in …" links of failed runs; `step` is the wizard step that fixes it. */
  onEditMapping?: (step?: ConfigurationStep) => void;
  /** "Reconnect" on failures fixed by connecting again (revoked or expired authorisation). */
  onReconnect?: () => void;
  /** Fires after the connection was removed. */
  onDeauthorized?: () => void;
  /** Fires after the sync was deleted. */
  onDeleted?: () => void;
  /** Clock for "next sync" (tests, stories). */
  now?: () => Date;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/**
 * What a failed run says to the merchant. In English, the service's own message (it names the
 * specifics). In another language, the catalog's text: with the run's specifics when the run
 * carries all of them (rows named as the wizard names them, dates and rates in the locale's
 * format), else the general text for the code.
 */
function problemMessage(problem: NonNullable<SyncRun['problem']>, locale: string, t: CommerceSyncContextValue['t'], format: CommerceSyncContextValue['format']): string {
  const general = localizedCatalogMessage(locale, problem.code);
  if (general === null) return problem.message;
  const template = detailedCatalogMessage(locale, problem.code);
  if (!template || !problem.params) return general;
  const params: Record<string, string> = { ...problem.params };
  const [section = '', key = ''] = (params.mappingKey ?? '').split('.');
  const mappingKey = rowLabelKey(section, key);
  if (mappingKey) params.mapping = t(mappingKey);
  const paymentTypeKey = rowLabelKey('payments', params.paymentTypeKey ?? '');
  if (paymentTypeKey) params.paymentType = t(paymentTypeKey);
  for (const name of ['date', 'lockDate']) {
    const value = params[name];
    if (value && ISO_DAY.test(value)) params[name] = format.date(value);
  }
  if (params.taxRate && DECIMAL.test(params.taxRate)) params.taxRate = `${params.taxRate}\u202f%`;
  const text = formatMessage(template, params);
  return /\{\w+\}/.test(text) ? general : text;
}

function runState(run: SyncRun): 'success' | 'empty' | 'failed' | 'running' {
  if (run.state === 'running') return 'running';
  if (run.state === 'failed') return 'failed';
  return run.dataPushed ? 'success' : 'empty';
}

/**
 * Whether a later successful run posted a failed run's days (failed days roll into the next
 * run): its fix link would send the merchant to fix what is already fixed. `items` is newest first.
 */
function isResolved(items: readonly SyncRun[], index: number): boolean {
  const failed = items[index];
  if (failed?.state !== 'failed') return false;
  const range = failed.dateRange;
  return items
    .slice(0, index)
    .some((later) => later.state === 'succeeded' && (!range || (later.dateRange !== null && later.dateRange.start <= range.start && later.dateRange.finish >= range.finish)));
}

function runPeriod(run: SyncRun, format: CommerceSyncContextValue['format']): string {
  if (run.dateRange) {
    const start = format.date(run.dateRange.start);
    const finish = format.date(run.dateRange.finish);
    return start === finish ? start : `${start} – ${finish}`;
  }
  return run.syncedAt ? format.dateTime(run.syncedAt) : '';
}

/**
 * The merchant's sync at a glance: pause/resume switch, last and next sync, history with the
 * message of each failed run and a link to the wizard step that fixes it, edit mapping, sync now,
 * disconnect and delete (both confirmed in an alert dialog).
 *
 * @example
 * <SyncSettings onEditMapping={(step) => openWizard(step)} onDeleted={() => setView('picker')} />
 */
export function SyncSettings({ onEditMapping, onReconnect, onDeauthorized, onDeleted, now = () => new Date() }: SyncSettingsProps) {
  const { t, format, locale } = useCommerceSyncContext('SyncSettings');
  const status = useSyncStatus();
  const history = useSyncHistory();
  const connection = useConnection();
  const configuration = useConfiguration();
  const pause = usePauseSync();
  const resume = useResumeSync();
  const run = useRunSync();
  const deauthorize = useDeauthorize();
  const remove = useDeleteCompany();
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [deauthorizeOpen, setDeauthorizeOpen] = useState(false);
  const baseId = `cs-settings${useId().replace(/:/g, '')}`;

  const schedule = configuration.data?.schedule;
  const enabled = status.data?.enabled ?? false;
  const next = useMemo(() => {
    if (!enabled || !schedule) return null;
    const timeZone = schedule.timeZone ?? 'Etc/UTC';
    return { at: nextSyncAt(now(), schedule.syncHour ?? schedule.syncHourUtc ?? 0, timeZone), timeZone };
  }, [enabled, schedule, now]);

  if (status.isPending || connection.isPending) return <Loading />;
  if (status.error || connection.error) {
    return (
      <ErrorState
        report
        error={status.error ?? connection.error}
        onRetry={() => {
          void status.refetch();
          void connection.refetch();
        }}
      />
    );
  }

  const platform = connection.data.platform?.name ?? configuration.data?.accountingSoftwareCompanyName ?? '';
  const toggling = pause.isPending || resume.isPending;
  const latest = status.data.latest;

  return (
    <section data-part="sync-settings" data-state={status.data.health} aria-labelledby={`${baseId}-title`}>
      <h2 data-part="heading" id={`${baseId}-title`}>
        {t('settings.title')}
      </h2>
      <p data-part="connection" data-state={connection.data.status}>
        {t('settings.connectedTo', { platform })}
        {connection.data.accountingCompanyName ? ` · ${connection.data.accountingCompanyName}` : ''}
      </p>

      <div data-part="switch-row">
        <span data-part="label" id={`${baseId}-switch-label`}>
          {t('settings.enabled')}
        </span>
        <button
          type="button"
          role="switch"
          aria-checked={enabled}
          aria-labelledby={`${baseId}-switch-label`}
          aria-describedby={`${baseId}-switch-help`}
          aria-busy={toggling || undefined}
          data-part="switch"
          data-state={enabled ? 'checked' : 'unchecked'}
          data-pending={toggling ? '' : undefined}
          onClick={() => {
            if (toggling) return;
            if (enabled) pause.mutate();
            else resume.mutate();
          }}
        >
          <span data-part="switch-thumb" aria-hidden="true" />
          <span data-part="switch-text">{enabled ? t('settings.active') : t('settings.paused')}</span>
        </button>
        <p data-part="description" id={`${baseId}-switch-help`}>
          {t('settings.enabledHelp')}
        </p>
      </div>
      {pause.error || resume.error ? <ErrorState error={pause.error ?? resume.error} onRetry={() => (enabled ? pause.mutate() : resume.mutate())} /> : null}

      <dl data-part="facts">
        <div data-part="fact">
          <dt>{t('settings.lastSync')}</dt>
          <dd data-state={latest ? runState(latest) : 'never'}>
            {latest?.syncedAt ? `${format.dateTime(latest.syncedAt, schedule?.timeZone ?? undefined)} · ${t(`settings.status.${runState(latest)}`)}` : t('settings.never')}
          </dd>
        </div>
        <div data-part="fact">
          <dt>{t('settings.nextSync')}</dt>
          <dd>{next ? format.dateTime(next.at.toISOString(), next.timeZone) : enabled ? t('settings.none') : t('settings.paused')}</dd>
        </div>
      </dl>

      <div data-part="actions">
        <Button variant="secondary" onClick={() => onEditMapping?.()}>
          {t('settings.editMapping')}
        </Button>
        <Button variant="secondary" pending={run.isPending} onClick={() => run.mutate({ kind: 'latest' })}>
          {t('settings.runNow')}
        </Button>
      </div>
      {run.error ? <ErrorState error={run.error} /> : null}

      <h3 data-part="subheading">{t('settings.history')}</h3>
      {history.isPending ? (
        <Loading />
      ) : history.error ? (
        <ErrorState report error={history.error} onRetry={() => void history.refetch()} />
      ) : history.data.items.length === 0 ? (
        <p data-part="empty">{t('settings.historyEmpty')}</p>
      ) : (
        <ul data-part="history">
          {history.data.items.map((item, index, items) => {
            const state = runState(item);
            const step = item.problem?.step;
            const resolved = isResolved(items, index);
            return (
              <li key={item.id} data-part="history-item" data-state={state}>
                <span data-part="history-period">{runPeriod(item, format)}</span>
                <span data-part="badge" data-state={state}>
                  {t(`settings.status.${state}`)}
                </span>
                {item.problem ? (
                  <div data-part="history-problem" data-state={resolved ? 'resolved' : 'open'}>
                    <p data-part="history-message">
                      {problemMessage(item.problem, locale, t, format)}
                    </p>
                    {resolved ? (
                      <p data-part="history-resolved">{t('settings.resolved')}</p>
                    ) : step === 'connection' && onReconnect ? (
                      <Button variant="link" onClick={onReconnect}>
                        {t('settings.fixConnection')}
                      </Button>
                    ) : isConfigurationStep(step) && onEditMapping ? (
                      <Button variant="link" onClick={() => onEditMapping(step)}>
                        {t('settings.fix', { step: t(`wizard.step.${step}`) })}
                      </Button>
                    ) : null}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}

      <div data-part="danger-zone">
        {connection.data.status === 'Linked' ? (
          <ConfirmDialog
            open={deauthorizeOpen}
            onOpenChange={setDeauthorizeOpen}
            trigger={<Button variant="secondary">{t('settings.deauthorize', { platform })}</Button>}
            title={t('settings.deauthorizeTitle', { platform })}
            description={t('settings.deauthorizeDescription')}
            confirmLabel={t('settings.deauthorize', { platform })}
            pending={deauthorize.isPending}
            onConfirm={() =>
              deauthorize.mutate(undefined, {
                onSuccess: () => {
                  setDeauthorizeOpen(false);
                  onDeauthorized?.();
                },
              })
            }
            destructive
          />
        ) : null}
        <ConfirmDialog
          open={deleteOpen}
          onOpenChange={setDeleteOpen}
          trigger={<Button variant="danger">{t('settings.delete')}</Button>}
          title={t('settings.deleteTitle')}
          description={t('settings.deleteDescription', { platform })}
          confirmLabel={t('settings.deleteConfirm')}
          pendingLabel={t('settings.deleting')}
          pending={remove.isPending}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                setDeleteOpen(false);
                onDeleted?.();
              },
            })
          }
          destructive
        />
        {remove.error ? <ErrorState error={remove.error} /> : null}
        {deauthorize.error ? <ErrorState error={deauthorize.error} /> : null}
      </div>
    </section>
  );
}
