import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { WebhookEndpointSchema, type WebhookEndpointInput } from '../contract/webhooks.js';
import type { AccountingConnector } from '../platforms/connector.js';
import { vendorConnectorsFromEnv } from '../platforms/http/vendor-connectors.js';
import { createRedisCallBudget, createSyncService, SharedCallBudget, type StoreOptions } from './index.js';

const USAGE = `Usage: commerce-sync serve [options]      The sync service: HTTP API, scheduler and workers
       commerce-sync worker [options]     Only workers: runs scheduled syncs from the PostgreSQL queue
       commerce-sync scheduler [options]  Only the scheduler: queues due syncs on PostgreSQL
       commerce-sync docs                 Print the API reference (Markdown) generated from the contract

\`serve\` starts the sync service (Codat-compatible Sync for Commerce API) with the sandbox ledger
mounted at /sandbox. \`worker\` and \`scheduler\` need --postgres and serve no HTTP unless --port
is given; a fleet is a few schedulers and any number of workers on one database.

Options:
  --port <n>            Port to listen on (env PORT, default 4010; worker/scheduler: none)
  --host <addr>         Address to bind (env HOST, default 127.0.0.1)
  --public-url <url>    URL clients reach the service at (env COMMERCE_SYNC_PUBLIC_URL,
                        default http://<host>:<port>)
  --db <path>           SQLite file (env COMMERCE_SYNC_DB, default ./commerce-sync.db)
  --postgres <url>      Use PostgreSQL instead, e.g. postgres://postgres@127.0.0.1:5432/test
                        (env COMMERCE_SYNC_POSTGRES_URL). ?application_name=<name> names this
                        instance's connections in pg_stat_activity
  --pg-schema <name>    PostgreSQL schema (env COMMERCE_SYNC_PG_SCHEMA, default public)
  --sandbox-db <path>   SQLite file of the sandbox ledgers (default ./commerce-sync-sandbox.db)
  --sandbox-redirect-uri <url>  Register a callback URL for the sandbox's consent page (exact
                        match; repeatable; env COMMERCE_SYNC_SANDBOX_REDIRECT_URIS, comma-separated).
                        Your BFF's is {its publicUrl}/oauth/callback.
  --no-sandbox          Do not mount the sandbox ledger
  --no-scheduler        serve: do not run the daily scheduler in this instance
  --workers <n>         Scheduled runs this instance works on at once (serve and worker: default 1;
                        scheduler: 0). On PostgreSQL the workers of every instance share one queue
                        (pg-boss, schema <pg-schema>_jobs); serve --workers 0 makes an instance that
                        only schedules and serves HTTP
  --scheduler-interval <seconds>  Seconds between scheduler ticks (default 60). A run whose worker
                        died is queued again by the next tick, so this bounds how soon it resumes
  --redis-budgets <url> Keep the vendors' shared call budgets in Redis, e.g. redis://127.0.0.1:6379
                        (env COMMERCE_SYNC_REDIS_BUDGETS_URL; default: in the store's database)
  --dev                 Allow the built-in development encryption key
  -h, --help            Show this help

Environment:
  COMMERCE_SYNC_API_KEYS         Comma-separated API keys (required by serve, and with --port)
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
      'redis-budgets': { type: 'string' },
      dev: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (positionals[0] === 'docs') {
    const { renderApiReference } = await import('./api-docs.js');
    process.stdout.write(renderApiReference());
    return 0;
  }
  const command = positionals[0];
  if (values.help || (command !== 'serve' && command !== 'worker' && command !== 'scheduler')) {
    console.info(USAGE);
    return values.help ? 0 : 2;
  }
  // A worker or scheduler serves HTTP only when asked (a port), so a fleet's workers need no ports.
  const http = command === 'serve' || values.port !== undefined;
  const apiKeys = (env.COMMERCE_SYNC_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (!apiKeys.length && http) {
    console.error('Set COMMERCE_SYNC_API_KEYS to one or more comma-separated API keys (8+ characters each).');
    return 2;
  }
  const port = Number(values.port ?? env.PORT ?? 4010);
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const publicUrl = values['public-url'] ?? env.COMMERCE_SYNC_PUBLIC_URL ?? `http://${host}:${port}`;
  const workers = Number(values.workers ?? (command === 'scheduler' ? 0 : 1));
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
    console.error(`--workers must be a whole number from 0 to 64 (got "${values.workers}").`);
    return 2;
  }
  if (command === 'worker' && workers < 1) {
    console.error('commerce-sync worker needs --workers 1 or more (a scheduling-only instance is commerce-sync scheduler).');
    return 2;
  }
  const intervalSeconds = Number(values['scheduler-interval'] ?? 60);
  if (!Number.isFinite(intervalSeconds) || intervalSeconds < 1) {
    console.error(`--scheduler-interval must be a number of seconds, 1 or more (got "${values['scheduler-interval']}").`);
    return 2;
  }
  const postgresUrl = values.postgres ?? env.COMMERCE_SYNC_POSTGRES_URL;
  if (!postgresUrl && command !== 'serve') {
    // The embedded queue lives inside one process: a worker apart from its scheduler would never get a job.
    console.error(`commerce-sync ${command} needs PostgreSQL (--postgres <url> or COMMERCE_SYNC_POSTGRES_URL): on the embedded SQLite store, serve runs the scheduler and its workers in one process.`);
    return 2;
  }
  const schema = values['pg-schema'] ?? env.COMMERCE_SYNC_PG_SCHEMA;
  const store: StoreOptions = postgresUrl
    ? { postgres: { connectionString: postgresUrl, ...(schema ? { schema } : {}) } }
    : { sqlite: values.db ?? env.COMMERCE_SYNC_DB ?? 'commerce-sync.db' };

  // Every instance counts vendor calls in one shared budget: the store's database unless Redis is named.
  const callBudget = new SharedCallBudget();
  const redisBudgets = values['redis-budgets'] ?? env.COMMERCE_SYNC_REDIS_BUDGETS_URL;
  let redis: { quit(): Promise<unknown> } | null = null;
  if (redisBudgets) {
    const { Redis } = await import('ioredis');
    const client = new Redis(redisBudgets, { maxRetriesPerRequest: 3 });
    redis = client;
    callBudget.use(createRedisCallBudget({ client }));
  }
  let platforms: AccountingConnector[];
  let endpoints: WebhookEndpointInput[] | null;
  try {
    // Both throw on half-set or invalid settings, so a typo stops the start with a clear message.
    platforms = vendorConnectorsFromEnv(env, { budget: callBudget });
    endpoints = webhookEndpointsFromEnv(env);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const service = createSyncService({
    ...(endpoints ? { webhooks: { endpoints } } : {}),
    // No HTTP, no callers: the service still wants a key, and none can use it.
    apiKeys: apiKeys.length ? apiKeys : [randomBytes(24).toString('base64url')],
    store,
    publicUrl,
    dev: values.dev ?? false,
    platforms,
    callBudget,
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
  const scheduling = command === 'scheduler' || (command === 'serve' && !values['no-scheduler']);
  const names = ['sandbox', ...platforms.map((p) => p.platform.key)].filter((k) => k !== 'sandbox' || !values['no-sandbox']);
  let server: { close(): unknown } | null = null;
  if (http) {
    const { serve } = await import('@hono/node-server');
    // Said once the socket is bound, so whoever waits for this line can connect right away.
    server = serve({ fetch: (request) => service.fetch(request), port, hostname: host }, () => {
      console.info(`commerce-sync listening on ${publicUrl} (${postgresUrl ? 'PostgreSQL' : 'SQLite'} store; platforms: ${names.join(', ')})`);
    });
  }
  if (command !== 'serve') {
    await service.queue();
    console.info(`commerce-sync ${command} ready (${workers} worker${workers === 1 ? '' : 's'}${scheduling ? `, scheduler every ${intervalSeconds} s` : ', no scheduler'}; platforms: ${names.join(', ')})`);
  }
  if (scheduling) service.scheduler.start();
  const stop = () => {
    console.info('Shutting down…');
    server?.close();
    void service.close().then(async () => {
      await redis?.quit().catch(() => undefined);
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}
