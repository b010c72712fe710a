'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { ApiClient } from '../api/client.js';
import { createApiClient } from '../api/client.js';
import { CommerceSyncError } from '../api/errors.js';
import type { Formatters, MessageKey, MessageOverrides, Messages } from '../i18n/index.js';
import { LOADING_LABELS, closestLocale, createFormatters, enUS, formatMessage, loadCatalog, loadedCatalog } from '../i18n/index.js';
import type { Appearance } from '../theme/appearance.js';
import { appearanceToCssVariables } from '../theme/appearance.js';
import type { CommerceSyncCallbacks, CommerceSyncEventMetadata, CommerceSyncEventName } from './events.js';

/** Props of {@link CommerceSyncProvider}. */
export interface CommerceSyncProviderProps extends CommerceSyncCallbacks {
  /** URL of the BFF mount. Default `/api/commerce-sync`. Ignored when `client` is given. */
  apiBaseUrl?: string;
  /** A ready client (tests, custom transports). */
  client?: ApiClient;
  /** Session token from the partner's BFF (`POST /session`). */
  sessionToken?: string;
  /** Returns a fresh session token; called when the BFF answers `session_expired` (then one retry). */
  getSessionToken?: () => Promise<string> | string;
  /** The host's QueryClient; by default the widget keeps a private one. */
  queryClient?: QueryClient;
  /** Theme: becomes `--cs-*` custom properties on the widget root. */
  appearance?: Appearance;
  /** BCP 47 locale; en-US, en-GB and fr-FR ship catalogs (others fall back to the closest). */
  locale?: string;
  /** Override any message key. */
  messages?: MessageOverrides;
  /**
   * Account rows the wizard shows, per platform key (the partner's visible-accounts setting):
   * rows not listed are hidden unless required; a platform absent or `null` shows every row.
   * Hidden rows keep their saved selection.
   */
  visibleAccounts?: Readonly<Record<string, readonly string[] | null>>;
  /**
   * The payment types this partner sends (`card`, `cash`, `onlineCard`, …). The wizard shows
   * these, those seen in pushed payments and those already mapped; the others stay behind
   * "Show all payment types". Default: only what the pushed payments show (all types while
   * none has been pushed).
   */
  paymentTypes?: readonly string[];
  /** Extra class on the root element. */
  className?: string;
  children?: ReactNode;
}

/** What the widget's components and hooks read from the provider. */
export interface CommerceSyncContextValue {
  client: ApiClient;
  locale: string;
  messages: Messages;
  t: (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;
  format: Formatters;
  /** Calls the named outcome callback (latest props, never stale). */
  notify: <K extends keyof Omit<CommerceSyncCallbacks, 'onEvent' | 'onError'>>(name: K, ...args: Parameters<NonNullable<CommerceSyncCallbacks[K]>>) => void;
  emit: (name: CommerceSyncEventName, metadata?: CommerceSyncEventMetadata) => void;
  reportError: (error: unknown) => CommerceSyncError;
  /** The widget root, where dialogs portal to (null during SSR and before mount). */
  portalContainer: HTMLElement | null;
  /** See {@link CommerceSyncProviderProps.visibleAccounts}. */
  visibleAccounts: Readonly<Record<string, readonly string[] | null>>;
  /** See {@link CommerceSyncProviderProps.paymentTypes}. */
  paymentTypes: readonly string[] | null;
}

const NO_VISIBILITY: Readonly<Record<string, readonly string[] | null>> = {};

const CommerceSyncContext = createContext<CommerceSyncContextValue | null>(null);

const useIsomorphicLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

/**
 * Reads the provider; `hookName` names the caller in the error thrown outside the provider.
 * @internal
 */
export function useCommerceSyncContext(hookName: string): CommerceSyncContextValue {
  const value = useContext(CommerceSyncContext);
  if (!value) {
    throw new Error(`${hookName} must be used inside <CommerceSyncProvider>. Wrap your widget components in <CommerceSyncProvider sessionToken={…}>.`);
  }
  return value;
}

/** Turns anything thrown into a {@link CommerceSyncError}. */
export function toCommerceSyncError(error: unknown): CommerceSyncError {
  if (error instanceof CommerceSyncError) return error;
  return new CommerceSyncError({ code: 'internal_error', message: error instanceof Error ? error.message : String(error), cause: error });
}

function shouldRetry(failureCount: number, error: unknown): boolean {
  const e = toCommerceSyncError(error);
  return failureCount < 1 && (e.code === 'network_error' || e.code === 'rate_limited' || e.status >= 500);
}

/**
 * Provides the API client, a private QueryClient (unless `queryClient` is given), theme,
 * messages and callbacks to every commerce-sync component, and renders the themed widget root
 * (`data-cs-root`) that dialogs portal into.
 *
 * @example
 * <CommerceSyncProvider apiBaseUrl="/api/commerce-sync" sessionToken={token} getSessionToken={refresh} locale="en-GB" onConnected={track}>
 *   <CommerceSync />
 * </CommerceSyncProvider>
 */
export function CommerceSyncProvider(props: CommerceSyncProviderProps) {
  const { apiBaseUrl, client: givenClient, sessionToken, getSessionToken, queryClient: givenQueryClient, appearance, locale: requestedLocale = 'en-US', messages: overrides, visibleAccounts = NO_VISIBILITY, paymentTypes = null, className, children } = props;

  const callbacks = useRef<CommerceSyncCallbacks>(props);
  useIsomorphicLayoutEffect(() => {
    callbacks.current = props;
  });

  // The client is created once; token and getter follow the props. Layout effects run before
  // any child's passive effect, so no query starts with a stale token.
  const [client] = useState<ApiClient>(() => givenClient ?? createApiClient({ baseUrl: apiBaseUrl, sessionToken, getSessionToken }));
  useIsomorphicLayoutEffect(() => {
    if (sessionToken !== undefined) client.setSessionToken(sessionToken);
  }, [client, sessionToken]);
  useIsomorphicLayoutEffect(() => {
    if (getSessionToken) client.setSessionTokenGetter(getSessionToken);
  }, [client, getSessionToken]);

  const [privateQueryClient] = useState(
    () =>
      givenQueryClient ??
      new QueryClient({
        defaultOptions: {
          // Retry once, and only what can succeed unchanged (network, 5xx, rate limits), never 4xx.
          queries: { retry: shouldRetry, refetchOnWindowFocus: false },
        },
      }),
  );
  const queryClient = givenQueryClient ?? privateQueryClient;

  const locale = requestedLocale;
  // Catalogs other than en-US arrive on demand; until the active one has, the root shows an
  // announced loading state (no flash of English). If it cannot be fetched, en-US stands in.
  const catalog = loadedCatalog(locale);
  const [failedLocale, setFailedLocale] = useState<string | null>(null);
  const [, catalogArrived] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (catalog) return;
    let live = true;
    loadCatalog(locale).then(
      () => live && catalogArrived(),
      () => live && setFailedLocale(locale),
    );
    return () => {
      live = false;
    };
  }, [catalog, locale]);
  const base = catalog ?? (failedLocale === locale ? enUS : null);
  const messages = useMemo(() => (base && overrides ? { ...base, ...overrides } : (base ?? enUS)), [base, overrides]);
  const format = useMemo(() => createFormatters(locale), [locale]);
  const t = useCallback<CommerceSyncContextValue['t']>((key, params) => formatMessage(messages[key], params), [messages]);

  const emit = useCallback<CommerceSyncContextValue['emit']>((name, metadata = {}) => {
    callbacks.current.onEvent?.(name, metadata);
  }, []);
  const notify = useCallback<CommerceSyncContextValue['notify']>((name, ...args) => {
    const callback = callbacks.current[name] as ((...a: unknown[]) => void) | undefined;
    callback?.(...args);
  }, []);
  const reportError = useCallback<CommerceSyncContextValue['reportError']>((error) => {
    const normalized = toCommerceSyncError(error);
    callbacks.current.onError?.(normalized);
    callbacks.current.onEvent?.('error', { code: normalized.code, recoverable: normalized.recoverable });
    return normalized;
  }, []);

  const rootRef = useRef<HTMLDivElement>(null);
  const [portalContainer, setPortalContainer] = useState<HTMLElement | null>(null);
  const variables = useMemo(() => appearanceToCssVariables(appearance), [appearance]);

  // Custom properties are set through CSSOM, which strict CSP allows (a style attribute would not).
  useIsomorphicLayoutEffect(() => {
    const root = rootRef.current;
    if (!root) return;
    for (const [name, value] of Object.entries(variables)) root.style.setProperty(name, value);
    setPortalContainer(root);
    return () => {
      for (const name of Object.keys(variables)) root.style.removeProperty(name);
    };
  }, [variables]);

  const value = useMemo<CommerceSyncContextValue>(
    () => ({ client, locale, messages, t, format, notify, emit, reportError, portalContainer, visibleAccounts, paymentTypes }),
    [client, locale, messages, t, format, notify, emit, reportError, portalContainer, visibleAccounts, paymentTypes],
  );

  return (
    <QueryClientProvider client={queryClient}>
      <CommerceSyncContext.Provider value={value}>
        <div
          ref={rootRef}
          data-cs-root=""
          data-part="root"
          data-theme={appearance?.colorScheme ?? 'light'}
          lang={closestLocale(locale) === 'fr-FR' ? 'fr' : 'en'}
          className={className}
        >
          {base ? (
            children
          ) : (
            <div data-part="loading" role="status" aria-live="polite">
              <span data-part="spinner" aria-hidden="true" />
              {overrides?.['common.loading'] ?? LOADING_LABELS[closestLocale(locale)]}
            </div>
          )}
        </div>
      </CommerceSyncContext.Provider>
    </QueryClientProvider>
  );
}

/**
 * The widget's translations, formatters and locale.
 *
 * @example
 * const { t, format } = useCommerceSyncI18n();
 * return <span>{format.money(1250, 'GBP')}</span>;
 */
export function useCommerceSyncI18n() {
  const { t, format, locale, messages } = useCommerceSyncContext('useCommerceSyncI18n');
  return { t, format, locale, messages };
}

/**
 * The API client of the nearest provider.
 *
 * @example
 * const client = useCommerceSyncClient();
 */
export function useCommerceSyncClient(): ApiClient {
  return useCommerceSyncContext('useCommerceSyncClient').client;
}
