/**
 * The hosted Sync Flow page: the embeddable widget on a page the sync service serves at
 * `/sync-flow`. The page holds no secret: its flow session is an HttpOnly cookie, exchanged
 * here for short-lived BFF tokens kept in memory. Branding, text overrides and visible
 * accounts come from the service (`/sync-flow/context`); styles are applied through CSSOM,
 * which the page's CSP allows (no inline style).
 */
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionTokenSchema } from '../contract/bff.js';
import { HostedFlowContextSchema, type HostedFlowContext } from '../contract/hosted-flow.js';
import { CommerceSync, CommerceSyncProvider, type Appearance } from '../widget/index.js';
import { LOADING_LABELS, closestLocale, formatMessage, loadCatalog, resolveMessages, type MessageKey, type MessageOverrides } from '../widget/i18n/index.js';
import '../widget/styles.css';
import './page.css';

const FLOW_PATH = '/sync-flow';

async function fetchContext(): Promise<HostedFlowContext | null> {
  const response = await fetch(`${FLOW_PATH}/context`, { credentials: 'same-origin' });
  if (!response.ok) {
    await loadCatalog(navigator.language).catch(() => undefined);
    return null;
  }
  const context = HostedFlowContextSchema.parse(await response.json());
  // The page's own texts come from the same catalog as the widget's; non-default catalogs load on demand.
  await loadCatalog(context.locale).catch(() => undefined);
  return context;
}

async function sessionToken(): Promise<string> {
  const response = await fetch(`${FLOW_PATH}/api/session`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw new Error('This set-up session has ended. Open accounting sync again from the site you came from.');
  return SessionTokenSchema.parse(await response.json()).token;
}

/** Leaves the page through the service, which adds the outcome and company to the partner's redirect URL. */
function finish(status: 'connected' | 'cancelled'): void {
  window.location.assign(`${FLOW_PATH}/done?status=${status}`);
}

/** The page around the widget follows the partner's colours too (custom properties set through CSSOM). */
function applyPageBranding(context: HostedFlowContext): void {
  const root = document.documentElement;
  const colors = context.branding?.colors ?? {};
  if (colors.background) root.style.setProperty('--sf-card', colors.background);
  if (colors.foreground) root.style.setProperty('--sf-fg', colors.foreground);
  if (colors.focus) root.style.setProperty('--sf-focus', colors.focus);
  if (context.branding?.fontFamily) root.style.setProperty('--sf-font', context.branding.fontFamily);
  const language = closestLocale(context.locale) === 'fr-FR' ? 'fr' : 'en';
  root.lang = language;
}

function SyncFlowPage() {
  const [context, setContext] = useState<HostedFlowContext | null | undefined>(undefined);
  useEffect(() => {
    fetchContext().then(setContext, () => setContext(null));
  }, []);
  const locale = context?.locale ?? navigator.language ?? 'en-US';
  const overrides = context?.messages as MessageOverrides | undefined;
  const messages = useMemo(() => resolveMessages(locale, overrides), [locale, overrides]);
  const t = useCallback((key: MessageKey, params?: Record<string, string>) => formatMessage(messages[key], params), [messages]);
  const appearance = useMemo<Appearance | undefined>(() => {
    const branding = context?.branding;
    if (!branding) return undefined;
    return { ...(branding.colors ? { colors: branding.colors } : {}), ...(branding.fontFamily ? { fontFamily: branding.fontFamily } : {}) };
  }, [context]);
  useEffect(() => {
    if (!context) return;
    applyPageBranding(context);
    const name = context.branding?.name;
    document.title = name ? `${t('widget.title')} – ${name}` : t('widget.title');
  }, [context, t]);
  const getSessionToken = useCallback(() => sessionToken(), []);

  if (context === undefined) return <p aria-live="polite">{LOADING_LABELS[closestLocale(locale)]}</p>;
  if (context === null) {
    return (
      <div role="alert">
        <h1>{t('flow.expiredTitle')}</h1>
        <p>{t('flow.expiredText')}</p>
      </div>
    );
  }
  const branding = context.branding;
  return (
    <>
      <header className="sf-header">
        {branding ? (
          <p className="sf-brand">
            {branding.logoUrl ? <img className="sf-logo" src={branding.logoUrl} alt={t('flow.partnerLogo', { name: branding.name })} /> : null}
            <span className="sf-partner">{branding.name}</span>
          </p>
        ) : null}
        <div className="sf-title-row">
          <h1>{t('widget.title')}</h1>
          <button type="button" className="sf-cancel" onClick={() => finish('cancelled')}>
            {context.canReturn ? t('flow.cancelAndReturn') : t('common.cancel')}
          </button>
        </div>
      </header>
      <section className="sf-card" aria-label={t('widget.title')}>
        <CommerceSyncProvider
          apiBaseUrl={`${FLOW_PATH}/api`}
          getSessionToken={getSessionToken}
          locale={context.locale}
          messages={overrides}
          visibleAccounts={context.visibleAccounts}
          {...(appearance ? { appearance } : {})}
          onConfigured={() => finish('connected')}
        >
          <CommerceSync {...(context.platform ? { platform: context.platform } : {})} />
        </CommerceSyncProvider>
      </section>
    </>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <SyncFlowPage />
    </StrictMode>,
  );
}
