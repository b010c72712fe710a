/// <reference types="vitest/config" />
/**
 * `npm run test:react18`: the widget's jsdom suite (the `dom` project of vite.config.ts) on React 18.
 *
 * React 18 lives in test/react18/deps/node_modules (that folder's package.json and lockfile; the
 * root devDependencies stay on React 19). Three things make every render go through it:
 * - `resolve.alias` maps each `react`/`react-dom` entry point, exactly, to React 18's file for it;
 * - every installed package that depends on React (@testing-library/react, @tanstack/react-query,
 *   @radix-ui/*, react-hook-form, Storybook's React renderer, …) is inlined, so its `import 'react'`
 *   goes through those aliases instead of Node resolving the root node_modules (React 19);
 * - those of them without an `exports` map are loaded from their ESM build (esmEntryAliases).
 * The list is read from node_modules, so a new React-dependent package is covered without edits.
 * React 18 itself stays external: Node loads it, and react-dom's own `require('react')` finds the
 * same copy. setup-react18.ts fails every test file when React 19 is loaded anyway.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Alias } from 'vite';
import rootConfig, { widgetDomTests } from '../../vite.config.js';

const root = resolve(import.meta.dirname, '../..');
// Its own folder, so that nothing here (the guard included) reaches React 18 by Node resolution alone.
const react18Modules = resolve(import.meta.dirname, 'deps/node_modules');

interface PackageJson {
  name: string;
  module?: string;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson | undefined {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : undefined;
}

/**
 * One exact alias per entry point React 18 exports (`react`, `react/jsx-runtime`,
 * `react-dom/client`, `react-dom/server`, `react-dom/test-utils`, …), to the file Node would load.
 * Any other subpath (a React 19-only entry such as `react-dom/static`) is sent into React 18's
 * folder too, where it fails to resolve rather than quietly loading React 19.
 */
function react18Aliases(): Alias[] {
  const aliases: Alias[] = [];
  for (const name of ['react', 'react-dom']) {
    const pkg = readPackage(join(react18Modules, name));
    if (!pkg?.exports) {
      throw new Error(
        `React 18 is not installed in ${react18Modules}: run \`npm ci --prefix test/react18/deps\` (npm run test:react18 does).`,
      );
    }
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const file = typeof target === 'string' ? target : (target.node ?? target.default);
      if (!file) continue;
      const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
      aliases.push({
        find: new RegExp(`^${escapeRegExp(specifier)}$`),
        replacement: join(react18Modules, name, file),
      });
    }
    aliases.push({
      find: new RegExp(`^${name}/(.*)$`),
      replacement: join(react18Modules, name, 'unexported-in-react-18', '$1'),
    });
  }
  return aliases;
}

/** Every package in the root node_modules that imports React (found from its package.json). */
function reactDependents(): { name: string; dir: string; pkg: PackageJson }[] {
  const modules = join(root, 'node_modules');
  const found: { name: string; dir: string; pkg: PackageJson }[] = [];
  const visit = (dir: string) => {
    const pkg = readPackage(dir);
    if (!pkg || pkg.name === 'react' || pkg.name === 'react-dom') return;
    const deps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };
    if ('react' in deps || 'react-dom' in deps) found.push({ name: pkg.name, dir, pkg });
  };
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@'))
      for (const scoped of readdirSync(join(modules, entry))) visit(join(modules, entry, scoped));
    else visit(join(modules, entry));
  }
  return found;
}

/**
 * Vitest resolves like Node (no `module` main field), so a dependent without an `exports` map
 * (@testing-library/react, react-remove-scroll, use-sidecar, …) would load its CommonJS build, whose
 * `require('react')` Node answers from the root node_modules even when inlined. Its ESM build is used
 * instead, so its imports go through the aliases.
 */
function esmEntryAliases(dependents: ReturnType<typeof reactDependents>): Alias[] {
  return dependents
    .filter(({ pkg }) => !pkg.exports && pkg.module)
    .map(({ name, dir, pkg }) => ({
      find: new RegExp(`^${escapeRegExp(name)}$`),
      replacement: join(dir, pkg.module as string),
    }));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const dependents = reactDependents();

const { projects: _projects, ...rootTest } = rootConfig.test ?? {};

export default defineConfig({
  ...rootConfig,
  root,
  resolve: { ...rootConfig.resolve, alias: [...react18Aliases(), ...esmEntryAliases(dependents)] },
  test: {
    ...rootTest,
    ...widgetDomTests,
    name: 'widget-react18',
    include: [...widgetDomTests.include, 'test/react18/**/*.test.tsx'],
    // The guard runs first, so a file that would render through React 19 fails before its tests.
    setupFiles: ['test/react18/setup-react18.ts', ...widgetDomTests.setupFiles],
    // `/node_modules/<name>/`: the trailing slash keeps e.g. `react-dom` from matching React 18 itself.
    server: { deps: { inline: dependents.map(({ name }) => `${name}/`) } },
  },
});
