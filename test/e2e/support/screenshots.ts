import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Where e2e screenshots are kept (gitignored; CI keeps them as artifacts). */
export const ARTIFACTS_DIR = resolve(import.meta.dirname, '../../../artifacts/e2e');

/** Numbered full-page screenshots of one journey, in `artifacts/e2e/<journey>/`. */
export interface ScreenshotRecorder {
  /** Saves `NN-<step>.png` and returns its path. */
  take(page: Page, step: string): Promise<string>;
  /** The journey's folder. */
  readonly dir: string;
}

/** A recorder for one journey; numbering restarts per journey so files sort in step order. */
export function screenshots(journey: string): ScreenshotRecorder {
  const dir = join(ARTIFACTS_DIR, journey);
  // A fresh folder per run, so the artifacts show this run's steps only.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return {
    dir,
    async take(page, step) {
      n += 1;
      const file = join(dir, `${String(n).padStart(2, '0')}-${step.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      return file;
    },
  };
}
