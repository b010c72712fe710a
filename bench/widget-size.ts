/**
 * `npm run size`: builds the widget entry (src/widget/index.ts) the way a host's bundler would
 * see it — vite lib mode, minified, production — with react and react-dom excluded, gzips the
 * output with zlib and prints the size next to the 60 kB target. `buildWidgetBundle` is also
 * used by test/widget/bundle.test.ts to check the bundle carries no secret or server module.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, minify } from 'vite';

/** Gzipped-size target of the widget entry, react and react-dom excluded. */
export const WIDGET_SIZE_TARGET_KB = 60;

/** One built file with its raw and gzipped sizes. */
export interface BuiltFile {
  name: string;
  code: string;
  bytes: number;
  gzipBytes: number;
  /** Rendered (pre-minification) bytes of each bundled module, largest first. */
  modules: { id: string; bytes: number }[];
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
    const modulesOf = (name: string) => {
      const chunk = outputs.find((o) => o.type === 'chunk' && o.fileName === name);
      if (chunk?.type !== 'chunk') return [];
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
        return { name, code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length, modules: modulesOf(name) };
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
  const total = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  const raw = files.reduce((sum, f) => sum + f.bytes, 0);
  const kb = (n: number) => (n / 1024).toFixed(1);
  console.info('commerce-sync widget bundle (react, react-dom external; minified; gzip -9)');
  for (const f of files) console.info(`  ${f.name.padEnd(24)} ${kb(f.bytes).padStart(7)} kB min  ${kb(f.gzipBytes).padStart(6)} kB gzip`);
  console.info(`  ${'styles.css'.padEnd(24)} ${kb(Buffer.byteLength(css)).padStart(7)} kB raw  ${kb(gzipSync(css, { level: 9 }).length).padStart(6)} kB gzip (separate file)`);
  console.info(`  total JS: ${kb(raw)} kB minified, ${kb(total)} kB gzip — target ${WIDGET_SIZE_TARGET_KB} kB: ${total / 1024 <= WIDGET_SIZE_TARGET_KB ? 'within' : 'OVER'} (${((100 * total) / 1024 / WIDGET_SIZE_TARGET_KB).toFixed(0)}% of target)`);
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
