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
};

/** Ships the widget's stylesheet as `dist/styles.css` (the `commerce-sync/styles.css` export). */
function widgetStylesheet(): Plugin {
  return {
    name: 'commerce-sync:widget-stylesheet',
    apply: 'build',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'styles.css',
        source: readFileSync(resolve(import.meta.dirname, 'src/widget/styles.css'), 'utf8'),
      });
    },
  };
}

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

export default defineConfig({
  plugins: [widgetStylesheet()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    lib: { entry: entries, formats: ['es'] },
    rollupOptions: {
      // Dependencies stay external: the host app's bundler and package manager own them.
      external: (id) => nodeBuiltins.has(id) || (/^[a-z@][^:]*$/.test(id) && !id.startsWith('/')),
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
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['test/widget/**/*.test.{ts,tsx}', 'test/**/*.dom.test.tsx'],
          setupFiles: ['test/setup-dom.ts'],
        },
      },
    ],
  },
});
