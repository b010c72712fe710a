#!/usr/bin/env node
// Entry of the `commerce-sync` command: runs the built CLI, or the TypeScript source through
// tsx when working in a checkout without a build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'server-cli.js');
let cli;
if (existsSync(built)) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  cli = await tsImport(pathToFileURL(join(root, 'src', 'server', 'cli.ts')).href, import.meta.url);
}
const code = await cli.main(process.argv.slice(2));
if (code !== 0) process.exit(code);
