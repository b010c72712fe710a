import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { createBff, createSupportBff, createSupportTokens } from '../../src/bff/index.js';
import type { SandboxAdmin } from '../../src/platforms/sandbox/index.js';
import { createSyncService, type RunHooks, type SyncService } from '../../src/server/index.js';
import { listen, type ListeningServer, type PortRequest } from './listen.js';
import { createPartnerApp } from './partner-app.js';
import { findMerchant } from './merchants.js';
import { loadDemoSecrets } from './secrets.js';
import { createSessionCodec, SUPPORT_SESSION_COOKIE } from './session.js';
import { simulateSales } from './simulator.js';
import { createSyncClient } from './sync-client.js';
import { createDevUi, createStaticUi, type UiServer } from './ui.js';

/** How to start the demo stack. */
export interface DemoStackOptions {
  /** Folder for the SQLite files and the generated secrets (created by the caller). */
  dataDir: string;
  /** Interface to listen on; loopback by default so nothing is exposed to the network. */
  host?: string;
  /** Dashboard port (default 5173, falling back to a free port). */
  appPort?: PortRequest;
  /** Sync service port (default 4010, falling back to a free port); the sandbox is mounted on it. */
  syncPort?: PortRequest;
  /** Vite in middleware mode (`dev`) or a prebuilt bundle (`static`). */
  ui: { mode: 'dev' } | { mode: 'static'; dir: string };
  /** Start the sync service's daily scheduler (the demo does; tests drive syncs explicitly). */
  scheduler?: boolean;
  /** Observes the sync service's document writes (e2e tests use it to break a ledger mid-run). */
  hooks?: RunHooks;
  log?: (line: string) => void;
}

/** The running demo: where it listens, and how to stop it. */
export interface DemoStack {
  /** The Harbour POS dashboard (partner server: app, partner routes, BFF). */
  appUrl: string;
  /** The sync service API. */
  syncUrl: string;
  /** The sandbox accounting platform, mounted in the sync service. */
  sandboxUrl: string;
  /** The sync-service API key the partner server uses (for tests that call the API directly). */
  syncApiKey: string;
  /** Direct control of the sandbox ledgers (archive or restore an account…), for tests and drills. */
  sandbox: SandboxAdmin | null;
  /** Closes both servers, the UI server, the scheduler and every database handle. */
  close(): Promise<void>;
}

/**
 * Starts the whole demo in this process: the sync service (with the sandbox platform mounted at
 * `/sandbox`) on one port, and the partner server (dashboard, `/api/partner/*`, and the BFF at
 * `/api/commerce-sync`) on another. Used by `npm run demo` and by the e2e tests.
 */
export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const secrets = loadDemoSecrets(options.dataDir);
  const starting = () => new Response('Starting…', { status: 503, headers: { 'retry-after': '1' } });

  // Stopped in this order: no new work (scheduler), no new requests (servers), then storage.
  let scheduler: SyncService['scheduler'] | null = null;
  let appServer: ListeningServer | null = null;
  let ui: UiServer | null = null;
  let syncServer: ListeningServer | null = null;
  let service: SyncService | null = null;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      const errors: unknown[] = [];
      const step = async (what: (() => Promise<void> | void) | null) => {
        try {
          await what?.();
        } catch (error) {
          errors.push(error);
        }
      };
      await step(scheduler ? () => scheduler?.stop() : null);
      await step(appServer ? () => appServer!.close() : null);
      await step(ui ? () => ui!.close() : null);
      await step(syncServer ? () => syncServer!.close() : null);
      await step(service ? () => service!.close() : null);
      if (errors.length > 0) throw new AggregateError(errors, 'Some parts of the demo did not close cleanly.');
    })();
    return closing;
  };

  try {
    // Listen first, bind the handler once the service exists: the sandbox needs its public URL.
    let syncHandler: ((request: Request) => Promise<Response>) | null = null;
    syncServer = await listen(
      getRequestListener((request) => (syncHandler ? syncHandler(request) : starting())),
      host,
      options.syncPort ?? { port: 4010, strict: false },
    );
    const syncUrl = syncServer.url;

    // The dashboard listens (and the BFF exists) before the sync service too: the sandbox
    // registers the BFF's callback URL, which holds the dashboard's port.
    let app: { fetch(request: Request): Response | Promise<Response> } | null = null;
    const apiListener = getRequestListener((request) => (app ? app.fetch(request) : starting()));
    appServer = await listen(
      (req: IncomingMessage, res: ServerResponse) => {
        if ((req.url ?? '/').startsWith('/api/') || !ui) {
          void apiListener(req, res);
          return;
        }
        ui.handle(req, res, () => void apiListener(req, res));
      },
      host,
      options.appPort ?? { port: 5173, strict: false },
    );
    const appUrl = appServer.url;

    const session = createSessionCodec(secrets.sessionSecret);
    const bff = createBff({
      syncService: { baseUrl: syncUrl, apiKey: secrets.syncApiKey },
      secret: secrets.bffSecret,
      publicUrl: `${appUrl}/api/commerce-sync`,
      returnUrl: `${appUrl}/accounting`,
      authenticate: (request: Request) => {
        const merchant = findMerchant(session.read(request));
        return merchant ? { merchantId: merchant.id, companyName: merchant.name } : null;
      },
      logger: {
        error: (message, details) => console.error(`[bff] ${message}`, details),
        warn: (message, details) => console.warn(`[bff] ${message}`, details),
      },
    });

    const created = createSyncService({
      apiKeys: [secrets.syncApiKey],
      store: { sqlite: join(options.dataDir, 'commerce-sync.sqlite') },
      encryptionKey: secrets.tokenEncryptionKey,
      publicUrl: syncUrl,
      // The sandbox's consent page returns only to the BFF's callback, like a real platform.
      sandbox: { databasePath: join(options.dataDir, 'sandbox.sqlite'), redirectUris: [bff.redirectUri] },
      ...(options.hooks ? { hooks: options.hooks } : {}),
    });
    service = created;
    await created.ready;
    syncHandler = (request) => created.fetch(request);
    if (options.scheduler) {
      scheduler = created.scheduler;
      scheduler.start();
    }
    log(`[demo] sync service on ${syncUrl} (sandbox at ${syncUrl}/sandbox)`);

    // Support staff get their own cookie and tokens; the key is derived for support only, so a
    // merchant's widget token never opens the support routes.
    const supportTokens = createSupportTokens({ secret: secrets.bffSecret });
    const supportBff = createSupportBff({
      authenticateSupport: supportTokens.authenticate,
      syncService: { baseUrl: syncUrl, apiKey: secrets.syncApiKey },
      onAudit: (entry) =>
        log(`[support] ${entry.staff.name} (${entry.staff.staffId}) ${entry.action} ${entry.companyId}${entry.syncId ? ` sync ${entry.syncId}` : ''} → ${entry.status}`),
      logger: {
        error: (message, details) => console.error(`[support-bff] ${message}`, details),
        warn: (message, details) => console.warn(`[support-bff] ${message}`, details),
      },
    });
    // The data folder holds the secrets and databases: neither UI server may ever serve it.
    // Platform logos come from the sync service (the sandbox's), so the page may load its images.
    const uiOptions = { privateDirs: [options.dataDir], imageOrigins: [new URL(syncUrl).origin] };
    ui = options.ui.mode === 'dev' ? await createDevUi(appServer.server, uiOptions) : createStaticUi(options.ui.dir, uiOptions);
    app = createPartnerApp({
      session,
      bff: (request) => bff.fetch(request),
      sync: createSyncClient({ baseUrl: syncUrl, apiKey: secrets.syncApiKey }),
      simulate: simulateSales,
      support: {
        session: createSessionCodec(secrets.sessionSecret, SUPPORT_SESSION_COOKIE),
        issueToken: (agent) => supportTokens.issue({ staffId: agent.id, name: agent.name }),
        bff: (request) => supportBff.fetch(request),
      },
    });
    log(`[demo] dashboard on ${appUrl}`);

    return {
      appUrl,
      syncUrl,
      sandboxUrl: `${syncUrl}/sandbox`,
      syncApiKey: secrets.syncApiKey,
      sandbox: created.sandbox?.admin ?? null,
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
