import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import react from '@vitejs/plugin-react';
import type { InlineConfig } from 'vite';

/** Folder of the partner web app's sources (index.html, main.tsx, …). */
export const APP_ROOT = resolve(import.meta.dirname, '../app');

/** Serves the partner web app: `handle` answers a request or calls `next` for the API routes. */
export interface UiServer {
  handle(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  close(): Promise<void>;
}

function viteConfig(): InlineConfig {
  return {
    configFile: false,
    root: APP_ROOT,
    logLevel: 'warn',
    plugins: [react()],
    // The app's own schemas and the widget live outside the root; let the dev server read them.
    server: { fs: { allow: [resolve(APP_ROOT, '../..')] } },
  };
}

/**
 * Vite in middleware mode: on-demand compilation, and hot reload over `httpServer` (the
 * dashboard's own server, so no extra port is needed), for `npm run demo`.
 */
export async function createDevUi(httpServer: Server): Promise<UiServer> {
  const { createServer } = await import('vite');
  const vite = await createServer({
    ...viteConfig(),
    appType: 'spa',
    server: { ...viteConfig().server, middlewareMode: true, hmr: { server: httpServer } },
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
      ...viteConfig(),
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

/** Serves a prebuilt bundle from `dir`, with `index.html` for every other GET (client routing). */
export function createStaticUi(dir: string): UiServer {
  const root = resolve(dir);
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`${dir} has no index.html. Build the demo app first (buildUi), or run without a prebuilt bundle.`);
  }
  return {
    handle(req, res, next) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = normalize(join(root, path));
      const inside = file === root || file.startsWith(root + sep);
      const target = inside && existsSync(file) && statSync(file).isFile() ? file : indexFile;
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
