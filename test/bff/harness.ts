import { expect } from 'vitest';
import { createBff } from '../../src/bff/index.js';
import type { Bff, BffMerchant, BffOptions, NonceStore } from '../../src/bff/index.js';
import { DEFAULT_BFF_BASE_PATH, SessionTokenSchema, StartAuthorizationResponseSchema, configurationSelections } from '../../src/contract/bff.js';
import type { StartAuthorizationResponse } from '../../src/contract/bff.js';
import type { Configuration } from '../../src/contract/configuration.js';
import { createSyncService } from '../../src/server/index.js';
import type { SyncService } from '../../src/server/index.js';

/**
 * A real sync service (SQLite in memory, sandbox ledger mounted) reached by the BFF through an
 * injected fetch that calls its handler, plus a "browser" that talks to the BFF the way the
 * widget and the partner page do. Nothing of our own system is mocked.
 */

export const API_KEY = 'bff-test-api-key-7f3a9c';
export const SECRET = 'bff-test-secret-0123456789abcdef-0123456789abcdef';
export const SYNC_URL = 'http://sync.test';
export const PARTNER = 'https://partner.test';
export const PUBLIC_URL = `${PARTNER}${DEFAULT_BFF_BASE_PATH}`;
export const RETURN_URL = `${PARTNER}/settings/accounting`;
export const OTHER_ALLOWED_ORIGIN = 'https://admin.partner.test';

/** Merchants the partner's sign-in knows, by session cookie value. */
export const MERCHANTS: Record<string, BffMerchant> = {
  alice: { merchantId: 'm-alice', companyName: 'Alice Bakery' },
  bob: { merchantId: 'm-bob', companyName: 'Bob Bikes' },
};

export interface LogEntry {
  level: 'error' | 'warn';
  message: string;
  details: Record<string, unknown>;
}

export interface Harness {
  bff: Bff;
  service: SyncService;
  clock: { now: Date };
  logs: LogEntry[];
  /** Every response the BFF gave, for leak checks. */
  responses: { status: number; headers: [string, string][]; body: string }[];
  /** Calls the BFF and records the response. */
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

/** The partner's `authenticate`: a session cookie naming a known merchant. */
export function cookieAuthenticate(request: Request): BffMerchant | null {
  const cookie = request.headers.get('cookie') ?? '';
  const name = /(?:^|;\s*)partner_session=([a-z]+)/.exec(cookie)?.[1];
  return name ? (MERCHANTS[name] ?? null) : null;
}

export async function createHarness(
  overrides: Partial<BffOptions> & { nonceStore?: NonceStore; service?: SyncService; clock?: { now: Date } } = {},
): Promise<Harness> {
  const clock = overrides.clock ?? { now: new Date('2026-03-10T12:00:00Z') };
  const service =
    overrides.service ??
    createSyncService({
      apiKeys: [API_KEY],
      store: { sqlite: ':memory:' },
      dev: true,
      publicUrl: SYNC_URL,
      now: () => clock.now,
      // The BFF's callback, registered with the sandbox as with a real platform.
      sandbox: { redirectUris: [`${PUBLIC_URL}/oauth/callback`] },
    });
  await service.ready;
  const logs: LogEntry[] = [];
  const responses: Harness['responses'] = [];
  const { service: _s, clock: _c, ...bffOverrides } = overrides;
  const bff = createBff({
    authenticate: cookieAuthenticate,
    syncService: { baseUrl: SYNC_URL, apiKey: API_KEY, fetch: (request) => service.fetch(request) },
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    returnUrl: RETURN_URL,
    allowedReturnOrigins: [PARTNER, OTHER_ALLOWED_ORIGIN],
    now: () => clock.now,
    logger: {
      error: (message, details) => logs.push({ level: 'error', message, details }),
      warn: (message, details) => logs.push({ level: 'warn', message, details }),
    },
    ...bffOverrides,
  });
  return {
    bff,
    service,
    clock,
    logs,
    responses,
    async fetch(request) {
      const response = await bff.fetch(request);
      const body = await response.clone().text();
      responses.push({ status: response.status, headers: [...response.headers.entries()], body });
      return response;
    },
    close: () => service.close(),
  };
}

/** Calls the sync service API directly (as the partner's backend would), for state checks. */
export async function serviceJson<T = unknown>(h: Harness, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await h.service.fetch(
    new Request(SYNC_URL + path, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(API_KEY).toString('base64')}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

interface ServiceCompany {
  id: string;
  tags: Record<string, string>;
  dataConnections: { id: string; integrationKey: string; sourceType: string; status: string }[];
}

/** The merchant's companies as the sync service sees them. */
export async function companiesOf(h: Harness, merchantId: string): Promise<ServiceCompany[]> {
  const query = new URLSearchParams({ query: `tags.merchantId=${merchantId}` });
  const { body } = await serviceJson<{ results: ServiceCompany[] }>(h, 'GET', `/companies?${query}`);
  return body.results;
}

/**
 * Everything the sync service holds for a merchant that a BFF call could change: companies,
 * connections and their status, saved configuration (selections and flags) and sync runs.
 */
export async function syncState(h: Harness, merchantId: string): Promise<unknown> {
  const companies = await companiesOf(h, merchantId);
  const out = [];
  for (const company of companies) {
    const config = await serviceJson<Configuration>(h, 'GET', `/config/companies/${company.id}/sync/commerce`);
    const runs = await serviceJson(h, 'GET', `/companies/${company.id}/sync/commerce/syncs/list/status`);
    out.push({ company, config, runs });
  }
  return out;
}

/** A browser signed in to the partner site as `who`, calling the BFF like the widget does. */
export function browser(h: Harness, who: keyof typeof MERCHANTS | null) {
  const cookie = who ? `partner_session=${who}` : '';
  let token: string | null = null;
  const url = (path: string) => `${PUBLIC_URL}${path}`;
  const api = {
    cookie,
    async newSession(): Promise<string> {
      const response = await h.fetch(new Request(url('/session'), { method: 'POST', headers: { cookie } }));
      expect(response.status).toBe(201);
      token = SessionTokenSchema.parse(await response.json()).token;
      return token;
    },
    get token() {
      return token;
    },
    set token(value: string | null) {
      token = value;
    },
    async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
      if (token === null) await api.newSession();
      return h.fetch(
        new Request(url(path), {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
    },
    /** Follows a callback URL (the platform's redirect) as a top-level navigation with the cookie. */
    navigate(target: string, withCookie = cookie): Promise<Response> {
      return h.fetch(new Request(target, { headers: withCookie ? { cookie: withCookie } : {} }));
    },
  };
  return api;
}

export type Browser = ReturnType<typeof browser>;

/** Starts an authorization through the BFF. */
export async function startAuthorization(
  b: Browser,
  input: { platformKey?: string; mode?: 'popup' | 'redirect'; returnTo?: string } = {},
): Promise<StartAuthorizationResponse> {
  const response = await b.call('POST', '/authorizations', {
    platformKey: input.platformKey ?? 'sandbox',
    mode: input.mode ?? 'popup',
    ...(input.returnTo ? { returnTo: input.returnTo } : {}),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return StartAuthorizationResponseSchema.parse(await response.json());
}

/**
 * Plays the merchant on the sandbox consent page (fetch the page, submit the form like a
 * browser) and returns where the platform redirects: the BFF callback URL with code and state.
 */
export async function consent(h: Harness, consentUrl: string, decision: 'allow' | 'deny' = 'allow', ledger = 'new:uk'): Promise<string> {
  const page = await h.service.fetch(new Request(consentUrl));
  const html = await page.text();
  expect(page.status, html).toBe(200);
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  expect(requestId).toBeTruthy();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  const decided = await h.service.fetch(
    new Request(action!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request_id: requestId!, decision, ledger }),
    }),
  );
  expect(decided.status).toBe(302);
  return decided.headers.get('location')!;
}

/** Start → consent → callback; returns the callback response and the URL used. */
/** `ledger` is the consent page's choice: a new UK ledger by default, or an existing ledger's id. */
export async function connect(h: Harness, b: Browser, mode: 'popup' | 'redirect' = 'popup', ledger = 'new:uk') {
  const started = await startAuthorization(b, { mode });
  const callbackUrl = await consent(h, started.url, 'allow', ledger);
  const response = await b.navigate(callbackUrl);
  return { started, callbackUrl, response };
}

/** Reads the message and target origin the popup callback page would post. */
export function popupMessage(html: string): { message: unknown; origin: string } {
  const message = /var message = (.*);\n/.exec(html)?.[1];
  const origin = /var origin = (.*);\n/.exec(html)?.[1];
  expect(message && origin, html).toBeTruthy();
  return { message: JSON.parse(message!) as unknown, origin: JSON.parse(origin!) as string };
}

/** A configuration the sandbox UK ledger accepts, built from what GET /configuration returned. */
export function validConfiguration(current: Configuration): Configuration {
  const doc = structuredClone(current);
  const commerce = doc.configuration!;
  commerce.mapSettings = { outputFormat: 'JournalEntry', outputMode: 'JournalEntry' };
  commerce.sales!.accounts!.sales!.selectedAccountId = 'acc-200';
  commerce.sales!.accounts!.refund!.selectedAccountId = 'acc-200';
  doc.schedule = { ...doc.schedule, selectedFrequency: 'Daily', startDate: '2026-03-01', timeZone: 'Europe/London', syncHour: 2 };
  doc.enabled = true;
  return configurationSelections(doc);
}

/**
 * Checks every response the BFF gave in a test: a request id on each, `no-store` on each, and
 * the sync service API key (plain or as the Basic credential) in none.
 */
export function expectResponseHygiene(h: Harness): void {
  const basic = Buffer.from(API_KEY).toString('base64');
  for (const response of h.responses) {
    const headers = new Map(response.headers);
    expect(headers.get('x-request-id'), JSON.stringify(response)).toMatch(/.{8,}/);
    expect(headers.get('cache-control')).toBe('no-store');
    const all = response.body + JSON.stringify(response.headers);
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(basic);
  }
}
