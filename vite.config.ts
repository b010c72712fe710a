/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Library entries, one per subpath export in package.json. Add an entry here when a new
 * subpath (`.`, `./bff`, `./server`, …) is exported.
 */
const entries: Record<string, string> = {
  contract: resolve(import.meta.dirname, 'src/contract/index.ts'),
  aggregation: resolve(import.meta.dirname, 'src/aggregation/index.ts'),
  server: resolve(import.meta.dirname, 'src/server/index.ts'),
  'server-cli': resolve(import.meta.dirname, 'src/server/cli.ts'),
  bff: resolve(import.meta.dirname, 'src/bff/index.ts'),
  webhooks: resolve(import.meta.dirname, 'src/webhooks/index.ts'),
  widget: resolve(import.meta.dirname, 'src/widget/index.ts'),
  // Support-team UI ships as its own entry so merchants' bundles never carry it.
  'sync-health': resolve(import.meta.dirname, 'src/widget/sync-health/index.ts'),
};

/**
 * Ships the widget's stylesheets as `dist/styles.css` and `dist/sync-health.css` (the
 * `commerce-sync/styles.css` and `commerce-sync/sync-health.css` exports). They are plain
 * files the host links or imports, so strict-CSP pages need no inline styles.
 */
function widgetStylesheets(): Plugin {
  const sheets = {
    'styles.css': 'src/widget/styles.css',
    'sync-health.css': 'src/widget/sync-health/sync-health.css',
  };
  return {
    name: 'commerce-sync:widget-stylesheets',
    apply: 'build',
    generateBundle() {
      for (const [fileName, source] of Object.entries(sheets)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(resolve(import.meta.dirname, source), 'utf8') });
      }
    },
  };
}

/**
 * The widget's jsdom suite: the `dom` project below (React 19 from devDependencies) and
 * `npm run test:react18` (test/react18/vitest.config.ts), which runs the same files on React 18.
 */
export const widgetDomTests = {
  environment: 'jsdom',
  include: ['test/widget/**/*.test.{ts,tsx}', 'test/**/*.dom.test.tsx'],
  setupFiles: ['test/setup-dom.ts'],
};

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

export default defineConfig({
  plugins: [widgetStylesheets()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    lib: { entry: entries, formats: ['es'] },
    rollupOptions: {
      // Dependencies stay external: the host app's bundler and package manager own them.
      external: (id) => nodeBuiltins.has(id) || (/^[a-z@][^:]*$/.test(id) && !id.startsWith('/')),
      onwarn(warning, warn) {
        // Rolldown keeps each client entry's 'use client' at the top of its output chunk; the
        // per-module notice about inner modules' directives is expected noise.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('use client')) return;
        warn(warning);
      },
    },
  },
  test: {
    globals: true,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/widget/**'],
        },
      },
      {
        extends: true,
        test: { name: 'dom', ...widgetDomTests },
      },
    ],
  },
});
