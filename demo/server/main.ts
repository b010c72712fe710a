import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { portFromEnv } from './listen.js';
import { startDemoStack, type DemoStack } from './stack.js';

/**
 * `npm run demo`: starts the sync service (SQLite under `.data/demo/`), the sandbox accounting
 * platform, the BFF and the Harbour POS dashboard in this one process, prints the URL to open,
 * and shuts everything down cleanly on Ctrl-C (SIGINT) or SIGTERM.
 *
 * Environment: `PORT` (dashboard, default 5173), `SYNC_PORT` (sync service, default 4010),
 * `HOST` (default 127.0.0.1), `DEMO_DATA_DIR` (default `.data/demo`), `DEMO_UI=static` with
 * `DEMO_UI_DIR` to serve a prebuilt bundle instead of Vite.
 */
async function main(): Promise<void> {
  const env = process.env;
  const dataDir = resolve(env.DEMO_DATA_DIR ?? resolve(import.meta.dirname, '../../.data/demo'));
  mkdirSync(dataDir, { recursive: true });
  const stack = await startDemoStack({
    dataDir,
    host: env.HOST ?? '127.0.0.1',
    appPort: portFromEnv(env, 'PORT', 5173),
    syncPort: portFromEnv(env, 'SYNC_PORT', 4010),
    ui: env.DEMO_UI === 'static' ? { mode: 'static', dir: resolve(env.DEMO_UI_DIR ?? 'demo/dist') } : { mode: 'dev' },
    scheduler: true,
    log: (line) => console.info(line),
  });
  printBanner(stack, dataDir);
  installShutdown(stack);
}

function printBanner(stack: DemoStack, dataDir: string): void {
  console.info(
    [
      '',
      '  Harbour POS × commerce-sync demo is running.',
      '',
      `  ➜ Open the dashboard:  ${stack.appUrl}/`,
      `    Sync service API:    ${stack.syncUrl}`,
      `    Sandbox ledgers:     ${stack.sandboxUrl}/ledgers`,
      `    Data folder:         ${dataDir}`,
      '',
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

function installShutdown(stack: DemoStack): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.info(`Received ${signal} again; exiting now.`);
      process.exit(1);
    }
    stopping = true;
    console.info(`\nReceived ${signal}; stopping the demo…`);
    const force = setTimeout(() => {
      console.error('The demo did not stop within 10 s; exiting anyway.');
      process.exit(1);
    }, 10_000);
    force.unref();
    stack.close().then(
      () => {
        console.info('Demo stopped. Bye!');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('The demo did not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
