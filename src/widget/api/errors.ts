import type { BffError, BffErrorCode } from '../../contract/bff.js';
import type { FieldError } from '../../contract/errors.js';

/** Codes the widget raises itself, besides the BFF's. */
export type WidgetErrorCode = BffErrorCode | 'network_error' | 'invalid_response' | 'popup_closed' | 'authorization_failed';

// Codes where trying again (same input, later) can succeed.
const RECOVERABLE: ReadonlySet<WidgetErrorCode> = new Set<WidgetErrorCode>([
  'network_error',
  'rate_limited',
  'upstream_unavailable',
  'internal_error',
  'conflict',
  'validation_failed',
  'popup_closed',
  'authorization_failed',
  'not_connected',
]);

/**
 * The error every widget hook and callback reports: a stable `code`, the HTTP status (0 when the
 * request never got an answer), whether retrying or correcting input can succeed (`recoverable`),
 * per-field `validation` errors and the request id support can look up.
 */
export class CommerceSyncError extends Error {
  override readonly name = 'CommerceSyncError';
  readonly code: WidgetErrorCode;
  readonly status: number;
  readonly recoverable: boolean;
  readonly validation: readonly FieldError[];
  readonly correlationId: string | null;

  constructor(init: {
    code: WidgetErrorCode;
    message: string;
    status?: number;
    recoverable?: boolean;
    validation?: readonly FieldError[];
    correlationId?: string | null;
    cause?: unknown;
  }) {
    super(init.message, { cause: init.cause });
    this.code = init.code;
    this.status = init.status ?? 0;
    this.recoverable = init.recoverable ?? RECOVERABLE.has(init.code);
    this.validation = init.validation ?? [];
    this.correlationId = init.correlationId ?? null;
  }

  /** Builds the error from a BFF error body. */
  static fromBody(status: number, body: BffError): CommerceSyncError {
    return new CommerceSyncError({
      code: body.code,
      message: body.error,
      status,
      validation: body.validation?.errors ?? [],
      correlationId: body.correlationId,
      recoverable: body.canBeRetried === 'Yes' ? true : undefined,
    });
  }
}

/** Narrows an unknown thrown value to {@link CommerceSyncError}. */
export function isCommerceSyncError(error: unknown): error is CommerceSyncError {
  return error instanceof CommerceSyncError;
}
