// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { FIRST_LOAD_TARGET_KB, TOTAL_BOUND_KB, buildWidgetBundle, firstLoadFiles } from '../../bench/widget-size.js';

describe('the browser bundle of the widget', { timeout: 120_000 }, () => {
  it('contains no server-only module, Node built-in, API key or secret', async () => {
    const files = await buildWidgetBundle();
    expect(files.length).toBeGreaterThan(0);
    const code = files.map((f) => f.code).join('\n');
    // Server-side modules and Node built-ins must never reach the browser.
    for (const forbidden of ['node:', 'better-sqlite3', 'ioredis', '"pg"', 'hono', 'createSyncService', 'createBff', 'createSandboxPlatform', 'src/bff/', 'src/server/', 'src/platforms/']) {
      expect(code, forbidden).not.toContain(forbidden);
    }
    // Nothing that looks like a credential or the words used to carry one.
    for (const secret of [/apiKey/i, /api_key/i, /clientSecret/i, /client_secret/i, /codeVerifier/i, /refresh_token/i, /sk_(live|test)_/]) {
      expect(code, String(secret)).not.toMatch(secret);
    }
    // React stays external (the host provides it).
    expect(code).toMatch(/from\s*"react"/);
    expect(code).not.toContain('__SECRET_INTERNALS');
    // No eval or runtime code generation (strict CSP), and no inline <style> injection.
    expect(code).not.toMatch(/\beval\(|new Function\(/);
    expect(code).not.toMatch(/createElement\(\s*["']style["']\)/);
    // The schema library stays on the server: the browser only needs the contract's types.
    expect(code).not.toContain('$ZodType');
  });

  it(`first loads at most ${FIRST_LOAD_TARGET_KB} kB gzip and fetches the wizard, the settings and other locales on demand`, async () => {
    const files = await buildWidgetBundle();
    const first = firstLoadFiles(files);
    const gzipKb = (list: typeof files) => list.reduce((n, f) => n + f.gzipBytes, 0) / 1024;
    expect(first.some((f) => f.isEntry)).toBe(true);
    expect(gzipKb(first)).toBeLessThanOrEqual(FIRST_LOAD_TARGET_KB);
    expect(gzipKb(files)).toBeLessThanOrEqual(TOTAL_BOUND_KB);
    const firstModules = new Set(first.flatMap((f) => f.modules.map((m) => m.id)));
    const allModules = new Set(files.flatMap((f) => f.modules.map((m) => m.id)));
    for (const onDemand of ['src/widget/configuration-wizard/configuration-wizard.tsx', 'src/widget/sync-settings/sync-settings.tsx', 'src/widget/i18n/fr-fr.ts', 'src/widget/i18n/en-gb.ts', 'react-hook-form/dist/index.esm.mjs']) {
      expect(allModules.has(onDemand), `${onDemand} is in the bundle`).toBe(true);
      expect(firstModules.has(onDemand), `${onDemand} loads on demand`).toBe(false);
    }
    // The fallback catalog and the journey's first view are there before any click.
    for (const upFront of ['src/widget/i18n/en-us.ts', 'src/widget/platform-picker/platform-picker.tsx', 'src/widget/commerce-sync/commerce-sync.tsx']) {
      expect(firstModules.has(upFront), upFront).toBe(true);
    }
  });
});
