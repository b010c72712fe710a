import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { formatMoney } from '../../../demo/app/format.js';
import type { DemoMerchant } from '../../../demo/server/merchants.js';
import { lastDays } from '../../../demo/server/partner-app.js';
import { openPage, signIn, simulateSales, syncNow } from './dashboard.js';
import { expectedDocuments, journalDebitTotal } from './expected.js';
import type { Journey } from './journey.js';
import type { TestStack } from './stack.js';
import { configureWizard, connectByRedirect, connectInPopup, mapNewTaxRates, pickSandbox, type MappingPlan } from './widget.js';

/** Days of sales the journeys simulate. */
export const SIMULATED_DAYS = 3;

/**
 * The whole merchant journey against the real stack: sign in → pick the sandbox → consent (popup
 * or redirect) → configure every wizard section → review → save → simulate sales → map the tax
 * rates the sales brought → sync now → the ledger page shows exactly the documents
 * `aggregate()` computes from the same generated records, with the same totals.
 */
export async function fullMerchantJourney(options: {
  stack: TestStack;
  context: BrowserContext;
  page: Page;
  merchant: DemoMerchant;
  plan: MappingPlan;
  connect: 'popup' | 'redirect';
  record: Journey;
}): Promise<void> {
  const { stack, context, page, merchant, plan, record } = options;

  await page.goto(`${stack.appUrl}/`);
  await page.getByRole('heading', { name: 'Sign in to your dashboard' }).waitFor();
  await record.checkpoint(page, 'sign-in');
  await signIn(page, stack.appUrl, merchant.name);
  await record.checkpoint(page, 'overview');

  await openPage(page, 'Ledger');
  await page.getByRole('heading', { name: 'No ledger connected yet' }).waitFor();
  await record.checkpoint(page, 'ledger-not-connected');

  await openPage(page, 'Accounting');
  await pickSandbox(page);
  await record.checkpoint(page, 'platform-picked');
  if (options.connect === 'popup') {
    await connectInPopup(page, context, plan, record);
  } else {
    await connectByRedirect(page, plan, record);
    // Resumed on the partner page: the outcome parameters are consumed and removed.
    await expect.poll(() => new URL(page.url()).search).toBe('');
  }

  // The first day to sync is the first simulated day (the days before today in the merchant's zone).
  const planned = lastDays(new Date(), merchant.timeZone, SIMULATED_DAYS);
  await configureWizard(page, plan, { startDate: planned.start, timeZone: merchant.timeZone, journey: record });
  await record.checkpoint(page, 'settings-after-save');

  await openPage(page, 'Ledger');
  await page.getByText('Nothing posted yet.').waitFor();
  await record.checkpoint(page, 'ledger-nothing-posted');

  const simulated = await simulateSales(page, SIMULATED_DAYS);
  await record.checkpoint(page, 'sales-simulated');

  await openPage(page, 'Accounting');
  await mapNewTaxRates(page, plan, record);

  await syncNow(page);
  await record.checkpoint(page, 'synced');

  const expected = await expectedDocuments(stack, merchant, simulated);
  expect(expected.problems).toEqual([]);
  const journals = expected.documents.filter((d) => d.kind === 'journal');
  // One journal per day and currency; every simulated day has sales.
  expect(new Set(journals.map((j) => j.date)).size).toBe(SIMULATED_DAYS);

  await openPage(page, 'Ledger');
  await page.getByRole('heading', { name: 'Posted documents' }).waitFor();
  await record.checkpoint(page, 'ledger-posted');

  // Every document aggregate() expects is on the ledger page, and nothing else.
  const references = await page.locator('.hb-doc .hb-ref').allInnerTexts();
  expect([...references].sort()).toEqual(expected.documents.map((d) => d.reference).sort());

  for (const journal of journals) {
    const card = page.locator('.hb-doc', { has: page.locator('.hb-ref', { hasText: journal.reference }) });
    const total = formatMoney(journalDebitTotal(journal), journal.currency, merchant.locale);
    expect(await card.getByTestId('document-debit-total').innerText()).toBe(total);
    expect(await card.getByTestId('document-credit-total').innerText()).toBe(total);
  }

  // Each currency's trial balance balances.
  for (const currency of new Set(expected.documents.map((d) => d.currency))) {
    const debit = await page.getByTestId(`tb-${currency}-debit-total`).innerText();
    expect(await page.getByTestId(`tb-${currency}-credit-total`).innerText()).toBe(debit);
  }
}
