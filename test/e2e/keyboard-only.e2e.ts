import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findMerchant } from '../../demo/server/merchants.js';
import { lastDays } from '../../demo/server/partner-app.js';
import { launchBrowser, newContext } from './support/browser.js';
import { journey } from './support/journey.js';
import { activate, hasVisibleFocus, tabTo, typeDate } from './support/keyboard.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { UK_PLAN, chooseOptionByKeyboard, combobox, stepHeading } from './support/widget.js';

const merchant = findMerchant('brick-lane-coffee-london')!;

describe('keyboard only: the journey without a pointer', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchBrowser();
    context = await newContext(browser);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  /** Tabs to the combobox labelled `label` and picks `option` by typing and Enter. */
  async function chooseByKeyboard(label: string, option: string): Promise<void> {
    await tabTo(page, combobox(page, label));
    await chooseOptionByKeyboard(page, label, option);
  }

  async function nextByKeyboard(following: string): Promise<void> {
    await activate(page, page.getByRole('button', { name: 'Next', exact: true }));
    await stepHeading(page, following).waitFor();
  }

  it('signs in, connects, configures, pushes sales, fixes a sync error and syncs with the keyboard alone', async () => {
    const record = journey('keyboard-only');
    onTestFailed(() => record.captureFailure(context.pages()));

    await page.goto(`${stack.appUrl}/`);
    await page.getByRole('heading', { name: 'Sign in to your dashboard' }).waitFor();
    // The first Tab lands on the skip link or the first shop; Space checks the focused radio.
    await tabTo(page, page.getByRole('radio', { name: new RegExp(merchant.name) }));
    await page.keyboard.press(' ');
    expect(await hasVisibleFocus(page)).toBe(true);
    await record.checkpoint(page, 'sign-in-focused');
    await activate(page, page.getByRole('button', { name: 'Sign in' }));
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();

    await activate(page, page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Accounting' }));
    await page.getByRole('heading', { name: 'Accounting', level: 1 }).waitFor();
    await tabTo(page, page.getByRole('option', { name: /Sandbox ledger/ }));
    expect(await hasVisibleFocus(page)).toBe(true);
    await record.checkpoint(page, 'picker-focused');
    await page.keyboard.press('Enter');

    const [popup] = await Promise.all([context.waitForEvent('page'), activate(page, page.getByRole('button', { name: 'Connect Sandbox ledger' }))]);
    await popup.getByRole('heading', { name: /Allow commerce-sync/ }).waitFor();
    await tabTo(popup, popup.getByRole('radio', { name: UK_PLAN.template }));
    await popup.keyboard.press(' ');
    await tabTo(popup, popup.getByLabel(/Name of the new ledger/));
    await popup.keyboard.type(UK_PLAN.ledgerName);
    await tabTo(popup, popup.getByRole('button', { name: 'Allow access' }));
    expect(await hasVisibleFocus(popup)).toBe(true);
    await record.checkpoint(popup, 'consent-focused');
    await Promise.all([popup.waitForEvent('close'), popup.keyboard.press('Enter')]);

    await stepHeading(page, 'Output').waitFor();
    await tabTo(page, page.getByRole('radio', { name: 'One journal a day' }));
    await page.keyboard.press(' ');
    await record.checkpoint(page, 'wizard-output');
    await nextByKeyboard('Sales accounts');
    for (const [label, option] of Object.entries(UK_PLAN.sales)) await chooseByKeyboard(label, option);
    await record.checkpoint(page, 'wizard-sales');
    await nextByKeyboard('Tax rates');
    await nextByKeyboard('Payments');
    for (const [label, option] of Object.entries(UK_PLAN.payments)) await chooseByKeyboard(label, option);
    await nextByKeyboard('Fees');
    await tabTo(page, page.getByRole('checkbox', { name: 'Post payment fees' }));
    await page.keyboard.press(' ');
    for (const [label, option] of Object.entries(UK_PLAN.fees)) await chooseByKeyboard(label, option);
    await record.checkpoint(page, 'wizard-fees');
    await nextByKeyboard('Schedule');
    await typeDate(page, page.getByLabel('First day to sync'), lastDays(new Date(), merchant.timeZone, 2).start);
    await chooseByKeyboard('Time zone', merchant.timeZone.replace(/_/g, ' '));
    await record.checkpoint(page, 'wizard-schedule');
    await activate(page, page.getByRole('button', { name: 'Next', exact: true }));
    await stepHeading(page, 'Review').waitFor();
    await record.checkpoint(page, 'wizard-review');
    await activate(page, page.getByRole('button', { name: 'Save', exact: true }));
    const settings = page.getByRole('heading', { name: 'Sync settings' });
    await settings.waitFor();
    await record.checkpoint(page, 'settings');

    // Simulate two days of sales from the Overview, by keyboard.
    await activate(page, page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Overview' }));
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await tabTo(page, page.getByLabel('Days of sales'));
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await page.getByText('Sales pushed to commerce-sync').waitFor({ timeout: 60_000 });

    // Syncing before the new tax rates are mapped fails with a message saying what to fix.
    await activate(page, page.getByRole('main').getByRole('button', { name: 'Sync now' }));
    const alert = page.getByRole('alert').filter({ hasText: 'Could not sync' });
    await alert.waitFor({ timeout: 60_000 });
    expect(await alert.innerText()).toMatch(/tax rate/i);
    await record.checkpoint(page, 'sync-needs-tax-rates');

    // The message links to the fix: map the new tax rates by keyboard, save, sync again.
    await activate(page, alert.getByRole('link', { name: 'Open the accounting settings' }));
    await activate(page, page.getByRole('button', { name: 'Edit mapping' }));
    await activate(page, page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', { name: 'Tax rates' }));
    await stepHeading(page, 'Tax rates').waitFor();
    for (const input of await page.locator('[data-part=step]').getByRole('combobox').all()) {
      const label = (await input.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '')).replace(/\s*\*\s*$/, '').trim();
      const rate = UK_PLAN.taxRates.find(([pattern]) => pattern.test(label));
      if (!rate) throw new Error(`No tax rate planned for "${label}".`);
      await chooseByKeyboard(label, rate[1]);
    }
    await record.checkpoint(page, 'tax-rates-mapped');
    await activate(page, page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', { name: 'Review' }));
    await stepHeading(page, 'Review').waitFor();
    await activate(page, page.getByRole('button', { name: 'Save', exact: true }));
    await settings.waitFor();

    await activate(page, page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Overview' }));
    await activate(page, page.getByRole('main').getByRole('button', { name: 'Sync now' }));
    await page.getByText('Sync finished').waitFor({ timeout: 60_000 });
    await record.checkpoint(page, 'synced');

    record.assertAccessible();
  });
});
