import type { CommerceSyncError } from '../api/errors.js';

/** Every event name `onEvent` can receive. Stable: names are added, never renamed or removed. */
export const COMMERCE_SYNC_EVENTS = [
  'widget_opened',
  'widget_closed',
  'platform_selected',
  'authorization_started',
  'authorization_popup_blocked',
  'authorization_connected',
  'authorization_denied',
  'authorization_closed',
  'authorization_failed',
  'wizard_step_viewed',
  'configuration_saved',
  'configuration_rejected',
  'sync_paused',
  'sync_resumed',
  'sync_run_requested',
  'connection_deauthorized',
  'company_deleted',
  'error',
] as const;

/** The stable union of event names passed to `onEvent`. */
export type CommerceSyncEventName = (typeof COMMERCE_SYNC_EVENTS)[number];

/** Metadata sent with an event: flat, serialisable, never secrets. */
export type CommerceSyncEventMetadata = Readonly<Record<string, string | number | boolean | null>>;

/** Typed outcome callbacks. Each fires once per outcome, after the BFF confirmed it. */
export interface CommerceSyncCallbacks {
  /** The merchant's accounting platform was connected (popup or redirect). */
  onConnected?: (detail: { platformKey: string | null }) => void;
  /** The configuration was saved and accepted by the sync service. */
  onConfigured?: (detail: { outputFormat: string | null }) => void;
  /** The daily sync was paused. */
  onPaused?: () => void;
  /** The daily sync was resumed. */
  onResumed?: () => void;
  /** The connection to the accounting platform was removed (de-authorised). */
  onDeauthorized?: () => void;
  /** The merchant's sync (company, settings, history) was deleted. */
  onDeleted?: () => void;
  /** Something failed; `error.recoverable` says whether retrying or correcting input can succeed. */
  onError?: (error: CommerceSyncError) => void;
  /** Every step of the journey, for analytics. */
  onEvent?: (name: CommerceSyncEventName, metadata: CommerceSyncEventMetadata) => void;
}
