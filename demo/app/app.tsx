import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { SessionSchema } from '../shared/partner-api.js';
import { partnerFetch } from './api.js';
import { DashboardLayout } from './components/layout.js';
import { Notice } from './components/notice.js';
import { AccountingPage } from './pages/accounting-page.js';
import { LedgerPage } from './pages/ledger-page.js';
import { OverviewPage } from './pages/overview-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { SupportArea } from './pages/support-page.js';
import { navigate, useLocation } from './router.js';

const TITLES: Record<string, { title: string; description: string }> = {
  '/': { title: 'Overview', description: 'Push simulated sales and start a sync for your shop.' },
  '/accounting': {
    title: 'Accounting',
    description: 'Send a daily summary of your sales, payments and fees to your accounting software.',
  },
  '/ledger': { title: 'Ledger', description: 'What the sandbox accounting platform has received from commerce-sync.' },
};

/**
 * The Harbour POS demo dashboard: merchant sign-in, then Overview, Accounting (the widget) and
 * Ledger pages; and, under `/support`, the support staff's own sign-in and Sync Health.
 */
export function App() {
  const location = useLocation();
  return location.pathname === '/support' ? <SupportArea /> : <MerchantApp location={location} />;
}

function MerchantApp({ location }: { location: URL }) {
  const session = useQuery({
    queryKey: ['session'],
    queryFn: () => partnerFetch('/api/partner/session', SessionSchema),
  });
  const path = location.pathname;
  const page = TITLES[path];

  useEffect(() => {
    const title = path === '/sign-in' ? 'Sign in' : (page?.title ?? 'Page not found');
    document.title = `${title} · Harbour POS`;
  }, [path, page]);

  const signedIn = session.data ? session.data.merchant !== null : null;
  const search = location.search;
  useEffect(() => {
    if (signedIn === false && path !== '/sign-in') {
      navigate(`/sign-in?returnTo=${encodeURIComponent(path + search)}`, { replace: true });
    } else if (signedIn && path === '/sign-in') {
      navigate('/', { replace: true });
    }
  }, [signedIn, path, search]);

  if (session.isError) {
    return (
      <div className="hb-signin">
        <Notice tone="error" title="The dashboard could not start">
          {session.error.message}
        </Notice>
      </div>
    );
  }
  if (path === '/sign-in') {
    const returnTo = location.searchParams.get('returnTo');
    return <SignInPage returnTo={returnTo?.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/'} />;
  }
  if (!session.data?.merchant) {
    return (
      <p className="hb-loading" role="status">
        Loading…
      </p>
    );
  }
  const merchant = session.data.merchant;
  return (
    <DashboardLayout
      merchant={merchant}
      path={path}
      title={page?.title ?? 'Page not found'}
      description={page?.description ?? 'This page does not exist. Use the navigation to find your way.'}
    >
      {path === '/' ? <OverviewPage merchant={merchant} /> : null}
      {path === '/accounting' ? <AccountingPage merchant={merchant} /> : null}
      {path === '/ledger' ? <LedgerPage merchant={merchant} /> : null}
    </DashboardLayout>
  );
}
