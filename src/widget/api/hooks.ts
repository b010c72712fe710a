'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConfigurationView, RunSyncRequest } from '../../contract/bff.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import type { CommerceSyncError } from './errors.js';
import { commerceSyncKeys, configurationQuery, connectionQuery, platformsQuery, syncHistoryQuery, syncStatusQuery } from './query-keys.js';
import { outputModeOf } from '../../contract/configuration-helpers.js';

/**
 * The accounting platforms the merchant can connect (with branding).
 *
 * @example
 * const { data, isPending, error, refetch } = usePlatforms();
 */
export function usePlatforms() {
  const { client } = useCommerceSyncContext('usePlatforms');
  return useQuery(platformsQuery(client));
}

/**
 * The merchant's accounting connection (status, platform, company name).
 *
 * @example
 * const { data } = useConnection(); // data?.status === 'Linked'
 */
export function useConnection() {
  const { client } = useCommerceSyncContext('useConnection');
  return useQuery(connectionQuery(client));
}

/**
 * The configuration document with options from the live ledger.
 *
 * @example
 * const { data: configuration } = useConfiguration({ enabled: connected });
 */
export function useConfiguration(options: { enabled?: boolean } = {}) {
  const { client } = useCommerceSyncContext('useConfiguration');
  return useQuery({ ...configurationQuery(client), enabled: options.enabled ?? true });
}

/**
 * Saves the configuration; on success updates the cache, refreshes the status and calls `onConfigured`.
 * Validation failures reject with `error.validation` (itemId = field path).
 *
 * @example
 * const save = useSaveConfiguration();
 * save.mutate(configuration, { onError: (e) => showOnFields(e.validation) });
 */
export function useSaveConfiguration() {
  const { client, notify, emit, reportError } = useCommerceSyncContext('useSaveConfiguration');
  const queryClient = useQueryClient();
  return useMutation<ConfigurationView, CommerceSyncError, ConfigurationView>({
    mutationFn: (body) => client.saveConfiguration(body),
    onSuccess: (saved) => {
      queryClient.setQueryData(commerceSyncKeys.configuration(client), saved);
      void queryClient.invalidateQueries({ queryKey: commerceSyncKeys.sync(client) });
      const outputFormat = outputModeOf(saved.configuration?.mapSettings) ?? null;
      emit('configuration_saved', { outputFormat });
      notify('onConfigured', { outputFormat });
    },
    onError: (error) => {
      if (error.code === 'validation_failed') emit('configuration_rejected', { fields: error.validation.length });
      reportError(error);
    },
  });
}

/**
 * Sync status: health, enabled, latest and last successful run.
 *
 * @example
 * const { data: status } = useSyncStatus();
 */
export function useSyncStatus(options: { enabled?: boolean } = {}) {
  const { client } = useCommerceSyncContext('useSyncStatus');
  return useQuery({ ...syncStatusQuery(client), enabled: options.enabled ?? true });
}

/**
 * Recent sync runs, newest first, each failed one with its merchant message and wizard step.
 *
 * @example
 * const { data } = useSyncHistory({ limit: 10 });
 */
export function useSyncHistory(options: { limit?: number; enabled?: boolean } = {}) {
  const { client } = useCommerceSyncContext('useSyncHistory');
  return useQuery({ ...syncHistoryQuery(client, options.limit ?? 20), enabled: options.enabled ?? true });
}

function useToggle(kind: 'pause' | 'resume', hookName: string) {
  const { client, notify, emit, reportError } = useCommerceSyncContext(hookName);
  const queryClient = useQueryClient();
  return useMutation<{ enabled: boolean }, CommerceSyncError, void>({
    mutationFn: () => (kind === 'pause' ? client.pauseSync() : client.resumeSync()),
    onSuccess: (result) => {
      queryClient.setQueryData(commerceSyncKeys.syncStatus(client), (old) => (old ? { ...old, enabled: result.enabled } : old));
      void queryClient.invalidateQueries({ queryKey: commerceSyncKeys.sync(client) });
      void queryClient.invalidateQueries({ queryKey: commerceSyncKeys.configuration(client) });
      if (kind === 'pause') {
        emit('sync_paused');
        notify('onPaused');
      } else {
        emit('sync_resumed');
        notify('onResumed');
      }
    },
    onError: (error) => {
      reportError(error);
    },
  });
}

/**
 * Pauses the daily sync; calls `onPaused`.
 *
 * @example
 * const pause = usePauseSync(); pause.mutate();
 */
export function usePauseSync() {
  return useToggle('pause', 'usePauseSync');
}

/**
 * Resumes the daily sync; calls `onResumed`.
 *
 * @example
 * const resume = useResumeSync(); resume.mutate();
 */
export function useResumeSync() {
  return useToggle('resume', 'useResumeSync');
}

/**
 * Starts a sync now (latest, or a historic range of local days).
 *
 * @example
 * const run = useRunSync(); run.mutate({ kind: 'latest' });
 */
export function useRunSync() {
  const { client, emit, reportError } = useCommerceSyncContext('useRunSync');
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RunSyncRequest) => client.runSync(body),
    onSuccess: (_result, body) => {
      emit('sync_run_requested', { kind: body.kind });
      void queryClient.invalidateQueries({ queryKey: commerceSyncKeys.sync(client) });
    },
    onError: (error) => {
      reportError(error);
    },
  });
}

/**
 * De-authorises the accounting connection (revokes tokens); calls `onDeauthorized`.
 *
 * @example
 * const deauthorize = useDeauthorize(); deauthorize.mutate();
 */
export function useDeauthorize() {
  const { client, notify, emit, reportError } = useCommerceSyncContext('useDeauthorize');
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.deauthorize(),
    onSuccess: (connection) => {
      queryClient.setQueryData(commerceSyncKeys.connection(client), connection);
      void queryClient.invalidateQueries({ queryKey: commerceSyncKeys.all(client) });
      emit('connection_deauthorized');
      notify('onDeauthorized');
    },
    onError: (error) => {
      reportError(error);
    },
  });
}

/**
 * Deletes the merchant's sync (company, connection, settings, history); calls `onDeleted`.
 *
 * @example
 * const remove = useDeleteCompany(); remove.mutate();
 */
export function useDeleteCompany() {
  const { client, notify, emit, reportError } = useCommerceSyncContext('useDeleteCompany');
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => client.deleteCompany(),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: commerceSyncKeys.all(client) });
      emit('company_deleted');
      notify('onDeleted');
    },
    onError: (error) => {
      reportError(error);
    },
  });
}
