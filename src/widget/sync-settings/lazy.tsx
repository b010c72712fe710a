'use client';
import { Suspense, lazy } from 'react';
import { Loading } from '../components/status-views.js';
import type { SyncSettingsProps } from './sync-settings.js';

/** Loads the sync settings' code the first time they are shown. */
export const loadSyncSettings = () => import('./sync-settings.js');

const SyncSettingsImpl = lazy(() => loadSyncSettings().then((m) => ({ default: m.SyncSettings })));

/**
 * Manage a configured sync: status, next run, pause/resume, sync now, edit mapping,
 * de-authorize and delete. Its code is fetched on demand, behind an announced loading state.
 *
 * @example
 * <SyncSettings onEditMapping={(step) => openWizard(step)} />
 */
export function SyncSettings(props: SyncSettingsProps) {
  return (
    <Suspense fallback={<Loading />}>
      <SyncSettingsImpl {...props} />
    </Suspense>
  );
}
