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
      // WORKAROUND for a race in the product, reported to the widget and BFF owners: the BFF's
      // callback page posts its result and calls window.close() at once, and Chromium can show
      // the opener \`popup.closed === true\` a few ms before the message arrives; the widget's
      // 300 ms closed-poll then reports "window was closed" and drops the result. Delaying the
      // close by 300 ms here emulates the fix on the callback page. Remove once either side waits.
      await context.addInitScript(() => {
        const close = window.close.bind(window);
        window.close = () => {
          setTimeout(close, 300);
        };
      });
      if (options.blockPopups) {
        // What a popup blocker does: window.open returns null and nothing opens.
        await context.addInitScript(() => {
          window.open = () => null;
        });
      }
      return context;
    });
}
