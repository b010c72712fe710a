import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../../demo/server/stack.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over real HTTP, with exactly the headers given (fetch would add its own). */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`${method} ${path} got no answer within 20 s`)));
    req.end(body);
  });
}

const SIGN_IN = JSON.stringify({ merchantId: 'brick-lane-coffee-london' });

describe('the demo partner server refuses cross-origin writes (CSRF, login CSRF)', () => {
  let dataDir: string;
  let stack: DemoStack;
  let own: Record<string, string>;
  let cookie: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'commerce-sync-csrf-'));
    stack = await startDemoStack({
      dataDir,
      appPort: { port: 0, strict: true },
      syncPort: { port: 0, strict: true },
      ui: { mode: 'static', dir: inject('uiDir') },
      scheduler: false,
    });
    // What a browser sends with the dashboard's own fetch calls.
    own = { origin: stack.appUrl, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' };
    const signedIn = await send(stack.appUrl, 'POST', '/api/partner/session', own, SIGN_IN);
    expect(signedIn.status).toBe(200);
    cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in from the dashboard itself with an HttpOnly, SameSite=Strict cookie that is never cached', async () => {
    const reply = await send(stack.appUrl, 'POST', '/api/partner/session', own, SIGN_IN);
    expect(reply.status).toBe(200);
    expect(String(reply.headers['set-cookie'])).toMatch(/^harbour_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('still accepts a browser without Sec-Fetch-Site when its Origin is the dashboard', async () => {
    const reply = await send(stack.appUrl, 'POST', '/api/partner/session', { origin: stack.appUrl, 'content-type': 'application/json' }, SIGN_IN);
    expect(reply.status).toBe(200);
  });

  // A page on another port of the same host (the sync service's, for one) is same-site, not same-origin.
  const sameSitePage = () => new URL(stack.syncUrl).origin;
  const forged = (): { name: string; headers: Record<string, string> }[] => [
    { name: 'a cross-site form post', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' } },
    { name: 'a same-site page', headers: { origin: sameSitePage(), 'sec-fetch-site': 'same-site', 'content-type': 'application/json' } },
    { name: 'an old browser on another origin', headers: { origin: sameSitePage(), 'content-type': 'application/x-www-form-urlencoded' } },
    { name: 'a request with neither Origin nor Sec-Fetch-Site', headers: { 'content-type': 'application/json' } },
    { name: 'a same-origin claim with a foreign Origin', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' } },
  ];

  it('refuses a forged sign-in (login CSRF) without setting a cookie', async () => {
    for (const { name, headers } of forged()) {
      const reply = await send(stack.appUrl, 'POST', '/api/partner/session', headers, SIGN_IN);
      expect(reply.status, name).toBe(403);
      expect(JSON.parse(reply.body), name).toEqual({ code: 'cross_origin_request', error: 'This action must come from the Harbour POS dashboard itself. Open the dashboard and try again there.' });
      expect(reply.headers['set-cookie'], name).toBeUndefined();
    }
  });

  it('refuses cookie-only sync-now, simulate, sign-out and support sign-in from anywhere but the dashboard', async () => {
    const writes: [string, string, string | undefined][] = [
      ['POST', '/api/partner/sync-now', undefined],
      ['POST', '/api/partner/simulate', JSON.stringify({ days: 2 })],
      ['DELETE', '/api/partner/session', undefined],
      ['POST', '/api/partner/support/session', JSON.stringify({ agentId: 'x' })],
    ];
    for (const [method, path, body] of writes) {
      for (const { name, headers } of forged()) {
        const reply = await send(stack.appUrl, method, path, { ...headers, cookie }, body);
        expect(reply.status, `${name}: ${method} ${path}`).toBe(403);
      }
    }
    // The same requests from the dashboard pass the guard (and then answer for themselves:
    // the merchant has not connected a platform yet).
    const syncNow = await send(stack.appUrl, 'POST', '/api/partner/sync-now', { ...own, cookie });
    expect(syncNow.status).toBe(409);
    expect(JSON.parse(syncNow.body)).toMatchObject({ code: 'not_connected' });
  });

  it('answers reads with no-store and without framing', async () => {
    const reply = await send(stack.appUrl, 'GET', '/api/partner/session', { cookie });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('serves the dashboard pages with a CSP allowing no inline script or style, no framing, no caching', async () => {
    for (const path of ['/', '/overview', '/accounting', '/index.html']) {
      const reply = await send(stack.appUrl, 'GET', path, { cookie });
      expect(reply.status, path).toBe(200);
      const csp = String(reply.headers['content-security-policy']);
      expect(csp, path).toContain("script-src 'self';");
      expect(csp, path).toContain("style-src 'self';");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).not.toContain('unsafe-eval');
      expect(reply.headers['x-frame-options'], path).toBe('DENY');
      expect(reply.headers['cache-control'], path).toBe('no-store');
      // Nothing inline in the page itself: every script has a src.
      expect(reply.body, path).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(reply.body, path).not.toMatch(/<style/);
    }
  });
});
