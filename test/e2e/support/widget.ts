import type { BrowserContext, Page, Request } from 'playwright-core';
import type { Journey } from './journey.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The widget's searchable select labelled `label`. */
export function combobox(page: Page, label: string) {
  return page.getByRole('combobox', { name: label, exact: true });
}

/** An option label: exactly `option`, or `option` followed by a detail in parentheses ("Zero Rated Income (0%)"). */
function optionLabel(option: string): RegExp {
  return new RegExp(`^${escapeRegExp(option)}( \\(.*\\))?$`);
}

/** Chooses `option` (its label, see {@link optionLabel}) in the combobox labelled `label`, by pointer. */
export async function chooseOption(page: Page, label: string, option: string): Promise<void> {
  const input = combobox(page, label);
  await input.click();
  await input.fill(option);
  await page
    .getByRole('listbox', { name: label })
    .locator('[data-part=combobox-option]')
    .filter({ has: page.locator('[data-part=combobox-option-label]', { hasText: optionLabel(option) }) })
    .first()
    .click();
  await waitForValue(page, label, option);
}

/** Chooses `option` in the combobox labelled `label` with the keyboard only (focus must be on it). */
export async function chooseOptionByKeyboard(page: Page, label: string, option: string): Promise<void> {
  await page.keyboard.type(option);
  // The first match is highlighted; walk down until the highlighted option is the exact label.
  const list = page.getByRole('listbox', { name: label });
  for (let i = 0; i < 20; i += 1) {
    const highlighted = list.locator('[data-highlighted] [data-part=combobox-option-label]');
    if (optionLabel(option).test(await highlighted.innerText().catch(() => ''))) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Enter');
  await waitForValue(page, label, option);
}

async function waitForValue(page: Page, label: string, value: string): Promise<void> {
  const input = combobox(page, label);
  for (let i = 0; i < 50; i += 1) {
    if (optionLabel(value).test(await input.inputValue())) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`The "${label}" combobox shows "${await input.inputValue()}" instead of "${value}".`);
}

/** The ledger template and the mapping the journeys choose, per sandbox template. */
export interface MappingPlan {
  /** Radio label on the sandbox consent page. */
  template: RegExp;
  ledgerName: string;
  /** Combobox label → option label, per wizard step. */
  sales: Record<string, string>;
  /** Tax-rate row label pattern → ledger tax rate, matched against the rows the wizard shows. */
  taxRates: [RegExp, string][];
  payments: Record<string, string>;
  fees: Record<string, string>;
}

/** What the UK café maps: the sandbox's UK VAT chart. */
export const UK_PLAN: MappingPlan = {
  template: /^New ledger: UK VAT/,
  ledgerName: 'Brick Lane Coffee Ltd',
  sales: {
    Sales: 'Sales',
    Refunds: 'Sales',
    Shipping: 'Shipping income',
    Tax: 'VAT payable',
    Rounding: 'Rounding',
    'Gratuity (service charge and tips)': 'Tips payable',
    'Gift cards sold': 'Gift card liability',
    // The journeys post journals: the sales customer and fee supplier rows are invoice mode only.
  },
  taxRates: [
    [/\b20\b/, '20% (VAT on Income)'],
    [/\b5\b/, '5% (VAT on Income)'],
    [/\b0\b/, 'Zero Rated Income'],
  ],
  payments: {
    'Cash payments': 'Cash clearing',
    'Card payments': 'Card clearing',
    'Online card payments': 'Card clearing',
    'Gift card redemptions': 'Undeposited funds',
    Payouts: 'Business bank account',
  },
  fees: {
    'Payment fees': 'Merchant fees',
    'Payment fee refunds': 'Merchant fees',
  },
};

/** Picks the sandbox platform in the widget's platform picker. */
export async function pickSandbox(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Choose your accounting software' }).waitFor();
  await page.getByRole('option', { name: /Sandbox ledger/ }).click();
  await page.getByRole('button', { name: 'Connect Sandbox ledger' }).waitFor();
}

/** Fills and submits the sandbox consent page (in the popup or, redirect mode, in the page itself). */
export async function allowOnConsentPage(consent: Page, plan: MappingPlan): Promise<void> {
  await consent.getByRole('heading', { name: /Allow commerce-sync/ }).waitFor();
  // Reconnecting picks the merchant's existing ledger; the first time creates it from the template.
  const existing = consent.getByRole('radio', { name: new RegExp(escapeRegExp(plan.ledgerName)) });
  if ((await existing.count()) > 0) {
    await existing.check();
    return;
  }
  await consent.getByRole('radio', { name: plan.template }).check();
  await consent.getByLabel(/Name of the new ledger/).fill(plan.ledgerName);
}

/**
 * Connects the sandbox with popups blocked: the widget falls back to a full-page redirect, the
 * consent page opens in this tab, and the BFF sends the merchant back to the Accounting page,
 * where the widget resumes with the result.
 */
export async function connectByRedirect(page: Page, plan: MappingPlan, journey: Journey): Promise<void> {
  const appOrigin = new URL(page.url()).origin;
  await Promise.all([
    page.waitForURL((url) => url.pathname.endsWith('/oauth/authorize'), { timeout: 30_000 }),
    page.getByRole('button', { name: 'Connect Sandbox ledger' }).click(),
  ]);
  await allowOnConsentPage(page, plan);
  await journey.checkpoint(page, 'consent-redirect');
  await Promise.all([
    page.waitForURL((url) => url.origin === appOrigin && url.pathname === '/accounting', { timeout: 30_000 }),
    page.getByRole('button', { name: 'Allow access' }).click(),
  ]);
}

/** Connects the sandbox in a popup: the consent page opens in a new window, which closes itself. */
export async function connectInPopup(
  page: Page,
  context: BrowserContext,
  plan: MappingPlan,
  journey: Journey,
): Promise<void> {
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('button', { name: 'Connect Sandbox ledger' }).click(),
  ]);
  await allowOnConsentPage(popup, plan);
  await journey.checkpoint(popup, 'consent-popup');
  await Promise.all([popup.waitForEvent('close', { timeout: 30_000 }), popup.getByRole('button', { name: 'Allow access' }).click()]);
}

/** The wizard's current step heading. */
export function stepHeading(page: Page, name: string) {
  return page.locator('[data-part=step-heading]', { hasText: new RegExp(`^${escapeRegExp(name)}$`) });
}

/** Clicks Next and waits for the following step. */
export async function nextStep(page: Page, following: string): Promise<void> {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await stepHeading(page, following).waitFor();
}

/**
 * Maps every tax-rate row the wizard shows (the rates seen in pushed sales) with the plan.
 * Returns how many rows were mapped.
 */
export async function mapTaxRates(page: Page, plan: MappingPlan): Promise<number> {
  let mapped = 0;
  for (const input of await page.locator('[data-part=step]').getByRole('combobox').all()) {
    const label = (await input.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.textContent ?? '')).replace(/\s*\*\s*$/, '').trim();
    const match = plan.taxRates.find(([pattern]) => pattern.test(label));
    if (!match) throw new Error(`The mapping plan has no tax rate for the wizard row "${label}".`);
    await chooseOption(page, label, match[1]);
    mapped += 1;
  }
  return mapped;
}

/**
 * After sales were pushed, the wizard offers their tax rates: Edit mapping → Tax rates, map
 * them, go to Review and save.
 */
export async function mapNewTaxRates(page: Page, plan: MappingPlan, journey: Journey): Promise<void> {
  await page.getByRole('button', { name: 'Edit mapping' }).click();
  await page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', { name: 'Tax rates' }).click();
  await stepHeading(page, 'Tax rates').waitFor();
  const mapped = await mapTaxRates(page, plan);
  if (mapped === 0) throw new Error('The wizard offers no tax rates to map although sales were pushed.');
  await journey.checkpoint(page, 'edit-tax-rates');
  await page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', { name: 'Review' }).click();
  await stepHeading(page, 'Review').waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('heading', { name: 'Sync settings' }).waitFor({ timeout: 30_000 });
}

/**
 * Walks every wizard step with the pointer: output (journal), sales, tax rates, payments, fees,
 * schedule (first day `startDate`, the merchant's zone) and review; saves; takes a checkpoint
 * (screenshot + axe) on each step.
 */
export async function configureWizard(
  page: Page,
  plan: MappingPlan,
  options: {
    startDate: string;
    timeZone: string;
    journey: Journey;
  },
): Promise<void> {
  const { journey } = options;
  await stepHeading(page, 'Output').waitFor();
  await page.getByRole('radio', { name: 'One journal a day' }).check();
  await journey.checkpoint(page, 'wizard-output');

  await nextStep(page, 'Sales accounts');
  for (const [label, option] of Object.entries(plan.sales)) await chooseOption(page, label, option);
  await journey.checkpoint(page, 'wizard-sales');

  await nextStep(page, 'Tax rates');
  await mapTaxRates(page, plan);
  await journey.checkpoint(page, 'wizard-tax-rates');

  await nextStep(page, 'Payments');
  for (const [label, option] of Object.entries(plan.payments)) await chooseOption(page, label, option);
  await journey.checkpoint(page, 'wizard-payments');

  await nextStep(page, 'Fees');
  await page.getByRole('checkbox', { name: 'Post payment fees' }).check();
  for (const [label, option] of Object.entries(plan.fees)) await chooseOption(page, label, option);
  await journey.checkpoint(page, 'wizard-fees');

  await nextStep(page, 'Schedule');
  await page.getByLabel('First day to sync').fill(options.startDate);
  await chooseOption(page, 'Time zone', options.timeZone.replace(/_/g, ' '));
  await journey.checkpoint(page, 'wizard-schedule');

  // A save sent before the merchant pressed Save means the Review step was skipped.
  let savedEarly = false;
  const onRequest = (request: Request) => {
    if (request.method() === 'PUT' && new URL(request.url()).pathname.endsWith('/configuration')) savedEarly = true;
  };
  page.on('request', onRequest);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  const settings = page.getByRole('heading', { name: 'Sync settings' });
  await stepHeading(page, 'Review').or(settings).first().waitFor();
  await page.waitForLoadState('networkidle');
  page.off('request', onRequest);
  if (savedEarly) {
    throw new Error('Pressing Next on the Schedule step saved the configuration at once: the merchant never saw the Review step.');
  }
  await page.getByText(/one journal per currency is posted to Sandbox ledger/).waitFor();
  await journey.checkpoint(page, 'wizard-review');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('heading', { name: 'Sync settings' }).waitFor({ timeout: 30_000 });
}
