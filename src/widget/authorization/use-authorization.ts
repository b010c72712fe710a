'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { AUTHORIZATION_MESSAGE_TYPE, AUTHORIZATION_RETURN_PARAM } from '../../contract/bff-routes.js';
import type { AuthorizationFailureReason, AuthorizationOutcome, AuthorizationResult } from '../../contract/bff.js';
import { CommerceSyncError } from '../api/errors.js';
import { commerceSyncKeys, connectionQuery } from '../api/query-keys.js';
import { useCommerceSyncContext } from '../provider/provider.js';

/**
 * Where an authorization attempt stands. `confirming`: a "connected" result arrived (popup message
 * or return URL) and the BFF is being asked whether the connection is really linked; only its
 * answer leads to `connected`.
 */
export type AuthorizationStatus = 'idle' | 'starting' | 'waiting' | 'redirecting' | 'confirming' | 'connected' | 'denied' | 'closed' | 'failed';

/** Options of {@link useAuthorization}. */
export interface UseAuthorizationOptions {
  platformKey: string;
  /** Page to come back to after a full-page redirect. Default: the current page. */
  returnTo?: string;
  /** Full-page navigation (hosts with a router may override). Default `window.location.assign`. */
  navigate?: (url: string) => void;
  /** A result the page was loaded with (redirect mode), e.g. from {@link readAuthorizationReturn}. */
  initialResult?: AuthorizationResult | null;
}

/** What {@link useAuthorization} returns. */
export interface UseAuthorizationResult {
  status: AuthorizationStatus;
  /** Why it did not connect (denied, failed), else null. */
  reason: AuthorizationFailureReason | null;
  error: CommerceSyncError | null;
  /** Whether the popup was blocked and the journey continued with a full-page redirect. */
  popupBlocked: boolean;
  /** Call synchronously in a click handler: opens the popup before any await so browsers allow it. */
  start: () => void;
  /** Back to `idle` (e.g. "Try again"). */
  reset: () => void;
}

const POPUP_NAME = 'commerce-sync-authorization';

// Typed against the contract's unions, so tsc fails if a value is added there and not here.
const OUTCOMES: Readonly<Record<AuthorizationOutcome, true>> = { connected: true, denied: true, error: true };
const REASONS: Readonly<Record<AuthorizationFailureReason, true>> = {
  access_denied: true,
  state_invalid: true,
  state_expired: true,
  state_replayed: true,
  session_mismatch: true,
  invalid_callback: true,
  exchange_failed: true,
  platform_error: true,
};

function isOutcome(value: unknown): value is AuthorizationOutcome {
  return typeof value === 'string' && Object.hasOwn(OUTCOMES, value);
}

function isReason(value: unknown): value is AuthorizationFailureReason {
  return typeof value === 'string' && Object.hasOwn(REASONS, value);
}

// The popup page is ours, but any window of the same origin can post: accept only a well-formed result.
function readAuthorizationMessage(data: unknown): AuthorizationResult | null {
  if (typeof data !== 'object' || data === null) return null;
  const { type, result } = data as { type?: unknown; result?: unknown };
  if (type !== AUTHORIZATION_MESSAGE_TYPE || typeof result !== 'object' || result === null) return null;
  const { outcome, reason, authorizationId, platformKey } = result as Record<string, unknown>;
  const nullableString = (v: unknown) => v === null || typeof v === 'string';
  if (!isOutcome(outcome) || !(reason === null || isReason(reason)) || !nullableString(authorizationId) || !nullableString(platformKey)) return null;
  return { outcome, reason, authorizationId: authorizationId as string | null, platformKey: platformKey as string | null };
}
const DEFAULT_POPUP = { width: 600, height: 720 };
const CLOSED_POLL_MS = 300;

/**
 * Reads and removes `?commerceSync=connected|denied|error` (redirect mode) from a URL. Returns
 * null when absent or malformed.
 *
 * @example
 * const result = readAuthorizationReturn(window.location.href);
 */
export function readAuthorizationReturn(url: string): AuthorizationResult | null {
  const params = new URL(url, 'http://localhost').searchParams;
  if (!params.has(AUTHORIZATION_RETURN_PARAM)) return null;
  const outcome = params.get(AUTHORIZATION_RETURN_PARAM);
  const reason = params.get('reason');
  if (!isOutcome(outcome) || (reason !== null && !isReason(reason))) return null;
  return {
    outcome,
    reason: reason ?? (outcome === 'denied' ? 'access_denied' : outcome === 'error' ? 'platform_error' : null),
    authorizationId: params.get('authorizationId'),
    platformKey: null,
  };
}

/** The URL without the authorization return parameters. */
export function stripAuthorizationReturn(url: string): string {
  const parsed = new URL(url);
  for (const key of [AUTHORIZATION_RETURN_PARAM, 'reason', 'authorizationId']) parsed.searchParams.delete(key);
  return parsed.toString();
}

/**
 * Headless OAuth flow: opens the consent page in a popup synchronously on the click (`about:blank`
 * first, then the URL from the BFF), falls back to a full-page redirect when the popup is blocked,
 * listens for the callback page's `postMessage` (origin checked), and detects a popup closed
 * without a result.
 *
 * @example
 * const auth = useAuthorization({ platformKey: 'sandbox' });
 * <button onClick={auth.start}>Connect</button>
 */
export function useAuthorization(options: UseAuthorizationOptions): UseAuthorizationResult {
  const { client, emit, notify, reportError } = useCommerceSyncContext('useAuthorization');
  const queryClient = useQueryClient();
  const { platformKey } = options;
  const [state, setState] = useState<{ status: AuthorizationStatus; reason: AuthorizationFailureReason | null; error: CommerceSyncError | null; popupBlocked: boolean }>(
    { status: 'idle', reason: null, error: null, popupBlocked: false },
  );
  const attempt = useRef<{ popup: Window | null; origin: string | null; id: string | null; done: boolean }>({ popup: null, origin: null, id: null, done: true });
  const optionsRef = useRef(options);
  useEffect(() => {
    optionsRef.current = options;
  });

  // Each finish() gets a number; a confirmation that comes back after a newer attempt (or a
  // reset) started is ignored.
  const confirmation = useRef(0);
  const fail = useCallback(
    (reason: AuthorizationFailureReason, message: string) => {
      const error = new CommerceSyncError({ code: 'authorization_failed', message });
      setState({ status: 'failed', reason, error, popupBlocked: false });
      emit('authorization_failed', { platformKey, reason });
      reportError(error);
    },
    [emit, platformKey, reportError],
  );
  const finish = useCallback(
    (result: AuthorizationResult) => {
      attempt.current.done = true;
      const ticket = ++confirmation.current;
      if (result.outcome === 'connected') {
        // A "connected" result is only a claim (a return URL anyone can forge, a message any
        // same-origin window can post): the BFF's connection view decides.
        setState({ status: 'confirming', reason: null, error: null, popupBlocked: false });
        queryClient.fetchQuery({ ...connectionQuery(client), staleTime: 0 }).then(
          (view) => {
            if (ticket !== confirmation.current) return;
            if (view.status !== 'Linked') {
              fail('invalid_callback', `Authorization not confirmed: the connection is ${view.status}.`);
              return;
            }
            const key = view.platform?.key ?? result.platformKey ?? platformKey;
            setState({ status: 'connected', reason: null, error: null, popupBlocked: false });
            void queryClient.invalidateQueries({ queryKey: commerceSyncKeys.all(client) });
            emit('authorization_connected', { platformKey: key });
            notify('onConnected', { platformKey: key });
          },
          (cause: unknown) => {
            if (ticket !== confirmation.current) return;
            setState({ status: 'failed', reason: 'platform_error', error: reportError(cause), popupBlocked: false });
          },
        );
      } else if (result.outcome === 'denied') {
        setState({ status: 'denied', reason: result.reason ?? 'access_denied', error: null, popupBlocked: false });
        emit('authorization_denied', { platformKey });
      } else {
        fail(result.reason ?? 'platform_error', `Authorization failed: ${result.reason ?? 'platform_error'}.`);
      }
    },
    [client, emit, fail, notify, platformKey, queryClient, reportError],
  );

  // A result the page was loaded with (redirect mode) is applied once, even under StrictMode.
  const initialApplied = useRef(false);
  useEffect(() => {
    if (initialApplied.current || !options.initialResult) return;
    initialApplied.current = true;
    finish(options.initialResult);
  }, [options.initialResult, finish]);

  useEffect(() => {
    if (state.status !== 'waiting') return;
    const onMessage = (event: MessageEvent) => {
      const current = attempt.current;
      if (current.done || event.origin !== current.origin) return;
      const result = readAuthorizationMessage(event.data);
      if (!result) return;
      if (result.authorizationId && current.id && result.authorizationId !== current.id) return;
      finish(result);
      try {
        current.popup?.close();
      } catch {
        // A cross-origin popup may refuse; it closes itself anyway.
      }
    };
    const timer = setInterval(() => {
      const current = attempt.current;
      if (!current.done && current.popup?.closed) {
        current.done = true;
        setState({ status: 'closed', reason: null, error: null, popupBlocked: false });
        emit('authorization_closed', { platformKey });
      }
    }, CLOSED_POLL_MS);
    window.addEventListener('message', onMessage);
    return () => {
      window.removeEventListener('message', onMessage);
      clearInterval(timer);
    };
  }, [state.status, finish, emit, platformKey]);

  const start = useCallback(() => {
    confirmation.current++;
    const { returnTo = window.location.href, navigate = (url: string) => window.location.assign(url) } = optionsRef.current;
    const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - DEFAULT_POPUP.width) / 2));
    const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - DEFAULT_POPUP.height) / 2));
    // Opened before any await: browsers only allow popups synchronously inside the click.
    const popup = window.open('about:blank', POPUP_NAME, `popup=yes,width=${DEFAULT_POPUP.width},height=${DEFAULT_POPUP.height},left=${left},top=${top}`);
    const mode = popup ? 'popup' : 'redirect';
    attempt.current = { popup, origin: null, id: null, done: false };
    setState({ status: mode === 'popup' ? 'starting' : 'redirecting', reason: null, error: null, popupBlocked: !popup });
    emit('authorization_started', { platformKey, mode });
    if (!popup) emit('authorization_popup_blocked', { platformKey });

    client
      .startAuthorization({ platformKey, mode, returnTo: stripAuthorizationReturn(returnTo) })
      .then((started) => {
        if (!popup) {
          navigate(started.url);
          return;
        }
        if (popup.closed) {
          attempt.current.done = true;
          setState({ status: 'closed', reason: null, error: null, popupBlocked: false });
          emit('authorization_closed', { platformKey });
          return;
        }
        attempt.current.origin = started.messageOrigin;
        attempt.current.id = started.authorizationId;
        try {
          popup.resizeTo(started.popup.width, started.popup.height);
        } catch {
          // Some browsers refuse resizing; the default size works.
        }
        popup.location.href = started.url;
        setState({ status: 'waiting', reason: null, error: null, popupBlocked: false });
      })
      .catch((cause: unknown) => {
        attempt.current.done = true;
        popup?.close();
        const error = reportError(cause);
        setState({ status: 'failed', reason: null, error, popupBlocked: !popup });
      });
  }, [client, emit, platformKey, reportError]);

  const reset = useCallback(() => {
    confirmation.current++;
    attempt.current.done = true;
    setState({ status: 'idle', reason: null, error: null, popupBlocked: false });
  }, []);

  return { ...state, start, reset };
}
