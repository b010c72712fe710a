import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/** The system Chromium; e2e never downloads browsers. Override with `CHROMIUM_PATH`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches the system Chromium headless with the flags the CI container needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/** A fresh browser context (own cookies) sized like a laptop screen, in en-GB. */
export function newContext(browser: Browser, options: { blockPopups?: boolean } = {}): Promise<BrowserContext> {
  return browser
    .newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/London' })
    .then(async (context) => {
      context.setDefaultTimeout(15_000);
      if (options.blockPopups) {
        // What a popup blocker does: window.open returns null and nothing opens.
        await context.addInitScript(() => {
          window.open = () => null;
        });
      }
      return context;
    });
}
