import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState, type FormEvent, type MouseEvent } from 'react';
import { z } from 'zod';
import { CommerceSyncProvider } from '../../../src/widget/index.js';
import { SyncHealth, createSupportClient, type SyncHealthSelection } from '../../../src/widget/sync-health/index.js';
import '../../../src/widget/styles.css';
import '../../../src/widget/sync-health/sync-health.css';
import {
  SupportAgentListSchema,
  SupportSessionSchema,
  SupportSignedInSchema,
  SupportTokenSchema,
  type SupportAgentView,
} from '../../shared/partner-api.js';
import { partnerFetch } from '../api.js';
import { HARBOUR_APPEARANCE } from '../appearance.js';
import { Brand } from '../components/brand.js';
import { Notice } from '../components/notice.js';
import { navigate, useLocation } from '../router.js';

const SUPPORT_SESSION_KEY = ['support-session'] as const;

/**
 * The Support area of the Harbour POS dashboard: its own sign-in (support staff, never a
 * merchant session), then Sync Health over every merchant's syncs.
 */
export function SupportArea() {
  const session = useQuery({
    queryKey: SUPPORT_SESSION_KEY,
    queryFn: () => partnerFetch('/api/partner/support/session', SupportSessionSchema),
  });
  const agent = session.data?.agent ?? null;

  useEffect(() => {
    document.title = `${agent ? 'Support' : 'Support sign-in'} · Harbour POS`;
  }, [agent]);

  if (session.isError) {
    return (
      <div className="hb-signin">
        <Notice tone="error" title="The support area could not start">
          {session.error.message}
        </Notice>
      </div>
    );
  }
  if (session.isPending) {
    return (
      <p className="hb-loading" role="status">
        Loading…
      </p>
    );
  }
  return agent ? <SupportWorkspace agent={agent} /> : <SupportSignIn />;
}

/** Support sign-in: pick one of the demo support agents. */
function SupportSignIn() {
  const queryClient = useQueryClient();
  const agents = useQuery({
    queryKey: ['support-agents'],
    queryFn: () => partnerFetch('/api/partner/support/agents', SupportAgentListSchema),
  });
  const [selected, setSelected] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const signIn = useMutation({
    mutationFn: (agentId: string) =>
      partnerFetch('/api/partner/support/session', SupportSignedInSchema, { method: 'POST', body: { agentId } }),
    onSuccess: (signedIn) => queryClient.setQueryData(SUPPORT_SESSION_KEY, signedIn),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (selected) signIn.mutate(selected);
  }

  return (
    <div className="hb-signin">
      <main className="hb-signin-card" aria-labelledby="support-signin-title">
        <Brand />
        <h1 id="support-signin-title">Support sign-in</h1>
        <p className="hb-muted">
          For Harbour POS staff. Support sees every merchant&apos;s syncs, reads why one failed and retries what was not
          written. This is a demo: choose an agent to sign in as.
        </p>
        {agents.isError ? (
          <Notice tone="error" title="Could not load the support agents">
            {agents.error.message}
          </Notice>
        ) : null}
        <form onSubmit={submit} noValidate>
          <fieldset className="hb-merchant-list" aria-describedby={touched && !selected ? 'support-signin-error' : undefined}>
            <legend className="hb-label">Support agent</legend>
            {agents.isPending ? <p className="hb-muted">Loading agents…</p> : null}
            {agents.data?.agents.map((a) => (
              <label key={a.id} className="hb-merchant-option" data-state={selected === a.id ? 'checked' : 'unchecked'}>
                <input type="radio" name="agent" value={a.id} checked={selected === a.id} onChange={() => setSelected(a.id)} />
                <span className="hb-merchant-badge" aria-hidden="true">
                  {initials(a.name)}
                </span>
                <span className="hb-merchant-text">
                  <span className="hb-merchant-name">{a.name}</span>
                  <span className="hb-muted hb-small">{a.team}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {touched && !selected ? (
            <p id="support-signin-error" className="hb-field-error" role="alert">
              Choose a support agent to sign in as.
            </p>
          ) : null}
          {signIn.isError ? (
            <Notice tone="error" title="Sign-in failed">
              {signIn.error.message}
            </Notice>
          ) : null}
          <button type="submit" className="hb-button" data-variant="primary" disabled={signIn.isPending}>
            {signIn.isPending ? 'Signing in…' : 'Sign in to support'}
          </button>
        </form>
      </main>
      <footer className="hb-signin-foot hb-muted hb-small">
        A merchant?{' '}
        <a href="/sign-in" onClick={(e) => go(e, '/sign-in')}>
          Sign in to your dashboard
        </a>
      </footer>
    </div>
  );
}

/** Fetches a short-lived support-staff token; the partner server issues it only to a signed-in agent. */
function fetchSupportToken(): Promise<string> {
  return partnerFetch('/api/partner/support/token', SupportTokenSchema, { method: 'POST', body: {} }).then((t) => t.token);
}

/** Top bar and Sync Health for a signed-in support agent. The selection lives in the URL. */
function SupportWorkspace({ agent }: { agent: SupportAgentView }) {
  const queryClient = useQueryClient();
  const location = useLocation();
  const [outcome, setOutcome] = useState<string | null>(null);
  const client = useMemo(() => createSupportClient({ baseUrl: '/api/commerce-sync', getSupportToken: fetchSupportToken }), []);
  const selection: SyncHealthSelection = {
    companyId: location.searchParams.get('company'),
    syncId: location.searchParams.get('sync'),
  };
  const onSelectionChange = useCallback((next: SyncHealthSelection) => {
    const params = new URLSearchParams();
    if (next.companyId) params.set('company', next.companyId);
    if (next.companyId && next.syncId) params.set('sync', next.syncId);
    const query = params.toString();
    setOutcome(null);
    navigate(`/support${query ? `?${query}` : ''}`);
  }, []);

  const signOut = useMutation({
    mutationFn: () => partnerFetch('/api/partner/support/session', z.null(), { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ['support-agents'] });
      queryClient.setQueryData(SUPPORT_SESSION_KEY, { agent: null });
      navigate('/support', { replace: true });
    },
  });

  return (
    <div className="hb-shell">
      <a className="hb-skip" href="#main">
        Skip to content
      </a>
      <header className="hb-topbar">
        <Brand />
        <div className="hb-topbar-right">
          <span className="hb-merchant-chip" title={agent.team}>
            <span className="hb-avatar" aria-hidden="true">
              {initials(agent.name)}
            </span>
            <span>
              <span className="hb-merchant-chip-name">{agent.name}</span>
              <span className="hb-muted hb-small">{agent.team}</span>
            </span>
          </span>
          <button type="button" className="hb-button" data-variant="ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </button>
        </div>
      </header>
      <div className="hb-body">
        <nav className="hb-nav" aria-label="Support">
          <ul>
            <li>
              <a href="/support" aria-current="page" onClick={(e) => go(e, '/support')}>
                Sync health
              </a>
            </li>
          </ul>
        </nav>
        <main id="main" className="hb-main" tabIndex={-1} aria-labelledby="page-title">
          <div className="hb-page-head">
            <h1 id="page-title">Support</h1>
            <p className="hb-muted">Every merchant&apos;s syncs: find a failing one, read why, and retry what was not written.</p>
          </div>
          <div className="hb-stack">
            {outcome ? <Notice tone="success" title={outcome} /> : null}
            {/* Sync Health is its own labelled region; this card only frames it. */}
            <div className="hb-card hb-widget-card">
              <CommerceSyncProvider locale="en-GB" appearance={HARBOUR_APPEARANCE}>
                <SyncHealth
                  client={client}
                  selection={selection}
                  onSelectionChange={onSelectionChange}
                  onRetried={(r) =>
                    setOutcome(`Retry finished: ${r.written} of ${r.attempted} document(s) written, ${r.stillFailing} still failing.`)
                  }
                  onReenabled={(r) => setOutcome(`Syncing turned back on from ${r.startDate}.`)}
                  headingLevel={2}
                />
              </CommerceSyncProvider>
            </div>
          </div>
        </main>
      </div>
    </div>
  );
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part.slice(0, 1))
    .join('')
    .slice(0, 2);
}

function go(event: MouseEvent<HTMLAnchorElement>, to: string) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(to);
}
