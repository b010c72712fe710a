import type { Page } from 'playwright-core';
import { axeViolations, formatViolations, type StepViolations } from './axe.js';
import { screenshots } from './screenshots.js';

/**
 * Records one journey: at every checkpoint a numbered full-page screenshot in
 * `artifacts/e2e/<journey>/` and an axe scan. Violations are collected so one run reports every
 * step's problems; {@link Journey.assertAccessible} fails the test when there were any.
 */
export interface Journey {
  checkpoint(page: Page, step: string): Promise<void>;
  /** Every step scanned so far, in order. */
  readonly steps: string[];
  /** Throws with the full report when any checkpoint had an axe violation. */
  assertAccessible(): void;
  /** Saves `failure.png` of every open page, for a failed test's artifacts. */
  captureFailure(pages: readonly Page[]): Promise<void>;
}

/** Starts recording a journey. */
export function journey(name: string): Journey {
  const shots = screenshots(name);
  const found: StepViolations[] = [];
  const steps: string[] = [];
  return {
    steps,
    async checkpoint(page, step) {
      await page.waitForLoadState('networkidle').catch(() => {});
      await shots.take(page, step);
      steps.push(step);
      const violations = await axeViolations(page);
      if (violations.length > 0) found.push({ step, url: page.url(), violations });
    },
    async captureFailure(pages) {
      let i = 0;
      for (const page of pages) {
        i += 1;
        if (page.isClosed()) continue;
        await page.screenshot({ path: `${shots.dir}/failure-${i}.png`, fullPage: true }).catch(() => {});
      }
    },
    assertAccessible() {
      if (found.length > 0) {
        throw new Error(`axe found violations in ${found.length} of ${steps.length} steps:\n${formatViolations(found)}`);
      }
    },
  };
}
