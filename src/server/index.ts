import { randomUUID } from 'node:crypto';
import { createSandboxPlatform, type SandboxPlatform } from '../platforms/sandbox/index.js';
import type { AccountingConnector } from '../platforms/connector.js';
import type { WebhookEndpointInput } from '../contract/webhooks.js';
import { createWebhookDispatcher, type WebhookDispatcher } from '../webhooks/dispatcher.js';
import { createWebhookDeliveryHandler } from '../webhooks/routes.js';
import { createSqlWebhookStore, type WebhookSqlExecutor } from '../webhooks/sql-store.js';
import { NO_EVENTS, webhookEvents, type ServiceEvents } from './events.js';
import { createApp } from './app.js';
import { HostedFlowBrandingSchema, type HostedFlowBranding } from '../contract/hosted-flow.js';
import { widgetMessagesOf } from './ui-text.js';
import { HOSTED_FLOW_BFF_PATH, createHostedFlow, deriveFlowSecret, parseRedirectAllowList, signLink, signRedirect } from './hosted-flow.js';
import { SyncCore, type CommerceSource } from './core.js';
import { createSecretBox, DEV_ENCRYPTION_KEY, parseEncryptionKey } from './crypto.js';
import { RunEngine, type RunHooks } from './runs/engine.js';
import { createPgBossQueue, type PgBossQueueOptions } from './runs/pg-boss-queue.js';
import { createSqlCallBudget } from './budgets/sql-budget.js';
import type { SharedCallBudget } from '../platforms/http/call-budget.js';
import { createInProcessQueue, scheduledRunStillDue, type JobHandler, type RunQueue } from './runs/queue.js';
import { readQueueHealth } from './runs/queue-health.js';
import { failedRetryably } from './runs/status.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { openStore, Store, type StoreOptions } from './store/index.js';

export type { Scheduler } from './scheduler.js';
export type { QueueCounts, RunQueue, ScheduledJob } from './runs/queue.js';
export type { PgBossQueueOptions } from './runs/pg-boss-queue.js';
export { createSqlCallBudget } from './budgets/sql-budget.js';
export { createRedisCallBudget, type RedisCallBudgetOptions } from './budgets/redis-budget.js';
export { SharedCallBudget } from '../platforms/http/call-budget.js';
export type { RunHooks, RunRequest } from './runs/engine.js';
export type { StoreOptions, PostgresOptions } from './store/index.js';
export { Store, openStore, dropPostgresSchema } from './store/index.js';
export { ROUTES, type RouteSpec } from './routes.js';
export { createSecretBox, parseEncryptionKey } from './crypto.js';
export { AUTO_DISABLE_DAYS } from './runs/engine.js';
export { SYNC_FLOW_CODE_TTL_MS } from './core.js';

/** Options of {@link createSyncService}. */
export interface SyncServiceOptions {
  /** API keys partners authenticate with (`Authorization: Basic base64(apiKey)`). At least one. */
  apiKeys: readonly string[];
  /** Storage: an opened {@link Store}, or where to open one. Default: SQLite file `commerce-sync.db`. */
  store?: Store | StoreOptions;
  /**
   * 32-byte key (hex or base64) for AES-256-GCM encryption of tokens at rest. Default: env
   * `COMMERCE_SYNC_ENCRYPTION_KEY`; without either the service refuses to start unless `dev`.
   */
  encryptionKey?: string;
  /** Development/test mode: allows the built-in dev encryption key. */
  dev?: boolean;
  /** Accounting connectors (Xero, QuickBooks, …) besides the sandbox. */
  platforms?: readonly AccountingConnector[];
  /**
   * The shared vendor call budget the connectors were given (`budget` in their options): when
   * nothing is attached to it yet, the service attaches its own database (SQLite or PostgreSQL
   * tables), so every instance on that database shares the vendors' per-tenant and per-app
   * limits and they survive restarts. Attach Redis first (`createRedisCallBudget`) to keep them there.
   */
  callBudget?: SharedCallBudget;
  /**
   * The embedded sandbox ledger (mounted at `/sandbox`). Default on, in memory unless a path is
   * given; `false` disables it. `redirectUris` registers the callback URLs (your BFF's
   * `{publicUrl}/oauth/callback`) its consent page may return to, exact match; none by default.
   */
  sandbox?: false | { databasePath?: string; clientId?: string; clientSecret?: string; redirectUris?: readonly string[]; callTimeoutMs?: number };
  /** Absolute URL this service is reachable at (link URLs, sandbox consent page). Default `http://127.0.0.1:4010`. */
  publicUrl?: string;
  /** Base URL of the partner's page that opens the sync flow; the code is appended as `?code=`. */
  syncFlowUrl?: string;
  /**
   * The hosted Sync Flow at `{publicUrl}/sync-flow` (on by default; `false` leaves the start
   * URL to `syncFlowUrl`). `redirectAllowList`: the partner's pages the flow may return to (the
   * start operation refuses any other `redirectUrl`); default env `COMMERCE_SYNC_REDIRECT_ALLOWLIST`
   * (comma-separated). `frameAncestors`: origins allowed to frame it (none by default).
   * `secret`: signs flow sessions and start URLs; by default derived from the encryption key, so
   * every instance sharing that key (and the store) serves any flow session.
   */
  hostedFlow?: false | {
    redirectAllowList?: readonly string[];
    frameAncestors?: readonly string[];
    secret?: string;
    sessionTtlSeconds?: number;
    pageDir?: string;
    /** The partner's branding on the page; default env `COMMERCE_SYNC_FLOW_BRANDING` (JSON), validated at start-up. */
    branding?: HostedFlowBranding;
  };
  /** The commerce source companies are linked to. Default `{ key: 'commerce', name: 'Partner commerce' }`. */
  commerce?: CommerceSource;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Fault injection / observation of document writes. */
  hooks?: RunHooks;
  /** Identifies this instance in run leases. */
  instanceId?: string;
  /** Scheduler tick interval when started. Default 60 s. */
  schedulerIntervalMs?: number;
  /**
   * The PostgreSQL run queue (pg-boss, in the store's database): expiry and polling. The
   * embedded SQLite store always queues in process and ignores this.
   */
  queue?: PgBossQueueOptions;
  /**
   * Scheduled runs this process works on at once, started with the service. Default 1. On
   * PostgreSQL the workers of every instance share one queue, and 0 makes an instance that
   * only schedules; the embedded queue always has at least one.
   */
  workers?: number;
  /**
   * A scheduled run that failed on a passing platform problem (an outage, a time-out, rate
   * limiting: the catalog's retryable codes) is queued again after `firstDelayMs`, doubling up to
   * `maxDelayMs`, at most `attempts` times; then the next day's run takes the days over.
   * Default 5 attempts, 60 s, 30 min.
   */
  runRetries?: { attempts?: number; firstDelayMs?: number; maxDelayMs?: number };
  /**
   * Partner webhooks: events (`sync.succeeded`, `sync.failed`, `sync.disabled`,
   * `connection.deauthorized`, `connection.deleted`, `configuration.changed`) go through a durable
   * outbox in the service's database and are sent on every scheduler tick. A function is read
   * at every enqueue and send (secret rotation without a restart).
   */
  webhooks?: {
    endpoints: readonly WebhookEndpointInput[] | (() => readonly WebhookEndpointInput[]);
    /** How deliveries reach the endpoints (default: global fetch). */
    fetch?: typeof fetch;
  };
}

/** A running sync service. */
export interface SyncService {
  /** The HTTP API as a fetch handler: mount it in any server, or call it directly in tests. */
  fetch(request: Request): Promise<Response>;
  scheduler: Scheduler;
  /** The run queue (resolves after `ready`): pg-boss on PostgreSQL, in-process on SQLite. */
  queue(): Promise<RunQueue>;
  /** The embedded sandbox, when enabled. */
  sandbox: SandboxPlatform | null;
  /** Resolves once storage is open and migrated. */
  ready: Promise<void>;
  /** The webhook outbox when `webhooks` is configured (resolves after `ready`), else null. */
  webhooks(): Promise<WebhookDispatcher<WebhookSqlExecutor> | null>;
  close(): Promise<void>;
}

/** The hosted page's branding from the options or the environment (JSON); a bad value stops the start with what to fix. */
function parseBranding(value: HostedFlowBranding | string | undefined): HostedFlowBranding | null {
  if (value === undefined || value === '') return null;
  let raw: unknown = value;
  if (typeof value === 'string') {
    try {
      raw = JSON.parse(value);
    } catch {
      throw new Error('COMMERCE_SYNC_FLOW_BRANDING is not JSON; use e.g. {"name":"Acme Pay","logoUrl":"https://acme.example/logo.svg","colors":{"primary":"#0a5c36"}}.');
    }
  }
  const parsed = HostedFlowBrandingSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Hosted flow branding is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'branding'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function resolveKey(options: SyncServiceOptions): string {
  const key = options.encryptionKey ?? process.env.COMMERCE_SYNC_ENCRYPTION_KEY;
  if (key) return key;
  if (options.dev) return DEV_ENCRYPTION_KEY;
  throw new Error(
    'No encryption key: set COMMERCE_SYNC_ENCRYPTION_KEY to 32 random bytes (hex or base64), or pass encryptionKey. ' +
      'Connection tokens are encrypted at rest with it.',
  );
}

/**
 * Creates the sync service: Codat-compatible HTTP API, store, run engine and scheduler, with
 * the sandbox ledger mounted at `/sandbox` by default.
 *
 * @example
 * const service = createSyncService({ apiKeys: ['key'], store: { sqlite: ':memory:' }, dev: true });
 * const res = await service.fetch(new Request('http://127.0.0.1:4010/companies', {
 *   headers: { Authorization: `Basic ${btoa('key')}` },
 * }));
 */
export function createSyncService(options: SyncServiceOptions): SyncService {
  if (!options.apiKeys.length || options.apiKeys.some((k) => k.length < 8)) {
    throw new Error('Configure at least one API key of 8 or more characters (apiKeys).');
  }
  const encryptionKey = resolveKey(options);
  const box = createSecretBox(encryptionKey);
  const now = options.now ?? (() => new Date());
  const publicUrl = (options.publicUrl ?? 'http://127.0.0.1:4010').replace(/\/+$/, '');
  const hosted = options.hostedFlow === false ? null : (options.hostedFlow ?? {});
  // Derived from the key every instance shares, so any instance reads a flow session another started.
  const flowSecret = hosted?.secret ?? deriveFlowSecret(parseEncryptionKey(encryptionKey));
  const branding = hosted ? parseBranding(hosted.branding ?? process.env.COMMERCE_SYNC_FLOW_BRANDING) : null;
  const redirectAllowList = parseRedirectAllowList(
    hosted?.redirectAllowList ?? (process.env.COMMERCE_SYNC_REDIRECT_ALLOWLIST ?? '').split(',').map((u) => u.trim()).filter(Boolean),
  );
  const sandbox = options.sandbox === false
    ? null
    : createSandboxPlatform({
        databasePath: options.sandbox?.databasePath ?? ':memory:',
        publicUrl: `${publicUrl}/sandbox`,
        // The hosted flow's own callback is this service's URL: its consent may return there.
        redirectUris: [...(options.sandbox?.redirectUris ?? []), ...(hosted ? [`${publicUrl}${HOSTED_FLOW_BFF_PATH}/oauth/callback`] : [])],
        now,
        ...(options.sandbox?.clientId ? { clientId: options.sandbox.clientId } : {}),
        ...(options.sandbox?.clientSecret ? { clientSecret: options.sandbox.clientSecret } : {}),
        ...(options.sandbox?.callTimeoutMs ? { callTimeoutMs: options.sandbox.callTimeoutMs } : {}),
      });
  const connectors = new Map<string, AccountingConnector>();
  if (sandbox) connectors.set(sandbox.connector.platform.key, sandbox.connector);
  for (const platform of options.platforms ?? []) connectors.set(platform.platform.key, platform);

  let store: Store | null = options.store instanceof Store ? options.store : null;
  const ownsStore = !(options.store instanceof Store);
  const ready = (async () => {
    if (!store) store = await openStore(options.store && !(options.store instanceof Store) ? options.store : { sqlite: 'commerce-sync.db' });
    else await store.migrate();
  })();

  let app: ReturnType<typeof createApp> | null = null;
  let engine: RunEngine | null = null;
  let dispatcher: WebhookDispatcher<WebhookSqlExecutor> | null = null;
  let queue: RunQueue | null = null;
  const instanceId = options.instanceId ?? randomUUID();
  const init = ready.then(async () => {
    if (!store) throw new Error('Store failed to open');
    const openStore = store;
    if (options.callBudget && !options.callBudget.bound) options.callBudget.use(createSqlCallBudget(store.db));
    let events: ServiceEvents = NO_EVENTS;
    if (options.webhooks) {
      const outbox = createSqlWebhookStore(store.db);
      await outbox.migrate();
      dispatcher = createWebhookDispatcher<WebhookSqlExecutor>({
        store: outbox,
        endpoints: options.webhooks.endpoints,
        now,
        ...(options.webhooks.fetch ? { fetch: options.webhooks.fetch } : {}),
      });
      events = webhookEvents(dispatcher, now);
    }
    engine = new RunEngine({
      store, connectors, box, now, instanceId, events,
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
    });
    const core = new SyncCore({
      store, connectors, box, engine, now, publicUrl, events,
      commerce: options.commerce ?? { key: 'commerce', name: 'Partner commerce' },
      ...(options.syncFlowUrl ? { syncFlowUrl: options.syncFlowUrl } : {}),
      redirectAllowList,
      ...(hosted ? { signRedirect: (code: string, url: string) => signRedirect(flowSecret, code, url), linkSignature: (companyId: string) => signLink(flowSecret, companyId) } : {}),
    });
    const runStore = store;
    const retries = { attempts: 5, firstDelayMs: 60_000, maxDelayMs: 30 * 60_000, ...options.runRetries };
    const handle: JobHandler = async (job) => {
      const run = await engine?.runUnlessBusy(job.companyId, { trigger: 'scheduled', end: job.end }, () => scheduledRunStillDue(runStore, job));
      const attempt = job.retry?.attempt ?? 0;
      if (run && failedRetryably(run) && attempt < retries.attempts) {
        // Tried again as a job after a backoff, never by sleeping in this worker: the worker goes
        // on to the next company at once.
        const delayMs = Math.min(retries.firstDelayMs * 2 ** attempt, retries.maxDelayMs);
        await queue?.enqueue([{ companyId: job.companyId, end: job.end, retry: { attempt: attempt + 1, after: run.id } }], { delayMs });
      }
    };
    queue = store.db.dialect === 'postgres' ? await createPgBossQueue(store.db, handle, options.queue) : createInProcessQueue(handle, { platformsOf: (ids) => runStore.accountingPlatforms(ids) });
    const runQueue = queue;
    await queue.start(options.workers ?? 1);
    const hostedFlow = hosted
      ? createHostedFlow({
          publicUrl,
          apiKey: options.apiKeys[0] as string,
          // In process: the BFF's calls never leave this service.
          service: async (request) => {
            if (!app) throw new Error('Service not ready');
            return app.fetch(request);
          },
          redeem: (code) => core.redeemHostedFlow(code),
          redirectAllowList,
          now,
          secret: flowSecret,
          branding,
          pageSettings: async (uiLocale) => ({
            messages: widgetMessagesOf(await openStore.uiTextOverrides(uiLocale)),
            visibleAccounts: Object.fromEntries(await Promise.all([...connectors.keys()].map(async (key) => [key, await openStore.visibleAccounts(key)] as const))),
          }),
          ...(hosted.sessionTtlSeconds ? { sessionTtlSeconds: hosted.sessionTtlSeconds } : {}),
          ...(hosted.frameAncestors ? { frameAncestors: hosted.frameAncestors } : {}),
          ...(hosted.pageDir ? { pageDir: hosted.pageDir } : {}),
        })
      : null;
    app = createApp({
      core,
      store,
      apiKeys: options.apiKeys,
      ...(sandbox ? { sandbox: (r: Request) => sandbox.handler(r) } : {}),
      ...(dispatcher ? { webhooks: { dispatcher, handler: createWebhookDeliveryHandler(dispatcher, { basePath: '/webhooks' }) } } : {}),
      ...(hostedFlow ? { hostedFlow: (r: Request) => hostedFlow.fetch(r) } : {}),
      queueHealth: () => readQueueHealth(runQueue, runStore, now()),
    });
  });
  // Keep an unhandled rejection from escaping before the first request awaits it.
  init.catch(() => undefined);

  const lazyQueue: Pick<RunQueue, 'enqueue' | 'settled'> = {
    enqueue: async (jobs) => {
      await init;
      if (!queue) throw new Error('Run queue not ready');
      return queue.enqueue(jobs);
    },
    settled: async () => {
      await init;
      await queue?.settled();
    },
  };
  const scheduler = createScheduler({
    get store(): Store {
      if (!store) throw new Error('Store not ready');
      return store;
    },
    queue: lazyQueue,
    now,
    ready: init,
    // Webhooks go out on the scheduler's beat: retries become due over time, not on requests.
    afterTick: async (at) => {
      await dispatcher?.deliverDue(at);
    },
    ...(options.schedulerIntervalMs ? { intervalMs: options.schedulerIntervalMs } : {}),
  });

  return {
    async fetch(request) {
      await init;
      if (!app) throw new Error('Service not ready');
      return app.fetch(request);
    },
    scheduler,
    async queue() {
      await init;
      if (!queue) throw new Error('Run queue not ready');
      return queue;
    },
    sandbox,
    ready: init,
    async webhooks() {
      await init;
      return dispatcher;
    },
    async close() {
      scheduler.stop();
      await init.catch(() => undefined);
      await queue?.stop();
      if (ownsStore && store) await store.close();
      sandbox?.close();
    },
  };
}
