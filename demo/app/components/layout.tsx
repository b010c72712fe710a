import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MouseEvent, ReactNode } from 'react';
import { z } from 'zod';
import type { DemoMerchantView } from '../../shared/partner-api.js';
import { partnerFetch } from '../api.js';
import { navigate } from '../router.js';
import { Brand } from './brand.js';

/** The dashboard's pages, in navigation order. */
export const PAGES = [
  { path: '/', label: 'Overview' },
  { path: '/accounting', label: 'Accounting' },
  { path: '/ledger', label: 'Ledger' },
] as const;

/** Top bar, navigation and page frame of the signed-in dashboard. */
export function DashboardLayout({
  merchant,
  path,
  title,
  description,
  children,
}: {
  merchant: DemoMerchantView;
  path: string;
  title: string;
  description: string;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => partnerFetch('/api/partner/session', z.null(), { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.clear();
      navigate('/sign-in', { replace: true });
    },
  });

  function go(event: MouseEvent<HTMLAnchorElement>, to: string) {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  }

  return (
    <div className="hb-shell">
      <a className="hb-skip" href="#main">
        Skip to content
      </a>
      <header className="hb-topbar">
        <Brand />
        <div className="hb-topbar-right">
          <span className="hb-merchant-chip" title={`${merchant.city} · ${merchant.timeZone}`}>
            <span className="hb-avatar" aria-hidden="true">
              {merchant.name.slice(0, 1)}
            </span>
            <span>
              <span className="hb-merchant-chip-name">{merchant.name}</span>
              <span className="hb-muted hb-small">
                {merchant.city} · {merchant.currency}
              </span>
            </span>
          </span>
          <button type="button" className="hb-button" data-variant="ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </header>
      <div className="hb-body">
        <nav className="hb-nav" aria-label="Dashboard">
          <ul>
            {PAGES.map((page) => (
              <li key={page.path}>
                <a href={page.path} aria-current={page.path === path ? 'page' : undefined} onClick={(e) => go(e, page.path)}>
                  {page.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="hb-main" tabIndex={-1} aria-labelledby="page-title">
          <div className="hb-page-head">
            <h1 id="page-title">{title}</h1>
            <p className="hb-muted">{description}</p>
          </div>
          {children}
        </main>
      </div>
    </div>
  );
}
