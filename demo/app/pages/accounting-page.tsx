import { useCallback, useMemo, useState } from 'react';
import { SessionTokenSchema } from '../../../src/contract/bff.js';
import { CommerceSync, CommerceSyncProvider } from '../../../src/widget/index.js';
import type { Appearance } from '../../../src/widget/index.js';
import '../../../src/widget/styles.css';
import type { DemoMerchantView } from '../../shared/partner-api.js';
import { partnerFetch } from '../api.js';
import { Notice } from '../components/notice.js';

/** The widget themed in Harbour POS colours. */
const APPEARANCE: Appearance = {
  colors: {
    primary: '#0e4a5c',
    primaryFg: '#ffffff',
    foreground: '#15242b',
    mutedFg: '#56666d',
    border: '#c9d3d7',
    muted: '#f1f5f6',
    focus: '#1a73e8',
  },
  radius: '8px',
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  fontSize: '15px',
};

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
          appearance={APPEARANCE}
          {...callbacks}
        >
          <CommerceSync />
        </CommerceSyncProvider>
      </section>
    </div>
  );
}

