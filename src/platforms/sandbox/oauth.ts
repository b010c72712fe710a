import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SANDBOX_TEMPLATES, SANDBOX_TEMPLATE_KEYS, isSandboxTemplateKey } from './templates.js';
import { errorPage, escapeHtml, htmlResponse, jsonResponse, renderPage } from './html.js';
import { randomId } from './store.js';
import type { SandboxStore } from './store.js';
import type { SandboxApiError, SandboxTokenResponse } from './schemas.js';

/**
 * The sandbox's OAuth 2.0 authorization server: consent page, authorization codes (single use,
 * 60 s), PKCE S256, access tokens (30 min), rotating refresh tokens and revocation. Only hashes
 * of codes and tokens are stored.
 */

/** Lifetime of an authorization code, in milliseconds (60 s). */
export const CODE_TTL_MS = 60_000;
/** Lifetime of an access token, in milliseconds (30 min). */
export const ACCESS_TOKEN_TTL_MS = 30 * 60_000;
/** Lifetime of a refresh token, in milliseconds (60 days). */
export const REFRESH_TOKEN_TTL_MS = 60 * 24 * 60 * 60_000;
const CONSENT_TTL_MS = 10 * 60_000;
const SCOPE = 'ledger';

/** What the OAuth routes need from the platform. */
export interface OAuthContext {
  store: SandboxStore;
  now: () => Date;
  /** Absolute URL of the mount, without a trailing slash. */
  publicUrl: string;
  clientId: string;
  clientSecret: string;
  clientName: string;
  /** The client's registered redirect URIs; `authorize` accepts only an exact match. */
  redirectUris: ReadonlySet<string>;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function oauthError(
  status: number,
  error: string,
  description: string,
  reason?: SandboxApiError['reason'],
  headers: Record<string, string> = {},
): Response {
  const body: SandboxApiError = {
    error,
    error_description: description,
    ...(reason ? { reason } : {}),
  };
  return jsonResponse(body, status, headers);
}

/** Whether `value` is an absolute http(s) URL without a fragment (a usable redirect_uri). */
export function isRedirectUri(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.hash === '' &&
      value.length <= 2000
    );
  } catch {
    return false;
  }
}

function redirectWith(redirectUri: string, params: Record<string, string | null>): Response {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return new Response(null, {
    status: 302,
    headers: { Location: url.toString(), 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' },
  });
}

interface ConsentRow {
  id: string;
  client_id: string;
  redirect_uri: string;
  state: string | null;
  scope: string;
  code_challenge: string | null;
  expires_at: number;
  used: number;
}

/** `GET /oauth/authorize`: validates the request and shows the consent page. */
export function authorizePage(ctx: OAuthContext, url: URL): Response {
  const q = url.searchParams;
  const clientId = q.get('client_id') ?? '';
  const redirectUri = q.get('redirect_uri') ?? '';
  // Errors about the client or redirect_uri are shown here, never redirected (RFC 6749 §4.1.2.1).
  if (clientId !== ctx.clientId) {
    return errorPage(
      400,
      'Unknown application',
      'The application asking for access is not registered with this sandbox.',
    );
  }
  if (!isRedirectUri(redirectUri)) {
    return errorPage(
      400,
      'Invalid return address',
      'The application sent a redirect_uri that is not an absolute http(s) URL.',
    );
  }
  // Exact match against the registered list, as real platforms do: anything else would make
  // this page an open redirect (and a way to send codes to someone else's site).
  if (!ctx.redirectUris.has(redirectUri)) return unregisteredRedirect();
  const state = q.get('state');
  if (q.get('response_type') !== 'code') {
    return redirectWith(redirectUri, { error: 'unsupported_response_type', state });
  }
  const challenge = q.get('code_challenge');
  const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : null);
  if (challenge !== null && (method !== 'S256' || !/^[A-Za-z0-9_-]{43,128}$/.test(challenge))) {
    return redirectWith(redirectUri, {
      error: 'invalid_request',
      error_description: 'Only PKCE with code_challenge_method=S256 is supported.',
      state,
    });
  }
  const requestedScope = q.get('scope') ?? SCOPE;
  if (requestedScope.split(' ').some((s) => s !== SCOPE)) {
    return redirectWith(redirectUri, { error: 'invalid_scope', state });
  }
  const id = randomId('cns', 18);
  ctx.store
    .prepare(
      `INSERT INTO consent_requests (id, client_id, redirect_uri, state, scope, code_challenge, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, clientId, redirectUri, state, SCOPE, challenge, ctx.now().getTime() + CONSENT_TTL_MS);
  return consentPage(ctx, id, redirectUri, null, 200);
}

function consentPage(
  ctx: OAuthContext,
  requestId: string,
  redirectUri: string,
  error: string | null,
  status: number,
) {
  const ledgers = ctx.store.listLedgers();
  const app = escapeHtml(ctx.clientName);
  const returnHost = escapeHtml(new URL(redirectUri).host);
  const firstChoice = ledgers[0]?.id ?? 'new:uk';
  const radio = (value: string, label: string, id: string) =>
    `<div class="choice"><input type="radio" id="${id}" name="ledger" value="${escapeHtml(value)}"${
      value === firstChoice ? ' checked' : ''
    }${error ? ' aria-describedby="ledger-error"' : ''}><label for="${id}">${label}</label></div>`;
  const existing = ledgers.length
    ? `<fieldset>
<legend>An existing sandbox ledger</legend>
${ledgers
  .map((l, i) =>
    radio(
      l.id,
      `${escapeHtml(l.name)} <span class="hint">(${escapeHtml(SANDBOX_TEMPLATES[l.template].label)}, ${l.documentCount} documents)</span>`,
      `ledger-${i}`,
    ),
  )
  .join('\n')}
</fieldset>`
    : '<p class="hint">You have no sandbox ledgers yet: create one from a template.</p>';
  const templates = SANDBOX_TEMPLATE_KEYS.map((key) =>
    radio(
      `new:${key}`,
      `New ledger: ${escapeHtml(SANDBOX_TEMPLATES[key].label)}`,
      `template-${key}`,
    ),
  ).join('\n');
  const body = `<h1>Allow ${app} to use your sandbox ledger?</h1>
<p>${app} will be able to read your chart of accounts, tax rates and contacts, and to post sales, payments, fees and payouts.
Afterwards you will return to <strong>${returnHost}</strong>.</p>
${error ? `<p id="ledger-error" class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(`${ctx.publicUrl}/oauth/authorize`)}">
<input type="hidden" name="request_id" value="${escapeHtml(requestId)}">
<fieldset>
<legend>Which ledger should ${app} use?</legend>
${existing}
<fieldset>
<legend>A new ledger from a template</legend>
${templates}
</fieldset>
</fieldset>
<div class="field">
<label for="ledger-name">Name of the new ledger (optional)</label>
<input type="text" id="ledger-name" name="ledger_name" maxlength="120" autocomplete="organization" aria-describedby="ledger-name-hint">
<p id="ledger-name-hint" class="hint">Only used when you create a new ledger. Leave empty for the template's name.</p>
</div>
<div class="actions">
<button type="submit" name="decision" value="allow">Allow access</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`;
  return htmlResponse(renderPage(`Connect ${ctx.clientName} · Sandbox ledger`, body), status, [
    new URL(ctx.publicUrl).origin,
    new URL(redirectUri).origin,
  ]);
}

function unregisteredRedirect(): Response {
  return errorPage(
    400,
    'Unregistered return address',
    'The application sent a redirect_uri that is not registered for it, so the sandbox will not send you there. ' +
      'Register the exact callback URL with the sync service (sandbox.redirectUris, --sandbox-redirect-uri or COMMERCE_SYNC_SANDBOX_REDIRECT_URIS) and connect again.',
  );
}

/** `POST /oauth/authorize`: records the merchant's decision and redirects back with a code or an error. */
export async function authorizeDecision(ctx: OAuthContext, request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text());
  const requestId = form.get('request_id') ?? '';
  const row = ctx.store.prepare('SELECT * FROM consent_requests WHERE id = ?').get(requestId) as
    ConsentRow | undefined;
  const nowMs = ctx.now().getTime();
  if (!row || row.used === 1 || row.expires_at <= nowMs) {
    return errorPage(
      400,
      'This request has expired',
      'This consent request has expired or was already answered. Go back to the application and connect again.',
    );
  }
  // The list may have changed since the consent page was shown (a restart with other settings).
  if (!ctx.redirectUris.has(row.redirect_uri)) return unregisteredRedirect();
  const decision = form.get('decision');
  if (decision === 'deny') {
    ctx.store.prepare('UPDATE consent_requests SET used = 1 WHERE id = ?').run(row.id);
    return redirectWith(row.redirect_uri, { error: 'access_denied', state: row.state });
  }
  if (decision !== 'allow') {
    return consentPage(ctx, row.id, row.redirect_uri, 'Choose Allow access or Deny.', 400);
  }
  const choice = form.get('ledger') ?? '';
  let ledgerId: string;
  if (choice.startsWith('new:')) {
    const template = choice.slice(4);
    if (!isSandboxTemplateKey(template)) {
      return consentPage(ctx, row.id, row.redirect_uri, 'Choose one of the listed templates.', 400);
    }
    const name = (form.get('ledger_name') ?? '').trim();
    if (name.length > 120) {
      return consentPage(
        ctx,
        row.id,
        row.redirect_uri,
        'Use a ledger name of at most 120 characters.',
        400,
      );
    }
    ledgerId = ctx.store.createLedger(template, name || undefined);
  } else if (ctx.store.hasLedger(choice)) {
    ledgerId = choice;
  } else {
    return consentPage(
      ctx,
      row.id,
      row.redirect_uri,
      'Choose a ledger or a template to create one from.',
      400,
    );
  }
  const code = newSecret();
  const issue = ctx.store.db.transaction(() => {
    const claimed = ctx.store
      .prepare('UPDATE consent_requests SET used = 1 WHERE id = ? AND used = 0')
      .run(row.id);
    if (claimed.changes !== 1) return false;
    ctx.store
      .prepare(
        `INSERT INTO auth_codes (code_hash, client_id, ledger_id, redirect_uri, scope, code_challenge, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sha256(code),
        row.client_id,
        ledgerId,
        row.redirect_uri,
        row.scope,
        row.code_challenge,
        nowMs + CODE_TTL_MS,
      );
    return true;
  });
  if (!issue()) {
    return errorPage(
      400,
      'This request has expired',
      'This consent request was already answered. Go back to the application and connect again.',
    );
  }
  return redirectWith(row.redirect_uri, { code, state: row.state });
}

function authenticateClient(ctx: OAuthContext, request: Request, form: URLSearchParams): boolean {
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  const header = request.headers.get('authorization');
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  return (
    id !== null &&
    secret !== null &&
    safeEqual(id, ctx.clientId) &&
    safeEqual(secret, ctx.clientSecret)
  );
}

function issueTokens(
  ctx: OAuthContext,
  grantId: string,
  ledgerId: string,
  clientId: string,
  scope: string,
): SandboxTokenResponse {
  const access = newSecret();
  const refresh = newSecret();
  const nowMs = ctx.now().getTime();
  const insert = ctx.store.prepare(
    `INSERT INTO tokens (token_hash, kind, grant_id, ledger_id, client_id, scope, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  insert.run(
    sha256(access),
    'access',
    grantId,
    ledgerId,
    clientId,
    scope,
    nowMs + ACCESS_TOKEN_TTL_MS,
  );
  insert.run(
    sha256(refresh),
    'refresh',
    grantId,
    ledgerId,
    clientId,
    scope,
    nowMs + REFRESH_TOKEN_TTL_MS,
  );
  return {
    access_token: access,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_MS / 1000,
    refresh_token: refresh,
    scope,
    ledger_id: ledgerId,
  };
}

interface CodeRow {
  client_id: string;
  ledger_id: string;
  redirect_uri: string;
  scope: string;
  code_challenge: string | null;
  expires_at: number;
  used_at: number | null;
  grant_id: string | null;
}

interface TokenRow {
  kind: 'access' | 'refresh';
  grant_id: string;
  ledger_id: string;
  client_id: string;
  scope: string;
  expires_at: number;
  revoked: number;
  used: number;
}

/** `POST /oauth/token`: authorization_code (with PKCE) and refresh_token grants. */
export async function tokenEndpoint(ctx: OAuthContext, request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text());
  if (!authenticateClient(ctx, request, form)) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.', undefined, {
      'WWW-Authenticate': 'Basic realm="sandbox"',
    });
  }
  const db = ctx.store.db;
  const nowMs = ctx.now().getTime();
  const grantType = form.get('grant_type');
  if (grantType === 'authorization_code') {
    const code = form.get('code') ?? '';
    const exchange = db.transaction((): Response | SandboxTokenResponse => {
      const row = ctx.store
        .prepare('SELECT * FROM auth_codes WHERE code_hash = ?')
        .get(sha256(code)) as CodeRow | undefined;
      if (!row || row.client_id !== ctx.clientId)
        return oauthError(400, 'invalid_grant', 'Unknown authorization code.', 'unknown');
      if (row.used_at !== null) {
        // A replayed code may be stolen: revoke everything it issued (RFC 6749 §4.1.2).
        if (row.grant_id)
          ctx.store.prepare('UPDATE tokens SET revoked = 1 WHERE grant_id = ?').run(row.grant_id);
        return oauthError(400, 'invalid_grant', 'The authorization code was already used.', 'used');
      }
      if (row.expires_at <= nowMs)
        return oauthError(400, 'invalid_grant', 'The authorization code has expired.', 'expired');
      if (form.get('redirect_uri') !== row.redirect_uri) {
        return oauthError(
          400,
          'invalid_grant',
          'redirect_uri does not match the one used to authorize.',
        );
      }
      const verifier = form.get('code_verifier');
      if (row.code_challenge !== null) {
        if (
          !verifier ||
          !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) ||
          !safeEqual(sha256(verifier), row.code_challenge)
        ) {
          return oauthError(
            400,
            'invalid_grant',
            'code_verifier does not match the code_challenge.',
          );
        }
      } else if (verifier !== null) {
        return oauthError(
          400,
          'invalid_grant',
          'code_verifier sent but no code_challenge was used to authorize.',
        );
      }
      const grantId = randomId('grt', 12);
      ctx.store
        .prepare('UPDATE auth_codes SET used_at = ?, grant_id = ? WHERE code_hash = ?')
        .run(nowMs, grantId, sha256(code));
      return issueTokens(ctx, grantId, row.ledger_id, row.client_id, row.scope);
    });
    const result = exchange.immediate();
    return result instanceof Response ? result : jsonResponse(result);
  }
  if (grantType === 'refresh_token') {
    const token = form.get('refresh_token') ?? '';
    const rotate = db.transaction((): Response | SandboxTokenResponse => {
      const hash = sha256(token);
      const row = ctx.store
        .prepare("SELECT * FROM tokens WHERE token_hash = ? AND kind = 'refresh'")
        .get(hash) as TokenRow | undefined;
      if (!row || row.client_id !== ctx.clientId)
        return oauthError(400, 'invalid_grant', 'Unknown refresh token.', 'unknown');
      if (row.revoked === 1)
        return oauthError(400, 'invalid_grant', 'The refresh token was revoked.', 'revoked');
      if (row.used === 1)
        return oauthError(
          400,
          'invalid_grant',
          'The refresh token was already used (tokens rotate).',
          'used',
        );
      if (row.expires_at <= nowMs)
        return oauthError(400, 'invalid_grant', 'The refresh token has expired.', 'expired');
      ctx.store.prepare('UPDATE tokens SET used = 1 WHERE token_hash = ?').run(hash);
      return issueTokens(ctx, row.grant_id, row.ledger_id, row.client_id, row.scope);
    });
    const result = rotate.immediate();
    return result instanceof Response ? result : jsonResponse(result);
  }
  return oauthError(
    400,
    'unsupported_grant_type',
    'Use grant_type authorization_code or refresh_token.',
  );
}

/** `POST /oauth/revoke` (RFC 7009): revokes the token's whole grant; always 200 for a known client. */
export async function revokeEndpoint(ctx: OAuthContext, request: Request): Promise<Response> {
  const form = new URLSearchParams(await request.text());
  if (!authenticateClient(ctx, request, form)) {
    return oauthError(401, 'invalid_client', 'Client authentication failed.');
  }
  const row = ctx.store
    .prepare('SELECT grant_id FROM tokens WHERE token_hash = ?')
    .get(sha256(form.get('token') ?? '')) as { grant_id: string } | undefined;
  if (row) ctx.store.prepare('UPDATE tokens SET revoked = 1 WHERE grant_id = ?').run(row.grant_id);
  return jsonResponse({});
}

/** Resolves a Bearer access token to its ledger, or the reason it cannot be used. */
export function verifyAccessToken(
  ctx: OAuthContext,
  authorization: string | null,
): { ledgerId: string } | { reason: 'expired' | 'revoked' | 'unknown' } {
  if (!authorization?.startsWith('Bearer ')) return { reason: 'unknown' };
  const row = ctx.store
    .prepare("SELECT * FROM tokens WHERE token_hash = ? AND kind = 'access'")
    .get(sha256(authorization.slice(7).trim())) as TokenRow | undefined;
  if (!row) return { reason: 'unknown' };
  if (row.revoked === 1) return { reason: 'revoked' };
  if (row.expires_at <= ctx.now().getTime()) return { reason: 'expired' };
  return { ledgerId: row.ledger_id };
}

/** Revokes every token issued for a ledger (the merchant disconnected the app in the ledger). */
export function revokeLedgerTokens(ctx: OAuthContext, ledgerId: string): void {
  ctx.store.prepare('UPDATE tokens SET revoked = 1 WHERE ledger_id = ?').run(ledgerId);
}

/** Makes every access token of a ledger expired now, so the next call must refresh. */
export function expireLedgerAccessTokens(ctx: OAuthContext, ledgerId: string): void {
  ctx.store
    .prepare("UPDATE tokens SET expires_at = ? WHERE ledger_id = ? AND kind = 'access'")
    .run(ctx.now().getTime() - 1, ledgerId);
}
