import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The hosted Sync Flow page (src/sync-flow): the widget built as a static page into
 * `dist/sync-flow`, which the sync service serves at `/sync-flow`. Plain files only (no inline
 * script or style), so the page runs under a strict CSP.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/sync-flow'),
  base: '/sync-flow/',
  publicDir: false,
  build: {
    outDir: resolve(import.meta.dirname, 'dist/sync-flow'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2022',
    // The preload polyfill would be an inline script; the page's CSP allows none.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1024,
    rollupOptions: {
      onwarn(warning, warn) {
        // Dependencies' 'use client' directives mean nothing in a page bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('use client')) return;
        warn(warning);
      },
    },
  },
});
