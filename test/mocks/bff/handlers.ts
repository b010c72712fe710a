import { http, HttpResponse } from 'msw';
import type { HttpHandler, JsonBodyType } from 'msw';
import type { z } from 'zod';
import {
  BFF_ROUTES,
  BffErrorSchema,
  ConfigurationViewSchema,
  DEFAULT_BFF_BASE_PATH,
  RunSyncRequestSchema,
  SaveConfigurationRequestSchema,
  StartAuthorizationRequestSchema,
  SyncHistoryQuerySchema,
} from '../../../src/contract/bff.js';
import type { BffError, BffErrorCode, BffRouteName, ConfigurationView, ConnectionView, Platform, SyncHealth, SyncRun, SyncStatusView } from '../../../src/contract/bff.js';
import type { FieldError } from '../../../src/contract/errors.js';
import type { SyncPreview } from '../../../src/contract/preview.js';
import { outputModeOf } from '../../../src/contract/configuration-helpers.js';
import { configurationFixture, failingHistory, healthyHistory, platformsFixture } from './fixtures.js';
import type { ConfigurationFixtureOptions } from './fixtures.js';

/** Where the journey stands when a mock BFF starts. */
export type BffScenario = 'new' | 'connected' | 'configured' | 'paused' | 'failing';

/** The mock BFF's in-memory state; tests read and change it directly. */
export interface BffMockState {
  /** Tokens the BFF accepts; any other bearer token answers 401 `session_invalid`. */
  validTokens: Set<string>;
  /** Tokens that answer 401 `session_expired`. */
  expiredTokens: Set<string>;
  /** The token `POST /session` issues next. */
  nextToken: string;
  platforms: Platform[];
  connection: ConnectionView;
  configuration: ConfigurationView;
  history: SyncRun[];
  /** Origin the popup callback page posts its message from. */
  messageOrigin: string;
  /** The last started authorization. */
  pendingAuthorization: { id: string; platformKey: string; mode: 'popup' | 'redirect' } | null;
  /** What `POST /configuration/preview` answers; null computes a one-journal day from the posted selections. */
  preview: SyncPreview | null;
  /** Every request body the mock accepted, by route (for debugging failed tests). */
  requests: { route: BffRouteName; body: unknown }[];
}

/** Options of {@link createBffState}. */
export interface BffStateOptions extends Omit<ConfigurationFixtureOptions, 'configured' | 'enabled'> {
  scenario?: BffScenario;
  token?: string;
}

/** The token the mock accepts by default. */
export const MOCK_SESSION_TOKEN = 'session-token-1';

/** A fresh mock BFF state for a scenario. */
export function createBffState(options: BffStateOptions = {}): BffMockState {
  const { scenario = 'new', token = MOCK_SESSION_TOKEN, ...fixture } = options;
  const linked = scenario !== 'new';
  const configured = scenario === 'configured' || scenario === 'paused' || scenario === 'failing';
  const sandbox = { key: 'sandbox', name: 'Sandbox ledger' };
  return {
    validTokens: new Set([token]),
    expiredTokens: new Set(),
    nextToken: 'session-token-2',
    platforms: platformsFixture(),
    connection: linked
      ? { status: 'Linked', platform: sandbox, accountingCompanyName: 'Bistro Ltd', createdAt: '2026-11-01T09:00:00Z', lastSyncAt: configured ? '2026-11-27T02:05:00Z' : null }
      : { status: 'NotConnected', platform: null, accountingCompanyName: null, createdAt: null, lastSyncAt: null },
    configuration: configurationFixture({ ...fixture, configured, enabled: configured && scenario !== 'paused' }),
    history: scenario === 'failing' ? failingHistory() : configured ? healthyHistory() : [],
    messageOrigin: typeof location === 'undefined' ? 'http://localhost:3000' : location.origin,
    pendingAuthorization: null,
    preview: null,
    requests: [],
  };
}

/** A BFF error response in the contract's envelope. */
export function bffError(status: number, code: BffErrorCode, message: string, validation?: FieldError[]): HttpResponse<BffError> {
  const body = BffErrorSchema.parse({
    statusCode: status,
    code,
    error: message,
    service: 'commerce-sync-bff',
    correlationId: `req-${code}`,
    canBeRetried: status >= 500 ? 'Yes' : 'No',
    ...(validation ? { validation: { errors: validation, warnings: [] } } : {}),
  });
  return HttpResponse.json(body, { status, headers: { 'x-request-id': body.correlationId } });
}

/** The URL pattern of a BFF route, matching any origin. */
export function bffUrl(route: BffRouteName, basePath: string = DEFAULT_BFF_BASE_PATH): string {
  return `*${basePath}${BFF_ROUTES[route].path}`;
}

function health(state: BffMockState): SyncHealth {
  if (state.connection.status !== 'Linked') return 'not_connected';
  if (!state.configuration.configured) return 'not_configured';
  if (!state.configuration.enabled) return 'paused';
  const latest = state.history[0];
  if (!latest) return 'never_run';
  if (latest.state === 'running') return 'running';
  return latest.state === 'failed' ? 'failing' : 'healthy';
}

/** The status view the mock BFF answers for a state. */
export function statusView(state: BffMockState): SyncStatusView {
  return {
    health: health(state),
    enabled: Boolean(state.configuration.enabled),
    configured: Boolean(state.configuration.configured),
    latest: state.history[0] ?? null,
    lastSuccessful: state.history.find((r) => r.state === 'succeeded') ?? null,
  };
}

async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<{ ok: true; data: z.infer<S> } | { ok: false; response: HttpResponse<BffError> }> {
  let json: unknown;
  try {
    json = await request.json();
  } catch {
    return { ok: false, response: bffError(400, 'invalid_json', 'Send a JSON body.') };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      response: bffError(
        400,
        'validation_failed',
        'The request body is not valid.',
        parsed.error.issues.map((issue) => ({ itemId: issue.path.join('.'), message: issue.message, validatorName: issue.code })),
      ),
    };
  }
  return { ok: true, data: parsed.data };
}

function selectedPaths(config: ConfigurationView): { itemId: string; value: string | null; optionIds: string[] | null; required: boolean }[] {
  const out: { itemId: string; value: string | null; optionIds: string[] | null; required: boolean }[] = [];
  const c = config.configuration;
  const groups = [
    ['configuration.sales.accounts', c?.sales?.accounts],
    ['configuration.payments.accounts', c?.payments?.accounts],
    ['configuration.fees.accounts', c?.fees?.accounts],
  ] as const;
  for (const [prefix, accounts] of groups) {
    for (const [key, account] of Object.entries(accounts ?? {})) {
      out.push({ itemId: `${prefix}.${key}.selectedAccountId`, value: account.selectedAccountId ?? null, optionIds: account.accountOptions?.map((o) => o.id) ?? null, required: account.required ?? false });
    }
  }
  for (const [rate, mapping] of Object.entries(c?.sales?.taxRates ?? {})) {
    out.push({ itemId: `configuration.sales.taxRates.${rate}.selectedTaxRateId`, value: mapping.selectedTaxRateId ?? null, optionIds: mapping.taxRateOptions?.map((o) => o.id) ?? null, required: true });
  }
  return out;
}

/**
 * Validates a save like the sync service does (options + selected): every selected id must be
 * an option of the stored document, required rows need a selection (fee rows only when fees are
 * synced), card and payout accounts must differ, and the output mode cannot change once set.
 */
export function validateSave(stored: ConfigurationView, body: ConfigurationView): FieldError[] {
  const errors: FieldError[] = [];
  const storedRows = new Map(selectedPaths(stored).map((r) => [r.itemId, r]));
  const syncFees = body.configuration?.fees?.syncFees ?? false;
  const sent = new Map(selectedPaths(body).map((r) => [r.itemId, r.value]));
  for (const [itemId, row] of storedRows) {
    const value = sent.get(itemId) ?? null;
    if (!value) {
      if (row.required && (syncFees || !itemId.startsWith('configuration.fees.'))) errors.push({ itemId, message: 'Choose an account for this row.', validatorName: 'required' });
      continue;
    }
    if (row.optionIds && !row.optionIds.includes(value)) errors.push({ itemId, message: 'This account is no longer in your ledger. Choose another.', validatorName: 'option' });
  }
  const card = sent.get('configuration.payments.accounts.card.selectedAccountId');
  if (card && card === sent.get('configuration.payments.accounts.payout.selectedAccountId')) {
    errors.push({ itemId: 'configuration.payments.accounts.payout.selectedAccountId', message: 'The payout account must differ from the card account.', validatorName: 'distinctAccounts' });
  }
  const storedFormat = stored.configuration?.mapSettings?.outputFormat;
  const sentFormat = body.configuration?.mapSettings?.outputFormat;
  if (!sentFormat) errors.push({ itemId: 'configuration.mapSettings.outputFormat', message: 'Choose journal or invoice output.', validatorName: 'required' });
  else if (stored.configured && storedFormat && storedFormat !== sentFormat) {
    errors.push({ itemId: 'configuration.mapSettings.outputFormat', message: 'The output mode was chosen at first setup and cannot be changed.', validatorName: 'immutable' });
  }
  // The service's invoice_status_missing rule (validateConfiguration), with its message.
  if (sentFormat === 'Invoice' && !body.configuration?.sales?.invoiceStatus?.selectedInvoiceStatus) {
    errors.push({ itemId: 'configuration.sales.invoiceStatus.selectedInvoiceStatus', message: 'Choose whether daily invoices are created as submitted (approved) or as drafts.', validatorName: 'invoice_status_missing' });
  }
  return errors;
}

function mergeSelections(stored: ConfigurationView, body: ConfigurationView): ConfigurationView {
  const next = structuredClone(stored);
  const sent = new Map(selectedPaths(body).map((r) => [r.itemId, r.value]));
  const c = next.configuration!;
  for (const [prefix, accounts] of [
    ['configuration.sales.accounts', c.sales?.accounts],
    ['configuration.payments.accounts', c.payments?.accounts],
    ['configuration.fees.accounts', c.fees?.accounts],
  ] as const) {
    for (const [key, account] of Object.entries(accounts ?? {})) account.selectedAccountId = sent.get(`${prefix}.${key}.selectedAccountId`) ?? null;
  }
  for (const [rate, mapping] of Object.entries(c.sales?.taxRates ?? {})) mapping.selectedTaxRateId = sent.get(`configuration.sales.taxRates.${rate}.selectedTaxRateId`) ?? null;
  if (c.sales?.newTaxRates) c.sales.newTaxRates.taxRateMappings = body.configuration?.sales?.newTaxRates?.taxRateMappings ?? [];
  if (c.sales?.invoiceStatus) c.sales.invoiceStatus.selectedInvoiceStatus = body.configuration?.sales?.invoiceStatus?.selectedInvoiceStatus ?? null;
  if (c.sales?.salesCustomer) c.sales.salesCustomer.selectedCustomerId = body.configuration?.sales?.salesCustomer?.selectedCustomerId ?? null;
  if (c.fees) {
    c.fees.syncFees = body.configuration?.fees?.syncFees ?? false;
    if (c.fees.feesSupplier) c.fees.feesSupplier.selectedSupplierId = body.configuration?.fees?.feesSupplier?.selectedSupplierId ?? null;
  }
  // As the sync service answers: Codat's closed outputFormat enum, the mode in outputMode.
  const mode = outputModeOf(body.configuration?.mapSettings);
  c.mapSettings = mode ? { outputFormat: 'JournalEntry', outputMode: mode } : {};
  next.schedule = { ...next.schedule, ...body.schedule };
  next.configured = true;
  next.enabled = body.enabled ?? next.enabled;
  return ConfigurationViewSchema.parse(next);
}

/**
 * MSW handlers playing the BFF, one per route of `BFF_ROUTES`, over a mutable state. Requests
 * are validated with the contract schemas; responses are contract-shaped. Tests add error
 * cases with `server.use(http.get(bffUrl('listPlatforms'), () => bffError(...)))`.
 */
export function createBffHandlers(state: BffMockState, basePath: string = DEFAULT_BFF_BASE_PATH): HttpHandler[] {
  const url = (route: BffRouteName) => bffUrl(route, basePath);

  const authorize = (request: Request): HttpResponse<BffError> | null => {
    const header = request.headers.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) return bffError(401, 'unauthenticated', 'Send the session token as Authorization: Bearer <token>.');
    if (state.expiredTokens.has(token)) return bffError(401, 'session_expired', 'The session token expired. Ask the host page for a fresh one.');
    if (!state.validTokens.has(token)) return bffError(401, 'session_invalid', 'The session token is not valid.');
    return null;
  };
  const guarded = (handler: (request: Request) => Promise<HttpResponse<JsonBodyType>> | HttpResponse<JsonBodyType>) => async ({ request }: { request: Request }) =>
    authorize(request) ?? handler(request);
  const notConnected = () => bffError(409, 'not_connected', 'Connect an accounting platform first.');
  const linked = () => state.connection.status === 'Linked';

  return [
    http.post(url('createSession'), () => {
      state.validTokens.add(state.nextToken);
      return HttpResponse.json({ token: state.nextToken, expiresAt: '2026-11-28T16:00:00.000Z', expiresInSeconds: 600 });
    }),
    http.get(url('listPlatforms'), guarded(() => HttpResponse.json({ platforms: state.platforms }))),
    http.post(
      url('startAuthorization'),
      guarded(async (request) => {
        const body = await readJson(request, StartAuthorizationRequestSchema);
        if (!body.ok) return body.response;
        state.requests.push({ route: 'startAuthorization', body: body.data });
        const platform = state.platforms.find((p) => p.key === body.data.platformKey);
        if (!platform) return bffError(400, 'platform_unknown', `No platform "${body.data.platformKey}" here. Choose one from GET /platforms.`);
        const id = `auth-${state.requests.length}`;
        state.pendingAuthorization = { id, platformKey: platform.key, mode: body.data.mode };
        state.connection = { ...state.connection, status: 'PendingAuth', platform: { key: platform.key, name: platform.name } };
        return HttpResponse.json({
          url: `http://127.0.0.1:4010/sandbox/oauth/authorize?client_id=sandbox-client&state=${id}`,
          mode: body.data.mode,
          popup: { width: 520, height: 680 },
          authorizationId: id,
          messageOrigin: state.messageOrigin,
          expiresAt: '2026-11-28T16:10:00.000Z',
        });
      }),
    ),
    http.get(url('getConnection'), guarded(() => HttpResponse.json(state.connection))),
    http.delete(
      url('deauthorize'),
      guarded(() => {
        if (!linked()) return notConnected();
        state.connection = { ...state.connection, status: 'Unlinked' };
        return HttpResponse.json(state.connection);
      }),
    ),
    http.get(url('getConfiguration'), guarded(() => (linked() ? HttpResponse.json(state.configuration) : notConnected()))),
    http.put(
      url('saveConfiguration'),
      guarded(async (request) => {
        if (!linked()) return notConnected();
        const body = await readJson(request, SaveConfigurationRequestSchema);
        if (!body.ok) return body.response;
        state.requests.push({ route: 'saveConfiguration', body: body.data });
        const errors = validateSave(state.configuration, body.data);
        if (errors.length > 0) return bffError(422, 'validation_failed', 'Some settings need attention.', errors);
        state.configuration = mergeSelections(state.configuration, body.data);
        return HttpResponse.json(state.configuration);
      }),
    ),
    http.post(
      url('previewConfiguration'),
      guarded(async (request) => {
        if (!linked()) return notConnected();
        const body = await readJson(request, SaveConfigurationRequestSchema);
        if (!body.ok) return body.response;
        state.requests.push({ route: 'previewConfiguration', body: body.data });
        return HttpResponse.json(state.preview ?? examplePreview(state.configuration, body.data));
      }),
    ),
    http.post(
      url('pauseSync'),
      guarded(() => {
        if (!linked()) return notConnected();
        state.configuration = { ...state.configuration, enabled: false };
        return HttpResponse.json({ enabled: false });
      }),
    ),
    http.post(
      url('resumeSync'),
      guarded(() => {
        if (!linked()) return notConnected();
        state.configuration = { ...state.configuration, enabled: true };
        return HttpResponse.json({ enabled: true });
      }),
    ),
    http.post(
      url('runSync'),
      guarded(async (request) => {
        if (!linked()) return notConnected();
        const body = await readJson(request, RunSyncRequestSchema);
        if (!body.ok) return body.response;
        if (state.history[0]?.state === 'running') return bffError(409, 'duplication_protection', 'A sync is already running.');
        const run: SyncRun = { id: `run-${state.history.length + 1}`, state: 'running', statusCode: 1000, syncedAt: null, dataPushed: false, dateRange: null, problem: null };
        state.history = [run, ...state.history];
        return HttpResponse.json({ run });
      }),
    ),
    http.get(url('getSyncStatus'), guarded(() => (linked() ? HttpResponse.json(statusView(state)) : notConnected()))),
    http.get(
      url('getSyncHistory'),
      guarded((request) => {
        if (!linked()) return notConnected();
        const query = SyncHistoryQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
        if (!query.success) return bffError(400, 'validation_failed', 'limit must be 1 to 100.');
        return HttpResponse.json({ items: state.history.slice(0, query.data.limit) });
      }),
    ),
    http.delete(
      url('deleteCompany'),
      guarded(() => {
        state.connection = { status: 'NotConnected', platform: null, accountingCompanyName: null, createdAt: null, lastSyncAt: null };
        state.configuration = configurationFixture();
        state.history = [];
        return HttpResponse.json({ deleted: true });
      }),
    ),
  ];
}

/** Simulates the callback page finishing an authorization on the BFF side (before it posts its message). */
export function completeAuthorization(state: BffMockState, outcome: 'connected' | 'denied' | 'error'): { type: 'commerce-sync:authorization-result'; result: { outcome: typeof outcome; reason: 'access_denied' | 'platform_error' | null; authorizationId: string | null; platformKey: string | null } } {
  const pending = state.pendingAuthorization;
  if (outcome === 'connected' && pending) {
    const platform = state.platforms.find((p) => p.key === pending.platformKey)!;
    state.connection = { status: 'Linked', platform: { key: platform.key, name: platform.name }, accountingCompanyName: 'Bistro Ltd', createdAt: '2026-11-28T15:00:00Z', lastSyncAt: null };
  } else if (pending) {
    state.connection = { ...state.connection, status: 'NotConnected' };
  }
  return {
    type: 'commerce-sync:authorization-result',
    result: { outcome, reason: outcome === 'connected' ? null : outcome === 'denied' ? 'access_denied' : 'platform_error', authorizationId: pending?.id ?? null, platformKey: pending?.platformKey ?? null },
  };
}

/**
 * The mock's preview of a day (26 Nov 2026): a 12.00 card sale (10.00 + 2.00 VAT) as one
 * journal on the card and sales accounts the body selects, named from the configuration's options.
 */
export function examplePreview(configuration: ConfigurationView, body: ConfigurationView): SyncPreview {
  const options = configuration.configuration?.sales?.accounts?.sales?.accountOptions ?? [];
  const nameOf = (id: string) => options.find((o) => o.id === id)?.name ?? id;
  const sales = body.configuration?.sales?.accounts?.sales?.selectedAccountId ?? 'unmapped-sales';
  const card = body.configuration?.payments?.accounts?.card?.selectedAccountId ?? 'unmapped-card';
  const line = (accountId: string, amount: number, role: string, description: string) => ({
    accountId, accountName: nameOf(accountId), accountCode: null, description, role, amount, taxAmount: null, taxRateName: null,
  });
  return {
    date: '2026-11-26',
    dayOpen: false,
    timeZone: body.schedule?.timeZone ?? 'Europe/London',
    documents: [{
      reference: 'company-1:2026-11-26:GBP||:journal:r0',
      kind: 'journal',
      date: '2026-11-26',
      currency: 'GBP',
      memo: 'Daily sales 2026-11-26',
      lineStyle: 'signed',
      lines: [line(card, 1200, 'payment', 'Card payments'), line(sales, -1000, 'sales', 'Sales 20%'), line('acc-vat', -200, 'tax', 'VAT 20%')],
      total: 1200,
    }],
    posted: [],
    problems: [],
    validation: [],
  };
}
