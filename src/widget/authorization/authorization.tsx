'use client';
import { useEffect, useId, useRef } from 'react';
import type { AuthorizationResult } from '../../contract/bff.js';
import { Button } from '../components/button.js';
import { useCommerceSyncContext } from '../provider/provider.js';
import { useAuthorization } from './use-authorization.js';

/** Props of {@link Authorization}. */
export interface AuthorizationProps {
  platform: { key: string; name: string };
  /** Fires after the BFF confirmed the connection. */
  onConnected?: () => void;
  /** "Choose other software": back to the picker. */
  onBack?: () => void;
  returnTo?: string;
  navigate?: (url: string) => void;
  initialResult?: AuthorizationResult | null;
}

/**
 * Connects the chosen accounting platform: a connect button that opens the consent popup (or a
 * full-page redirect when popups are blocked), a waiting state, and clear ways back after a
 * denied consent, a closed popup or a failure.
 *
 * @example
 * <Authorization platform={{ key: 'sandbox', name: 'Sandbox' }} onConnected={next} onBack={pick} />
 */
export function Authorization({ platform, onConnected, onBack, returnTo, navigate, initialResult }: AuthorizationProps) {
  const { t } = useCommerceSyncContext('Authorization');
  const headingId = `cs-auth${useId().replace(/:/g, '')}`;
  const auth = useAuthorization({ platformKey: platform.key, returnTo, navigate, initialResult });
  const name = platform.name;

  const connected = auth.status === 'connected';
  const onConnectedRef = useRef(onConnected);
  useEffect(() => {
    onConnectedRef.current = onConnected;
  });
  useEffect(() => {
    if (connected) onConnectedRef.current?.();
  }, [connected]);

  const problem =
    auth.status === 'denied' ? t('auth.denied', { platform: name })
    : auth.status === 'closed' ? t('auth.closed', { platform: name })
    : auth.status === 'failed' ? t('auth.failed', { platform: name, detail: failureDetail() })
    : null;

  function failureDetail() {
    if (auth.error?.code === 'network_error') return t('error.network');
    return auth.reason === 'invalid_callback' ? t('auth.notConfirmed') : t('error.unknown');
  }

  return (
    <section data-part="authorization" data-state={auth.status} aria-labelledby={headingId}>
      <h2 data-part="heading" id={headingId}>
        {t('auth.title', { platform: name })}
      </h2>
      <p data-part="description">{t('auth.description', { platform: name })}</p>
      {problem ? (
        <div data-part="notice" data-state="error" role="alert">
          {problem}
        </div>
      ) : null}
      {auth.status === 'waiting' || auth.status === 'starting' ? (
        <p data-part="notice" data-state="waiting" role="status">
          {t('auth.waiting', { platform: name })}
        </p>
      ) : null}
      {auth.status === 'redirecting' ? (
        <p data-part="notice" data-state="redirecting" role="status">
          {auth.popupBlocked ? t('auth.popupBlocked', { platform: name }) : t('auth.redirecting', { platform: name })}
        </p>
      ) : null}
      {auth.status === 'confirming' ? (
        <p data-part="notice" data-state="confirming" role="status">
          {t('auth.confirming', { platform: name })}
        </p>
      ) : null}
      {auth.status === 'connected' ? (
        <p data-part="notice" data-state="connected" role="status">
          {t('auth.connected', { platform: name })}
        </p>
      ) : null}
      <div data-part="actions">
        {auth.status === 'idle' || problem ? (
          <Button variant="primary" onClick={auth.start}>
            {problem ? t('auth.tryAgain') : t('auth.connect', { platform: name })}
          </Button>
        ) : null}
        {onBack && auth.status !== 'connected' && auth.status !== 'redirecting' && auth.status !== 'confirming' ? (
          <Button variant="link" onClick={onBack}>
            {t('auth.chooseAnother')}
          </Button>
        ) : null}
      </div>
    </section>
  );
}
