import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { MerchantListSchema, SignedInSchema } from '../../shared/partner-api.js';
import { partnerFetch } from '../api.js';
import { Brand } from '../components/brand.js';
import { Notice } from '../components/notice.js';
import { navigate } from '../router.js';

/** Demo sign-in: pick one of the demo merchants. */
export function SignInPage({ returnTo }: { returnTo: string }) {
  const queryClient = useQueryClient();
  const merchants = useQuery({
    queryKey: ['merchants'],
    queryFn: () => partnerFetch('/api/partner/merchants', MerchantListSchema),
  });
  const [selected, setSelected] = useState<string | null>(null);
  const signIn = useMutation({
    mutationFn: (merchantId: string) =>
      partnerFetch('/api/partner/session', SignedInSchema, { method: 'POST', body: { merchantId } }),
    onSuccess: (session) => {
      queryClient.setQueryData(['session'], session);
      navigate(returnTo, { replace: true });
    },
  });
  const [touched, setTouched] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (selected) signIn.mutate(selected);
  }

  return (
    <div className="hb-signin">
      <main className="hb-signin-card" aria-labelledby="signin-title">
        <Brand />
        <h1 id="signin-title">Sign in to your dashboard</h1>
        <p className="hb-muted">
          This is a demo. Choose a shop to sign in as — each one has its own sales, time zone and taxes.
        </p>
        {merchants.isError ? (
          <Notice tone="error" title="Could not load the demo shops">
            {merchants.error.message}
          </Notice>
        ) : null}
        <form onSubmit={submit} noValidate>
          <fieldset className="hb-merchant-list" aria-describedby={touched && !selected ? 'signin-error' : undefined}>
            <legend className="hb-label">Shop</legend>
            {merchants.isPending ? <p className="hb-muted">Loading shops…</p> : null}
            {merchants.data?.merchants.map((m) => (
              <label key={m.id} className="hb-merchant-option" data-state={selected === m.id ? 'checked' : 'unchecked'}>
                <input
                  type="radio"
                  name="merchant"
                  value={m.id}
                  checked={selected === m.id}
                  onChange={() => setSelected(m.id)}
                />
                <span className="hb-merchant-badge" data-country={m.country} aria-hidden="true">
                  {m.country}
                </span>
                <span className="hb-merchant-text">
                  <span className="hb-merchant-name">{m.name}</span>
                  <span className="hb-muted hb-small">
                    {m.city} · {m.currency} · {m.taxNote}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          {touched && !selected ? (
            <p id="signin-error" className="hb-field-error" role="alert">
              Choose a shop to sign in as.
            </p>
          ) : null}
          {signIn.isError ? (
            <Notice tone="error" title="Sign-in failed">
              {signIn.error.message}
            </Notice>
          ) : null}
          <button type="submit" className="hb-button" data-variant="primary" disabled={signIn.isPending}>
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
      <footer className="hb-signin-foot hb-muted hb-small">
        Harbour POS is a fictional point-of-sale platform used to demo commerce-sync. Harbour POS staff?{' '}
        <a
          href="/support"
          onClick={(e) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            navigate('/support');
          }}
        >
          Support sign-in
        </a>
      </footer>
    </div>
  );
}
