import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBff, type Bff } from '../bff/create-bff.js';
import type { HostedFlowBranding, HostedFlowContext } from '../contract/hosted-flow.js';
import { closestLocale, type MessageKey } from '../widget/i18n/index.js';
import { enUS } from '../widget/i18n/en-us.js';
import { frFR } from '../widget/i18n/fr-fr.js';
import { HttpError } from './errors.js';

/** Path the hosted Sync Flow page is served at; the start operation's URL points here. */
export const HOSTED_FLOW_PATH = '/sync-flow';
/** Path of the BFF the hosted page talks to. */
export const HOSTED_FLOW_BFF_PATH = `${HOSTED_FLOW_PATH}/api`;
/** Default lifetime of a flow session (the cookie a redeemed code becomes), in seconds. */
export const HOSTED_FLOW_SESSION_SECONDS = 1800;

const COOKIE = 'cs_flow';

/**
 * The flow secret every instance of one deployment derives from the key material they share
 * (the encryption key), so a flow session started on one instance is read on any other.
 * HKDF with its own label: the derived secret reveals nothing about the encryption key.
 */
export function deriveFlowSecret(keyMaterial: Buffer): string {
  return Buffer.from(hkdfSync('sha256', keyMaterial, 'commerce-sync', 'hosted-flow-session v1', 32)).toString('base64url');
}

/**
 * The signature of a start URL's `redirectUrl`, bound to its one-time code: the merchant holds
 * the URL, so a swapped `redirectUrl` (even another allow-listed one) no longer verifies.
 */
export function signRedirect(secret: string, code: string, redirectUrl: string): string {
  return createHmac('sha256', secret).update(`redirect\n${code}\n${redirectUrl}`).digest('base64url');
}

/**
 * The `link` signature of a company's `redirect` and its connections' `linkUrl`: with it, the
 * URL opened in a browser (no API key) starts the hosted flow for that company. Like Codat's
 * link URLs it is a bearer link: whoever holds it can set up that company's sync.
 */
export function signLink(secret: string, companyId: string): string {
  return createHmac('sha256', secret).update(`link\n${companyId}`).digest('base64url');
}

/** The service's own pages' stylesheet (served at `/sync-flow/message.css`; the CSP allows no inline style). */
const MESSAGE_CSS = 'body{margin:0;background:#f5f6f8;color:#1b1f24;font-family:system-ui,-apple-system,"Segoe UI",sans-serif}main{max-width:560px;margin:48px auto;padding:24px;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgb(0 0 0/12%)}h1{font-size:1.25rem;margin:0 0 12px}p{margin:0;line-height:1.5}@media (max-width:600px){main{margin:16px}}';

const MESSAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

/**
 * A short page the service shows itself (link expired, flow ended, link not valid), in the
 * language of the request (`fr-*` French, else English), styled by `/sync-flow/message.css`.
 */
export function messagePage(status: number, acceptLanguage: string | null, title: MessageKey, text: MessageKey, frameAncestors = "'none'"): Response {
  const locale = closestLocale(pickLocale(null, acceptLanguage));
  const messages = locale === 'fr-FR' ? frFR : enUS;
  const escape = (value: string) => value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return new Response(
    `<!doctype html><html lang="${locale === 'fr-FR' ? 'fr' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(messages[title])}</title><link rel="stylesheet" href="${HOSTED_FLOW_PATH}/message.css"></head><body><main><h1>${escape(messages[title])}</h1><p>${escape(messages[text])}</p></main></body></html>`,
    {
      status,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `${MESSAGE_CSP}; frame-ancestors ${frameAncestors}`,
        ...(frameAncestors === "'none'" ? { 'x-frame-options': 'DENY' } : {}),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      },
    },
  );
}

/** A browser followed a `linkUrl`/`redirect` the service cannot honour. */
export function linkErrorPage(status: number, acceptLanguage: string | null): Response {
  return messagePage(status, acceptLanguage, 'flow.linkInvalidTitle', 'flow.linkInvalidText');
}

function verifyRedirect(secret: string, code: string, redirectUrl: string, signature: string): boolean {
  const expected = Buffer.from(signRedirect(secret, code, redirectUrl));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** What a redeemed code resolves to, for the flow session. */
export interface HostedFlowGrant {
  companyId: string;
  /** The company's `merchantId` tag: what the BFF finds the company by. */
  merchantId: string;
  companyName: string;
  /** The start operation's `accountingKey`: the page starts at its consent when nothing is connected yet. */
  platform?: { key: string; name: string };
}

/** Options of {@link createHostedFlow}. */
export interface HostedFlowOptions {
  /** Absolute URL of the sync service (the page is `{publicUrl}/sync-flow`). */
  publicUrl: string;
  /** An API key of the service: the mounted BFF calls the API with it, in process. Never sent to the browser. */
  apiKey: string;
  /** The service's own handler (the BFF's transport). */
  service: (request: Request) => Promise<Response>;
  /** Redeems a one-time code (single-use, expiring); throws an HttpError when it is not valid. */
  redeem: (code: string) => Promise<HostedFlowGrant>;
  /** Redirect URLs the page may return to (see {@link isAllowedRedirect}). */
  redirectAllowList: readonly string[];
  /**
   * Signs the flow-session cookie, the BFF's tokens and the start URL's `redirectUrl`. The
   * service passes {@link deriveFlowSecret} of its encryption key, so every instance agrees;
   * random per process when omitted (sessions then end with a restart).
   */
  secret?: string;
  /** Flow-session lifetime in seconds (default {@link HOSTED_FLOW_SESSION_SECONDS}); a reload never extends it. */
  sessionTtlSeconds?: number;
  /** Origins allowed to frame the page (CSP `frame-ancestors`); none by default. */
  frameAncestors?: readonly string[];
  /** The partner's branding on the page (validated at start-up with `HostedFlowBrandingSchema`). */
  branding?: HostedFlowBranding | null;
  /**
   * The partner's UI settings the page applies: text overrides for a sync-flow locale (as widget
   * messages) and visible account rows per platform key. None by default.
   */
  pageSettings?: (uiLocale: 'en-us' | 'fr-fr') => Promise<Pick<HostedFlowContext, 'messages' | 'visibleAccounts'>>;
  /** Folder of the built page (`dist/sync-flow`); found next to the build by default. */
  pageDir?: string;
  now?: () => Date;
}

/**
 * Whether `candidate` is one of the partner's allowed redirect URLs: an absolute http(s) URL
 * with the same origin as an entry and a path at or under the entry's path (`https://p.example/done`
 * allows `https://p.example/done` and `https://p.example/done/x`, not `https://p.example/donex`).
 */
export function isAllowedRedirect(candidate: string, allowList: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username || url.password) return false;
  return allowList.some((entry) => {
    const allowed = new URL(entry);
    if (allowed.origin !== url.origin) return false;
    const base = allowed.pathname.replace(/\/+$/, '');
    return base === '' || url.pathname === base || url.pathname.startsWith(`${base}/`);
  });
}

/** Checks the partner's allow-list entries at start-up; a bad entry names itself. */
export function parseRedirectAllowList(entries: readonly string[]): string[] {
  return entries.map((entry) => {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`Redirect allow-list entry "${entry}" is not an absolute URL; use e.g. https://partner.example/accounting/done.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Redirect allow-list entry "${entry}" must be http(s).`);
    return url.toString();
  });
}

/** The start operation's check of `redirectUrl`: 400 with what to fix when it is off the list. */
export function assertAllowedRedirect(redirectUrl: string, allowList: readonly string[]): void {
  if (isAllowedRedirect(redirectUrl, allowList)) return;
  const hint = allowList.length
    ? `Allowed: ${allowList.join(', ')} (or a path under one).`
    : 'No redirect URL is allowed yet: configure the allow-list (COMMERCE_SYNC_REDIRECT_ALLOWLIST or the redirectAllowList option).';
  throw new HttpError(400, 'validation_failed', `redirectUrl "${redirectUrl.slice(0, 200)}" is not on this service's redirect allow-list. ${hint}`,
    [{ itemId: 'redirectUrl', message: 'Not on the redirect allow-list.', validatorName: 'allow_list' }]);
}

interface FlowSession {
  /** Company id. */
  c: string;
  /** Merchant id (company tag). */
  m: string;
  /** Company name. */
  n: string;
  /** Redirect URL, when the start operation was given one. */
  r: string | null;
  /** Locale from the start URL, when given. */
  l: string | null;
  /** The start operation's accounting platform (key, name), when known. */
  p?: { key: string; name: string };
  /** Expiry, epoch seconds. */
  exp: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const LOCALE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

function defaultPageDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/server.js → dist/sync-flow; src/server/hosted-flow.ts → dist/sync-flow.
  for (const dir of [resolve(here, 'sync-flow'), resolve(here, '../../dist/sync-flow')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

/** The locale the page starts in: `?locale=`, else the first supported-looking Accept-Language tag, else en-US. */
export function pickLocale(param: string | null, acceptLanguage: string | null): string {
  if (param && LOCALE_PATTERN.test(param)) return param;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim() ?? '';
    if (tag && tag !== '*' && LOCALE_PATTERN.test(tag)) return tag;
  }
  return 'en-US';
}

/** A mounted hosted Sync Flow: handles everything under `/sync-flow` except `/sync-flow/redeem`. */
export interface HostedFlow {
  fetch(request: Request): Promise<Response>;
  /** The OAuth callback of its BFF, registered with the sandbox. */
  readonly redirectUri: string;
}

/**
 * The hosted, no-code Sync Flow: the widget built as a static page (`dist/sync-flow`), served
 * with a strict CSP, talking to a BFF mounted for it. The start URL's one-time code is redeemed
 * once and becomes a flow session (an HttpOnly, SameSite=Lax cookie, Secure on https, with a
 * fixed expiry); the page then gets short-lived BFF tokens with that cookie. No API key reaches
 * the page.
 */
export function createHostedFlow(options: HostedFlowOptions): HostedFlow {
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const secure = publicUrl.startsWith('https:');
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const ttl = options.sessionTtlSeconds ?? HOSTED_FLOW_SESSION_SECONDS;
  const now = options.now ?? (() => new Date());
  const nowSeconds = () => Math.floor(now().getTime() / 1000);
  const pageDir = options.pageDir ?? defaultPageDir();
  const frameAncestors = options.frameAncestors?.length ? options.frameAncestors.join(' ') : "'none'";

  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');
  const encode = (session: FlowSession) => {
    const body = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${body}.${sign(body)}`;
  };
  const sessionOf = (request: Request): FlowSession | null => {
    const cookie = (request.headers.get('cookie') ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
    const value = cookie?.slice(COOKIE.length + 1) ?? '';
    const [body, mac] = value.split('.');
    if (!body || !mac) return null;
    const expected = Buffer.from(sign(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const session = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as FlowSession;
      return typeof session.exp === 'number' && session.exp > nowSeconds() ? session : null;
    } catch {
      return null;
    }
  };
  const cookieHeader = (value: string, maxAge: number) =>
    `${COOKIE}=${value}; Path=${HOSTED_FLOW_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;

  const pageHeaders = (): Record<string, string> => ({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: https:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${frameAncestors}`,
    ].join('; '),
    ...(frameAncestors === "'none'" ? { 'x-frame-options': 'DENY' } : {}),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  const page = (request: Request, status: number, title: MessageKey, text: MessageKey) =>
    messagePage(status, request.headers.get('accept-language'), title, text, frameAncestors);

  const bff: Bff = createBff({
    authenticate: (request) => {
      const session = sessionOf(request);
      return session ? { merchantId: session.m, companyName: session.n } : null;
    },
    syncService: { baseUrl: publicUrl, apiKey: options.apiKey, fetch: options.service },
    secret,
    publicUrl: `${publicUrl}${HOSTED_FLOW_BFF_PATH}`,
    returnUrl: `${publicUrl}${HOSTED_FLOW_PATH}`,
    // BFF tokens live at most 10 minutes; the page asks again with the cookie while it is valid.
    sessionTtlSeconds: Math.min(600, Math.max(30, ttl)),
    now,
  });

  const start = async (request: Request, url: URL): Promise<Response> => {
    const code = url.searchParams.get('code') ?? '';
    let grant: HostedFlowGrant;
    try {
      grant = await options.redeem(code);
    } catch (error) {
      if (error instanceof HttpError && error.status < 500) {
        return page(request, 410, 'flow.expiredTitle', 'flow.usedText');
      }
      throw error;
    }
    const redirectUrl = url.searchParams.get('redirectUrl');
    // The URL is in the merchant's hands: only the redirect signed for this code, and still on
    // the allow-list, is kept; a swapped one is dropped (the flow then ends on its own page).
    const redirect = redirectUrl
      && verifyRedirect(secret, code, redirectUrl, url.searchParams.get('redirectSignature') ?? '')
      && isAllowedRedirect(redirectUrl, options.redirectAllowList)
      ? redirectUrl
      : null;
    const localeParam = url.searchParams.get('locale');
    const session: FlowSession = {
      c: grant.companyId,
      m: grant.merchantId,
      n: grant.companyName,
      r: redirect,
      l: localeParam && LOCALE_PATTERN.test(localeParam) ? localeParam : null,
      ...(grant.platform ? { p: grant.platform } : {}),
      exp: nowSeconds() + ttl,
    };
    // The code leaves the address bar (and history) at once.
    return new Response(null, { status: 303, headers: { location: HOSTED_FLOW_PATH, 'set-cookie': cookieHeader(encode(session), ttl), 'cache-control': 'no-store' } });
  };

  const finish = (request: Request, url: URL, session: FlowSession): Response => {
    const status = url.searchParams.get('status') === 'connected' ? 'connected' : 'cancelled';
    const clear = cookieHeader('', 0);
    if (!session.r) {
      const response = page(request, 200, status === 'connected' ? 'flow.doneTitle' : 'flow.cancelledTitle', 'flow.closeWindow');
      response.headers.set('set-cookie', clear);
      return response;
    }
    const target = new URL(session.r);
    target.searchParams.set('status', status);
    target.searchParams.set('companyId', session.c);
    return new Response(null, { status: 303, headers: { location: target.toString(), 'set-cookie': clear, 'cache-control': 'no-store' } });
  };

  const asset = (path: string): Response => {
    const name = path.slice(`${HOSTED_FLOW_PATH}/assets/`.length);
    if (!pageDir || !/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) return new Response('Not found', { status: 404 });
    const file = join(pageDir, 'assets', name);
    if (!existsSync(file)) return new Response('Not found', { status: 404 });
    return new Response(readFileSync(file), {
      headers: {
        'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
        // File names carry a content hash.
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
      },
    });
  };

  return {
    redirectUri: bff.redirectUri,
    async fetch(request) {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === HOSTED_FLOW_BFF_PATH || path.startsWith(`${HOSTED_FLOW_BFF_PATH}/`)) return bff.fetch(request);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
      }
      if (path.startsWith(`${HOSTED_FLOW_PATH}/assets/`)) return asset(path);
      if (path === `${HOSTED_FLOW_PATH}/message.css`) {
        return new Response(MESSAGE_CSS, { headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' } });
      }
      if (path === HOSTED_FLOW_PATH || path === `${HOSTED_FLOW_PATH}/`) {
        if (url.searchParams.has('code')) return start(request, url);
        const session = sessionOf(request);
        if (!session) {
          return page(request, 401, 'flow.expiredTitle', 'flow.expiredText');
        }
        if (!pageDir) {
          // For the operator, not the merchant: English only.
          return new Response('The hosted Sync Flow page is not built on this server: run `npm run build` (it writes dist/sync-flow).', { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
        }
        return new Response(readFileSync(join(pageDir, 'index.html')), { headers: pageHeaders() });
      }
      const session = sessionOf(request);
      if (path === `${HOSTED_FLOW_PATH}/context`) {
        if (!session) return Response.json({ error: 'session_expired' }, { status: 401, headers: { 'cache-control': 'no-store' } });
        const locale = pickLocale(session.l, request.headers.get('accept-language'));
        const settings = (await options.pageSettings?.(closestLocale(locale) === 'fr-FR' ? 'fr-fr' : 'en-us')) ?? { messages: {}, visibleAccounts: {} };
        const context: HostedFlowContext = { locale, canReturn: session.r !== null, branding: options.branding ?? null, platform: session.p ?? null, ...settings };
        return Response.json(context, { headers: { 'cache-control': 'no-store' } });
      }
      if (path === `${HOSTED_FLOW_PATH}/done`) {
        if (!session) return page(request, 401, 'flow.expiredTitle', 'flow.expiredText');
        return finish(request, url, session);
      }
      return new Response('Not found', { status: 404 });
    },
  };
}
