import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import {
  SimulateRequestSchema,
  SimulateResultSchema,
  SyncNowResultSchema,
  type DemoMerchantView,
} from '../../shared/partner-api.js';
import { PartnerApiError, partnerFetch } from '../api.js';
import { Notice } from '../components/notice.js';
import { formatLocalDate } from '../format.js';
import { navigate } from '../router.js';

/** Overview: the demo's controls to push simulated sales and to start a sync. */
export function OverviewPage({ merchant }: { merchant: DemoMerchantView }) {
  const queryClient = useQueryClient();
  const daysId = useId();
  const [days, setDays] = useState('7');
  const [fieldError, setFieldError] = useState<string | null>(null);

  const simulate = useMutation({
    mutationFn: (n: number) =>
      partnerFetch('/api/partner/simulate', SimulateResultSchema, { method: 'POST', body: { days: n } }),
  });
  const syncNow = useMutation({
    mutationFn: () => partnerFetch('/api/partner/sync-now', SyncNowResultSchema, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['ledger'] }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = SimulateRequestSchema.safeParse({ days: days.trim() === '' ? undefined : Number(days) });
    if (!parsed.success) {
      setFieldError(parsed.error.issues[0]?.message ?? 'Enter a number of days from 1 to 31.');
      return;
    }
    setFieldError(null);
    simulate.mutate(parsed.data.days);
  }

  return (
    <div className="hb-grid">
      <section className="hb-card" aria-labelledby="simulate-title">
        <h2 id="simulate-title">Simulate sales</h2>
        <p className="hb-muted">
          Generates realistic orders, card and cash payments, refunds, processor fees and payouts for the last few days
          at {merchant.name}, and pushes them to commerce-sync through the partner push API.
        </p>
        <form onSubmit={submit} noValidate>
          <div className="hb-field">
            <label htmlFor={daysId} className="hb-label">
              Days of sales
            </label>
            <div className="hb-input-row">
              <input
                id={daysId}
                className="hb-input"
                type="number"
                inputMode="numeric"
                min={1}
                max={31}
                value={days}
                aria-invalid={fieldError ? true : undefined}
                aria-describedby={fieldError ? `${daysId}-error` : `${daysId}-hint`}
                onChange={(e) => setDays(e.target.value)}
              />
              <button type="submit" className="hb-button" data-variant="primary" disabled={simulate.isPending}>
                {simulate.isPending ? 'Pushing sales…' : 'Simulate sales'}
              </button>
            </div>
            {fieldError ? (
              <p id={`${daysId}-error`} className="hb-field-error">
                {fieldError}
              </p>
            ) : (
              <p id={`${daysId}-hint`} className="hb-hint">
                1 to 31 days, ending yesterday ({merchant.timeZone}).
              </p>
            )}
          </div>
        </form>
        {simulate.isSuccess ? (
          <Notice tone="success" title="Sales pushed to commerce-sync">
            {simulate.data.pushed.orders} orders, {simulate.data.pushed.payments} payments and{' '}
            {simulate.data.pushed.transactions} transactions from {formatLocalDate(simulate.data.period.start, merchant.locale)} to{' '}
            {formatLocalDate(previousDay(simulate.data.period.end), merchant.locale)}.
          </Notice>
        ) : null}
        {simulate.isError ? (
          <Notice tone="error" title="Could not push the sales">
            {simulate.error.message}
          </Notice>
        ) : null}
      </section>

      <section className="hb-card" aria-labelledby="sync-title">
        <h2 id="sync-title">Sync now</h2>
        <p className="hb-muted">
          Starts a sync straight away instead of waiting for tonight's scheduled run. Each finished day becomes one balanced
          journal (or invoice) in the connected ledger.
        </p>
        <div className="hb-actions">
          <button type="button" className="hb-button" data-variant="primary" onClick={() => syncNow.mutate()} disabled={syncNow.isPending}>
            {syncNow.isPending ? 'Syncing…' : 'Sync now'}
          </button>
          <a
            className="hb-button"
            data-variant="secondary"
            href="/ledger"
            onClick={(e) => {
              e.preventDefault();
              navigate('/ledger');
            }}
          >
            Open the ledger
          </a>
        </div>
        {syncNow.isSuccess ? (
          <Notice tone="success" title="Sync finished">
            Status: {syncNow.data.status ?? 'started'}. See what was posted on the ledger page.
          </Notice>
        ) : null}
        {syncNow.isError ? (
          <Notice tone="error" title="Could not sync">
            {syncNow.error.message}
            {needsSettings(syncNow.error) ? (
              <>
                {' '}
                <a
                  href="/accounting"
                  onClick={(e) => {
                    e.preventDefault();
                    navigate('/accounting');
                  }}
                >
                  Open the accounting settings
                </a>
              </>
            ) : null}
          </Notice>
        ) : null}
      </section>
    </div>
  );
}

/** Whether a sync failure is fixed in the widget (configuration or connection problems, 4xxx). */
function needsSettings(error: Error): boolean {
  return error instanceof PartnerApiError && (error.code === 'not_connected' || /^sync_4\d{3}$/.test(error.code));
}

function previousDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
