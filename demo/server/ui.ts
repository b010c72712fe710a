import type { IncomingMessage, Server, ServerResponse } from 'node:http';
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

/** What a UI server must keep private: the demo's data folder (secrets and databases). */
export interface UiPrivacy {
  /** Folders never served, whatever the URL (the demo passes its data folder). */
  privateDirs: readonly string[];
}

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
function assertSeparate(served: readonly string[], privacy: UiPrivacy, what: string): void {
  for (const privateDir of privacy.privateDirs.flatMap(pathForms)) {
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

function viteConfig(privacy: UiPrivacy): InlineConfig {
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
        deny: [...VITE_DEFAULT_DENY, ...PRIVATE_FILE_GLOBS, ...privacy.privateDirs.flatMap(pathForms).map((dir) => `${literalGlob(dir)}/**`)],
      },
    },
  };
}

/**
 * Vite in middleware mode: on-demand compilation, and hot reload over `httpServer` (the
 * dashboard's own server, so no extra port is needed), for `npm run demo`. It reads only the
 * app, the widget's sources and the dependencies, never a private folder or secret file.
 */
export async function createDevUi(httpServer: Server, privacy: UiPrivacy): Promise<UiServer> {
  assertSeparate(DEV_SERVED_DIRS, privacy, 'dashboard dev server');
  const { createServer } = await import('vite');
  const config = viteConfig(privacy);
  const vite = await createServer({
    ...config,
    appType: 'spa',
    server: { ...config.server, middlewareMode: true, hmr: { server: httpServer } },
  });
  return {
    handle: (req, res, next) => vite.middlewares(req, res, next),
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
export function createStaticUi(dir: string, privacy: UiPrivacy): UiServer {
  const root = resolve(dir);
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`${dir} has no index.html. Build the demo app first (buildUi), or run without a prebuilt bundle.`);
  }
  assertSeparate([root], privacy, 'dashboard');
  const realRoot = realpathSync(root);
  const privateDirs = privacy.privateDirs.flatMap(pathForms);
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
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : readFileSync(target));
    },
    close: async () => {},
  };
}
