'use client';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo } from 'react';
import type {
  SupportHistoryQuery,
  SupportReenableRequest,
  SupportSearchQuery,
} from '../../contract/support.js';
import { closestLocale, formatMessage } from '../i18n/index.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import type { SupportClient } from './client.js';
import {
  SYNC_HEALTH_CATALOGS,
  type SyncHealthMessageKey,
  type SyncHealthMessages,
} from './messages.js';

/** Every Sync Health query key, from one factory (scoped by the client's base URL). */
export const syncHealthKeys = {
  all: (client: SupportClient) => ['commerce-sync', client.baseUrl, 'support'] as const,
  search: (client: SupportClient, query: SupportSearchQuery) =>
    [...syncHealthKeys.all(client), 'search', query] as const,
  company: (client: SupportClient, companyId: string) =>
    [...syncHealthKeys.all(client), 'company', companyId] as const,
  history: (client: SupportClient, companyId: string, query: SupportHistoryQuery) =>
    [...syncHealthKeys.company(client, companyId), 'history', query] as const,
  sync: (client: SupportClient, companyId: string, syncId: string) =>
    [...syncHealthKeys.company(client, companyId), 'sync', syncId] as const,
  configuration: (client: SupportClient, companyId: string) =>
    [...syncHealthKeys.company(client, companyId), 'configuration'] as const,
  deliveries: (client: SupportClient, companyId: string) =>
    [...syncHealthKeys.company(client, companyId), 'deliveries'] as const,
  documentLines: (client: SupportClient, companyId: string, reference: string) =>
    [...syncHealthKeys.company(client, companyId), 'documentLines', reference] as const,
};

/** `queryOptions` for the company search (with totals). */
export function supportSearchQuery(client: SupportClient, query: SupportSearchQuery) {
  return queryOptions({
    queryKey: syncHealthKeys.search(client, query),
    queryFn: ({ signal }) => client.search(query, signal),
  });
}
/** `queryOptions` for one company. */
export function supportCompanyQuery(client: SupportClient, companyId: string) {
  return queryOptions({
    queryKey: syncHealthKeys.company(client, companyId),
    queryFn: ({ signal }) => client.company(companyId, signal),
  });
}
/** `queryOptions` for a company's sync history. */
export function supportHistoryQuery(
  client: SupportClient,
  companyId: string,
  query: SupportHistoryQuery = {},
) {
  return queryOptions({
    queryKey: syncHealthKeys.history(client, companyId, query),
    queryFn: ({ signal }) => client.history(companyId, query, signal),
  });
}
/** `queryOptions` for one sync with its push items. */
export function supportSyncQuery(client: SupportClient, companyId: string, syncId: string) {
  return queryOptions({
    queryKey: syncHealthKeys.sync(client, companyId, syncId),
    queryFn: ({ signal }) => client.sync(companyId, syncId, signal),
  });
}
/** `queryOptions` for a company's saved configuration. */
export function supportConfigurationQuery(client: SupportClient, companyId: string) {
  return queryOptions({
    queryKey: syncHealthKeys.configuration(client, companyId),
    queryFn: ({ signal }) => client.configuration(companyId, signal),
  });
}
/** `queryOptions` for a company's webhook deliveries. */
export function supportDeliveriesQuery(client: SupportClient, companyId: string) {
  return queryOptions({
    queryKey: syncHealthKeys.deliveries(client, companyId),
    queryFn: ({ signal }) => client.deliveries(companyId, signal),
  });
}
/** `queryOptions` for "explain this line": a written document's lines with the records behind each. */
export function supportDocumentLinesQuery(client: SupportClient, companyId: string, reference: string) {
  return queryOptions({
    queryKey: syncHealthKeys.documentLines(client, companyId, reference),
    queryFn: ({ signal }) => client.documentLines(companyId, reference, signal),
    // A written document's lines never change; the records behind them only when re-pushed.
    staleTime: 60_000,
  });
}

const SupportClientContext = createContext<SupportClient | null>(null);

/** Provides the support client to the Sync Health hooks (`<SyncHealth>` renders it for you). */
export const SupportClientProvider = SupportClientContext.Provider;

/**
 * The support client of the nearest `<SyncHealth>` (or `SupportClientProvider`).
 *
 * @example
 * const client = useSupportClient();
 */
export function useSupportClient(): SupportClient {
  const client = useContext(SupportClientContext);
  if (!client)
    throw new Error(
      'useSupportClient must be used inside <SyncHealth> or <SupportClientProvider value={createSupportClient(…)}>.',
    );
  return client;
}

/**
 * Sync Health translations for the provider's locale, with optional overrides.
 *
 * @example
 * const { t } = useSyncHealthI18n();
 * return <h2>{t('title')}</h2>;
 */
export function useSyncHealthI18n(overrides?: Partial<SyncHealthMessages>) {
  const { locale, format } = useCommerceSyncContext('useSyncHealthI18n');
  const messages = useMemo(
    () => ({ ...SYNC_HEALTH_CATALOGS[closestLocale(locale)], ...overrides }),
    [locale, overrides],
  );
  const t = useCallback(
    (key: SyncHealthMessageKey, params?: Readonly<Record<string, string | number>>) =>
      formatMessage(messages[key], params),
    [messages],
  );
  return { t, format, locale, messages };
}

/**
 * Searches companies; the result carries totals by health.
 *
 * @example
 * const { data } = useSupportSearch({ health: 'failing' });
 */
export function useSupportSearch(query: SupportSearchQuery) {
  return useQuery(supportSearchQuery(useSupportClient(), query));
}

/**
 * One company (null id: idle).
 *
 * @example
 * const company = useSupportCompany(companyId);
 */
export function useSupportCompany(companyId: string | null) {
  const client = useSupportClient();
  return useQuery({ ...supportCompanyQuery(client, companyId ?? ''), enabled: companyId !== null });
}

/**
 * A company's sync history, newest first.
 *
 * @example
 * const history = useSupportHistory(companyId, { state: 'failed' });
 */
export function useSupportHistory(companyId: string | null, query: SupportHistoryQuery = {}) {
  const client = useSupportClient();
  return useQuery({
    ...supportHistoryQuery(client, companyId ?? '', query),
    enabled: companyId !== null,
  });
}

/**
 * One sync with every document it wrote (null ids: idle).
 *
 * @example
 * const sync = useSupportSync(companyId, syncId);
 */
export function useSupportSync(companyId: string | null, syncId: string | null) {
  const client = useSupportClient();
  return useQuery({
    ...supportSyncQuery(client, companyId ?? '', syncId ?? ''),
    enabled: companyId !== null && syncId !== null,
  });
}

/**
 * A company's saved configuration, fetched when `enabled`.
 *
 * @example
 * const config = useSupportConfiguration(companyId, open);
 */
export function useSupportConfiguration(companyId: string | null, enabled = true) {
  const client = useSupportClient();
  return useQuery({
    ...supportConfigurationQuery(client, companyId ?? ''),
    enabled: enabled && companyId !== null,
  });
}

/**
 * A company's webhook deliveries.
 *
 * @example
 * const deliveries = useSupportDeliveries(companyId);
 */
export function useSupportDeliveries(companyId: string | null) {
  const client = useSupportClient();
  return useQuery({
    ...supportDeliveriesQuery(client, companyId ?? ''),
    enabled: companyId !== null,
  });
}

/**
 * "Explain this line" for one written document, fetched when `enabled` (the view opens it on demand).
 *
 * @example
 * const lines = useSupportDocumentLines(companyId, item.reference, open);
 */
export function useSupportDocumentLines(companyId: string | null, reference: string | null, enabled = true) {
  const client = useSupportClient();
  return useQuery({
    ...supportDocumentLinesQuery(client, companyId ?? '', reference ?? ''),
    enabled: enabled && companyId !== null && reference !== null,
  });
}

/**
 * Retries only the failed items of a sync; refreshes the company's queries and the search after.
 *
 * @example
 * const retry = useRetryFailedItems();
 * retry.mutate({ companyId, syncId });
 */
export function useRetryFailedItems() {
  const client = useSupportClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ companyId, syncId }: { companyId: string; syncId: string }) =>
      client.retryFailed(companyId, syncId),
    onSuccess: async (result, { companyId, syncId }) => {
      queryClient.setQueryData(syncHealthKeys.sync(client, companyId, syncId), result.detail);
      await queryClient.invalidateQueries({ queryKey: syncHealthKeys.all(client) });
    },
  });
}

/**
 * Turns syncing back on for a switched-off company from a new start date.
 *
 * @example
 * const reenable = useReenableCompany();
 * reenable.mutate({ companyId, startDate: '2026-04-01' });
 */
export function useReenableCompany() {
  const client = useSupportClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ companyId, ...body }: { companyId: string } & SupportReenableRequest) =>
      client.reenable(companyId, body),
    onSuccess: async (company) => {
      queryClient.setQueryData(syncHealthKeys.company(client, company.companyId), company);
      await queryClient.invalidateQueries({ queryKey: syncHealthKeys.all(client) });
    },
  });
}
