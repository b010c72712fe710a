import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { lastDays } from '../../demo/server/partner-app.js';
import { findMerchant } from '../../demo/server/merchants.js';
import { formatMoney } from '../../demo/app/format.js';
import { launchBrowser, newContext } from './support/browser.js';
import { openPage, signIn, simulateSales, syncNow } from './support/dashboard.js';
import { expectedDocuments, journalDebitTotal } from './support/expected.js';
import { journey } from './support/journey.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { UK_PLAN, configureWizard, connectInPopup, mapNewTaxRates, pickSandbox } from './support/widget.js';

const merchant = findMerchant('brick-lane-coffee-london')!;
const DAYS = 3;

describe('merchant journey: connect, configure, simulate, sync, see the journals', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchBrowser();
    context = await newContext(browser);
    page = await context.newPage();
    page.on('pageerror', (e) => console.log('[page error]', e.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  it('posts exactly the journals aggregate() computes from the pushed sales', async () => {
    const record = journey('merchant-journey');
    onTestFailed(() => record.captureFailure(context.pages()));

    await page.goto(`${stack.appUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to your dashboard' }).waitFor();
    await record.checkpoint(page, 'sign-in');
    await signIn(page, stack.appUrl, merchant.name);
    await record.checkpoint(page, 'overview');

    await openPage(page, 'Ledger');
    await page.getByRole('heading', { name: 'No ledger connected yet' }).waitFor();
    await record.checkpoint(page, 'ledger-empty');

    await openPage(page, 'Accounting');
    await pickSandbox(page);
    await record.checkpoint(page, 'platform-picked');
    await connectInPopup(page, context, UK_PLAN, record);

    // The synced days end yesterday in the merchant's zone; the first day to sync is the first simulated day.
    const planned = lastDays(new Date(), merchant.timeZone, DAYS);
    await configureWizard(page, UK_PLAN, { startDate: planned.start, timeZone: merchant.timeZone, journey: record });
    await record.checkpoint(page, 'settings-after-save');
    await page.getByRole('switch', { name: 'Daily sync' }).and(page.locator('[aria-checked=true]')).waitFor();

    const simulated = await simulateSales(page, DAYS);
    await record.checkpoint(page, 'sales-simulated');

    // The pushed sales brought their tax rates (20 %, 5 %, 0 %): map them before syncing.
    await openPage(page, 'Accounting');
    await mapNewTaxRates(page, UK_PLAN, record);
    await syncNow(page);
    await record.checkpoint(page, 'synced');

    const expected = await expectedDocuments(stack, merchant, simulated);
    expect(expected.problems).toEqual([]);
    const journals = expected.documents.filter((d) => d.kind === 'journal');
    expect(journals.length).toBeGreaterThanOrEqual(DAYS);

    await openPage(page, 'Ledger');
    await page.getByRole('heading', { name: 'Posted documents' }).waitFor();
    await record.checkpoint(page, 'ledger-posted');

    // Every document aggregate() expects is on the ledger page, and nothing else.
    const references = await page.locator('.hb-doc .hb-ref').allInnerTexts();
    expect([...references].sort()).toEqual(expected.documents.map((d) => d.reference).sort());

    for (const journal of journals) {
      const card = page.locator('.hb-doc', { has: page.locator('.hb-ref', { hasText: journal.reference }) });
      const total = formatMoney(journalDebitTotal(journal), journal.currency, merchant.locale);
      await expect.poll(() => card.getByTestId('document-debit-total').innerText()).toBe(total);
      await expect.poll(() => card.getByTestId('document-credit-total').innerText()).toBe(total);
    }

    // Each currency's trial balance balances.
    for (const currency of new Set(expected.documents.map((d) => d.currency))) {
      const debit = await page.getByTestId(`tb-${currency}-debit-total`).innerText();
      expect(await page.getByTestId(`tb-${currency}-credit-total`).innerText()).toBe(debit);
    }

    record.assertAccessible();
  });
});
