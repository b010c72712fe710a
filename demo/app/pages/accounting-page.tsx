import { useCallback, useMemo, useState } from 'react';
import { SessionTokenSchema } from '../../../src/contract/bff.js';
import { CommerceSync, CommerceSyncProvider } from '../../../src/widget/index.js';
import '../../../src/widget/styles.css';
import type { DemoMerchantView } from '../../shared/partner-api.js';
import { partnerFetch } from '../api.js';
import { HARBOUR_APPEARANCE } from '../appearance.js';
import { Notice } from '../components/notice.js';

const OUTCOME_TEXT = {
  connected: 'Accounting platform connected.',
  configured: 'Settings saved. Your sales will sync every day.',
  paused: 'Daily sync paused.',
  resumed: 'Daily sync resumed.',
  deauthorized: 'Accounting platform disconnected.',
  deleted: 'Accounting sync removed.',
} as const;

/** Fetches a short-lived widget session token from the BFF, using the partner's sign-in cookie. */
function fetchSessionToken(): Promise<string> {
  return partnerFetch('/api/commerce-sync/session', SessionTokenSchema, { method: 'POST', body: {} }).then((s) => s.token);
}

/** Accounting: the commerce-sync widget embedded in the partner's dashboard. */
export function AccountingPage({ merchant }: { merchant: DemoMerchantView }) {
  const [outcome, setOutcome] = useState<keyof typeof OUTCOME_TEXT | null>(null);
  const getSessionToken = useCallback(() => fetchSessionToken(), []);
  const callbacks = useMemo(
    () => ({
      onConnected: () => setOutcome('connected'),
      onConfigured: () => setOutcome('configured'),
      onPaused: () => setOutcome('paused'),
      onResumed: () => setOutcome('resumed'),
      onDeauthorized: () => setOutcome('deauthorized'),
      onDeleted: () => setOutcome('deleted'),
    }),
    [],
  );

  return (
    <div className="hb-stack">
      {outcome ? <Notice tone="success" title={OUTCOME_TEXT[outcome]} /> : null}
      <section className="hb-card hb-widget-card" aria-label="Accounting integration">
        <CommerceSyncProvider
          apiBaseUrl="/api/commerce-sync"
          getSessionToken={getSessionToken}
          locale={merchant.locale}
          appearance={HARBOUR_APPEARANCE}
          {...callbacks}
        >
          <CommerceSync />
        </CommerceSyncProvider>
      </section>
    </div>
  );
}

