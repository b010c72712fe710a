import type { ErrorEnvelope } from '../contract/errors.js';
import { WebhookDispatchError } from './dispatcher.js';
import type { WebhookDispatcher } from './dispatcher.js';

/** Options of {@link createWebhookDeliveryHandler}. */
export interface WebhookDeliveryHandlerOptions {
  /** Path prefix the handler is mounted at (default `/webhooks`). */
  basePath?: string;
  newCorrelationId?: () => string;
}

const STATUS: Record<WebhookDispatchError['code'], number> = {
  not_found: 404,
  invalid_query: 400,
  invalid_event: 400,
  invalid_endpoint: 500,
  endpoint_missing: 409,
};

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * The Sync Health HTTP surface of the outbox, as a `(Request) => Promise<Response>` handler.
 * Mount it behind the service's own authentication:
 * - `GET {base}/deliveries?companyId=&type=&status=&endpointId=&eventId=&limit=&cursor=` → `WebhookDeliveryPage`
 * - `GET {base}/deliveries/{id}` → `WebhookDelivery`
 * - `POST {base}/deliveries/{id}/redeliver` → 202 `WebhookDelivery` (the delivery that will be sent)
 *
 * Errors use the shared error envelope (`src/contract/errors.ts`).
 *
 * @example
 * const webhookRoutes = createWebhookDeliveryHandler(webhooks, { basePath: '/webhooks' });
 * app.all('/webhooks/*', (c) => webhookRoutes(c.req.raw));
 */
export function createWebhookDeliveryHandler(
  dispatcher: WebhookDispatcher<unknown>,
  options: WebhookDeliveryHandlerOptions = {},
): (request: Request) => Promise<Response> {
  const base = (options.basePath ?? '/webhooks').replace(/\/+$/, '');
  const newCorrelationId = options.newCorrelationId ?? (() => crypto.randomUUID());

  const error = (statusCode: number, code: string, message: string): Response => {
    const body: ErrorEnvelope = {
      statusCode,
      code,
      error: message,
      service: 'webhooks',
      correlationId: newCorrelationId(),
      canBeRetried: statusCode >= 500 ? 'Unknown' : 'No',
    };
    return json(body, statusCode);
  };

  return async (request) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(`${base}/`))
      return error(404, 'not_found', `No route for ${url.pathname}.`);
    const parts = url.pathname
      .slice(base.length + 1)
      .split('/')
      .map(decodeURIComponent);
    try {
      if (parts[0] === 'deliveries' && parts.length === 1) {
        if (request.method !== 'GET')
          return error(405, 'method_not_allowed', 'Use GET to list deliveries.');
        const query = Object.fromEntries(url.searchParams);
        return json(await dispatcher.listDeliveries(query), 200);
      }
      if (parts[0] === 'deliveries' && parts.length === 2 && parts[1]) {
        if (request.method !== 'GET')
          return error(405, 'method_not_allowed', 'Use GET to read a delivery.');
        return json(await dispatcher.getDelivery(parts[1]), 200);
      }
      if (parts[0] === 'deliveries' && parts.length === 3 && parts[1] && parts[2] === 'redeliver') {
        if (request.method !== 'POST')
          return error(405, 'method_not_allowed', 'Use POST to redeliver.');
        return json(await dispatcher.redeliver(parts[1]), 202);
      }
      return error(404, 'not_found', `No route for ${url.pathname}.`);
    } catch (e) {
      if (e instanceof WebhookDispatchError) return error(STATUS[e.code], e.code, e.message);
      console.error('webhooks: request failed', e);
      return error(500, 'internal_error', 'Something went wrong on our side.');
    }
  };
}
