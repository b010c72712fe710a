import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it, onTestFailed } from 'vitest';
import { findMerchant } from '../../demo/server/merchants.js';
import { launchBrowser, newContext } from './support/browser.js';
import { fullMerchantJourney } from './support/full-journey.js';
import { journey } from './support/journey.js';
import { startTestStack, type TestStack } from './support/stack.js';
import { UK_PLAN } from './support/widget.js';

describe('merchant journey (consent in a popup)', () => {
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

  it('connects, configures, pushes sales, syncs and shows exactly the journals aggregate() computes', async () => {
    const record = journey('merchant-journey');
    onTestFailed(() => record.captureFailure(context.pages()));
    await fullMerchantJourney({ stack, context, page, merchant: findMerchant('brick-lane-coffee-london')!, plan: UK_PLAN, connect: 'popup', record });
    record.assertAccessible();
  });
});
