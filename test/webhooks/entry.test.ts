import { readdirSync, readFileSync } from 'node:fs';
import * as webhooks from '../../src/webhooks/index.js';

describe('commerce-sync/webhooks entry', () => {
  it('loads no database driver or Node built-in at runtime, so it bundles for edge runtimes', () => {
    const dir = new URL('../../src/webhooks/', import.meta.url);
    let checked = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const valueImports = [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gms)].map(
        (m) => m[1],
      );
      checked += valueImports.length;
      for (const specifier of valueImports) {
        expect({ file, specifier }).toEqual({
          file,
          specifier: expect.stringMatching(/^(\.\/|\.\.\/contract\/|zod$)/),
        });
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('exports the receiver helper, the dispatcher, the stores and the routes', () => {
    expect(Object.keys(webhooks).sort()).toEqual(
      expect.arrayContaining([
        'verifyWebhook',
        'signWebhook',
        'constructWebhookEvent',
        'createWebhookDispatcher',
        'createSqliteWebhookStore',
        'createPostgresWebhookStore',
        'createSqlWebhookStore',
        'createWebhookDeliveryHandler',
        'WebhookEventSchema',
      ]),
    );
  });
});
