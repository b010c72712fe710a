import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { MALFORMED_PATH_MESSAGE, isDecodablePath } from '../contract/url-path.js';
import type { z } from 'zod';
import { ConfigurationSchema } from '../contract/configuration.js';
import { SyncPreviewSchema } from '../contract/preview.js';
import { QueueHealthSchema, type QueueHealth } from '../contract/queue-health.js';
import {
  CompaniesSchema,
  CompanySchema,
  ConnectionSchema,
  ConnectionsSchema,
  ListQuerySchema,
  PushDataTypeSchema,
  SyncFlowRedeemSchema,
  SyncStatusSchema,
  SyncSummarySchema,
  type Company,
  type PushDataType,
} from '../contract/sync-api.js';
import { absentNotNull } from '../contract/wire.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';
import type { WebhookSqlExecutor } from '../webhooks/sql-store.js';
import type { SyncCore } from './core.js';
import type { AcceptedRecords } from './push.js';
import { parseJson, readBody, readJson } from './body.js';
import { HttpError, errorEnvelope, parseOrThrow } from './errors.js';
import { companyInfo, getRecord, listRecords } from './read-back.js';
import { recordTexts, type RecordTexts } from './record-texts.js';
import type { Store } from './store/index.js';
import { registerSupportRoutes } from './support/index.js';
import { linkErrorPage } from './hosted-flow.js';

/** What the HTTP app needs. */
export interface AppOptions {
  core: SyncCore;
  /** API keys accepted as `Authorization: Basic base64(apiKey)`. */
  apiKeys: readonly string[];
  /** Handler for everything under `/sandbox/*`, when the sandbox is mounted. */
  sandbox?: (request: Request) => Promise<Response>;
  /** The store, for the Sync Health support routes (`/support/*`). */
  store?: Store;
  /** The webhook outbox and its delivery routes (mounted at `/webhooks/*`), when webhooks are configured. */
  webhooks?: { dispatcher: WebhookDispatcher<WebhookSqlExecutor>; handler: (request: Request) => Promise<Response> };
  /** The hosted Sync Flow (page, its BFF), mounted at `/sync-flow`; no API key, it has its own session. */
  hostedFlow?: (request: Request) => Promise<Response>;
  /** The run queue's figures for `GET /health/queue` (behind the API key). */
  queueHealth?: () => Promise<QueueHealth>;
}

type Env = { Variables: { correlationId: string } };

function keyMatches(candidate: string, keys: readonly string[]): boolean {
  const given = Buffer.from(candidate);
  let ok = false;
  for (const key of keys) {
    const expected = Buffer.from(key);
    // Compare every key in constant time per key, without short-circuiting on the first match.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/** Reads `Authorization: Basic base64(apiKey)` (Codat's scheme); also accepts `base64(apiKey:)`. */
export function apiKeyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  return decoded.endsWith(':') ? decoded.slice(0, -1) : decoded;
}

async function jsonBody(c: Context<Env>, optional = false): Promise<unknown> {
  return readJson(c.req.raw, optional);
}

interface PushBody {
  bytes: Buffer;
  text: string;
  items: unknown;
  sources: RecordTexts | null;
  /** The records' own texts, for the push's fast path. */
  texts: string[] | undefined;
}

/** A push body: its bytes, the records (`[...]` or `{ <dataType>: [...] }`) and, where found, each one's own text. */
async function pushBody(c: Context<Env>, dataType: PushDataType): Promise<PushBody> {
  const { bytes, text } = await readBody(c.req.raw);
  const items = recordsOf(parseJson(text, false), dataType);
  const sources = Array.isArray(items) ? recordTexts(text, dataType) : null;
  return { bytes, text, items, sources, texts: sources?.texts };
}

/**
 * The accepted records as a JSON array. When every record was stored exactly as sent, that
 * is the request's own array, so its bytes are echoed instead of joining the texts again.
 */
function acceptedArray(push: PushBody, accepted: AcceptedRecords): Buffer {
  if (accepted.asSent && push.sources) {
    const { start, end } = push.sources;
    // Offsets are in characters; in pure ASCII (the usual case) they are the byte offsets too.
    if (push.bytes.length === push.text.length) return push.bytes.subarray(start, end);
    return Buffer.from(push.text.slice(start, end), 'utf8');
  }
  return Buffer.from(`[${accepted.texts.join(',')}]`, 'utf8');
}

/** A 200 response whose body is JSON already encoded as UTF-8. */
function jsonBytes(c: Context<Env>, bytes: Buffer): Response {
  return c.body(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength), 200, { 'Content-Type': 'application/json' });
}

/**
 * A JSON response in its contract's shape: a field the schema types without `null` is left
 * out rather than sent as `null` (see {@link absentNotNull}), as strict Codat clients expect.
 */
function send<S extends z.ZodType>(c: Context<Env>, schema: S, value: z.infer<S>): Response {
  return c.json(absentNotNull(schema, value) as object);
}

function dataTypeOf(segment: string): PushDataType {
  const name = segment.replace(/^commerce-/, '');
  const parsed = PushDataTypeSchema.safeParse(name);
  if (!parsed.success) {
    throw new HttpError(404, 'not_found', `Unknown data type "${segment}". Use one of: ${PushDataTypeSchema.options.map((o) => `commerce-${o}`).join(', ')}.`);
  }
  return parsed.data;
}

/** Accepts `[...]` or `{ <dataType>: [...] }` (the 2023 body). */
function recordsOf(body: unknown, dataType: PushDataType): unknown {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object' && dataType in body) return (body as Record<string, unknown>)[dataType];
  return body;
}

/**
 * Builds the Hono app: thin routes that validate, call {@link SyncCore} and serialise. Errors
 * become the contract's error envelope with a correlation id (also in `X-Correlation-Id`).
 */
export function createApp(options: AppOptions): Hono<Env> {
  const { core } = options;
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-correlation-id');
    const id = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('correlationId', id);
    // Before any route (the sandbox's and the webhook routes' included) decodes a path segment.
    if (!isDecodablePath(new URL(c.req.url).pathname)) throw new HttpError(400, 'invalid_path', MALFORMED_PATH_MESSAGE);
    await next();
    c.header('X-Correlation-Id', id);
  });

  app.onError((error, c) => {
    const envelope = errorEnvelope(error, c.get('correlationId') ?? randomUUID());
    if (envelope.statusCode >= 500) console.error(`[${envelope.correlationId}]`, error);
    return c.json(envelope, envelope.statusCode as 400);
  });

  app.notFound((c) => {
    const envelope = errorEnvelope(new HttpError(404, 'not_found', `No endpoint ${c.req.method} ${new URL(c.req.url).pathname}. See docs/api.md for the routes.`), c.get('correlationId') ?? randomUUID());
    return c.json(envelope, 404);
  });

  if (options.sandbox) {
    const sandbox = options.sandbox;
    app.all('/sandbox', (c) => sandbox(c.req.raw));
    app.all('/sandbox/*', (c) => sandbox(c.req.raw));
  }

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.post('/sync-flow/redeem', async (c) => {
    const { code } = parseOrThrow(SyncFlowRedeemSchema, await jsonBody(c), 'sync-flow code');
    return c.json(await core.redeemSyncFlow(code));
  });
  if (options.hostedFlow) {
    const hosted = options.hostedFlow;
    app.all('/sync-flow', (c) => hosted(c.req.raw));
    app.all('/sync-flow/*', (c) => hosted(c.req.raw));
    // A company's `redirect` and a connection's `linkUrl` opened in a browser (no API key, the
    // signed `link` query): the hosted flow for that company. With the key, the API answers.
    const browserLink = (connectionOf: (c: Context<Env>) => string | null) => async (c: Context<Env>, next: () => Promise<void>) => {
      const link = c.req.query('link');
      if (c.req.header('authorization') || !link) return next();
      try {
        const url = await core.browserLinkUrl(c.req.param('companyId') ?? '', connectionOf(c), link);
        return new Response(null, { status: 303, headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
      } catch (error) {
        if (error instanceof HttpError && error.status < 500) return linkErrorPage(error.status, c.req.header('accept-language') ?? null);
        throw error;
      }
    };
    app.get('/companies/:companyId/connections', browserLink(() => null));
    app.get('/companies/:companyId/connections/:connectionId/authorization/start', browserLink((c) => c.req.param('connectionId') ?? null));
  }

  app.use('*', async (c, next) => {
    const key = apiKeyFromHeader(c.req.header('authorization'));
    if (!key || !keyMatches(key, options.apiKeys)) {
      c.header('WWW-Authenticate', 'Basic realm="commerce-sync"');
      throw new HttpError(401, 'unauthorized', 'Missing or wrong API key. Send the header Authorization: Basic <base64 of your API key>.');
    }
    await next();
  });

  const list = (c: Context<Env>) => parseOrThrow(ListQuerySchema, c.req.query(), 'query', '');

  // Operations: how far the run queue is behind (it names companies' platforms, so it needs the key).
  const queueHealth = options.queueHealth;
  if (queueHealth) app.get('/health/queue', async (c) => c.json(QueueHealthSchema.parse(await queueHealth())));

  // Webhook deliveries (Sync Health) and support queries, behind the API key like everything below.
  const webhookRoutes = options.webhooks?.handler;
  app.all('/webhooks/*', (c) => {
    if (webhookRoutes) return webhookRoutes(c.req.raw);
    throw new HttpError(404, 'webhooks_disabled', 'Webhooks are not configured on this service: start it with webhook endpoints (COMMERCE_SYNC_WEBHOOK_URL and COMMERCE_SYNC_WEBHOOK_SECRET, or the webhooks option).');
  });
  if (options.store) {
    registerSupportRoutes(app, {
      store: options.store,
      retry: (companyId, syncId) => core.retry(companyId, syncId),
      platformName: (key) => core.platformName(key),
      configuration: (companyId) => core.filledConfiguration(companyId),
      ...(options.webhooks ? { webhooks: options.webhooks.dispatcher } : {}),
      ...(options.queueHealth ? { queueHealth: options.queueHealth } : {}),
    });
  }

  // Companies and connections
  app.get('/companies', async (c) => send(c, CompaniesSchema, await core.listCompanies(list(c))));
  app.post('/companies', async (c) => send(c, CompanySchema, await core.createCompany(await jsonBody(c))));
  app.get('/companies/:companyId', async (c) => send(c, CompanySchema, await core.getCompany(c.req.param('companyId'))));
  app.delete('/companies/:companyId', async (c) => {
    await core.deleteCompany(c.req.param('companyId'));
    return c.body(null, 204);
  });
  app.get('/companies/:companyId/connections', async (c) => send(c, ConnectionsSchema, await core.listConnections(c.req.param('companyId'), list(c))));
  app.post('/companies/:companyId/connections', async (c) => send(c, ConnectionSchema, await core.createConnection(c.req.param('companyId'), await jsonBody(c))));
  app.get('/companies/:companyId/connections/:connectionId', async (c) => send(c, ConnectionSchema, await core.getConnection(c.req.param('companyId'), c.req.param('connectionId'))));
  app.patch('/companies/:companyId/connections/:connectionId', async (c) =>
    send(c, ConnectionSchema, await core.updateConnection(c.req.param('companyId'), c.req.param('connectionId'), await jsonBody(c))));
  app.delete('/companies/:companyId/connections/:connectionId', async (c) => {
    await core.deleteConnection(c.req.param('companyId'), c.req.param('connectionId'));
    return c.body(null, 204);
  });
  // The 2023 contract's /meta companies and connections: the same operations, and each company
  // carries `platform` (the accounting platform's name, empty before one is connected).
  const with2023Platform = (company: Company) => ({
    ...company,
    platform: company.dataConnections.find((d) => d.sourceType === 'Accounting')?.platformName ?? '',
  });
  app.get('/meta/companies', async (c) => {
    const page = absentNotNull(CompaniesSchema, await core.listCompanies(list(c)));
    return c.json({ ...page, results: page.results.map(with2023Platform) });
  });
  app.post('/meta/companies/sync', async (c) => c.json(with2023Platform(absentNotNull(CompanySchema, await core.createCompany(await jsonBody(c))))));
  app.get('/meta/companies/:companyId/connections', async (c) => send(c, ConnectionsSchema, await core.listConnections(c.req.param('companyId'), list(c))));
  app.post('/meta/companies/:companyId/connections', async (c) => {
    // The 2023 body is the platform key as a JSON string ("gbol"); {platformKey} works too.
    const body = await jsonBody(c);
    return send(c, ConnectionSchema, await core.createConnection(c.req.param('companyId'), typeof body === 'string' ? { platformKey: body } : body));
  });
  app.patch('/meta/companies/:companyId/connections/:connectionId', async (c) =>
    send(c, ConnectionSchema, await core.updateConnection(c.req.param('companyId'), c.req.param('connectionId'), await jsonBody(c))));
  app.post('/companies/:companyId/connections/:connectionId/authorization/start', async (c) =>
    c.json(await core.startAuthorization(c.req.param('companyId'), c.req.param('connectionId'), await jsonBody(c))));
  app.put('/companies/:companyId/connections/:connectionId/authorization', async (c) =>
    send(c, ConnectionSchema, await core.completeAuthorization(c.req.param('companyId'), c.req.param('connectionId'), await jsonBody(c))));

  // Configuration
  app.get('/config/companies/:companyId/sync/commerce', async (c) => send(c, ConfigurationSchema, await core.getConfiguration(c.req.param('companyId'))));
  app.post('/config/companies/:companyId/sync/commerce', async (c) => send(c, ConfigurationSchema, await core.setConfiguration(c.req.param('companyId'), await jsonBody(c, true))));
  app.get('/config/integrations', (c) => c.json(core.listIntegrations(list(c))));
  app.get('/config/integrations/:platformKey/branding', (c) => c.json(core.branding(c.req.param('platformKey'))));
  app.get('/config/sync/commerce/:commerceKey/:accountingKey/start', async (c) =>
    c.json(await core.syncFlowUrl(c.req.param('commerceKey'), c.req.param('accountingKey'), c.req.query('merchantIdentifier') ?? null, c.req.query('redirectUrl') ?? null)));
  app.get('/sync/commerce/config/ui/text', async (c) => c.json(await core.uiText(c.req.query('locale'))));
  app.patch('/sync/commerce/config/ui/text', async (c) => c.json(await core.setUiText(c.req.query('locale'), await jsonBody(c))));
  app.get('/clients/:clientId/config/ui/accounts/platform/:platformKey', async (c) => c.json(await core.visibleAccounts(c.req.param('platformKey'))));
  app.post('/sync/commerce/config/ui/accounts/platform/:platformKey', async (c) =>
    c.json(await core.setVisibleAccounts(c.req.param('platformKey'), await jsonBody(c))));

  // Push (2023 and partner contracts). The body is read once the push lock is held.
  const push = async (c: Context<Env>, companyId: string, dataType: PushDataType) => {
    const { input, dataset, accepted } = await core.push(companyId, dataType, () => pushBody(c, dataType));
    return { body: input, dataset, accepted };
  };
  app.post('/data/companies/:companyId/sync/:dataset', async (c) => {
    const dataType = dataTypeOf(c.req.param('dataset'));
    const { body, dataset, accepted } = await push(c, c.req.param('companyId'), dataType);
    c.header('X-Dataset-Id', dataset.id);
    // The records were serialised once for storage (or not at all); the echo reuses them.
    return jsonBytes(c, Buffer.concat([
      Buffer.from(`{"data":{${JSON.stringify(dataType)}:`),
      acceptedArray(body, accepted),
      Buffer.from(`},"datasetId":${JSON.stringify(dataset.id)}}`),
    ]));
  });
  const partnerPush = async (c: Context<Env>) => {
    const dataType = dataTypeOf(c.req.param('dataset') ?? '');
    const { body, dataset, accepted } = await push(c, c.req.param('companyId') ?? '', dataType);
    c.header('X-Dataset-Id', dataset.id);
    return jsonBytes(c, acceptedArray(body, accepted));
  };
  app.post('/companies/:companyId/data/:dataset', partnerPush);
  app.put('/companies/:companyId/data/:dataset', partnerPush);
  // Read-back of pushed data (the commerce data model's operations).
  const store = options.store;
  if (store) {
    app.get('/companies/:companyId/connections/:connectionId/data/commerce-info', async (c) =>
      c.json(await companyInfo(store, c.req.param('companyId'), c.req.param('connectionId'))));
    app.get('/companies/:companyId/connections/:connectionId/data/:dataset', async (c) =>
      c.json(await listRecords(store, c.req.param('companyId'), c.req.param('connectionId'), c.req.param('dataset'), c.req.query(), new URL(c.req.url).pathname)));
    app.get('/companies/:companyId/connections/:connectionId/data/:dataset/:recordId', async (c) =>
      c.json(await getRecord(store, c.req.param('companyId'), c.req.param('connectionId'), c.req.param('dataset'), c.req.param('recordId'))));
  }
  app.get('/meta/companies/:companyId/pull/history/:datasetId', async (c) => c.json(await core.dataset(c.req.param('companyId'), c.req.param('datasetId'))));

  // Syncs
  app.post('/companies/:companyId/sync/commerce/latest', async (c) => send(c, SyncSummarySchema, await core.requestLatest(c.req.param('companyId'), await jsonBody(c, true))));
  app.post('/meta/companies/:companyId/sync/commerce/historic', async (c) => send(c, SyncSummarySchema, await core.requestHistoric(c.req.param('companyId'), await jsonBody(c))));
  app.get('/meta/companies/:companyId/sync/commerce/status', async (c) => send(c, SyncStatusSchema, await core.companyStatus(c.req.param('companyId'))));
  app.get('/companies/:companyId/sync/commerce/syncs/lastSuccessful/status', async (c) => c.json(await core.lastSuccessfulStatus(c.req.param('companyId'))));
  app.get('/companies/:companyId/sync/commerce/syncs/latest/status', async (c) => c.json(await core.latestStatus(c.req.param('companyId'))));
  app.get('/companies/:companyId/sync/commerce/syncs/list/status', async (c) => c.json(await core.listStatuses(c.req.param('companyId'))));
  app.get('/companies/:companyId/sync/commerce/syncs/:syncId/status', async (c) => c.json(await core.statusById(c.req.param('companyId'), c.req.param('syncId'))));
  app.get('/companies/:companyId/sync/commerce/syncs/:syncId/items', async (c) => c.json(await core.pushItems(c.req.param('companyId'), c.req.param('syncId'))));
  app.post('/companies/:companyId/sync/commerce/preview', async (c) => send(c, SyncPreviewSchema, await core.preview(c.req.param('companyId'), await jsonBody(c, true))));
  app.post('/companies/:companyId/sync/commerce/syncs/:syncId/retry', async (c) => c.json(await core.retry(c.req.param('companyId'), c.req.param('syncId'))));

  return app;
}
