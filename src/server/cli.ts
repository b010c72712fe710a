import { parseArgs } from 'node:util';
import { WebhookEndpointSchema, type WebhookEndpointInput } from '../contract/webhooks.js';
import type { AccountingConnector } from '../platforms/connector.js';
import { vendorConnectorsFromEnv } from '../platforms/http/vendor-connectors.js';
import { createSyncService, type StoreOptions } from './index.js';

const USAGE = `Usage: commerce-sync serve [options]
       commerce-sync docs        Print the API reference (Markdown) generated from the contract

Starts the sync service (Codat-compatible Sync for Commerce API) with the sandbox ledger
mounted at /sandbox.

Options:
  --port <n>            Port to listen on (env PORT, default 4010)
  --host <addr>         Address to bind (env HOST, default 127.0.0.1)
  --public-url <url>    URL clients reach the service at (env COMMERCE_SYNC_PUBLIC_URL,
                        default http://<host>:<port>)
  --db <path>           SQLite file (env COMMERCE_SYNC_DB, default ./commerce-sync.db)
  --postgres <url>      Use PostgreSQL instead, e.g. postgres://postgres@127.0.0.1:5432/test
                        (env COMMERCE_SYNC_POSTGRES_URL)
  --pg-schema <name>    PostgreSQL schema (env COMMERCE_SYNC_PG_SCHEMA, default public)
  --sandbox-db <path>   SQLite file of the sandbox ledgers (default ./commerce-sync-sandbox.db)
  --sandbox-redirect-uri <url>  Register a callback URL for the sandbox's consent page (exact
                        match; repeatable; env COMMERCE_SYNC_SANDBOX_REDIRECT_URIS, comma-separated).
                        Your BFF's is {its publicUrl}/oauth/callback.
  --no-sandbox          Do not mount the sandbox ledger
  --no-scheduler        Do not run the daily scheduler in this instance
  --workers <n>         Scheduled runs this instance works on at once (default 1). On PostgreSQL
                        the workers of every instance share one queue (pg-boss, schema
                        <pg-schema>_jobs); 0 makes an instance that only schedules and serves HTTP
  --scheduler-interval <seconds>  Seconds between scheduler ticks (default 60)
  --dev                 Allow the built-in development encryption key
  -h, --help            Show this help

Environment:
  COMMERCE_SYNC_API_KEYS         Comma-separated API keys (required)
  COMMERCE_SYNC_ENCRYPTION_KEY   32-byte key, hex or base64, for tokens at rest (required unless --dev)
  XERO_CLIENT_ID / XERO_CLIENT_SECRET                 Register the Xero connector
  QUICKBOOKS_CLIENT_ID / QUICKBOOKS_CLIENT_SECRET     Register the QuickBooks Online connector
  QUICKBOOKS_ENVIRONMENT         production (default) or sandbox (Intuit development keys)
  COMMERCE_SYNC_WEBHOOK_URL      Partner endpoint that receives signed webhook events
  COMMERCE_SYNC_WEBHOOK_SECRET   Signing secret for it (16+ characters; required with the URL)
  COMMERCE_SYNC_WEBHOOK_PREVIOUS_SECRET  Old secret, also signed with while rotating
  COMMERCE_SYNC_WEBHOOK_EVENTS   Comma-separated event types to send (default: all)
`;

/**
 * The webhook endpoint configured by environment (`COMMERCE_SYNC_WEBHOOK_URL` and
 * `COMMERCE_SYNC_WEBHOOK_SECRET`), or null when no URL is set. Throws when the URL comes
 * without a secret: unsigned events would be useless to the receiver.
 */
export function webhookEndpointsFromEnv(env: NodeJS.ProcessEnv): WebhookEndpointInput[] | null {
  const url = env.COMMERCE_SYNC_WEBHOOK_URL?.trim();
  if (!url) return null;
  const secret = env.COMMERCE_SYNC_WEBHOOK_SECRET?.trim();
  if (!secret) throw new Error('COMMERCE_SYNC_WEBHOOK_URL is set but COMMERCE_SYNC_WEBHOOK_SECRET is not: set a signing secret of 16+ characters.');
  const previous = env.COMMERCE_SYNC_WEBHOOK_PREVIOUS_SECRET?.trim();
  const events = (env.COMMERCE_SYNC_WEBHOOK_EVENTS ?? '*').split(',').map((e) => e.trim()).filter(Boolean);
  const endpoint: WebhookEndpointInput = {
    id: 'env',
    url,
    secret,
    additionalSecrets: previous ? [previous] : [],
    events: events as WebhookEndpointInput['events'],
  };
  const parsed = WebhookEndpointSchema.safeParse(endpoint);
  if (!parsed.success) {
    throw new Error(`Webhook settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'endpoint'}: ${i.message}`).join('; ')}`);
  }
  return [endpoint];
}

/** Runs the CLI; returns the process exit code (the server keeps running after `serve`). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      db: { type: 'string' },
      postgres: { type: 'string' },
      'pg-schema': { type: 'string' },
      'sandbox-db': { type: 'string' },
      'sandbox-redirect-uri': { type: 'string', multiple: true },
      'no-sandbox': { type: 'boolean' },
      'no-scheduler': { type: 'boolean' },
      workers: { type: 'string' },
      'scheduler-interval': { type: 'string' },
      dev: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals[0] === 'docs') {
    const { renderApiReference } = await import('./api-docs.js');
    process.stdout.write(renderApiReference());
    return 0;
  }
  if (values.help || positionals[0] !== 'serve') {
    console.info(USAGE);
    return values.help ? 0 : 2;
  }
  const apiKeys = (env.COMMERCE_SYNC_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (!apiKeys.length) {
    console.error('Set COMMERCE_SYNC_API_KEYS to one or more comma-separated API keys (8+ characters each).');
    return 2;
  }
  const port = Number(values.port ?? env.PORT ?? 4010);
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const publicUrl = values['public-url'] ?? env.COMMERCE_SYNC_PUBLIC_URL ?? `http://${host}:${port}`;
  const workers = Number(values.workers ?? 1);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
    console.error(`--workers must be a whole number from 0 to 64 (got "${values.workers}").`);
    return 2;
  }
  const intervalSeconds = Number(values['scheduler-interval'] ?? 60);
  if (!Number.isFinite(intervalSeconds) || intervalSeconds < 1) {
    console.error(`--scheduler-interval must be a number of seconds, 1 or more (got "${values['scheduler-interval']}").`);
    return 2;
  }
  const postgresUrl = values.postgres ?? env.COMMERCE_SYNC_POSTGRES_URL;
  const schema = values['pg-schema'] ?? env.COMMERCE_SYNC_PG_SCHEMA;
  const store: StoreOptions = postgresUrl
    ? { postgres: { connectionString: postgresUrl, ...(schema ? { schema } : {}) } }
    : { sqlite: values.db ?? env.COMMERCE_SYNC_DB ?? 'commerce-sync.db' };

  let platforms: AccountingConnector[];
  let endpoints: WebhookEndpointInput[] | null;
  try {
    // Both throw on half-set or invalid settings, so a typo stops the start with a clear message.
    platforms = vendorConnectorsFromEnv(env);
    endpoints = webhookEndpointsFromEnv(env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const service = createSyncService({
    ...(endpoints ? { webhooks: { endpoints } } : {}),
    apiKeys,
    store,
    publicUrl,
    dev: values.dev ?? false,
    platforms,
    schedulerIntervalMs: intervalSeconds * 1000,
    workers,
    sandbox: values['no-sandbox']
      ? false
      : {
          databasePath: values['sandbox-db'] ?? 'commerce-sync-sandbox.db',
          redirectUris: values['sandbox-redirect-uri'] ?? (env.COMMERCE_SYNC_SANDBOX_REDIRECT_URIS ?? '').split(',').map((u) => u.trim()).filter(Boolean),
        },
  });
  await service.ready;
  const { serve } = await import('@hono/node-server');
  const names = ['sandbox', ...platforms.map((p) => p.platform.key)].filter((k) => k !== 'sandbox' || !values['no-sandbox']);
  // Said once the socket is bound, so whoever waits for this line can connect right away.
  const server = serve({ fetch: (request) => service.fetch(request), port, hostname: host }, () => {
    console.info(`commerce-sync listening on ${publicUrl} (${postgresUrl ? 'PostgreSQL' : 'SQLite'} store; platforms: ${names.join(', ')})`);
  });
  if (!values['no-scheduler']) service.scheduler.start();
  const stop = () => {
    console.info('Shutting down…');
    server.close();
    void service.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}
