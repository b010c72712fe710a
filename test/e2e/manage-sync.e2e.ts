import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findMerchant } from '../../demo/server/merchants.js';
import { lastDays } from '../../demo/server/partner-app.js';
import { launchBrowser, newContext } from './support/browser.js';
import { openPage, signIn } from './support/dashboard.js';
import { companyOf, savedConfiguration } from './support/expected.js';
import { journey } from './support/journey.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { UK_PLAN, chooseOption, configureWizard, connectInPopup, pickSandbox, stepHeading } from './support/widget.js';

const merchant = findMerchant('brick-lane-coffee-london')!;

describe('managing the sync: pause, resume, edit a mapping, de-authorise, delete', () => {
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

  it('applies every change in the sync service and shows it in the widget', async () => {
    const record = journey('manage-sync');
    onTestFailed(() => record.captureFailure(context.pages()));
    const enabledInService = async () => (await savedConfiguration(stack, merchant.id)).configuration.enabled;

    await signIn(page, stack.appUrl, merchant.name);
    await openPage(page, 'Accounting');
    await pickSandbox(page);
    await connectInPopup(page, context, UK_PLAN, record);
    await configureWizard(page, UK_PLAN, { startDate: lastDays(new Date(), merchant.timeZone, 3).start, timeZone: merchant.timeZone, journey: record });
    await record.checkpoint(page, 'settings');

    // Pause, then resume: the switch and the sync service agree at each step.
    const toggle = page.getByRole('switch', { name: 'Daily sync' });
    const before = (await toggle.getAttribute('aria-checked')) === 'true';
    for (const expected of [!before, before]) {
      await toggle.click();
      await expect.poll(() => toggle.getAttribute('aria-checked')).toBe(String(expected));
      await expect.poll(enabledInService).toBe(expected);
      await expect.poll(() => toggle.innerText()).toBe(expected ? 'Active' : 'Paused');
      await record.checkpoint(page, expected ? 'resumed' : 'paused');
    }

    // Edit a mapping: shipping now goes to the Sales account.
    await page.getByRole('button', { name: 'Edit mapping' }).click();
    const steps = page.getByRole('navigation', { name: 'Setup steps' });
    await steps.getByRole('button', { name: 'Sales accounts' }).click();
    await stepHeading(page, 'Sales accounts').waitFor();
    await chooseOption(page, 'Shipping', 'Sales');
    await record.checkpoint(page, 'edit-mapping');
    await steps.getByRole('button', { name: 'Review' }).click();
    await stepHeading(page, 'Review').waitFor();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('heading', { name: 'Sync settings' }).waitFor();
    await expect
      .poll(async () => (await savedConfiguration(stack, merchant.id)).configuration.configuration?.sales?.accounts?.shipping?.selectedAccountId)
      .toBe('acc-200');

    // De-authorise: confirmed in an alert dialog that opens with focus on Cancel.
    await page.getByRole('button', { name: 'Disconnect Sandbox ledger' }).click();
    const disconnect = page.getByRole('alertdialog', { name: 'Disconnect Sandbox ledger?' });
    await disconnect.waitFor();
    await expect.poll(() => disconnect.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await record.checkpoint(page, 'deauthorize-confirm');
    await disconnect.getByRole('button', { name: 'Disconnect Sandbox ledger' }).click();
    await page.getByRole('heading', { name: 'Choose your accounting software' }).waitFor();
    await record.checkpoint(page, 'deauthorized');
    const company = await companyOf(stack, merchant.id);
    expect(company?.dataConnections.find((c) => c.sourceType === 'Accounting')?.status).not.toBe('Linked');
    await openPage(page, 'Ledger');
    await page.getByRole('heading', { name: 'No ledger connected yet' }).waitFor();

    // Reconnect, then delete the sync: the company and its settings are gone.
    await openPage(page, 'Accounting');
    await pickSandbox(page);
    await connectInPopup(page, context, UK_PLAN, record);
    await page.getByRole('button', { name: 'Delete sync' }).or(stepHeading(page, 'Output')).first().waitFor();
    if (!(await page.getByRole('button', { name: 'Delete sync' }).isVisible())) {
      await configureWizard(page, UK_PLAN, { startDate: lastDays(new Date(), merchant.timeZone, 3).start, timeZone: merchant.timeZone, journey: record });
    }
    await page.getByRole('button', { name: 'Delete sync' }).click();
    const remove = page.getByRole('alertdialog', { name: 'Delete the sync?' });
    await remove.waitFor();
    await record.checkpoint(page, 'delete-confirm');
    await remove.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('heading', { name: 'Choose your accounting software' }).waitFor();
    await record.checkpoint(page, 'deleted');
    await expect.poll(() => companyOf(stack, merchant.id)).toBeNull();

    record.assertAccessible();
  });
});
