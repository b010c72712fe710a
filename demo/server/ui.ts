import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import react from '@vitejs/plugin-react';
import type { InlineConfig } from 'vite';

/** Folder of the partner web app's sources (index.html, main.tsx, …). */
export const APP_ROOT = resolve(import.meta.dirname, '../app');

const REPO_ROOT = resolve(APP_ROOT, '../..');

/**
 * The only folders the dev server may read: the app, the schemas it shares with the partner
 * server, the widget's sources and the dependencies. Not the repository root: it holds the
 * default data folder (`.data/demo`, with `secrets.json` and the SQLite files).
 */
const DEV_SERVED_DIRS = [APP_ROOT, resolve(APP_ROOT, '../shared'), resolve(REPO_ROOT, 'src'), resolve(REPO_ROOT, 'node_modules')];

/**
 * File kinds neither UI server ever serves, wherever they lie: the demo's secrets, databases,
 * env files and keys (Vite's own default deny list is kept alongside, see `viteConfig`).
 */
const PRIVATE_FILE_GLOBS = ['secrets.json', '*.sqlite', '*.sqlite-*', '*.db', '*.db-*', '**/.data/**'];
const VITE_DEFAULT_DENY = ['.env', '.env.*', '*.{crt,pem,key,p12,pfx,cer,der}', '.npmrc', '.yarnrc.yml', '**/.git/**'];
const PRIVATE_FILE_NAME = /^(secrets\.json|.+\.(sqlite|db)(-.*)?|.+\.(crt|pem|key|p12|pfx|cer|der))$/i;

/** Serves the partner web app: `handle` answers a request or calls `next` for the API routes. */
export interface UiServer {
  handle(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  close(): Promise<void>;
}

/** What a UI server must keep private, and where the page may load images from. */
export interface UiOptions {
  /** Folders never served, whatever the URL (the demo passes its data folder). */
  privateDirs: readonly string[];
  /** Origins besides the dashboard's own that serve images (the platforms' logos). */
  imageOrigins: readonly string[];
}

/**
 * Headers of every dashboard page: a Content-Security-Policy that allows no inline script or
 * style (only the bundle's files, or Vite's own tags carrying this response's `nonce` in dev),
 * no framing, and no caching, since the pages show a signed-in merchant's data.
 */
export function dashboardPageHeaders(options: { imageOrigins: readonly string[]; nonce?: string }): Record<string, string> {
  const nonce = options.nonce ? ` 'nonce-${options.nonce}'` : '';
  const csp = [
    "default-src 'self'",
    `script-src 'self'${nonce}`,
    `style-src 'self'${nonce}`,
    ['img-src', "'self'", 'data:', ...options.imageOrigins].join(' '),
    // 'self' covers the dev server's hot-reload WebSocket on the same host and port.
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
  };
}

/** Replaced per response by a fresh nonce in the HTML Vite transforms (`html.cspNonce`). */
const NONCE_PLACEHOLDER = 'cs-demo-nonce-placeholder';

/** A path and, when it exists, the path with symlinks resolved (both are checked). */
function pathForms(path: string): string[] {
  const absolute = resolve(path);
  try {
    const real = realpathSync(absolute);
    return real === absolute ? [absolute] : [absolute, real];
  } catch {
    return [absolute];
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/**
 * Refuses to start when a private folder and a served folder overlap, so a data folder chosen
 * inside the app (or a bundle folder holding the data) fails loudly instead of leaking.
 */
function assertSeparate(served: readonly string[], options: UiOptions, what: string): void {
  for (const privateDir of options.privateDirs.flatMap(pathForms)) {
    for (const dir of served.flatMap(pathForms)) {
      if (isInside(dir, privateDir) || isInside(privateDir, dir)) {
        throw new Error(
          `The data folder ${privateDir} overlaps ${dir}, which the ${what} serves; the secrets and databases would be readable over HTTP. Set DEMO_DATA_DIR to a folder outside it.`,
        );
      }
    }
  }
}

/** Escapes glob syntax so a folder name is matched literally. */
function literalGlob(path: string): string {
  return path.replace(/[\\*?[\]{}()!+@]/g, '\\$&');
}

function viteConfig(options: Pick<UiOptions, 'privateDirs'>): InlineConfig {
  return {
    configFile: false,
    root: APP_ROOT,
    logLevel: 'warn',
    plugins: [react()],
    server: {
      fs: {
        strict: true,
        // The app's own schemas and the widget live outside the root; let the dev server read them.
        allow: [...new Set(DEV_SERVED_DIRS.flatMap(pathForms))],
        // Checked before the allow list and before Vite's "imported module" exception.
        deny: [...VITE_DEFAULT_DENY, ...PRIVATE_FILE_GLOBS, ...options.privateDirs.flatMap(pathForms).map((dir) => `${literalGlob(dir)}/**`)],
      },
    },
  };
}

/**
 * Vite in middleware mode: on-demand compilation, and hot reload over `httpServer` (the
 * dashboard's own server, so no extra port is needed), for `npm run demo`. It reads only the
 * app, the widget's sources and the dependencies, never a private folder or secret file.
 */
export async function createDevUi(httpServer: Server, options: UiOptions): Promise<UiServer> {
  assertSeparate(DEV_SERVED_DIRS, options, 'dashboard dev server');
  const { createServer } = await import('vite');
  const config = viteConfig(options);
  // 'custom': Vite serves modules and assets only; the page itself is served below, so it gets
  // the CSP headers and a nonce of its own on the tags Vite injects (refresh preamble, styles).
  const vite = await createServer({
    ...config,
    appType: 'custom',
    html: { cspNonce: NONCE_PLACEHOLDER },
    server: { ...config.server, middlewareMode: true, hmr: { server: httpServer } },
  });
  const indexFile = join(APP_ROOT, 'index.html');
  const servePage = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    vite
      .transformIndexHtml(req.url ?? '/', readFileSync(indexFile, 'utf8'))
      .then((html) => {
        const nonce = randomBytes(18).toString('base64url');
        res.writeHead(200, dashboardPageHeaders({ imageOrigins: options.imageOrigins, nonce }));
        res.end(req.method === 'HEAD' ? undefined : html.replaceAll(NONCE_PLACEHOLDER, nonce));
      })
      .catch((error: unknown) => {
        vite.ssrFixStacktrace(error as Error);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The dashboard page failed to build: ${error instanceof Error ? error.message : String(error)}`);
      });
  };
  return {
    handle: (req, res, next) => {
      if ((req.url ?? '/').split('?')[0] === '/index.html') return servePage(req, res, next);
      vite.middlewares(req, res, () => servePage(req, res, next));
    },
    close: () => vite.close(),
  };
}

/** Builds the app once into `outDir` (e2e does this before starting stacks). */
export async function buildUi(outDir: string): Promise<void> {
  const { build } = await import('vite');
  // Test runners set NODE_ENV=test, which would make the JSX transform and React disagree on
  // development mode; the bundle is a production build whoever runs it.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      ...viteConfig({ privateDirs: [] }),
      mode: 'production',
      // One demo bundle (React, the widget, zod) is ~600 kB before gzip; fine for a local demo.
      build: { outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
    });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * Serves a prebuilt bundle from `dir`, with `index.html` for every other GET (client routing).
 * Only regular files inside `dir` (symlinks resolved) are served; dot files and folders, secret
 * and database files, and anything in a private folder answer 404.
 */
export function createStaticUi(dir: string, options: UiOptions): UiServer {
  const root = resolve(dir);
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`${dir} has no index.html. Build the demo app first (buildUi), or run without a prebuilt bundle.`);
  }
  assertSeparate([root], options, 'dashboard');
  const realRoot = realpathSync(root);
  const privateDirs = options.privateDirs.flatMap(pathForms);
  const privateSegment = (path: string) => path.split(/[\\/]/).some((segment) => segment.startsWith('.') || PRIVATE_FILE_NAME.test(segment));
  // Follows symlinks: the file itself must still be a plain, public file inside the bundle.
  const servable = (file: string): boolean => {
    const real = realpathSync(file);
    return isInside(realRoot, real) && !privateSegment(relative(realRoot, real)) && !privateDirs.some((privateDir) => isInside(privateDir, real));
  };
  const notFound = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : 'Not found.');
  };
  return {
    handle(req, res, next) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Malformed percent-encoding in the URL path.');
        return;
      }
      if (privateSegment(path)) return notFound(req, res);
      const file = normalize(join(root, path));
      const found = isInside(root, file) && existsSync(file) && statSync(file).isFile() ? file : null;
      if (found && !servable(found)) return notFound(req, res);
      const target = found ?? indexFile;
      const hashed = target !== indexFile && path.startsWith('/assets/');
      res.writeHead(
        200,
        target === indexFile
          ? dashboardPageHeaders({ imageOrigins: options.imageOrigins })
          : {
              'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
              'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
              'x-content-type-options': 'nosniff',
            },
      );
      res.end(req.method === 'HEAD' ? undefined : readFileSync(target));
    },
    close: async () => {},
  };
}
