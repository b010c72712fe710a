import { queryOptions } from '@tanstack/react-query';
import type { SaveConfigurationRequest } from '../../contract/bff.js';
import type { ApiClient } from './client.js';

/**
 * Every query key the widget uses, from one factory. Keys are scoped by the client's base URL so
 * two widgets on one page with different BFFs never share cache entries.
 */
export const commerceSyncKeys = {
  all: (client: ApiClient) => ['commerce-sync', client.baseUrl] as const,
  platforms: (client: ApiClient) => [...commerceSyncKeys.all(client), 'platforms'] as const,
  connection: (client: ApiClient) => [...commerceSyncKeys.all(client), 'connection'] as const,
  configuration: (client: ApiClient) => [...commerceSyncKeys.all(client), 'configuration'] as const,
  /** A preview depends on the unsaved selections it was asked for. */
  preview: (client: ApiClient, body: SaveConfigurationRequest) => [...commerceSyncKeys.all(client), 'preview', body] as const,
  sync: (client: ApiClient) => [...commerceSyncKeys.all(client), 'sync'] as const,
  syncStatus: (client: ApiClient) => [...commerceSyncKeys.sync(client), 'status'] as const,
  syncHistory: (client: ApiClient, limit: number) => [...commerceSyncKeys.sync(client), 'history', limit] as const,
};

/** `queryOptions` for the platform list. */
export function platformsQuery(client: ApiClient) {
  return queryOptions({
    queryKey: commerceSyncKeys.platforms(client),
    queryFn: ({ signal }) => client.listPlatforms(signal),
    staleTime: 5 * 60_000,
  });
}

/** `queryOptions` for the merchant's connection. */
export function connectionQuery(client: ApiClient) {
  return queryOptions({
    queryKey: commerceSyncKeys.connection(client),
    queryFn: ({ signal }) => client.getConnection(signal),
  });
}

/** `queryOptions` for the configuration document (options filled from the live ledger). */
export function configurationQuery(client: ApiClient) {
  return queryOptions({
    queryKey: commerceSyncKeys.configuration(client),
    queryFn: ({ signal }) => client.getConfiguration(signal),
  });
}

/** `queryOptions` for the sync status. */
export function syncStatusQuery(client: ApiClient) {
  return queryOptions({
    queryKey: commerceSyncKeys.syncStatus(client),
    queryFn: ({ signal }) => client.getSyncStatus(signal),
  });
}

/** `queryOptions` for the sync history, newest first. */
export function syncHistoryQuery(client: ApiClient, limit = 20) {
  return queryOptions({
    queryKey: commerceSyncKeys.syncHistory(client, limit),
    queryFn: ({ signal }) => client.getSyncHistory(limit, signal),
  });
}

/** `queryOptions` for the preview of an unsaved configuration (kept a minute: the day's data rarely moves). */
export function previewQuery(client: ApiClient, body: SaveConfigurationRequest) {
  return queryOptions({
    queryKey: commerceSyncKeys.preview(client, body),
    queryFn: ({ signal }) => client.previewConfiguration(body, signal),
    staleTime: 60_000,
    retry: false,
  });
}
