import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { SUPPORT_PATH_PREFIX } from '../../contract/support.js';
import { apiKeyFromHeader } from '../app.js';
import { readJson } from '../body.js';
import { HttpError, errorEnvelope } from '../errors.js';
import { SupportQueries, type SupportDeps } from './queries.js';

// The parent app's env is not known here; routes only use the request.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHono = Hono<any, any, any>;

function jsonBody(c: Context): Promise<unknown> {
  return readJson(c.req.raw);
}

/** The support routes (paths relative to `/support`), as a Hono app. */
export function createSupportRoutes(deps: SupportDeps): Hono {
  const support = new SupportQueries(deps);
  const app = new Hono();
  app.get('/companies', async (c) => c.json(await support.search(c.req.query())));
  app.get('/companies/:companyId', async (c) =>
    c.json(await support.company(c.req.param('companyId'))),
  );
  app.get('/companies/:companyId/syncs', async (c) =>
    c.json(await support.history(c.req.param('companyId'), c.req.query())),
  );
  app.get('/companies/:companyId/syncs/:syncId', async (c) =>
    c.json(await support.sync(c.req.param('companyId'), c.req.param('syncId'))),
  );
  app.post('/companies/:companyId/syncs/:syncId/retry-failed', async (c) =>
    c.json(await support.retryFailed(c.req.param('companyId'), c.req.param('syncId'))),
  );
  app.get('/companies/:companyId/configuration', async (c) =>
    c.json(await support.configuration(c.req.param('companyId'))),
  );
  app.post('/companies/:companyId/reenable', async (c) =>
    c.json(await support.reenable(c.req.param('companyId'), await jsonBody(c))),
  );
  app.get('/companies/:companyId/webhook-deliveries', async (c) =>
    c.json(await support.deliveries(c.req.param('companyId'))),
  );
  app.post('/companies/:companyId/records/:dataType/:recordId/exclude', async (c) =>
    c.json(await support.excludeRecord(c.req.param('companyId'), c.req.param('dataType'), c.req.param('recordId'), await jsonBody(c))),
  );
  app.get('/companies/:companyId/documents/:reference/lines', async (c) =>
    c.json(await support.documentLines(c.req.param('companyId'), c.req.param('reference'))),
  );
  return app;
}

/**
 * Mounts the support routes at `/support` on the sync service's Hono app (after its API-key
 * middleware, so they need the partner API key like every other route; errors use the app's
 * envelope handler).
 *
 * @example
 * // src/server/index.ts, after createApp(...):
 * registerSupportRoutes(app, { store, retry: (companyId, syncId) => core.retry(companyId, syncId) });
 */
export function registerSupportRoutes(app: AnyHono, deps: SupportDeps): void {
  app.route(SUPPORT_PATH_PREFIX, createSupportRoutes(deps));
}

/** Options of {@link createSupportHandler}. */
export interface SupportHandlerOptions extends SupportDeps {
  /** API keys accepted as `Authorization: Basic base64(apiKey)` (the sync service's keys). */
  apiKeys: readonly string[];
}

function keyMatches(candidate: string, keys: readonly string[]): boolean {
  const given = Buffer.from(candidate);
  let ok = false;
  for (const key of keys) {
    const expected = Buffer.from(key);
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/**
 * The support routes as a standalone fetch handler for `/support/*` (API-key auth, error
 * envelope, correlation id), for hosts that route by path instead of mounting on the Hono app.
 *
 * @example
 * const support = createSupportHandler({ apiKeys, store, retry });
 * const handle = (r: Request) => (new URL(r.url).pathname.startsWith('/support/') ? support(r) : service.fetch(r));
 */
export function createSupportHandler(
  options: SupportHandlerOptions,
): (request: Request) => Promise<Response> {
  if (!options.apiKeys.length)
    throw new Error('createSupportHandler needs at least one API key (apiKeys).');
  const app = new Hono<{ Variables: { correlationId: string } }>();
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-correlation-id');
    c.set('correlationId', incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID());
    await next();
    c.header('X-Correlation-Id', c.get('correlationId'));
  });
  app.onError((error, c) => {
    const envelope = errorEnvelope(error, c.get('correlationId') ?? randomUUID());
    if (envelope.statusCode >= 500) console.error(`[${envelope.correlationId}]`, error);
    return c.json(envelope, envelope.statusCode as 400);
  });
  app.notFound((c) =>
    c.json(
      errorEnvelope(
        new HttpError(
          404,
          'not_found',
          `No support endpoint ${c.req.method} ${new URL(c.req.url).pathname}.`,
        ),
        c.get('correlationId') ?? randomUUID(),
      ),
      404,
    ),
  );
  app.use('*', async (c, next) => {
    const key = apiKeyFromHeader(c.req.header('authorization'));
    if (!key || !keyMatches(key, options.apiKeys)) {
      c.header('WWW-Authenticate', 'Basic realm="commerce-sync"');
      throw new HttpError(
        401,
        'unauthorized',
        'Missing or wrong API key. Send the header Authorization: Basic <base64 of your API key>.',
      );
    }
    await next();
  });
  registerSupportRoutes(app, options);
  return async (request) => app.fetch(request);
}
