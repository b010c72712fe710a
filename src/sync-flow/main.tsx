/**
 * The hosted Sync Flow page: the embeddable widget on a page the sync service serves at
 * `/sync-flow`. The page holds no secret: its flow session is an HttpOnly cookie, exchanged
 * here for short-lived BFF tokens kept in memory.
 */
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionTokenSchema } from '../contract/bff.js';
import { CommerceSync, CommerceSyncProvider } from '../widget/index.js';
import '../widget/styles.css';
import './page.css';

const FLOW_PATH = '/sync-flow';

interface FlowContext {
  locale: string;
  canReturn: boolean;
}

async function fetchContext(): Promise<FlowContext | null> {
  const response = await fetch(`${FLOW_PATH}/context`, { credentials: 'same-origin' });
  if (!response.ok) return null;
  return (await response.json()) as FlowContext;
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

function SyncFlowPage() {
  const [context, setContext] = useState<FlowContext | null | undefined>(undefined);
  useEffect(() => {
    fetchContext().then(setContext, () => setContext(null));
  }, []);
  const getSessionToken = useCallback(() => sessionToken(), []);
  if (context === undefined) return <p aria-live="polite">Loading…</p>;
  if (context === null) {
    return (
      <div role="alert">
        <h1>This link has expired</h1>
        <p>Open accounting sync again from the site you came from to get a new set-up link.</p>
      </div>
    );
  }
  return (
    <>
      <header className="sf-header">
        <h1>Accounting sync</h1>
        <button type="button" className="sf-cancel" onClick={() => finish('cancelled')}>
          {context.canReturn ? 'Cancel and return' : 'Cancel'}
        </button>
      </header>
      <section className="sf-card" aria-label="Accounting sync set-up">
        <CommerceSyncProvider
          apiBaseUrl={`${FLOW_PATH}/api`}
          getSessionToken={getSessionToken}
          locale={context.locale}
          onConfigured={() => finish('connected')}
        >
          <CommerceSync />
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
