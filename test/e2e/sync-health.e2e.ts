import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findMerchant } from '../../demo/server/merchants.js';
import { syncHealthEnGB } from '../../src/widget/sync-health/messages.js';
import { launchBrowser, newContext } from './support/browser.js';
import { openPage, simulateSales } from './support/dashboard.js';
import { savedConfiguration } from './support/expected.js';
import { fullMerchantJourney, SIMULATED_DAYS } from './support/full-journey.js';
import { journey } from './support/journey.js';
import { activate, hasVisibleFocus, isFocused, tabTo } from './support/keyboard.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { UK_PLAN } from './support/widget.js';

const MERCHANT = findMerchant('brick-lane-coffee-london')!;

describe('sync health: support finds a failing merchant, reads the cause, and retries the failed items', () => {
  let stack: TestStack;
  let browser: Browser;
  let merchantContext: BrowserContext;
  let supportContext: BrowserContext;
  let merchantPage: Page;
  let supportPage: Page;
  // Armed once: the merchant archives the card clearing account while the sync is writing.
  let breakAfterFirstWrite: (() => void) | null = null;

  beforeAll(async () => {
    stack = await startTestStack({
      hooks: {
        afterWrite: ({ count }) => {
          if (count !== 1 || !breakAfterFirstWrite) return;
          const breakLedger = breakAfterFirstWrite;
          breakAfterFirstWrite = null;
          breakLedger();
        },
      },
    });
    browser = await launchBrowser();
    merchantContext = await newContext(browser);
    merchantPage = await merchantContext.newPage();
    // Support staff work in their own browser session: no merchant cookie there.
    supportContext = await newContext(browser);
    supportPage = await supportContext.newPage();
  });

  afterAll(async () => {
    await merchantContext?.close();
    await supportContext?.close();
    await browser?.close();
    await stack?.stop();
  });

  it('card clearing archived mid-sync → support reads why → merchant restores it → retry writes each document once', async () => {
    const record = journey('sync-health');
    onTestFailed(() => record.captureFailure([...merchantContext.pages(), ...supportContext.pages()]));

    // The merchant is set up and has synced once, successfully.
    await fullMerchantJourney({
      stack,
      context: merchantContext,
      page: merchantPage,
      merchant: MERCHANT,
      plan: UK_PLAN,
      connect: 'popup',
      record,
    });

    // The account card payments are mapped to, in the merchant's sandbox ledger.
    const { configuration } = await savedConfiguration(stack, MERCHANT.id);
    const cardRow = Object.values(configuration.configuration?.payments?.accounts ?? {}).find((row) => row.labelText === 'Card payments');
    const cardAccountId = cardRow?.selectedAccountId;
    expect(cardAccountId).toBeTruthy();
    const ledger = stack.sandbox?.listLedgers().find((l) => l.name === UK_PLAN.ledgerName);
    expect(ledger).toBeDefined();
    const sandbox = stack.sandbox!;
    const ledgerId = ledger!.id;

    // More sales arrive for the same days; while the next sync writes them, the merchant archives
    // the card clearing account in the accounting platform.
    await simulateSales(merchantPage, SIMULATED_DAYS);
    await record.checkpoint(merchantPage, 'more-sales-simulated');
    breakAfterFirstWrite = () => sandbox.archiveAccount(ledgerId, cardAccountId!);
    const [response] = await Promise.all([
      merchantPage.waitForResponse((r) => r.url().endsWith('/api/partner/sync-now'), { timeout: 90_000 }),
      merchantPage.getByRole('main').getByRole('button', { name: 'Sync now' }).click(),
    ]);
    expect(breakAfterFirstWrite).toBeNull();
    expect(response.status()).toBe(409);
    const failure = merchantPage.getByRole('alert').filter({ hasText: 'Could not sync' });
    await failure.waitFor();
    expect(await failure.innerText()).toMatch(/Card clearing.*archived/);
    await record.checkpoint(merchantPage, 'sync-failed-merchant');

    // A merchant's session opens none of the support routes: no support token for the merchant
    // cookie, and the merchant's own widget token is refused by the support BFF.
    const fromMerchant = await merchantPage.evaluate(async () => {
      const json = { 'content-type': 'application/json' };
      const supportToken = await fetch('/api/partner/support/token', { method: 'POST', headers: json, body: '{}' });
      const session = (await (await fetch('/api/commerce-sync/session', { method: 'POST', headers: json, body: '{}' })).json()) as { token: string };
      const withWidgetToken = await fetch('/api/commerce-sync/support/companies', { headers: { authorization: `Bearer ${session.token}` } });
      const withoutToken = await fetch('/api/commerce-sync/support/companies');
      return { supportToken: supportToken.status, withWidgetToken: withWidgetToken.status, withoutToken: withoutToken.status };
    });
    expect(fromMerchant).toEqual({ supportToken: 401, withWidgetToken: 401, withoutToken: 401 });

    // A support agent signs in on the Support page (separate sign-in) with the keyboard alone.
    await supportPage.goto(`${stack.appUrl}/support`);
    await supportPage.getByRole('heading', { name: 'Support sign-in', level: 1 }).waitFor();
    await record.checkpoint(supportPage, 'support-sign-in');
    const agent = supportPage.getByRole('radio', { name: /Amara Okafor/ });
    await tabTo(supportPage, agent);
    await supportPage.keyboard.press('Space');
    expect(await agent.isChecked()).toBe(true);
    expect(await hasVisibleFocus(supportPage)).toBe(true);
    await activate(supportPage, supportPage.getByRole('button', { name: 'Sign in to support' }));
    await supportPage.getByRole('heading', { name: 'Support', level: 1 }).waitFor();
    await supportPage.getByRole('heading', { name: 'Sync health', level: 2 }).waitFor();
    await record.checkpoint(supportPage, 'support-sync-health');

    // Searches the company.
    const query = supportPage.getByLabel('Company name, company ID or sync ID');
    await tabTo(supportPage, query);
    await supportPage.keyboard.type('Brick Lane');
    await supportPage.keyboard.press('Enter');
    const open = supportPage.getByRole('button', { name: `Open ${MERCHANT.name}` });
    await open.waitFor();
    await expect.poll(() => supportPage.getByRole('button', { name: /^Open / }).count()).toBe(1);
    await record.checkpoint(supportPage, 'support-search-result');

    // Opens it: focus moves to the company's heading; the company is failing.
    await activate(supportPage, open);
    const companyHeading = supportPage.getByRole('heading', { name: MERCHANT.name, exact: true });
    await companyHeading.waitFor();
    await expect.poll(() => isFocused(companyHeading)).toBe(true);
    await expect.poll(() => new URL(supportPage.url()).searchParams.get('company')).toBeTruthy();
    await supportPage.getByRole('heading', { name: 'Sync history' }).waitFor();
    await record.checkpoint(supportPage, 'support-company');

    // Opens the failing sync from the history.
    const failedRow = supportPage.getByRole('row').filter({ hasText: 'Failed' });
    await expect.poll(() => failedRow.count()).toBe(1);
    await activate(supportPage, failedRow.getByRole('button', { name: /^Details of sync/ }));
    const syncHeading = supportPage.getByRole('heading', { name: /^Sync \d+$/ });
    await syncHeading.waitFor();
    await expect.poll(() => isFocused(syncHeading)).toBe(true);
    await expect.poll(() => new URL(supportPage.url()).searchParams.get('sync')).toBeTruthy();

    // Reads the cause: the merchant's message next to the support detail, the catalog code and the step.
    const problem = supportPage.locator('[data-part="problem"]');
    await problem.waitFor();
    expect(await problem.locator('[data-part="problem-facts"] code').innerText()).toBe('account_archived');
    expect(await problem.locator('[data-part="merchant-server-message"]').innerText()).toMatch(/Card clearing.*archived in Sandbox ledger/);
    expect(await problem.locator('pre[aria-label="Support detail"]').innerText()).toMatch(/document\(s\) not written/);
    const step = await problem.locator('[data-part="problem-facts"] div').filter({ hasText: 'Fixed at wizard step' }).locator('dd').innerText();
    // The archived account is the card clearing account: the fix is on the Payments step.
    expect(step).toBe(syncHealthEnGB['step.payments']);
    const failedItems = supportPage.locator('[data-part="push-item"][data-state="failed"]');
    const failedCount = await failedItems.count();
    expect(failedCount).toBeGreaterThan(0);
    expect(await failedItems.first().innerText()).toMatch(/account_archived/);
    // A day stops at its first rejected document: the rest of that day stays not written (pending),
    // and the retry takes every document not written, failed or pending.
    const notWrittenCount = await supportPage.locator('[data-part="push-item"]:not([data-state="written"])').count();
    expect(notWrittenCount).toBeGreaterThanOrEqual(failedCount);
    await record.checkpoint(supportPage, 'support-sync-detail');

    // The merchant fixes the cause: the account is restored in the accounting platform.
    sandbox.restoreAccount(ledgerId, cardAccountId!);

    // Support retries the failed items with the keyboard.
    const retry = supportPage.getByRole('button', { name: `Retry failed items (${notWrittenCount})` });
    await tabTo(supportPage, retry);
    expect(await hasVisibleFocus(supportPage)).toBe(true);
    await supportPage.keyboard.press('Enter');
    await supportPage
      .getByRole('status')
      .filter({ hasText: `Retried ${notWrittenCount} item(s): ${notWrittenCount} written, 0 still failing.` })
      .waitFor({ timeout: 60_000 });
    await supportPage.getByText('Every document of this sync is written.').waitFor();
    expect(await supportPage.locator('[data-part="push-item"][data-state="failed"]').count()).toBe(0);
    const syncReferences = await supportPage.locator('[data-part="push-item"] th code').allInnerTexts();
    await record.checkpoint(supportPage, 'support-retried');

    // The ledger holds every document of the sync exactly once, and still balances.
    await openPage(merchantPage, 'Ledger');
    await merchantPage.getByRole('heading', { name: 'Posted documents' }).waitFor();
    const ledgerReferences = await merchantPage.locator('.hb-doc .hb-ref').allInnerTexts();
    expect(new Set(ledgerReferences).size).toBe(ledgerReferences.length);
    for (const reference of syncReferences) {
      expect(ledgerReferences.filter((r) => r === reference)).toHaveLength(1);
    }
    expect(sandbox.documents(ledgerId).map((d) => d.reference).sort()).toEqual([...ledgerReferences].sort());
    for (const currency of new Set(sandbox.documents(ledgerId).map((d) => d.currency))) {
      const debit = await merchantPage.getByTestId(`tb-${currency}-debit-total`).innerText();
      expect(await merchantPage.getByTestId(`tb-${currency}-credit-total`).innerText()).toBe(debit);
    }
    await record.checkpoint(merchantPage, 'ledger-after-retry');

    record.assertAccessible();
  });
});
