import { jsonResponse } from './html.js';
import { prepareDocument } from './ledger.js';
import { verifyAccessToken } from './oauth.js';
import type { OAuthContext } from './oauth.js';
import { SandboxWriteRequestSchema } from './schemas.js';
import type { SandboxApiError } from './schemas.js';
import { isCalendarDate, LedgerRejection, SANDBOX_PLATFORM_NAME } from './store.js';
import { taxReport } from './tax-report.js';

/**
 * The Bearer-token ledger API the connector calls (`/api/...`). Failures carry a catalog code
 * so any client, in-process or remote, can tell the merchant what to do.
 */

function apiError(
  status: number,
  body: SandboxApiError,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(body, status, headers);
}

/** Handles one `/api/...` request; `path` is relative to the mount. */
export async function handleApi(
  ctx: OAuthContext,
  request: Request,
  path: string,
): Promise<Response> {
  const auth = verifyAccessToken(ctx, request.headers.get('authorization'));
  if (!('ledgerId' in auth)) {
    return apiError(
      401,
      {
        error: 'invalid_token',
        error_description:
          auth.reason === 'expired'
            ? 'The access token has expired; refresh it.'
            : 'The access token is not valid.',
        code: auth.reason === 'expired' ? 'authorization_expired' : 'authorization_revoked',
        reason: auth.reason,
        params: { platform: SANDBOX_PLATFORM_NAME },
      },
      { 'WWW-Authenticate': `Bearer error="invalid_token"` },
    );
  }
  const { ledgerId } = auth;
  const store = ctx.store;
  const simulated = store.takeSimulatedFailure(ledgerId);
  if (simulated === 0) {
    // A hung ledger: no answer, ever; only the caller giving up (its request's signal) ends the wait.
    // (What it then answers reaches nobody: the caller stopped listening.)
    return new Promise<Response>((resolve) => {
      const give = () => resolve(new Response(null, { status: 504 }));
      if (request.signal.aborted) give();
      else request.signal.addEventListener('abort', give, { once: true });
    });
  }
  if (simulated === 429) {
    return apiError(
      429,
      {
        error: 'rate_limited',
        error_description: 'Too many requests.',
        code: 'rate_limited',
        params: { platform: SANDBOX_PLATFORM_NAME },
      },
      { 'Retry-After': '1' },
    );
  }
  if (simulated !== null) {
    return apiError(simulated, {
      error: 'unavailable',
      error_description: 'The sandbox ledger is temporarily unavailable.',
      code: 'platform_outage',
      params: { platform: SANDBOX_PLATFORM_NAME },
    });
  }

  const method = request.method;
  if (method === 'GET' && path === '/api/company') {
    const { locale: _locale, ...company } = store.company(ledgerId);
    return jsonResponse(company);
  }
  if (method === 'GET' && path === '/api/accounts')
    return jsonResponse({ items: store.accounts(ledgerId) });
  if (method === 'GET' && path === '/api/tax-rates')
    return jsonResponse({ items: store.taxRates(ledgerId) });
  if (method === 'GET' && path === '/api/contacts') {
    const role = new URL(request.url).searchParams.get('role');
    const all = store.contacts(ledgerId);
    const items =
      role === 'customer'
        ? all.filter((c) => c.isCustomer)
        : role === 'supplier'
          ? all.filter((c) => c.isSupplier)
          : all;
    return jsonResponse({ items });
  }
  if (method === 'GET' && path === '/api/tax-report') {
    const query = new URL(request.url).searchParams;
    const from = query.get('from') ?? '';
    const to = query.get('to') ?? '';
    if (!isCalendarDate(from) || !isCalendarDate(to) || from > to) {
      return apiError(400, {
        error: 'invalid_request',
        error_description:
          'Give the period as from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive dates, from on or before to).',
      });
    }
    return jsonResponse(taxReport(store, ledgerId, from, to));
  }
  const one = /^\/api\/documents\/([^/]+)$/.exec(path);
  if (method === 'GET' && one) {
    const doc = store.documents(ledgerId).find((d) => d.platformId === decodeURIComponent(one[1]!));
    return doc
      ? jsonResponse(doc)
      : apiError(404, { error: 'not_found', error_description: 'No such document.' });
  }
  if (method === 'POST' && path === '/api/documents') return writeDocument(ctx, request, ledgerId);
  if (
    [
      '/api/company',
      '/api/accounts',
      '/api/tax-rates',
      '/api/tax-report',
      '/api/contacts',
      '/api/documents',
    ].includes(path) ||
    one
  ) {
    return apiError(405, {
      error: 'method_not_allowed',
      error_description: `${method} is not allowed on ${path}.`,
    });
  }
  return apiError(404, { error: 'not_found', error_description: `No API route ${path}.` });
}

async function writeDocument(
  ctx: OAuthContext,
  request: Request,
  ledgerId: string,
): Promise<Response> {
  const store = ctx.store;
  const platform = SANDBOX_PLATFORM_NAME;
  if (store.company(ledgerId).subscriptionExpired) {
    return apiError(403, {
      error: 'subscription_expired',
      error_description: 'The ledger subscription has expired; it is read-only.',
      code: 'subscription_expired',
      params: { platform },
    });
  }
  const key = request.headers.get('idempotency-key')?.trim() ?? '';
  if (key.length === 0 || key.length > 500) {
    return apiError(400, {
      error: 'invalid_request',
      error_description: 'Send an Idempotency-Key header of 1 to 500 characters.',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(await request.text());
  } catch {
    return apiError(400, {
      error: 'invalid_request',
      error_description: 'The body is not valid JSON.',
    });
  }
  const parsed = SandboxWriteRequestSchema.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
      .join('; ');
    return apiError(400, {
      error: 'invalid_request',
      error_description: detail,
      code: 'document_rejected',
      params: { platform, detail, document: 'document', date: '' },
    });
  }
  const { document, related } = parsed.data;
  try {
    const result = store.writeDocument(ledgerId, key, () =>
      prepareDocument(store, ledgerId, document, key, related),
    );
    return jsonResponse(result, result.replayed ? 200 : 201);
  } catch (error) {
    if (error instanceof LedgerRejection) {
      return apiError(error.httpStatus, {
        error: 'rejected',
        error_description: error.detail,
        code: error.code,
        params: error.params,
      });
    }
    throw error;
  }
}
