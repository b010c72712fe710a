import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildUi } from '../../../demo/server/ui.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of the partner app bundle built once for every journey. */
    uiDir: string;
  }
}

/** Builds the partner web app once; every journey's stack serves this bundle. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'commerce-sync-e2e-ui-'));
  await buildUi(dir);
  project.provide('uiDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
