'use client';
import { useEffect, useRef } from 'react';
import { useCommerceSyncContext } from '../provider/provider.js';
import { Button } from './button.js';

/**
 * A loading placeholder announced politely to assistive technology.
 *
 * @example
 * if (query.isPending) return <Loading />;
 */
export function Loading({ label }: { label?: string }) {
  const { t } = useCommerceSyncContext('Loading');
  return (
    <div data-part="loading" role="status" aria-live="polite">
      <span data-part="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

/**
 * An error message with a retry button; the message is localized from the error code when known.
 *
 * @example
 * if (query.error) return <ErrorState report error={query.error} onRetry={() => query.refetch()} />;
 */
export function ErrorState({ error, onRetry, report = false }: { error: unknown; onRetry?: () => void; report?: boolean }) {
  const { t, reportError } = useCommerceSyncContext('ErrorState');
  // Query failures reach onError here (mutations report from their hooks); once per error object.
  const reported = useRef<unknown>(null);
  useEffect(() => {
    if (!report || reported.current === error) return;
    reported.current = error;
    reportError(error);
  }, [report, error, reportError]);
  const code = typeof error === 'object' && error && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message =
    code === 'network_error' ? t('error.network') : code === 'session_expired' || code === 'session_invalid' || code === 'unauthenticated' ? t('error.sessionExpired') : t('error.unknown');
  return (
    <div data-part="error-state" role="alert">
      <p data-part="error-title">{t('common.errorTitle')}</p>
      <p data-part="error-message">{message}</p>
      {onRetry ? (
        <Button variant="secondary" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      ) : null}
    </div>
  );
}
