import { createSyncService, type SyncService, type SyncServiceOptions } from '../../src/server/index.js';
import { buildConfiguration } from '../fixtures/index.js';

/** Base URL the services under test believe they live at. */
export const BASE = 'http://sync.test';
export const API_KEY = 'test-api-key-0001';
export const AUTH = `Basic ${Buffer.from(API_KEY).toString('base64')}`;

/** A mutable test clock. */
export function clock(start: string): { now: () => Date; set(iso: string): void } {
  let t = new Date(start);
  return { now: () => new Date(t), set: (iso) => (t = new Date(iso)) };
}

/** The partner callback {@link linkSandbox} authorizes with, registered with the sandbox by {@link makeService}. */
export const SANDBOX_REDIRECT_URI = 'http://partner.test/callback';

/**
 * A service on an in-memory SQLite store with the sandbox mounted; {@link SANDBOX_REDIRECT_URI}
 * is registered with it unless `overrides.sandbox` names its own `redirectUris`.
 */
export function makeService(overrides: Partial<SyncServiceOptions> = {}): SyncService {
  const { sandbox, ...rest } = overrides;
  return createSyncService({
    apiKeys: [API_KEY],
    store: { sqlite: ':memory:' },
    dev: true,
    publicUrl: BASE,
    sleep: async () => undefined,
    sandbox: sandbox === false ? false : { redirectUris: [SANDBOX_REDIRECT_URI], ...sandbox },
    ...rest,
  });
}

/** Response bodies are arbitrary JSON that tests read and then check with contract schemas. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;

/** JSON response: status, parsed body, headers. */
export interface Reply<T = AnyJson> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the service's fetch handler with the API key (unless `auth: false`). */
export async function call<T = AnyJson>(service: SyncService, method: string, path: string, body?: unknown, options: { auth?: string | false; raw?: string } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (options.auth !== false) headers.Authorization = options.auth ?? AUTH;
  let payload: string | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  const response = await service.fetch(new Request(`${BASE}${path}`, { method, headers, body: payload }));
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // HTML or empty bodies stay text.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Reads hidden inputs and the action of the first form in an HTML page. */
function parseForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('No form on the page');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1] ?? ''] = m[2] ?? '';
  return { action: action.replace(/&amp;/g, '&'), fields };
}

/**
 * Links the sandbox to a company through the HTTP API only, like a browser would: start
 * authorization, load the consent page, submit "Allow" creating a ledger from `template`,
 * follow the redirect's code/state back into the authorization endpoint.
 */
export async function linkSandbox(service: SyncService, companyId: string, template: 'uk' | 'us' | 'ca' = 'uk', choice?: string): Promise<{ connectionId: string; ledgerId: string }> {
  const created = await call(service, 'POST', `/companies/${companyId}/connections`, { platformKey: 'sandbox' });
  if (created.status !== 200) throw new Error(`create connection: ${created.status} ${JSON.stringify(created.body)}`);
  const connectionId = created.body.id as string;
  const state = `state-${connectionId}`;
  const redirectUri = SANDBOX_REDIRECT_URI;
  const start = await call(service, 'POST', `/companies/${companyId}/connections/${connectionId}/authorization/start`, { state, redirectUri });
  if (start.status !== 200) throw new Error(`authorization start: ${start.status} ${JSON.stringify(start.body)}`);
  const page = await service.fetch(new Request(start.body.url as string));
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page: ${page.status} ${html.slice(0, 200)}`);
  const form = parseForm(html);
  const before = new Set(service.sandbox?.admin.listLedgers().map((l) => l.id));
  const decision = await service.fetch(new Request(form.action, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, ledger: choice ?? `new:${template}`, ledger_name: '', decision: 'allow' }).toString(),
    redirect: 'manual',
  }));
  const location = decision.headers.get('location');
  if (decision.status !== 302 || !location) throw new Error(`consent decision: ${decision.status} ${await decision.text()}`);
  const callback = new URL(location);
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const params = Object.fromEntries(callback.searchParams.entries());
  const done = await call(service, 'PUT', `/companies/${companyId}/connections/${connectionId}/authorization`, { ...params, redirectUri });
  if (done.status !== 200) throw new Error(`authorization: ${done.status} ${JSON.stringify(done.body)}`);
  const ledgers = service.sandbox?.admin.listLedgers() ?? [];
  const ledgerId = choice ?? ledgers.find((l) => !before.has(l.id))?.id;
  if (!ledgerId) throw new Error('No ledger created');
  return { connectionId, ledgerId };
}

/**
 * A company named `name` linked to a new UK sandbox ledger and configured with the fixture
 * mapping in Europe/London from `startDate`; throws when the save is refused.
 */
export async function configuredSandboxCompany(service: SyncService, name: string, startDate: string): Promise<{ companyId: string; ledgerId: string }> {
  const companyId = (await call(service, 'POST', '/companies', { name })).body.id as string;
  const { ledgerId } = await linkSandbox(service, companyId, 'uk');
  const config = buildConfiguration({ timeZone: 'Europe/London' });
  config.schedule = { ...config.schedule, startDate };
  const saved = await call(service, 'POST', `/config/companies/${companyId}/sync/commerce`, config);
  if (saved.status !== 200) throw new Error(`save configuration: ${saved.status} ${JSON.stringify(saved.body)}`);
  return { companyId, ledgerId };
}
