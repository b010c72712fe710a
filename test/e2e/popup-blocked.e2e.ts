import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { findMerchant } from '../../demo/server/merchants.js';
import { launchBrowser, newContext } from './support/browser.js';
import { fullMerchantJourney } from './support/full-journey.js';
import { journey } from './support/journey.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { UK_PLAN } from './support/widget.js';

describe('merchant journey with popups blocked (redirect fallback and resume)', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    browser = await launchBrowser();
    // window.open returns null on every page, as with a popup blocker.
    context = await newContext(browser, { blockPopups: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.stop();
  });

  it('goes to the consent page in the same tab, comes back, resumes and syncs', async () => {
    const record = journey('popup-blocked');
    onTestFailed(() => record.captureFailure(context.pages()));
    let popups = 0;
    context.on('page', () => (popups += 1));
    await fullMerchantJourney({ stack, context, page, merchant: findMerchant('brick-lane-coffee-london')!, plan: UK_PLAN, connect: 'redirect', record });
    // The journey's only page is the one the test opened.
    expect(popups).toBe(0);
    record.assertAccessible();
  });
});
