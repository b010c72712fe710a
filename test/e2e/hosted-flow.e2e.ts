import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchBrowser, newContext } from './support/browser.js';
import { journey, type Journey } from './support/journey.js';
import { hasVisibleFocus, tabTo } from './support/keyboard.js';
import { freePort, startServiceProcess, type ServiceProcess } from './support/service-process.js';
import { UK_PLAN, allowOnConsentPage, chooseOption, combobox, mapTaxRates, nextStep, stepHeading } from './support/widget.js';

const ROOT = resolve(import.meta.dirname, '../..');
const API_KEY = 'e2e-hosted-flow-key';

/** A small SVG logo as a data URL (allowed by the page's CSP and the branding schema). */
const LOGO = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32" viewBox="0 0 64 32"><rect width="64" height="32" rx="6" fill="#0a5c36"/><text x="32" y="21" font-size="14" text-anchor="middle" fill="#fff" font-family="sans-serif">ACME</text></svg>').toString('base64')}`;
/** The partner's branding, given to `commerce-sync serve` in its environment. */
const BRANDING = { name: 'Acme Payments', logoUrl: LOGO, colors: { primary: '#0a5c36', primaryFg: '#ffffff', focus: '#0a5c36' }, fontFamily: 'Georgia, serif' };
/** Account rows the partner shows (the sandbox platform); every other optional row is hidden. */
const VISIBLE = ['sales', 'refund', 'shipping', 'tax', 'rounding', 'gratuity', 'prepaid', 'card', 'cash', 'onlineCard', 'prepaidPayment', 'payout', 'paymentFee', 'paymentFeeRefund'];

/**
 * The partner's backend, as a partner would write it: a page of its dashboard calls the start
 * operation server-side with the API key and sends the merchant's browser to the returned URL;
 * the flow returns the merchant to `/accounting/done` with the outcome in the query.
 */
async function startPartner(serviceUrl: () => string) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const started: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/connect') {
        const redirectUrl = url.searchParams.get('return') ?? `${origin}/accounting/done?ref=dash`;
        const query = new URLSearchParams({ merchantIdentifier: url.searchParams.get('merchant') ?? 'm-1', redirectUrl });
        const reply = await fetch(`${serviceUrl()}/config/sync/commerce/commerce/sandbox/start?${query}`, {
          headers: { authorization: `Basic ${Buffer.from(API_KEY).toString('base64')}` },
        });
        const body = (await reply.json()) as { url?: string; error?: string };
        if (!reply.ok || !body.url) {
          res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' });
          res.end(`<!doctype html><html lang="en"><title>Partner</title><main><h1>Could not start</h1><p id="error">${reply.status} ${body.error ?? ''}</p></main></html>`);
          return;
        }
        started.push(body.url);
        // The page's language: the partner may add `locale` to the URL (else Accept-Language decides).
        const target = new URL(body.url);
        if (url.searchParams.has('locale')) target.searchParams.set('locale', url.searchParams.get('locale')!);
        res.writeHead(302, { location: target.toString() });
        res.end();
        return;
      }
      if (url.pathname === '/accounting/done') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="en"><title>Partner dashboard</title><main><h1>Back at the partner</h1><p id="outcome">${url.searchParams.get('status') ?? ''}</p></main></html>`);
        return;
      }
      res.writeHead(404);
      res.end();
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return { origin, started, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe('hosted Sync Flow in Chromium against `commerce-sync serve`', () => {
  let dataDir: string;
  let service: ServiceProcess;
  let partner: Awaited<ReturnType<typeof startPartner>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];

  const api = async (path: string, method = 'GET', body?: unknown) => {
    const reply = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(API_KEY).toString('base64')}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    // The page as `npm run build` makes it: the service finds dist/sync-flow by default.
    await build({ configFile: join(ROOT, 'vite.sync-flow.config.ts'), logLevel: 'warn' });
    dataDir = mkdtempSync(join(tmpdir(), 'commerce-sync-e2e-hosted-'));
    let serviceUrl = '';
    partner = await startPartner(() => serviceUrl);
    service = await startServiceProcess(
      ['--db', join(dataDir, 'service.db'), '--sandbox-db', join(dataDir, 'sandbox.db'), '--dev', '--no-scheduler'],
      {
        COMMERCE_SYNC_API_KEYS: API_KEY,
        COMMERCE_SYNC_REDIRECT_ALLOWLIST: `${partner.origin}/accounting/done`,
        COMMERCE_SYNC_FLOW_BRANDING: JSON.stringify(BRANDING),
      },
    );
    serviceUrl = service.url;
    // The partner's UI settings, through the API as a Codat integration sets them: one of our
    // text keys and one of Codat's, and the visible accounts of the sandbox platform.
    const texts = await api('/sync/commerce/config/ui/text?locale=en-us', 'PATCH', {
      'sales.accounts.sales': { text: 'Takings', required: true },
      'configure-misc-backButton': { text: 'Previous step', required: false },
    });
    expect(texts.status).toBe(200);
    const visible = await api('/sync/commerce/config/ui/accounts/platform/sandbox', 'POST', { visibleAccounts: VISIBLE });
    expect(visible.status).toBe(200);
    browser = await launchBrowser();
    context = await newContext(browser);
    page = await context.newPage();
    const watch = (p: Page) =>
      p.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(`${p.url()}: ${message.text()}`);
      });
    watch(page);
    context.on('page', watch);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await service?.stop();
    await partner?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Screenshot + axe at 1280 px, then a screenshot at 390 px (phone), back to 1280 px. */
  async function checkpoint(record: Journey, p: Page, step: string): Promise<void> {
    await record.checkpoint(p, `${step}-1280`);
    const size = p.viewportSize() ?? { width: 1280, height: 860 };
    await p.setViewportSize({ width: 390, height: 844 });
    await record.checkpoint(p, `${step}-390`);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${step}: horizontal overflow at 390 px`).toBeLessThanOrEqual(0);
    await p.setViewportSize(size);
  }

  it('start → consent → wizard → save returns to the partner with the outcome; the code is single-use', async () => {
    const record = journey('hosted-flow');
    onTestFailed(() => record.captureFailure(context.pages()));

    await page.goto(`${partner.origin}/connect?merchant=m-hosted-1`);
    await page.waitForURL((url) => url.origin === service.url && url.pathname === '/sync-flow' && url.search === '');
    // The partner's branding: its logo (named), its name, and its colour on the primary button.
    await page.getByRole('img', { name: 'Acme Payments logo' }).waitFor();
    expect(await page.title()).toBe('Accounting sync – Acme Payments');
    // The start operation named the sandbox: the page opens at its consent step, no picker.
    await page.getByRole('heading', { name: 'Connect Sandbox ledger' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Choose your accounting software' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Connect Sandbox ledger' }).evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(10, 92, 54)');
    expect(await page.locator('body').evaluate((el) => getComputedStyle(el).fontFamily)).toBe('Georgia, serif');
    await checkpoint(record, page, 'platform-picked');

    const [popup] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Connect Sandbox ledger' }).click()]);
    await allowOnConsentPage(popup, UK_PLAN);
    await record.checkpoint(popup, 'consent');
    await Promise.all([popup.waitForEvent('close', { timeout: 30_000 }), popup.getByRole('button', { name: 'Allow access' }).click()]);

    await stepHeading(page, 'Output').waitFor();
    await page.getByRole('radio', { name: 'One journal a day' }).check();
    await checkpoint(record, page, 'wizard-output');
    await nextStep(page, 'Sales accounts');
    // The partner's text for the sales row (our key) and for Back (Codat's key).
    await page.getByRole('button', { name: 'Previous step' }).waitFor();
    expect(await combobox(page, 'Sales').count()).toBe(0);
    const { Sales: salesAccount, ...otherSales } = UK_PLAN.sales;
    await chooseOption(page, 'Takings', salesAccount!);
    for (const [label, option] of Object.entries(otherSales)) await chooseOption(page, label, option);
    await checkpoint(record, page, 'wizard-sales');
    await nextStep(page, 'Tax rates');
    await mapTaxRates(page, UK_PLAN);
    await checkpoint(record, page, 'wizard-tax-rates');
    await nextStep(page, 'Payments');
    // Hidden by the partner's visible accounts: optional payment rows not listed.
    for (const hidden of ['Swish payments', 'Vipps payments', 'PayPal payments']) expect(await combobox(page, hidden).count(), hidden).toBe(0);
    for (const [label, option] of Object.entries(UK_PLAN.payments)) await chooseOption(page, label, option);
    await checkpoint(record, page, 'wizard-payments');
    await nextStep(page, 'Fees');
    await nextStep(page, 'Schedule');
    await page.getByLabel('First day to sync').fill('2026-11-01');
    await chooseOption(page, 'Time zone', 'Europe/London');
    await checkpoint(record, page, 'wizard-schedule');
    await nextStep(page, 'Review');
    const reviewed = await page.locator('[data-part=step] table th[scope=row], [data-part=step] table tbody th').allInnerTexts();
    expect(reviewed).toContain('Takings');
    expect(reviewed).toContain('Cash payments');
    expect(reviewed).not.toContain('Swish payments');
    await checkpoint(record, page, 'wizard-review');

    await Promise.all([
      page.waitForURL((url) => url.origin === partner.origin && url.pathname === '/accounting/done', { timeout: 30_000 }),
      page.getByRole('button', { name: 'Save', exact: true }).click(),
    ]);
    const back = new URL(page.url());
    expect(back.searchParams.get('status')).toBe('connected');
    expect(back.searchParams.get('ref')).toBe('dash');
    const companyId = back.searchParams.get('companyId') ?? '';
    await page.getByRole('heading', { name: 'Back at the partner' }).waitFor();
    await checkpoint(record, page, 'returned');

    // Stored: read back through the API with the key, as the partner would.
    const config = await api(`/config/companies/${companyId}/sync/commerce`);
    expect(config.status).toBe(200);
    const sales = (config.body.configuration as { sales: { accounts: Record<string, { selectedAccountId?: string }> } }).sales;
    expect(sales.accounts.sales?.selectedAccountId).toBeTruthy();
    expect((config.body.schedule as { timeZone: string; startDate: string }).timeZone).toBe('Europe/London');
    expect((config.body.schedule as { startDate: string }).startDate.slice(0, 10)).toBe('2026-11-01');
    expect(config.body.configured).toBe(true);
    const company = await api(`/companies/${companyId}`);
    expect((company.body.tags as Record<string, string>).merchantIdentifier).toBe('m-hosted-1');

    // The start URL again (back button, a forwarded link): the code is spent.
    expect(partner.started).toHaveLength(1);
    const reopened = await page.goto(partner.started[0]!);
    expect(reopened?.status()).toBe(410);
    await page.getByRole('heading', { name: 'This link has expired' }).waitFor();
    await checkpoint(record, page, 'code-reused');

    // Later, the partner's Codat-era links: the connection's linkUrl and the company's redirect,
    // opened in a browser with no session and no key, open the hosted flow on this company's settings.
    const connections = await api(`/companies/${companyId}/connections`);
    const accounting = (connections.body.results as { sourceType: string; linkUrl: string }[]).find((c) => c.sourceType === 'Accounting');
    for (const [name, link] of [['link-url', accounting!.linkUrl], ['company-redirect', company.body.redirect as string]] as const) {
      const fresh = await newContext(browser);
      const tab = await fresh.newPage();
      try {
        await tab.goto(link);
        await tab.waitForURL((url) => url.origin === service.url && url.pathname === '/sync-flow' && url.search === '');
        await tab.getByRole('heading', { name: 'Sync settings' }).waitFor({ timeout: 30_000 });
        await checkpoint(record, tab, name);
      } finally {
        await fresh.close();
      }
    }

    expect(cspViolations).toEqual([]);
    record.assertAccessible();
  });

  it('refuses a redirectUrl off the allow-list at the start operation', async () => {
    const reply = await page.goto(`${partner.origin}/connect?merchant=m-hosted-2&return=${encodeURIComponent(`${partner.origin}/elsewhere`)}`);
    expect(reply?.status()).toBe(502);
    expect(await page.locator('#error').innerText()).toMatch(/^400 .*allow-list/);
    expect(partner.started).toHaveLength(1);
  });

  it('cancel returns to the partner with a cancel outcome', async () => {
    const record = journey('hosted-flow-cancel');
    onTestFailed(() => record.captureFailure(context.pages()));
    // The partner asks for French: the page and the widget follow.
    await page.goto(`${partner.origin}/connect?merchant=m-hosted-3&locale=fr-FR`);
    await page.getByRole('heading', { name: 'Synchronisation comptable', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Connecter Sandbox ledger' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await checkpoint(record, page, 'french');
    // With the keyboard alone: the connect button and the page's Cancel are reachable, with a visible focus.
    await tabTo(page, page.getByRole('button', { name: 'Connecter Sandbox ledger' }));
    expect(await hasVisibleFocus(page)).toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Annuler et revenir' }), { backwards: true });
    expect(await hasVisibleFocus(page)).toBe(true);
    await checkpoint(record, page, 'french-cancel-focused');
    await Promise.all([page.waitForURL((url) => url.origin === partner.origin, { timeout: 30_000 }), page.keyboard.press('Enter')]);
    const back = new URL(page.url());
    expect(back.pathname).toBe('/accounting/done');
    expect(back.searchParams.get('status')).toBe('cancelled');
    expect(back.searchParams.get('companyId')).toBeTruthy();
    await checkpoint(record, page, 'cancelled');
    expect(cspViolations).toEqual([]);
    record.assertAccessible();
  });
});
