import { ERROR_CATALOG, formatCatalogMessage, type SyncErrorCode, type WizardStep } from '../../contract/error-catalog.js';

/** Codat `syncStatus` text for each status code. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  1000: 'InProgress',
  1010: 'LongRunning',
  2000: 'Complete',
  2040: 'Complete',
  4000: 'ConfigurationError',
  4040: 'ConnectionDeleted',
  4220: 'Deauthorized',
  4260: 'SubscriptionExpired',
  5000: 'ServerError',
  5080: 'DuplicationProtection',
  5120: 'ProcessingError',
  5130: 'WriteError',
};

/** Support detail of a run closed because its process died before it finished. */
export const INTERRUPTED_DETAIL = 'Run interrupted before completion (instance stopped); superseded by a later run.';

/** Whether a run was closed as interrupted (its process died mid-run), not finished by itself. */
export function isInterrupted(run: { statusCode: number; errorCode: string | null; exceptionMessage: string }): boolean {
  return run.statusCode === 5000 && run.errorCode === 'internal_error' && run.exceptionMessage === INTERRUPTED_DETAIL;
}

/**
 * Whether a finished run failed on a passing problem (the catalog marks its code retryable: an
 * outage, a time-out, rate limiting), so a scheduled run is tried again later the same day.
 */
export function failedRetryably(run: { statusCode: number; errorCode: string | null; completedAt: string | null }): boolean {
  if (run.completedAt === null || run.statusCode < 5000 || !run.errorCode) return false;
  return (ERROR_CATALOG as Record<string, { retryable: boolean } | undefined>)[run.errorCode]?.retryable === true;
}

/** A run failure: catalog code, message params, support detail and an optional wizard step override. */
export interface RunFailure {
  code: SyncErrorCode;
  params: Record<string, string | number>;
  /** For support (`syncExceptionMessage`). */
  detail: string;
  /** Merchant message, when not the catalog's (e.g. aggregation problems carry their own). */
  message?: string;
  step?: WizardStep | null;
}

/** Status code, merchant message, support message and wizard step of a failure. */
export function describeFailure(failure: RunFailure, platformName: string): {
  statusCode: number;
  statusText: string;
  errorMessage: string;
  exceptionMessage: string;
  errorCode: string;
  wizardStep: string | null;
  errorParams: Record<string, string>;
} {
  const entry = ERROR_CATALOG[failure.code];
  const statusCode = entry.statusCode;
  const errorParams: Record<string, string> = { platform: platformName };
  for (const [name, value] of Object.entries(failure.params)) errorParams[name] = String(value);
  return {
    statusCode,
    statusText: STATUS_TEXT[statusCode] ?? 'Error',
    errorMessage: failure.message ?? formatCatalogMessage(entry.message, { platform: platformName, ...failure.params }),
    exceptionMessage: failure.detail,
    errorCode: failure.code,
    wizardStep: failure.step !== undefined ? failure.step : entry.step,
    errorParams,
  };
}

/** Wizard step owning a configuration path such as `configuration.payments.accounts.card`. */
export function stepForPath(path: string | null | undefined): WizardStep | null {
  if (!path) return null;
  if (path.includes('.taxRates') || path.includes('newTaxRates')) return 'taxRates';
  if (path.includes('.payments')) return 'payments';
  if (path.includes('.fees')) return 'fees';
  if (path.includes('.sales')) return 'sales';
  if (path.startsWith('schedule')) return 'schedule';
  if (path.includes('mapSettings')) return 'output';
  return 'review';
}
