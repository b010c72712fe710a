// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { buildWidgetBundle } from '../../bench/widget-size.js';

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
});
