import type { QueueFigures } from '../../../src/contract/queue-health.js';
import { http, HttpResponse } from 'msw';
import type { HttpHandler, HttpResponseResolver, PathParams } from 'msw';
import { ConfigurationSchema } from '../../../src/contract/configuration.js';
import { BffErrorSchema, DEFAULT_BFF_BASE_PATH } from '../../../src/contract/bff.js';
import type { BffError } from '../../../src/contract/bff.js';
import {
  SUPPORT_PATH_PREFIX,
  SUPPORT_RESPONSE_SCHEMAS,
  SupportHistoryQuerySchema,
  SupportReenableRequestSchema,
  SupportSearchQuerySchema,
  type CompanyHealth,
  type SupportCompanyDetail,
  type SupportConfiguration,
  type SupportDeliveries,
  type SupportDocumentLines,
  type SupportRouteName,
  type SupportRun,
  type SupportSyncDetail,
} from '../../../src/contract/support.js';

/** The support token the mock BFF accepts. */
export const SUPPORT_TOKEN = 'support-token-staff-42';
/** Base of the mock BFF's support routes. */
export const SUPPORT_BASE = `${DEFAULT_BFF_BASE_PATH}${SUPPORT_PATH_PREFIX}`;
/** Merchant-local "today" of the mock. */
export const MOCK_TODAY = '2026-03-12';

/** In-memory state of the mock support BFF; tests read and change it. */
export interface SupportMockState {
  companies: SupportCompanyDetail[];
  runs: Record<string, SupportRun[]>;
  syncs: Record<string, SupportSyncDetail>;
  configurations: Record<string, SupportConfiguration>;
  deliveries: Record<string, SupportDeliveries>;
  /** "Explain this line" answers by document reference. */
  documentLines: Record<string, SupportDocumentLines>;
  /** Number of retry calls per sync (to show idempotence). */
  retries: Record<string, number>;
  /** The run queue's totals the search reports (none by default, like a support handler without a queue). */
  queue?: QueueFigures;
}

function run(companyId: string, seq: number, overrides: Partial<SupportRun> = {}): SupportRun {
  return {
    syncId: `${companyId}-sync-${seq}`,
    companyId,
    seq,
    trigger: 'scheduled',
    state: 'succeeded',
    statusCode: 2000,
    statusText: 'Complete',
    period: { start: `2026-03-0${seq}`, finish: `2026-03-0${seq + 1}` },
    createdUtc: `2026-03-0${seq + 1}T03:00:00.000Z`,
    completedUtc: `2026-03-0${seq + 1}T03:00:05.000Z`,
    dataPushed: true,
    problem: null,
    ...overrides,
  };
}

function company(
  companyId: string,
  name: string,
  health: CompanyHealth,
  latest: SupportRun | null,
  overrides: Partial<SupportCompanyDetail> = {},
): SupportCompanyDetail {
  return {
    companyId,
    name,
    tags: { merchantId: `m-${companyId}` },
    health,
    enabled: health !== 'disabled',
    configured: true,
    failingSince: health === 'failing' || health === 'disabled' ? '2026-02-01' : null,
    syncedThrough: '2026-03-02',
    lastSyncUtc: latest?.completedUtc ?? null,
    latestRun: latest,
    timeZone: 'Europe/London',
    startDate: '2026-02-01',
    commerce: {
      key: 'commerce',
      name: 'Partner commerce',
      connectionId: `${companyId}-commerce`,
      status: 'Linked',
    },
    accounting: {
      key: 'sandbox',
      name: 'Sandbox ledger',
      connectionId: `${companyId}-ledger`,
      status: 'Linked',
    },
    ...overrides,
  };
}

/** A fresh scenario: a failing cafe (one failed document), a disabled deli and a healthy bakery. */
export function createSupportState(): SupportMockState {
  const failedRun = run('cafe', 3, {
    state: 'failed',
    statusCode: 4000,
    statusText: 'ConfigurationError',
    period: { start: '2026-03-02', finish: '2026-03-12' },
    createdUtc: '2026-03-12T03:00:00.000Z',
    problem: {
      code: 'account_archived',
      rawCode: 'account_archived',
      statusCode: 4000,
      retryable: false,
      step: 'payments',
      merchantMessage:
        'The account "Card clearing" mapped to Card payments is archived in Sandbox ledger. Restore it in Sandbox ledger or choose another account, then sync again.',
      supportDetail:
        '1 document(s) not written; first cafe-2026-03-10-journal: Account 091 Card clearing is archived.',
    },
  });
  const cafeRuns = [
    failedRun,
    run('cafe', 2),
    run('cafe', 1, { statusCode: 2040, dataPushed: false }),
  ];
  const deliRun = run('deli', 1, {
    state: 'failed',
    statusCode: 4000,
    statusText: 'ConfigurationError',
    problem: {
      code: 'tax_rate_unmapped',
      rawCode: 'tax_rate_unmapped',
      statusCode: 4000,
      retryable: false,
      step: 'taxRates',
      merchantMessage: 'Sales at a 5% tax rate have no tax rate mapped.',
      supportDetail: 'taxRates.5 unmapped',
    },
  });
  const bakeryRun = run('bakery', 1);
  const cafe = company('cafe', 'Cafe Lumiere', 'failing', failedRun);
  const state: SupportMockState = {
    companies: [
      company('bakery', 'Bakery Brioche', 'healthy', bakeryRun),
      cafe,
      company('deli', 'Deli Dijon', 'disabled', deliRun),
    ],
    runs: { cafe: cafeRuns, deli: [deliRun], bakery: [bakeryRun] },
    syncs: {
      [failedRun.syncId]: {
        run: failedRun,
        companyName: 'Cafe Lumiere',
        timeZone: 'Europe/London',
        commerce: cafe.commerce,
        accounting: cafe.accounting,
        items: [
          {
            reference: 'cafe-2026-03-02-journal',
            date: '2026-03-02',
            kind: 'journal',
            revision: 1,
            status: 'Written',
            platformId: 'jnl-1',
            errorCode: null,
            merchantMessage: null,
            supportDetail: null,
            attempts: 1,
            updatedUtc: '2026-03-12T03:00:01.000Z',
            amount: { minor: 123456, currency: 'GBP' },
          },
          {
            reference: 'cafe-2026-03-10-journal',
            date: '2026-03-10',
            kind: 'journal',
            revision: 1,
            status: 'Failed',
            platformId: null,
            errorCode: 'account_archived',
            merchantMessage: 'The account "Card clearing" is archived in Sandbox ledger.',
            supportDetail: 'Account 091 Card clearing is archived.',
            attempts: 1,
            updatedUtc: '2026-03-12T03:00:02.000Z',
            amount: { minor: 9900, currency: 'GBP' },
          },
        ],
        counts: { written: 1, failed: 1, pending: 0 },
      },
    },
    configurations: {
      cafe: {
        companyId: 'cafe',
        enabled: true,
        configured: true,
        configuration: ConfigurationSchema.parse({
          schedule: { timeZone: 'Europe/London', startDate: '2026-02-01' },
          configuration: { payments: { accounts: { card: { selectedAccountId: 'acc-091' } } } },
        }),
      },
      deli: {
        companyId: 'deli',
        enabled: false,
        configured: true,
        configuration: { schedule: { timeZone: 'Europe/London', startDate: '2026-02-01' } },
      },
      bakery: {
        companyId: 'bakery',
        enabled: true,
        configured: true,
        configuration: { schedule: { timeZone: 'Europe/London', startDate: '2026-03-01' } },
      },
    },
    documentLines: {
      'cafe-2026-03-02-journal': {
        reference: 'cafe-2026-03-02-journal',
        date: '2026-03-02',
        kind: 'journal',
        revision: 1,
        currency: 'GBP',
        lines: [
          {
            index: 0,
            accountId: 'acc-200',
            description: 'Sales 20%',
            role: 'sales',
            amount: -3000,
            taxAmount: null,
            records: [
              { dataType: 'orders', id: 'order-b', amount: -2000, taxAmount: null },
              { dataType: 'orders', id: 'order-a', amount: -1000, taxAmount: null },
            ],
            recordCount: 2,
            unexplained: 0,
          },
          {
            index: 1,
            accountId: 'acc-405',
            description: 'Rounding',
            role: 'rounding',
            amount: 1,
            taxAmount: null,
            records: [],
            recordCount: 0,
            unexplained: 1,
          },
        ],
      },
    },
    deliveries: {
      cafe: {
        available: true,
        items: [
          {
            id: 'dlv-1',
            eventId: 'evt-1',
            eventType: 'sync.failed',
            companyId: 'cafe',
            endpointId: 'ep-1',
            url: 'https://partner.test/hooks',
            status: 'failed',
            attempts: 3,
            lastResponseCode: 500,
            lastError: 'HTTP 500',
            lastAttemptAt: '2026-03-12T03:10:00.000Z',
            nextAttemptAt: null,
            deliveredAt: null,
            createdAt: '2026-03-12T03:00:06.000Z',
            redeliveryOf: null,
            event: {
              id: 'evt-1',
              type: 'sync.failed',
              createdAt: '2026-03-12T03:00:06.000Z',
              companyId: 'cafe',
              data: {
                syncId: failedRun.syncId,
                dataConnectionId: 'cafe-ledger',
                period: { start: '2026-03-02', finish: '2026-03-12' },
                syncStatusCode: 4000,
                errorCode: 'account_archived',
                merchantMessage: 'The account is archived.',
                retryable: false,
                wizardStep: 'payments',
              },
            },
          },
        ],
      },
      deli: { available: false, items: [] },
      bakery: { available: true, items: [] },
    },
    retries: {},
  };
  return state;
}

function error(
  status: number,
  code: BffError['code'],
  message: string,
  validation?: BffError['validation'],
): HttpResponse<BffError> {
  return HttpResponse.json(
    BffErrorSchema.parse({
      statusCode: status,
      code,
      error: message,
      service: 'commerce-sync-bff',
      correlationId: 'req-mock-0001',
      canBeRetried: 'No',
      ...(validation ? { validation } : {}),
    }),
    { status },
  );
}

/** Answers with the body checked against the route's contract schema (a wrong fixture fails the test). */
function reply(route: SupportRouteName, body: unknown): HttpResponse<Record<string, unknown>> {
  return HttpResponse.json(SUPPORT_RESPONSE_SCHEMAS[route].parse(body) as Record<string, unknown>);
}

function authorized(request: Request): boolean {
  return request.headers.get('authorization') === `Bearer ${SUPPORT_TOKEN}`;
}

/** MSW handlers of the support routes, built from src/contract/support.ts, over `state`. */
export function createSupportHandlers(state: SupportMockState, base = SUPPORT_BASE): HttpHandler[] {
  const guard =
    <P extends PathParams>(fn: HttpResponseResolver<P>): HttpResponseResolver<P> =>
    (info) =>
      authorized(info.request)
        ? fn(info)
        : error(401, 'unauthenticated', 'Support routes need a support-staff sign-in.');
  const find = (id: string) => state.companies.find((c) => c.companyId === id);

  return [
    http.get(
      `${base}/companies`,
      guard(({ request }) => {
        const parsed = SupportSearchQuerySchema.safeParse(
          Object.fromEntries(new URL(request.url).searchParams),
        );
        if (!parsed.success) return error(400, 'validation_failed', 'Bad search.');
        const q = parsed.data;
        const byHealth = Object.fromEntries(
          [
            'healthy',
            'failing',
            'disabled',
            'paused',
            'running',
            'never_synced',
            'not_configured',
          ].map((h) => [h, state.companies.filter((c) => c.health === h).length]),
        );
        let results = state.companies;
        if (q.q) {
          const needle = q.q.toLowerCase();
          results = results.filter(
            (c) =>
              c.name.toLowerCase().includes(needle) ||
              c.companyId === q.q ||
              (state.runs[c.companyId] ?? []).some((r) => r.syncId === q.q),
          );
        }
        if (q.health) results = results.filter((c) => c.health === q.health);
        if (q.errorCode)
          results = results.filter((c) =>
            (state.runs[c.companyId] ?? []).some((r) => r.problem?.code === q.errorCode),
          );
        if (q.statusCode)
          results = results.filter((c) =>
            (state.runs[c.companyId] ?? []).some((r) => r.statusCode === q.statusCode),
          );
        const summaries = results.map(
          ({ timeZone: _z, startDate: _s, commerce: _c, accounting: _a, ...summary }) => summary,
        );
        return reply('search', {
          totals: { companies: state.companies.length, byHealth, ...(state.queue ? { queue: state.queue } : {}) },
          results: summaries,
          totalResults: summaries.length,
          page: q.page,
          pageSize: q.pageSize,
        });
      }),
    ),
    http.get(
      `${base}/companies/:companyId`,
      guard<{ companyId: string }>(({ params }) => {
        const found = find(params.companyId);
        return found ? reply('company', found) : error(404, 'not_found', 'No such company.');
      }),
    ),
    http.get(
      `${base}/companies/:companyId/syncs`,
      guard<{ companyId: string }>(({ request, params }) => {
        const query = SupportHistoryQuerySchema.safeParse(
          Object.fromEntries(new URL(request.url).searchParams),
        );
        if (!query.success) return error(400, 'validation_failed', 'Bad history query.');
        return reply('history', { runs: state.runs[params.companyId] ?? [] });
      }),
    ),
    http.get(
      `${base}/companies/:companyId/syncs/:syncId`,
      guard<{ companyId: string; syncId: string }>(({ params }) => {
        const detail = state.syncs[params.syncId];
        return detail ? reply('sync', detail) : error(404, 'not_found', 'No such sync.');
      }),
    ),
    http.post(
      `${base}/companies/:companyId/syncs/:syncId/retry-failed`,
      guard<{ companyId: string; syncId: string }>(({ request, params }) => {
        if (!/^application\/json/.test(request.headers.get('content-type') ?? ''))
          return error(415, 'unsupported_media_type', 'JSON only.');
        const detail = state.syncs[params.syncId];
        if (!detail) return error(404, 'not_found', 'No such sync.');
        state.retries[params.syncId] = (state.retries[params.syncId] ?? 0) + 1;
        const attempted = detail.items.filter((i) => i.status !== 'Written');
        const items = detail.items.map((i) =>
          i.status === 'Written'
            ? i
            : {
                ...i,
                status: 'Written' as const,
                attempts: i.attempts + 1,
                errorCode: null,
                merchantMessage: null,
                supportDetail: null,
                platformId: `jnl-${i.date}`,
              },
        );
        const next: SupportSyncDetail = {
          ...detail,
          items,
          run: {
            ...detail.run,
            state: 'succeeded',
            statusCode: 2000,
            statusText: 'Complete',
            problem: null,
          },
          counts: { written: items.length, failed: 0, pending: 0 },
        };
        state.syncs[params.syncId] = next;
        return reply('retryFailed', {
          attempted: attempted.length,
          written: attempted.length,
          stillFailing: 0,
          detail: next,
        });
      }),
    ),
    http.get(
      `${base}/companies/:companyId/configuration`,
      guard<{ companyId: string }>(({ params }) => {
        const config = state.configurations[params.companyId];
        return config
          ? reply('configuration', config)
          : error(404, 'not_found', 'No such company.');
      }),
    ),
    http.post(
      `${base}/companies/:companyId/reenable`,
      guard<{ companyId: string }>(async ({ request, params }) => {
        const body = SupportReenableRequestSchema.safeParse(await request.json());
        if (!body.success)
          return error(400, 'validation_failed', 'Give a date.', {
            errors: [
              {
                itemId: 'startDate',
                message: 'Use a date as YYYY-MM-DD.',
                validatorName: 'invalid_format',
              },
            ],
            warnings: [],
          });
        if (body.data.startDate > MOCK_TODAY) {
          return error(400, 'validation_failed', `Choose ${MOCK_TODAY} or earlier.`, {
            errors: [
              {
                itemId: 'startDate',
                message: `Choose ${MOCK_TODAY} or earlier.`,
                validatorName: 'out_of_range',
              },
            ],
            warnings: [],
          });
        }
        const index = state.companies.findIndex((c) => c.companyId === params.companyId);
        const current = state.companies[index];
        if (!current) return error(404, 'not_found', 'No such company.');
        const next: SupportCompanyDetail = {
          ...current,
          enabled: true,
          health: 'never_synced',
          failingSince: null,
          startDate: body.data.startDate,
        };
        state.companies[index] = next;
        return reply('reenable', next);
      }),
    ),
    http.get(
      `${base}/companies/:companyId/documents/:reference/lines`,
      guard<{ companyId: string; reference: string }>(({ params }) => {
        const lines = state.documentLines[params.reference];
        return lines ? reply('documentLines', lines) : error(404, 'not_found', 'No such document.');
      }),
    ),
    http.get(
      `${base}/companies/:companyId/webhook-deliveries`,
      guard<{ companyId: string }>(({ params }) =>
        reply('deliveries', state.deliveries[params.companyId] ?? { available: false, items: [] }),
      ),
    ),
  ];
}
