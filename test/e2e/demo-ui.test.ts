import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../../demo/server/stack.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** A GET over real HTTP with the path sent exactly as written (fetch would normalise it). */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} got no answer within 10 s`)));
    req.end();
  });
}

const start = (dataDir: string, ui: { mode: 'dev' } | { mode: 'static'; dir: string }) =>
  startDemoStack({ dataDir, appPort: { port: 0, strict: true }, syncPort: { port: 0, strict: true }, ui, scheduler: false });

/** Every way of asking for a file that must stay private, given its absolute path. */
const privateUrls = (file: string) => [`/@fs${file}`, `/@fs${file}?raw`, `/@fs${file}?import`, `/@fs${file}?url`, `/@fs${file}?import&raw`, `/@fs${file.replace(/\//g, '%2F')}`];

describe('the dashboard dev server (Vite) with the data folder inside the repository, as by default', () => {
  let dataDir: string;
  let stack: DemoStack;
  let secrets: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(join(REPO_ROOT, '.data'), { recursive: true });
    dataDir = mkdtempSync(join(REPO_ROOT, '.data', 'demo-ui-test-'));
    stack = await start(dataDir, { mode: 'dev' });
    secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never answers the secrets or the SQLite files, whatever the query', async () => {
    for (const name of ['secrets.json', 'commerce-sync.sqlite', 'sandbox.sqlite']) {
      for (const url of privateUrls(join(dataDir, name))) {
        const { status, body } = await rawGet(stack.appUrl, url);
        // Refused, or (for a URL Vite does not treat as a file) the app's own index page.
        expect(status === 200 ? body.includes('<div id="root">') : status >= 400, `${url} answered ${status}`).toBe(true);
        expect(body, url).not.toContain(secrets.syncApiKey);
        expect(body, url).not.toContain(secrets.bffSecret);
        expect(body, url).not.toContain('SQLite format 3');
      }
    }
  });

  it('serves the page with a CSP whose nonce is on every inline tag Vite injects, fresh per response', async () => {
    const nonces = new Set<string>();
    for (const path of ['/', '/accounting', '/index.html']) {
      const { headers, body } = await rawGet(stack.appUrl, path);
      const csp = String(headers['content-security-policy']);
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'/.exec(csp)?.[1];
      expect(nonce, csp).toBeDefined();
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(headers['cache-control']).toBe('no-store');
      const inline = [...body.matchAll(/<script(?![^>]*\ssrc=)[^>]*>/g)].map((m) => m[0]);
      expect(inline.length).toBeGreaterThan(0); // the React refresh preamble
      for (const tag of inline) expect(tag).toContain(`nonce="${nonce}"`);
      expect(body).not.toContain('cs-demo-nonce-placeholder');
      nonces.add(nonce!);
    }
    expect(nonces.size).toBe(3);
  });

  it('reads nothing else at the repository root either', async () => {
    expect((await rawGet(stack.appUrl, `/@fs${join(REPO_ROOT, 'package.json')}`)).status).not.toBe(200);
  });

  it('still serves the app, its shared schemas and the widget it imports', async () => {
    expect((await rawGet(stack.appUrl, '/')).status).toBe(200);
    expect((await rawGet(stack.appUrl, '/main.tsx')).status).toBe(200);
    expect((await rawGet(stack.appUrl, `/@fs${join(REPO_ROOT, 'src/widget/index.ts')}`)).status).toBe(200);
    expect((await rawGet(stack.appUrl, `/@fs${join(REPO_ROOT, 'demo/shared/partner-api.ts')}`)).status).toBe(200);
  });
});

describe('the dashboard static server (DEMO_UI=static)', () => {
  let bundle: string;
  let dataDir: string;
  let stack: DemoStack;

  beforeAll(async () => {
    // A copy of the built bundle with private files planted in it, and one symlink out of it.
    bundle = mkdtempSync(join(tmpdir(), 'commerce-sync-ui-bundle-'));
    cpSync(inject('uiDir'), bundle, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'commerce-sync-ui-data-'));
    stack = await start(dataDir, { mode: 'static', dir: bundle });
    writeFileSync(join(bundle, 'secrets.json'), '{"planted":"SECRET-IN-BUNDLE"}');
    writeFileSync(join(bundle, 'copy.sqlite'), 'SQLite format 3 planted');
    writeFileSync(join(bundle, '.env'), 'PLANTED=SECRET-IN-BUNDLE');
    mkdirSync(join(bundle, '.data'));
    writeFileSync(join(bundle, '.data', 'notes.txt'), 'SECRET-IN-BUNDLE');
    symlinkSync(join(dataDir, 'secrets.json'), join(bundle, 'assets', 'linked.json'));
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(bundle, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 404 for secret, database and dot files, and for a symlink into the data folder', async () => {
    const apiKey = (JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { syncApiKey: string }).syncApiKey;
    for (const url of ['/secrets.json', '/copy.sqlite', '/.env', '/.data/notes.txt', '/assets/linked.json', '/%2Eenv', '/assets/..%2Fsecrets.json']) {
      const { status, body } = await rawGet(stack.appUrl, url);
      expect(status, url).toBe(404);
      expect(body, url).not.toContain('SECRET-IN-BUNDLE');
      expect(body, url).not.toContain(apiKey);
    }
  });

  it('answers 400 for a malformed percent-encoding and keeps serving the app', async () => {
    expect((await rawGet(stack.appUrl, '/%E0%A4%A')).status).toBe(400);
    const index = await rawGet(stack.appUrl, '/accounting');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
  });

  it('refuses to start when the data folder lies inside the bundle folder', async () => {
    const inside = join(bundle, 'data');
    mkdirSync(inside);
    await expect(start(inside, { mode: 'static', dir: bundle })).rejects.toThrow(/overlaps .* Set DEMO_DATA_DIR to a folder outside it/);
  });
});
