// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import axe from 'axe-core';
import type { SandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import {
  REDIRECT_URI,
  connect,
  contextFor,
  get,
  newSandbox,
  openConsent,
  ukJournal,
  write,
} from './helpers.js';

let sandbox: SandboxPlatform;
afterEach(() => sandbox?.close());

/** Loads server HTML into the jsdom document and runs axe on it (WCAG 2.x A/AA rules). */
async function audit(html: string) {
  document.documentElement.innerHTML = '';
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  document.replaceChild(
    document.importNode(parsed.documentElement, true),
    document.documentElement,
  );
  const results = await axe.run(document, {
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
    // jsdom has no layout engine, so colour contrast cannot be computed here.
    rules: { 'color-contrast': { enabled: false } },
  });
  return results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

describe('sandbox pages accessibility', () => {
  // axe over a full document is CPU-heavy; allow for a busy machine.
  it(
    'consent page has no axe violations and is labelled for keyboard and screen-reader use',
    { timeout: 60_000 },
    async () => {
      ({ sandbox } = newSandbox());
      sandbox.admin.createLedger('uk', 'Corner Shop <Ltd>');
      const { html } = await openConsent(
        sandbox,
        sandbox.connector.authorizationUrl({ state: 's', redirectUri: REDIRECT_URI }),
      );
      expect(await audit(html)).toEqual([]);
      expect(document.documentElement.lang).toBe('en');
      expect(document.querySelector('main')).not.toBeNull();
      expect(document.querySelector('h1')!.textContent).toBe(
        'Allow commerce-sync to use your sandbox ledger?',
      );
      const radios = [...document.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
      expect(
        radios.map((r) => document.querySelector(`label[for="${r.id}"]`)!.textContent),
      ).toEqual([
        'Corner Shop <Ltd> (UK VAT (GBP), 0 documents)',
        'New ledger: UK VAT (GBP)',
        'New ledger: US sales tax (USD)',
        'New ledger: Canada GST/PST (CAD)',
      ]);
      expect(radios.filter((r) => r.checked)).toHaveLength(1);
      // Native controls only, none taken out of the tab order, and a visible focus style.
      expect(document.querySelectorAll('[tabindex="-1"], [onclick], script')).toHaveLength(0);
      expect([...document.querySelectorAll('button')].map((b) => b.textContent)).toEqual([
        'Allow access',
        'Deny',
      ]);
      expect(document.querySelector('style')!.textContent).toContain(':focus-visible');
    },
  );

  it(
    'consent page with a validation error and the ledger page pass axe too',
    { timeout: 60_000 },
    async () => {
      ({ sandbox } = newSandbox());
      const tokens = await connect(sandbox, 'uk');
      await write(sandbox, contextFor(tokens), ukJournal());
      const { requestId } = await openConsent(
        sandbox,
        sandbox.connector.authorizationUrl({ state: 's', redirectUri: REDIRECT_URI }),
      );
      const invalid = await sandbox.handler(
        new Request('http://127.0.0.1:4010/sandbox/oauth/authorize', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            request_id: requestId,
            decision: 'allow',
            ledger: 'new:zz',
          }).toString(),
        }),
      );
      expect(invalid.status).toBe(400);
      expect(await audit(await invalid.text())).toEqual([]);
      expect(document.querySelector('[role="alert"]')!.textContent).toBe(
        'Choose one of the listed templates.',
      );

      expect(await audit(await (await get(sandbox, `/ledgers/${tokens.tenantId}`)).text())).toEqual(
        [],
      );
      expect(await audit(await (await get(sandbox, '/ledgers')).text())).toEqual([]);
    },
  );
});
