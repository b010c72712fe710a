import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTHORIZATION_MESSAGE_TYPE,
  AuthorizationMessageSchema,
  AuthorizationReturnQuerySchema,
  BffErrorSchema,
  ConnectionViewSchema,
  PlatformListSchema,
} from '../../src/contract/bff.js';
import { createTokenSigner } from '../../src/bff/signing.js';
import {
  OTHER_ALLOWED_ORIGIN,
  PARTNER,
  PUBLIC_URL,
  RETURN_URL,
  browser,
  companiesOf,
  connect,
  consent,
  createHarness,
  expectResponseHygiene,
  popupMessage,
  startAuthorization,
  syncState,
} from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  expectResponseHygiene(h);
  await h.close();
});

function stateOf(url: string): string {
  return new URL(url).searchParams.get('state')!;
}

function decodeState(state: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(state.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function accountingStatus(merchantId: string): Promise<string | undefined> {
  const [company] = await companiesOf(h, merchantId);
  return company?.dataConnections.find((c) => c.sourceType === 'Accounting')?.status;
}

describe('GET /platforms', () => {
  it('lists the accounting platforms with branding and nothing of the sync service credentials', async () => {
    const alice = browser(h, 'alice');
    const response = await alice.call('GET', '/platforms');
    expect(response.status).toBe(200);
    const { platforms } = PlatformListSchema.parse(await response.json());
    expect(platforms.map((p) => p.key)).toEqual(['sandbox']);
    expect(platforms[0]).toMatchObject({ name: 'Sandbox ledger', isBeta: true });
    expect(platforms[0]!.branding?.logo?.square?.src).toMatch(/^http/);
    expect(platforms[0]!.branding?.logo?.square?.alt).toContain('Sandbox');
  });
});

describe('popup authorization', () => {
  it('connects: PKCE challenge to the platform, verifier kept server-side, result posted to the exact partner origin', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice, { mode: 'popup' });
    expect(started.popup).toEqual({ width: 600, height: 720 });
    expect(started.messageOrigin).toBe(PARTNER);
    expect(started.expiresAt).toBe('2026-03-10T12:10:00.000Z');

    const consentUrl = new URL(started.url);
    expect(consentUrl.origin).toBe('http://sync.test');
    expect(consentUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consentUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/oauth/callback`);
    const claims = decodeState(stateOf(started.url));
    expect(Object.keys(claims).sort()).toEqual(['a', 'exp', 'm', 'md', 'n', 'p', 'r', 'v']);
    expect(claims).toMatchObject({ m: 'm-alice', p: 'sandbox', md: 'popup', r: RETURN_URL, a: started.authorizationId });

    expect(await accountingStatus('m-alice')).toBe('PendingAuth');
    const callbackUrl = await consent(h, started.url);
    expect(callbackUrl.startsWith(`${PUBLIC_URL}/oauth/callback?`)).toBe(true);
    const response = await alice.navigate(callbackUrl);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(html).toContain(`<script nonce="${nonce}">`);
    const { message, origin } = popupMessage(html);
    expect(origin).toBe(PARTNER);
    expect(AuthorizationMessageSchema.parse(message)).toEqual({
      type: AUTHORIZATION_MESSAGE_TYPE,
      result: { outcome: 'connected', reason: null, authorizationId: started.authorizationId, platformKey: 'sandbox' },
    });

    expect(await accountingStatus('m-alice')).toBe('Linked');
    const view = ConnectionViewSchema.parse(await (await alice.call('GET', '/connection')).json());
    expect(view).toMatchObject({ status: 'Linked', platform: { key: 'sandbox', name: 'Sandbox ledger' } });
  });

  it('creates the merchant company once, tagged with the merchant id, and reuses it', async () => {
    const alice = browser(h, 'alice');
    expect(await companiesOf(h, 'm-alice')).toHaveLength(0);
    await Promise.all([startAuthorization(alice), startAuthorization(alice)]);
    await startAuthorization(alice);
    const companies = await companiesOf(h, 'm-alice');
    expect(companies).toHaveLength(1);
    expect(companies[0]!.tags).toEqual({ merchantId: 'm-alice' });
    expect(companies[0]!.dataConnections.filter((c) => c.sourceType === 'Accounting')).toHaveLength(1);
  });

  it('refuses a second connection while one is linked', async () => {
    const alice = browser(h, 'alice');
    await connect(h, alice);
    const before = await syncState(h, 'm-alice');
    const response = await alice.call('POST', '/authorizations', { platformKey: 'sandbox', mode: 'popup' });
    expect(response.status).toBe(409);
    expect(BffErrorSchema.parse(await response.json())).toMatchObject({ code: 'conflict' });
    expect(await syncState(h, 'm-alice')).toEqual(before);
  });
});

describe('redirect authorization', () => {
  it('returns the merchant to returnTo with ?commerceSync=connected', async () => {
    const alice = browser(h, 'alice');
    const returnTo = `${OTHER_ALLOWED_ORIGIN}/merchants/42/accounting?tab=sync`;
    const started = await startAuthorization(alice, { mode: 'redirect', returnTo });
    const response = await alice.navigate(await consent(h, started.url));
    expect(response.status).toBe(302);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${OTHER_ALLOWED_ORIGIN}/merchants/42/accounting`);
    expect(location.searchParams.get('tab')).toBe('sync');
    expect(AuthorizationReturnQuerySchema.parse(Object.fromEntries(location.searchParams))).toMatchObject({
      commerceSync: 'connected',
      authorizationId: started.authorizationId,
    });
    expect(location.searchParams.has('reason')).toBe(false);
    expect(await accountingStatus('m-alice')).toBe('Linked');
  });

  it('reports a denied consent as denied and changes nothing', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice, { mode: 'redirect' });
    const callbackUrl = await consent(h, started.url, 'deny');
    const before = await syncState(h, 'm-alice');
    const response = await alice.navigate(callbackUrl);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(RETURN_URL);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      commerceSync: 'denied',
      reason: 'access_denied',
      authorizationId: started.authorizationId,
    });
    expect(await syncState(h, 'm-alice')).toEqual(before);
    expect(await accountingStatus('m-alice')).toBe('PendingAuth');
  });
});

describe('attacks on the authorization flow: refused, nothing changed', () => {
  it('tampered state (payload edited to another merchant): state_invalid, answered only to the configured origin', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice, { mode: 'redirect', returnTo: `${OTHER_ALLOWED_ORIGIN}/x` });
    const callbackUrl = new URL(await consent(h, started.url));
    const [body, signature] = stateOf(callbackUrl.toString()).split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, m: 'm-bob', r: 'https://evil.test/' })).toString('base64url')}.${signature}`;
    callbackUrl.searchParams.set('state', forged);

    const before = await syncState(h, 'm-alice');
    const response = await alice.navigate(callbackUrl.toString());
    expect(response.status).toBe(400);
    const { message, origin } = popupMessage(await response.text());
    expect(origin).toBe(PARTNER);
    expect(message).toMatchObject({ result: { outcome: 'error', reason: 'state_invalid', authorizationId: null } });
    expect(await syncState(h, 'm-alice')).toEqual(before);
    expect(await accountingStatus('m-alice')).toBe('PendingAuth');
  });

  it('state signed with another secret: state_invalid', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice);
    const callbackUrl = new URL(await consent(h, started.url));
    const claims = decodeState(stateOf(callbackUrl.toString()));
    const forged = createTokenSigner('another-secret-another-secret-another-secret', 'oauth-state').sign(
      claims as { exp: number },
    );
    callbackUrl.searchParams.set('state', forged);
    const before = await syncState(h, 'm-alice');
    const response = await alice.navigate(callbackUrl.toString());
    expect(popupMessage(await response.text()).message).toMatchObject({ result: { reason: 'state_invalid' } });
    expect(await syncState(h, 'm-alice')).toEqual(before);
  });

  it('missing state: state_invalid', async () => {
    const alice = browser(h, 'alice');
    const response = await alice.navigate(`${PUBLIC_URL}/oauth/callback?code=abc`);
    expect(response.status).toBe(400);
    expect(popupMessage(await response.text()).message).toMatchObject({ result: { outcome: 'error', reason: 'state_invalid' } });
    expect(await companiesOf(h, 'm-alice')).toHaveLength(0);
  });

  it('replayed state: the second use is refused and does not re-link a disconnected platform', async () => {
    const alice = browser(h, 'alice');
    const { callbackUrl, response } = await connect(h, alice, 'redirect');
    expect(new URL(response.headers.get('location')!).searchParams.get('commerceSync')).toBe('connected');
    expect((await alice.call('DELETE', '/connection')).status).toBe(200);
    expect(await accountingStatus('m-alice')).toBe('Unlinked');

    const before = await syncState(h, 'm-alice');
    const replay = await alice.navigate(callbackUrl);
    expect(replay.status).toBe(302);
    const location = new URL(replay.headers.get('location')!);
    expect(location.searchParams.get('commerceSync')).toBe('error');
    expect(location.searchParams.get('reason')).toBe('state_replayed');
    expect(await syncState(h, 'm-alice')).toEqual(before);
    expect(await accountingStatus('m-alice')).toBe('Unlinked');
  });

  it('expired state (after 10 minutes): state_expired', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice, { mode: 'redirect' });
    const callbackUrl = await consent(h, started.url);
    h.clock.now = new Date(h.clock.now.getTime() + 10 * 60_000 + 1_000);
    const before = await syncState(h, 'm-alice');
    const response = await alice.navigate(callbackUrl);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('reason')).toBe('state_expired');
    expect(location.searchParams.get('commerceSync')).toBe('error');
    expect(await syncState(h, 'm-alice')).toEqual(before);
    expect(await accountingStatus('m-alice')).toBe('PendingAuth');
  });

  it('callback opened in another merchant’s browser (login CSRF): session_mismatch, neither merchant changes', async () => {
    const alice = browser(h, 'alice');
    const bob = browser(h, 'bob');
    await bob.newSession();
    const started = await startAuthorization(alice);
    const callbackUrl = await consent(h, started.url);
    const aliceBefore = await syncState(h, 'm-alice');
    const response = await bob.navigate(callbackUrl);
    expect(response.status).toBe(403);
    expect(popupMessage(await response.text()).message).toMatchObject({ result: { outcome: 'error', reason: 'session_mismatch' } });
    expect(await syncState(h, 'm-alice')).toEqual(aliceBefore);
    expect(await companiesOf(h, 'm-bob')).toHaveLength(0);
    // Bob's browser did not burn Alice's attempt: the same callback still connects her.
    const own = await alice.navigate(callbackUrl);
    expect(own.status).toBe(200);
    expect(popupMessage(await own.text()).message).toMatchObject({ result: { outcome: 'connected', reason: null } });
    expect(await accountingStatus('m-alice')).toBe('Linked');
  });

  it('callback without the partner session: session_mismatch', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice, { mode: 'redirect' });
    const callbackUrl = await consent(h, started.url);
    const before = await syncState(h, 'm-alice');
    const response = await alice.navigate(callbackUrl, '');
    expect(new URL(response.headers.get('location')!).searchParams.get('reason')).toBe('session_mismatch');
    expect(await syncState(h, 'm-alice')).toEqual(before);
    // Signed in again, the same callback completes: the attempt was not consumed.
    const signedIn = await alice.navigate(callbackUrl);
    expect(new URL(signedIn.headers.get('location')!).searchParams.get('commerceSync')).toBe('connected');
    expect(await accountingStatus('m-alice')).toBe('Linked');
  });

  it('a returnTo on a foreign origin is refused before anything is created', async () => {
    const alice = browser(h, 'alice');
    const response = await alice.call('POST', '/authorizations', { platformKey: 'sandbox', mode: 'redirect', returnTo: 'https://evil.test/steal' });
    expect(response.status).toBe(400);
    const error = BffErrorSchema.parse(await response.json());
    expect(error.code).toBe('return_url_not_allowed');
    expect(error.validation?.errors[0]?.itemId).toBe('returnTo');
    expect(await companiesOf(h, 'm-alice')).toHaveLength(0);
  });

  it('a javascript: returnTo fails validation', async () => {
    const alice = browser(h, 'alice');
    const response = await alice.call('POST', '/authorizations', { platformKey: 'sandbox', mode: 'redirect', returnTo: 'javascript:alert(1)' });
    expect(response.status).toBe(400);
    expect(BffErrorSchema.parse(await response.json())).toMatchObject({ code: 'validation_failed', validation: { errors: [{ itemId: 'returnTo' }] } });
    expect(await companiesOf(h, 'm-alice')).toHaveLength(0);
  });

  it('an unknown platform is refused with a field error', async () => {
    const alice = browser(h, 'alice');
    const response = await alice.call('POST', '/authorizations', { platformKey: 'nope', mode: 'popup' });
    expect(response.status).toBe(400);
    expect(BffErrorSchema.parse(await response.json())).toMatchObject({
      code: 'platform_unknown',
      validation: { errors: [{ itemId: 'platformKey' }] },
    });
    expect(await companiesOf(h, 'm-alice')).toHaveLength(0);
  });

  it('a callback with neither code nor error: invalid_callback', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice, { mode: 'redirect' });
    const response = await alice.navigate(`${PUBLIC_URL}/oauth/callback?state=${encodeURIComponent(stateOf(started.url))}`);
    expect(new URL(response.headers.get('location')!).searchParams.get('reason')).toBe('invalid_callback');
    expect(await accountingStatus('m-alice')).toBe('PendingAuth');
  });

  it('a code the platform rejects: exchange_failed, still pending', async () => {
    const alice = browser(h, 'alice');
    const started = await startAuthorization(alice, { mode: 'redirect' });
    const callbackUrl = new URL(await consent(h, started.url));
    callbackUrl.searchParams.set('code', 'forged-code');
    const response = await alice.navigate(callbackUrl.toString());
    expect(new URL(response.headers.get('location')!).searchParams.get('reason')).toBe('exchange_failed');
    expect(await accountingStatus('m-alice')).toBe('PendingAuth');
  });
});
