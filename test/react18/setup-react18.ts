/**
 * Guard for `npm run test:react18`: fails every test file that would not render through React 18.
 * - the `react`, `react-dom` and `react-dom/server` this suite imports must all be 18.x;
 * - after the file's tests, no module of the root node_modules' React (19) may have been loaded,
 *   as it would be by a dependency that bypassed the aliases in vitest.config.ts.
 */
import { createRequire } from 'node:module';
import { resolve, sep } from 'node:path';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMServer from 'react-dom/server';
import { afterAll } from 'vitest';

const versions = {
  react: React.version,
  'react-dom': ReactDOM.version,
  'react-dom/server': ReactDOMServer.version,
};
for (const [entry, version] of Object.entries(versions)) {
  if (!version?.startsWith('18.')) {
    throw new Error(
      `test:react18 must run on React 18, but ${entry} is ${String(version)}: check the aliases in test/react18/vitest.config.ts`,
    );
  }
}

const rootModules = resolve(import.meta.dirname, '../../node_modules');
const react19Dirs = ['react', 'react-dom', 'scheduler'].map(
  (name) => `${rootModules}${sep}${name}${sep}`,
);

afterAll(() => {
  const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) =>
    react19Dirs.some((dir) => file.startsWith(dir)),
  );
  if (loaded.length > 0) {
    throw new Error(
      `test:react18 loaded the root node_modules' React (${String(readRootReactVersion())}) beside React 18: ${loaded.join(', ')}. ` +
        'A dependency imported react around the aliases: it must be inlined and loaded from its ESM build (see test/react18/vitest.config.ts).',
    );
  }
});

function readRootReactVersion(): string | undefined {
  try {
    return (
      createRequire(import.meta.url)(`${rootModules}${sep}react${sep}package.json`) as {
        version: string;
      }
    ).version;
  } catch {
    return undefined;
  }
}
