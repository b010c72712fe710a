import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAllowedRedirect } from '../../src/server/hosted-flow.js';
import type { SyncService } from '../../src/server/index.js';
import { BASE, call, clock, makeService } from './helpers.js';
import { postgresTarget } from './targets.js';

// A stand-in for the built page (dist/sync-flow): what is under test here is how it is served.
const pageDir = mkdtempSync(join(tmpdir(), 'sync-flow-page-'));
mkdirSync(join(pageDir, 'assets'));
writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>flow</title><script type="module" src="/sync-flow/assets/app.js"></script>');
writeFileSync(join(pageDir, 'assets', 'app.js'), 'export {};');
afterAll(() => rmSync(pageDir, { recursive: true, force: true }));

const ALLOWED = 'https://partner.test/accounting/done';

async function get(service: SyncService, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return service.fetch(new Request(new URL(path, BASE), { headers, redirect: 'manual' }));
}

const cookieOf = (response: Response) => (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

describe('hosted Sync Flow', () => {
  let service: SyncService;
  const c = clock('2026-03-12T10:00:00Z');
  beforeEach(() => {
    c.set('2026-03-12T10:00:00Z');
    service = makeService({ now: c.now, hostedFlow: { redirectAllowList: [ALLOWED], pageDir } });
  });
  afterEach(async () => service.close());

  const start = async (query: string) => {
    const reply = await call(service, 'GET', `/config/sync/commerce/commerce/sandbox/start?${query}`);
    return reply;
  };

  it('exchanges the code once for an HttpOnly flow session and serves the page under a strict CSP', async () => {
    const started = await start(`merchantIdentifier=m-9&redirectUrl=${encodeURIComponent(`${ALLOWED}?ref=7`)}`);
    expect(started.status).toBe(200);
    const url = new URL(started.body.url as string);
    expect(url.origin + url.pathname).toBe(`${BASE}/sync-flow`);

    const opened = await get(service, url.pathname + url.search);
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/sync-flow');
    const setCookie = opened.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\/sync-flow/);
    expect(setCookie).not.toMatch(/Secure/); // http publicUrl
    const cookie = cookieOf(opened);

    const page = await get(service, '/sync-flow', { cookie });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).not.toContain('test-api-key');
    expect((await get(service, '/sync-flow/assets/app.js')).status).toBe(200);
    expect((await get(service, '/sync-flow/assets/..%2Findex.html')).status).toBe(404);

    // The code is single-use: a second open is refused and mints nothing.
    const again = await get(service, url.pathname + url.search, { 'accept-language': 'fr-BE,fr;q=0.8' });
    expect(again.status).toBe(410);
    expect(again.headers.get('set-cookie')).toBeNull();
    // In the merchant's language, styled by a stylesheet of its own (no inline style under the CSP).
    const refusedPage = await again.text();
    expect(refusedPage).toContain('<html lang="fr">');
    expect(refusedPage).toContain('<h1>Ce lien a expiré</h1>');
    expect(again.headers.get('content-security-policy')).toContain("style-src 'self'");
    expect(again.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const stylesheet = await get(service, '/sync-flow/message.css');
    expect(stylesheet.headers.get('content-type')).toMatch(/^text\/css/);
    // Without the cookie, no page and no BFF session.
    expect((await get(service, '/sync-flow')).status).toBe(401);
    const anonymous = await service.fetch(new Request(`${BASE}/sync-flow/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
    expect(anonymous.status).toBe(401);

    // With it, the BFF hands out a token for the code's company.
    const session = await service.fetch(new Request(`${BASE}/sync-flow/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' }));
    expect(session.status).toBe(201);
    const { token } = (await session.json()) as { token: string };
    const connection = await service.fetch(new Request(`${BASE}/sync-flow/api/connection`, { headers: { authorization: `Bearer ${token}` } }));
    expect(connection.status).toBe(200);
    const companies = await call(service, 'GET', '/companies');
    expect(companies.body.totalResults).toBe(1);

    // Finishing returns to the partner's URL with the outcome and the company, and ends the session.
    const done = await get(service, '/sync-flow/done?status=connected', { cookie });
    expect(done.status).toBe(303);
    const back = new URL(done.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe(ALLOWED);
    expect(back.searchParams.get('ref')).toBe('7');
    expect(back.searchParams.get('status')).toBe('connected');
    expect(back.searchParams.get('companyId')).toBe(companies.body.results[0].id);
    expect(done.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });

  it('ends the flow session at its fixed expiry, reloads included', async () => {
    const started = await start('merchantIdentifier=m-10');
    const url = new URL(started.body.url as string);
    const cookie = cookieOf(await get(service, url.pathname + url.search));
    c.set('2026-03-12T10:29:59Z');
    expect((await get(service, '/sync-flow', { cookie })).status).toBe(200);
    c.set('2026-03-12T10:30:00Z');
    expect((await get(service, '/sync-flow', { cookie })).status).toBe(401);
    const cancel = await get(service, '/sync-flow/done?status=cancelled', { cookie });
    expect(cancel.status).toBe(401);
  });

  it('refuses a redirectUrl off the allow-list at the start operation, before creating a company', async () => {
    for (const bad of ['https://evil.test/accounting/done', 'https://partner.test/accounting/donex', 'https://partner.test/other', 'javascript:alert(1)', 'not a url']) {
      const reply = await start(`merchantIdentifier=m-11&redirectUrl=${encodeURIComponent(bad)}`);
      expect(reply.status, bad).toBe(400);
      expect(reply.body.error).toContain('allow-list');
    }
    expect((await call(service, 'GET', '/companies')).body.totalResults).toBe(0);
  });

  it('ignores a redirectUrl swapped in the merchant-held URL when it is off the list', async () => {
    const started = await start('merchantIdentifier=m-12');
    const url = new URL(started.body.url as string);
    url.searchParams.set('redirectUrl', 'https://evil.test/');
    const cookie = cookieOf(await get(service, url.pathname + url.search));
    const done = await get(service, '/sync-flow/done?status=cancelled', { cookie });
    expect(done.status).toBe(200);
    expect(done.headers.get('location')).toBeNull();
  });

  it('drops a redirectUrl swapped for another allow-listed one: the signature binds it to the code', async () => {
    const other = makeService({ now: c.now, hostedFlow: { redirectAllowList: [ALLOWED, 'https://partner.test/other'], pageDir } });
    try {
      const started = await call(other, 'GET', `/config/sync/commerce/commerce/sandbox/start?merchantIdentifier=m-13&redirectUrl=${encodeURIComponent(ALLOWED)}`);
      const url = new URL(started.body.url as string);
      expect(url.searchParams.get('redirectSignature')).toBeTruthy();
      url.searchParams.set('redirectUrl', 'https://partner.test/other');
      const cookie = cookieOf(await get(other, url.pathname + url.search));
      const done = await get(other, '/sync-flow/done?status=connected', { cookie });
      expect(done.status).toBe(200);
      expect(done.headers.get('location')).toBeNull();
    } finally {
      await other.close();
    }
  });

  it("hands the page the partner's branding, its text overrides as widget messages and its visible accounts", async () => {
    const branded = makeService({
      now: c.now,
      hostedFlow: { redirectAllowList: [ALLOWED], pageDir, branding: { name: 'Acme Pay', colors: { primary: '#0a5c36' }, fontFamily: 'Georgia, serif' } },
    });
    try {
      expect((await call(branded, 'PATCH', '/sync/commerce/config/ui/text?locale=fr-fr', {
        'sales.accounts.sales': { text: 'Recettes', required: true },
        'configure-misc-nextButton': { text: 'Continuer', required: false },
        'configure-misc-unknownThing': { text: 'Ignoré', required: false },
      })).status).toBe(200);
      expect((await call(branded, 'PATCH', '/sync/commerce/config/ui/text?locale=en-us', { 'sales.accounts.sales': { text: 'Takings', required: true } })).status).toBe(200);
      expect((await call(branded, 'POST', '/sync/commerce/config/ui/accounts/platform/sandbox', { visibleAccounts: ['cash'] })).status).toBe(200);
      const started = await call(branded, 'GET', '/config/sync/commerce/commerce/sandbox/start?merchantIdentifier=m-30');
      const url = new URL(started.body.url as string);
      const cookie = cookieOf(await get(branded, url.pathname + url.search));
      // Accept-Language picks French: the French overrides, under the widget's keys.
      const context = await get(branded, '/sync-flow/context', { cookie, 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' });
      expect(await context.json()).toEqual({
        locale: 'fr-CA',
        canReturn: false,
        // The start operation's accountingKey: the page opens at that platform's consent.
        platform: { key: 'sandbox', name: 'Sandbox ledger' },
        branding: { name: 'Acme Pay', colors: { primary: '#0a5c36' }, fontFamily: 'Georgia, serif' },
        messages: { 'wizard.sales.sales': 'Recettes', 'common.next': 'Continuer' },
        visibleAccounts: { sandbox: ['cash'] },
      });
      const english = await get(branded, '/sync-flow/context', { cookie, 'accept-language': 'en-GB' });
      expect(((await english.json()) as { messages: unknown }).messages).toEqual({ 'wizard.sales.sales': 'Takings' });
    } finally {
      await branded.close();
    }
  });

  it('refuses branding that could carry more than a colour or a font, naming the field', () => {
    expect(() => makeService({ hostedFlow: { pageDir, branding: { name: 'Acme', colors: { primary: 'red; background: url(x)' } } } })).toThrow(/colors\.primary/);
    expect(() => makeService({ hostedFlow: { pageDir, branding: { name: 'Acme', logoUrl: 'javascript:alert(1)' } } })).toThrow(/logoUrl/);
  });

  it("opens the hosted flow from a company's redirect and a connection's linkUrl in a browser; with the key the API answers", async () => {
    const company = await call(service, 'POST', '/companies', { name: 'Linked Ltd' });
    expect(company.status).toBe(200);
    const connection = await call(service, 'POST', `/companies/${company.body.id}/connections`, { platformKey: 'sandbox' });
    expect(connection.status).toBe(200);
    const links = [company.body.redirect as string, connection.body.linkUrl as string];
    for (const link of links) {
      const url = new URL(link);
      expect(url.searchParams.get('link')).toBeTruthy();
      // A browser: no Authorization header. It is sent to a fresh, single-use start URL of the hosted flow.
      const opened = await get(service, url.pathname + url.search, { accept: 'text/html' });
      expect(opened.status, link).toBe(303);
      const start = new URL(opened.headers.get('location') ?? '', BASE);
      expect(start.pathname).toBe('/sync-flow');
      const redeemed = await get(service, start.pathname + start.search);
      expect(redeemed.status).toBe(303);
      const cookie = cookieOf(redeemed);
      expect((await get(service, '/sync-flow', { cookie })).status).toBe(200);
      // The flow session is this company's: the BFF's connection is the one linked above.
      const session = await service.fetch(new Request(`${BASE}/sync-flow/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' }));
      const { token } = (await session.json()) as { token: string };
      const bffConnection = await service.fetch(new Request(`${BASE}/sync-flow/api/connection`, { headers: { authorization: `Bearer ${token}` } }));
      expect(((await bffConnection.json()) as { platform?: { key: string } }).platform?.key).toBe('sandbox');
      // The same link opens again (each time with a new code).
      expect((await get(service, url.pathname + url.search)).status).toBe(303);
      // A link signed for another company, or not signed, opens nothing.
      const forged = new URL(link);
      forged.searchParams.set('link', 'A'.repeat(43));
      const refused = await get(service, forged.pathname + forged.search);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/text\/html/);
      forged.searchParams.delete('link');
      expect((await get(service, forged.pathname + forged.search)).status).toBe(401);
    }
    // API clients with the key keep the spec's answer: the company's connections.
    const listed = await call(service, 'GET', new URL(company.body.redirect as string).pathname + new URL(company.body.redirect as string).search);
    expect(listed.status).toBe(200);
    expect(listed.body.results.map((c: { id: string }) => c.id)).toContain(connection.body.id);
  });

  it('matches allow-list entries by origin and path prefix', () => {
    expect(isAllowedRedirect('https://p.test/done', ['https://p.test/done'])).toBe(true);
    expect(isAllowedRedirect('https://p.test/done/x?y=1', ['https://p.test/done/'])).toBe(true);
    expect(isAllowedRedirect('https://p.test/donex', ['https://p.test/done'])).toBe(false);
    expect(isAllowedRedirect('http://p.test/done', ['https://p.test/done'])).toBe(false);
    expect(isAllowedRedirect('https://p.test.evil.test/done', ['https://p.test/'])).toBe(false);
    expect(isAllowedRedirect('https://user@p.test/done', ['https://p.test/'])).toBe(false);
  });
});

describe('hosted Sync Flow on two instances of one deployment', () => {
  // The deployment that runs several instances: PostgreSQL, one schema for this file.
  const target = postgresTarget();
  const KEY_A = Buffer.alloc(32, 7).toString('hex');
  const KEY_B = Buffer.alloc(32, 9).toString('hex');
  const instance = (encryptionKey: string) =>
    makeService({ store: target.options, workers: 0, encryptionKey, dev: false, hostedFlow: { redirectAllowList: [ALLOWED], pageDir } });
  afterAll(() => target.cleanup());

  it('a flow session started on one instance is served by another sharing the key and the store', async () => {
    // One after the other: instances migrating the same fresh schema at once collide (noted, not this test's subject).
    const first = instance(KEY_A);
    await first.ready;
    const second = instance(KEY_A);
    await second.ready;
    const stranger = instance(KEY_B);
    await stranger.ready;
    try {
      const started = await call(first, 'GET', `/config/sync/commerce/commerce/sandbox/start?merchantIdentifier=m-20&redirectUrl=${encodeURIComponent(ALLOWED)}`);
      const url = new URL(started.body.url as string);
      // The code is redeemed by the second instance (a load balancer's choice), the page served by the first.
      const opened = await get(second, url.pathname + url.search);
      expect(opened.status).toBe(303);
      const cookie = cookieOf(opened);
      expect((await get(first, '/sync-flow', { cookie })).status).toBe(200);
      const session = await second.fetch(new Request(`${BASE}/sync-flow/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' }));
      expect(session.status).toBe(201);
      const { token } = (await session.json()) as { token: string };
      // A BFF token minted by one instance is honoured by the other.
      const connection = await first.fetch(new Request(`${BASE}/sync-flow/api/connection`, { headers: { authorization: `Bearer ${token}` } }));
      expect(connection.status).toBe(200);
      // The redirect signed by the first instance verifies on the second.
      const done = await get(second, '/sync-flow/done?status=connected', { cookie });
      expect(new URL(done.headers.get('location') ?? 'x:/').origin + new URL(done.headers.get('location') ?? 'x:/').pathname).toBe(ALLOWED);
      // An instance with other key material reads none of it.
      expect((await get(stranger, '/sync-flow', { cookie })).status).toBe(401);
    } finally {
      await first.close();
      await second.close();
      await stranger.close();
    }
  });
});
