import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/platforms/connector.js';
import { CODE_TTL_MS, ACCESS_TOKEN_TTL_MS, createSandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import type { SandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import {
  BASE,
  REDIRECT_URI,
  connect,
  contextFor,
  decide,
  get,
  newSandbox,
  openConsent,
  pkcePair,
  postForm,
} from './helpers.js';

const clientAuth = {
  Authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`,
};
let sandbox: SandboxPlatform;
afterEach(() => sandbox?.close());

async function authorize(state = 'opaque.state+/=?&x', challenge?: string) {
  const url = sandbox.connector.authorizationUrl({
    state,
    redirectUri: REDIRECT_URI,
    ...(challenge ? { codeChallenge: challenge } : {}),
  });
  const { requestId } = await openConsent(sandbox, url);
  return decide(sandbox, requestId, 'allow');
}

describe('sandbox OAuth', () => {
  it('issues a code with the state untouched and exchanges it with PKCE S256', async () => {
    ({ sandbox } = newSandbox());
    const { verifier, challenge } = pkcePair();
    const state = 'opaque.state+/=?&x ü';
    const back = await authorize(state, challenge);
    expect(back.origin + back.pathname).toBe('https://app.example.test/callback');
    expect(back.searchParams.get('partner')).toBe('acme');
    expect(back.searchParams.get('state')).toBe(state);
    const tokens = await sandbox.connector.exchangeCode({
      code: back.searchParams.get('code')!,
      redirectUri: REDIRECT_URI,
      codeVerifier: verifier,
    });
    expect(tokens.tenantId).toBe(sandbox.admin.listLedgers()[0]!.id);
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.expiresAt).toBe(new Date('2026-03-01T10:00:00Z').getTime() + ACCESS_TOKEN_TTL_MS);
    const info = await sandbox.connector.getCompanyInfo(contextFor(tokens));
    expect(info).toMatchObject({ id: tokens.tenantId, baseCurrency: 'GBP', lockDate: null });
  });

  it('rejects a wrong code_verifier, and a missing one', async () => {
    ({ sandbox } = newSandbox());
    const { challenge } = pkcePair();
    const back = await authorize('s', challenge);
    const code = back.searchParams.get('code')!;
    await expect(
      sandbox.connector.exchangeCode({
        code,
        redirectUri: REDIRECT_URI,
        codeVerifier: pkcePair().verifier,
      }),
    ).rejects.toMatchObject({
      code: 'authorization_revoked',
      detail: expect.stringContaining('code_verifier'),
    });
    await expect(
      sandbox.connector.exchangeCode({ code, redirectUri: REDIRECT_URI }),
    ).rejects.toBeInstanceOf(ConnectorError);
  });

  it('refuses a reused code and revokes the tokens the first use issued', async () => {
    ({ sandbox } = newSandbox());
    const back = await authorize('s');
    const code = back.searchParams.get('code')!;
    const tokens = await sandbox.connector.exchangeCode({ code, redirectUri: REDIRECT_URI });
    const replay = await postForm(
      sandbox,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      clientAuth,
    );
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant', reason: 'used' });
    await expect(sandbox.connector.listAccounts(contextFor(tokens))).rejects.toMatchObject({
      code: 'authorization_revoked',
    });
  });

  it('expires codes after 60 seconds', async () => {
    let clock;
    ({ sandbox, clock } = newSandbox());
    const back = await authorize('s');
    clock.advance(CODE_TTL_MS);
    const response = await postForm(
      sandbox,
      '/oauth/token',
      {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
      },
      clientAuth,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', reason: 'expired' });
  });

  it('requires the exact redirect_uri used at authorize', async () => {
    ({ sandbox } = newSandbox());
    const back = await authorize('s');
    const response = await postForm(
      sandbox,
      '/oauth/token',
      {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: 'https://app.example.test/callback',
      },
      clientAuth,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('redirect_uri'),
    });
  });

  it('checks the client id and secret', async () => {
    ({ sandbox } = newSandbox());
    const back = await authorize('s');
    const code = back.searchParams.get('code')!;
    const wrong = {
      Authorization: `Basic ${Buffer.from('sandbox-client:nope').toString('base64')}`,
    };
    const response = await postForm(
      sandbox,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      wrong,
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    const unknownClient = await get(
      sandbox,
      `/oauth/authorize?response_type=code&client_id=other&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
    );
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.get('location')).toBeNull();
  });

  it('shows an error page, never a redirect, for a redirect_uri not registered for the client', async () => {
    ({ sandbox } = newSandbox());
    const registered = new URL(REDIRECT_URI);
    // Same origin but another path, another query, another host, a prefix trick: each is refused.
    const others = [
      'https://evil.example.test/steal',
      `${registered.origin}/other-callback`,
      `${registered.origin}${registered.pathname}`,
      `${REDIRECT_URI}&extra=1`,
      `https://app.example.test.evil.example/callback?partner=acme`,
      REDIRECT_URI.replace('https:', 'http:'),
    ];
    for (const uri of others) {
      for (const responseType of ['code', 'token']) {
        const response = await get(
          sandbox,
          `/oauth/authorize?response_type=${responseType}&client_id=sandbox-client&state=s&redirect_uri=${encodeURIComponent(uri)}`,
        );
        expect(response.status, uri).toBe(400);
        expect(response.headers.get('location'), uri).toBeNull();
        const html = await response.text();
        expect(html).toContain('Unregistered return address');
        expect(html).toContain('Register the exact callback URL');
        expect(html).not.toContain('evil.example');
      }
    }
    // The registered one still shows the consent page.
    const ok = await get(sandbox, `/oauth/authorize?response_type=code&client_id=sandbox-client&state=s&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('request_id');
  });

  it('refuses to start with a registered redirect URI that is not an absolute http(s) URL', () => {
    expect(() => createSandboxPlatform({ databasePath: ':memory:', publicUrl: BASE, redirectUris: ['/relative/callback'] })).toThrow(
      'Sandbox redirect URI "/relative/callback" is not an absolute http(s) URL without a fragment.',
    );
  });

  it('accepts client credentials in the form body too', async () => {
    ({ sandbox } = newSandbox());
    const back = await authorize('s');
    const response = await postForm(sandbox, '/oauth/token', {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: REDIRECT_URI,
      client_id: 'sandbox-client',
      client_secret: 'sandbox-secret',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 1800,
      scope: 'ledger',
    });
  });

  it('redirects a denial with access_denied and the state', async () => {
    ({ sandbox } = newSandbox());
    const url = sandbox.connector.authorizationUrl({ state: 'keep me', redirectUri: REDIRECT_URI });
    const { requestId } = await openConsent(sandbox, url);
    const back = await decide(sandbox, requestId, 'deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('keep me');
    expect(back.searchParams.get('code')).toBeNull();
    expect(sandbox.admin.listLedgers()).toHaveLength(0);
    // The consent request is answered once only.
    const again = await postForm(sandbox, '/oauth/authorize', {
      request_id: requestId,
      decision: 'allow',
      ledger: 'new:uk',
    });
    expect(again.status).toBe(400);
  });

  it('rejects PKCE plain and unsupported response types by redirecting with an error', async () => {
    ({ sandbox } = newSandbox());
    const plain = await get(
      sandbox,
      `/oauth/authorize?response_type=code&client_id=sandbox-client&state=s&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=plain`,
    );
    expect(plain.status).toBe(302);
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe(
      'invalid_request',
    );
    const token = await get(
      sandbox,
      `/oauth/authorize?response_type=token&client_id=sandbox-client&state=s&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
    );
    expect(new URL(token.headers.get('location')!).searchParams.get('error')).toBe(
      'unsupported_response_type',
    );
  });

  it('rotates refresh tokens: the old one stops working', async () => {
    ({ sandbox } = newSandbox());
    const first = await connect(sandbox);
    const second = await sandbox.connector.refresh(first);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.tenantId).toBe(first.tenantId);
    const reuse = await postForm(
      sandbox,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: first.refreshToken! },
      clientAuth,
    );
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant', reason: 'used' });
    const third = await sandbox.connector.refresh(second);
    expect((await sandbox.connector.listAccounts(contextFor(third))).length).toBeGreaterThan(10);
  });

  it('revokes through the revoke endpoint and the admin', async () => {
    ({ sandbox } = newSandbox());
    const tokens = await connect(sandbox);
    await sandbox.connector.revoke(tokens);
    await sandbox.connector.revoke(tokens); // already revoked: must not throw
    await expect(sandbox.connector.listAccounts(contextFor(tokens))).rejects.toMatchObject({
      code: 'authorization_revoked',
      params: { platform: 'Sandbox ledger' },
    });
    await expect(sandbox.connector.refresh(tokens)).rejects.toMatchObject({
      code: 'authorization_revoked',
    });

    const other = await connect(sandbox);
    sandbox.admin.revokeAuthorizations(other.tenantId);
    await expect(sandbox.connector.getCompanyInfo(contextFor(other))).rejects.toMatchObject({
      code: 'authorization_revoked',
    });
  });

  it('lets the merchant pick an existing ledger or name a new one', async () => {
    ({ sandbox } = newSandbox());
    const existing = sandbox.admin.createLedger('ca', 'Maple Café');
    const url = sandbox.connector.authorizationUrl({ state: 's', redirectUri: REDIRECT_URI });
    const { html, requestId } = await openConsent(sandbox, url);
    expect(html).toContain('Maple Café');
    expect(html).toContain('commerce-sync');
    await decide(sandbox, requestId, 'allow', existing);
    const second = await openConsent(sandbox, url);
    await decide(sandbox, second.requestId, 'allow', 'new:us', 'Bodega <NYC>');
    expect(sandbox.admin.listLedgers().map((l) => [l.name, l.template])).toEqual([
      ['Maple Café', 'ca'],
      ['Bodega <NYC>', 'us'],
    ]);
    const bad = await postForm(sandbox, '/oauth/authorize', {
      request_id: (await openConsent(sandbox, url)).requestId,
      decision: 'allow',
      ledger: 'ldg_nope',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('role="alert"');
  });

  it('serves the consent page with CSP and frame denial', async () => {
    ({ sandbox } = newSandbox());
    const response = await sandbox.handler(
      new Request(sandbox.connector.authorizationUrl({ state: 's', redirectUri: REDIRECT_URI })),
    );
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('https://app.example.test');
    expect(csp).not.toContain('script-src');
  });
});
