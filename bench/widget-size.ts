/**
 * `npm run size`: builds the widget entry (src/widget/index.ts) the way a host's bundler would
 * see it — vite lib mode, minified, production — with react and react-dom excluded, gzips each
 * output chunk with zlib and prints two figures:
 * - **first load**: the entry chunk and every chunk it imports statically, i.e. what a partner's
 *   page downloads before the merchant clicks anything (target {@link FIRST_LOAD_TARGET_KB});
 * - **total**: every chunk, including those fetched on demand (the wizard, the sync settings,
 *   the locale catalogs other than en-US), bounded by {@link TOTAL_BOUND_KB}.
 * `buildWidgetBundle` is also used by test/widget/bundle.test.ts, which checks both figures and
 * that the bundle carries no secret or server module.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, minify } from 'vite';

/** Gzipped-size target of the widget's first load (entry + static imports), react and react-dom excluded. */
export const FIRST_LOAD_TARGET_KB = 45;
/** Upper bound of every widget chunk together (first load + on-demand chunks), gzipped. */
export const TOTAL_BOUND_KB = 85;

/** One built file with its raw and gzipped sizes. */
export interface BuiltFile {
  name: string;
  code: string;
  bytes: number;
  gzipBytes: number;
  /** Rendered (pre-minification) bytes of each bundled module, largest first. */
  modules: { id: string; bytes: number }[];
  /** The widget entry itself. */
  isEntry: boolean;
  /** Chunks this one imports statically (they load with it). */
  imports: string[];
  /** Chunks this one imports on demand (`import()`). */
  dynamicImports: string[];
}

/** The entry chunk and everything it imports statically: what loads before any interaction. */
export function firstLoadFiles(files: readonly BuiltFile[]): BuiltFile[] {
  const byName = new Map(files.map((f) => [f.name, f]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const next of byName.get(name)?.imports ?? []) visit(next);
  };
  for (const f of files) if (f.isEntry) visit(f.name);
  return files.filter((f) => seen.has(f.name));
}

const root = resolve(import.meta.dirname, '..');

/** Builds the widget entry into a temp dir and returns every JS file (the dir is removed). */
export async function buildWidgetBundle(): Promise<BuiltFile[]> {
  const outDir = await mkdtemp(join(tmpdir(), 'cs-widget-size-'));
  try {
    const result = await build({
      configFile: false,
      root,
      logLevel: 'silent',
      mode: 'production',
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir,
        emptyOutDir: true,
        write: true,
        minify: true,
        sourcemap: false,
        target: 'es2022',
        lib: { entry: resolve(root, 'src/widget/index.ts'), formats: ['es'], fileName: 'widget' },
        rollupOptions: { external: (id) => /^react(-dom)?(\/|$)/.test(id) },
      },
    });
    const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
    const chunkOf = (name: string) => {
      const chunk = outputs.find((o) => o.type === 'chunk' && o.fileName === name);
      return chunk?.type === 'chunk' ? chunk : undefined;
    };
    const modulesOf = (name: string) => {
      const chunk = chunkOf(name);
      if (!chunk) return [];
      return Object.entries(chunk.modules)
        .map(([id, info]) => ({ id: id.replace(/^.*node_modules\//, '').replace(`${root}/`, ''), bytes: info.renderedLength }))
        .sort((a, b) => b.bytes - a.bytes);
    };
    const names = (await readdir(outDir, { recursive: true })).filter((n) => n.endsWith('.js'));
    return Promise.all(
      names.map(async (name) => {
        // Lib-mode ES output keeps whitespace (for the host's tree-shaking); hosts minify, so do we.
        const built = await readFile(join(outDir, name), 'utf8');
        const minified = await minify(name, built, { compress: true, mangle: true });
        if (minified.errors.length > 0) throw new Error(`Minifying ${name} failed: ${minified.errors.map((e) => e.message).join('; ')}`);
        const code = minified.code;
        const chunk = chunkOf(name);
        return {
          name,
          code,
          bytes: Buffer.byteLength(code),
          gzipBytes: gzipSync(code, { level: 9 }).length,
          modules: modulesOf(name),
          isEntry: chunk?.isEntry ?? false,
          imports: chunk?.imports ?? [],
          dynamicImports: chunk?.dynamicImports ?? [],
        };
      }),
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const files = await buildWidgetBundle();
  const css = await readFile(resolve(root, 'src/widget/styles.css'), 'utf8');
  const first = firstLoadFiles(files);
  const sum = (list: readonly BuiltFile[], key: 'bytes' | 'gzipBytes') => list.reduce((n, f) => n + f[key], 0);
  const total = sum(files, 'gzipBytes');
  const firstLoad = sum(first, 'gzipBytes');
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.info('commerce-sync widget bundle (react, react-dom external; minified; gzip -9)');
  for (const f of [...files].sort((a, b) => Number(first.includes(b)) - Number(first.includes(a)) || b.gzipBytes - a.gzipBytes)) {
    console.info(`  ${f.name.padEnd(32)} ${kb(f.bytes).padStart(7)} kB min  ${kb(f.gzipBytes).padStart(6)} kB gzip  ${first.includes(f) ? 'first load' : 'on demand'}`);
  }
  console.info(`  ${'styles.css'.padEnd(32)} ${kb(Buffer.byteLength(css)).padStart(7)} kB raw  ${kb(gzipSync(css, { level: 9 }).length).padStart(6)} kB gzip (separate file)`);
  console.info(`  first load: ${kb(sum(first, 'bytes'))} kB minified, ${kb(firstLoad)} kB gzip — target ${FIRST_LOAD_TARGET_KB} kB: ${firstLoad / 1024 <= FIRST_LOAD_TARGET_KB ? 'within' : 'OVER'} (${((100 * firstLoad) / 1024 / FIRST_LOAD_TARGET_KB).toFixed(0)}% of target)`);
  console.info(`  total JS:   ${kb(sum(files, 'bytes'))} kB minified, ${kb(total)} kB gzip — bound ${TOTAL_BOUND_KB} kB: ${total / 1024 <= TOTAL_BOUND_KB ? 'within' : 'OVER'}`);
  // zod registers its classes by name ("$ZodType"), which survives minification.
  const withZod = files.filter((f) => f.code.includes('$ZodType')).map((f) => f.name);
  console.info(`  zod in the bundle: ${withZod.length > 0 ? `yes (${withZod.join(', ')})` : 'no'}`);
  if (process.argv.includes('--modules')) {
    for (const f of files) {
      console.info(`  largest modules of ${f.name} (rendered bytes before minification):`);
      for (const m of f.modules.slice(0, 20)) console.info(`    ${kb(m.bytes).padStart(7)} kB  ${m.id}`);
    }
  }
  console.info(`  built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
