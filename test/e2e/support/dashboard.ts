import type { Page } from 'playwright-core';
import { SimulateResultSchema, type SimulateResult } from '../../../demo/shared/partner-api.js';

/** Signs in on the demo sign-in page as the merchant whose card shows `merchantName`. */
export async function signIn(page: Page, appUrl: string, merchantName: string | RegExp): Promise<void> {
  await page.goto(`${appUrl}/`);
  await page.getByRole('heading', { name: 'Sign in to your dashboard' }).waitFor();
  await page.getByRole('radio', { name: merchantName }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

/** Opens a dashboard page from the side navigation. */
export async function openPage(page: Page, name: 'Overview' | 'Accounting' | 'Ledger'): Promise<void> {
  await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/**
 * Presses "Simulate sales" for `days` days and returns what the partner server pushed (period
 * and seed), read from the real response so the test can regenerate the same records.
 */
export async function simulateSales(page: Page, days: number): Promise<SimulateResult> {
  await openPage(page, 'Overview');
  await page.getByLabel('Days of sales').fill(String(days));
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/partner/simulate') && r.request().method() === 'POST', { timeout: 60_000 }),
    page.getByRole('button', { name: 'Simulate sales' }).click(),
  ]);
  if (!response.ok()) throw new Error(`Simulate sales answered ${response.status()}: ${await response.text()}`);
  const result = SimulateResultSchema.parse(await response.json());
  await page.getByText('Sales pushed to commerce-sync').waitFor();
  return result;
}

/** Presses the dashboard's "Sync now" and waits until the partner server reports the sync finished. */
export async function syncNow(page: Page): Promise<void> {
  await openPage(page, 'Overview');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/partner/sync-now'), { timeout: 90_000 }),
    page.getByRole('main').getByRole('button', { name: 'Sync now' }).click(),
  ]);
  if (!response.ok()) throw new Error(`Sync now answered ${response.status()}: ${await response.text()}`);
  await page.getByText('Sync finished').waitFor();
}
