import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startDemoStack, type DemoStack, type DemoStackOptions } from '../../../demo/server/stack.js';

/** A demo stack on free loopback ports with its data in a fresh temp folder. */
export interface TestStack extends DemoStack {
  dataDir: string;
  /** Closes the servers and databases, then removes the temp folder. */
  stop(): Promise<void>;
}

/**
 * Starts the real stack (sync service, sandbox, BFF, partner server) for one journey; `hooks`
 * observe the sync service's document writes (to break the ledger in the middle of a run).
 */
export async function startTestStack(options: Pick<DemoStackOptions, 'hooks'> = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'commerce-sync-e2e-data-'));
  const stack = await startDemoStack({
    dataDir,
    host: '127.0.0.1',
    appPort: { port: 0, strict: true },
    syncPort: { port: 0, strict: true },
    ui: { mode: 'static', dir: inject('uiDir') },
    scheduler: false,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    log: () => {},
  });
  return {
    ...stack,
    dataDir,
    async stop() {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
