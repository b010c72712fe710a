import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Location, Order, Payment, Product, TaxComponent, Transaction } from '../../src/contract/commerce.js';
import { MAX_PUSH_RECORDS } from '../../src/contract/sync-api.js';
import type { Connection } from '../../src/contract/sync-api.js';
import type { SandboxLedgerSummary, SandboxPostedDocument } from '../../src/platforms/sandbox/schemas.js';
import {
  SignInRequestSchema,
  SimulateRequestSchema,
  SupportSignInRequestSchema,
  type LedgerView,
  type PartnerError,
  type Session,
  type SignedIn,
  type SimulateResult,
  type SupportSession,
  type SupportSignedIn,
  type SupportToken,
  type SyncNowResult,
} from '../shared/partner-api.js';
import { DEMO_MERCHANTS, findMerchant, type DemoMerchant } from './merchants.js';
import type { SessionCodec } from './session.js';
import { DEMO_SUPPORT_AGENTS, findSupportAgent, type DemoSupportAgent } from './support-agents.js';
import { SyncServiceError, type SyncClient } from './sync-client.js';

/** Generated commerce records of one simulated period, with the reference data they use. */
export interface SimulatedSales {
  locations: Location[];
  products: Product[];
  taxComponents: TaxComponent[];
  orders: Order[];
  payments: Payment[];
  transactions: Transaction[];
}

/** Makes the sales of `period` (merchant-local days, end exclusive) for a merchant. */
export type SalesSimulator = (input: {
  merchant: DemoMerchant;
  period: { start: string; end: string };
  seed: number;
}) => SimulatedSales;

/** Dependencies of the partner server's routes. */
export interface PartnerAppOptions {
  session: SessionCodec;
  /** The commerce-sync BFF handler, mounted under `/api/commerce-sync`. */
  bff: (request: Request) => Promise<Response>;
  sync: SyncClient;
  simulate: SalesSimulator;
  /**
   * The Support area: its own sign-in cookie, the support-token issuer, and the support BFF
   * mounted under `/api/commerce-sync/support`. Support tokens are only issued to a signed-in
   * support agent, never on a merchant session.
   */
  support?: {
    session: SessionCodec;
    issueToken(agent: DemoSupportAgent): SupportToken;
    bff: (request: Request) => Promise<Response>;
  };
  now?: () => Date;
  /** How long "sync now" waits for the run to finish before answering with its current state. */
  syncWaitMs?: number;
  /** Seeds simulated sales; defaults to a random seed per press. */
  seed?: () => number;
}

class PartnerHttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 502,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request that a browser did not send from the dashboard's own origin:
 * `Sec-Fetch-Site` must be `same-origin` (a page on another port of the same host is
 * `same-site`, and is refused too); browsers without it must send a matching `Origin`. A
 * request with neither (a cookie replayed by a form or script elsewhere) is refused as well, so
 * sign-in, "simulate" and "sync now" cannot be triggered cross-site (CSRF, login CSRF).
 */
export function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  const ok = site !== null ? site === 'same-origin' && (origin === null || origin === new URL(request.url).origin) : origin === new URL(request.url).origin;
  if (!ok) {
    throw new PartnerHttpError(403, 'cross_origin_request', 'This action must come from the Harbour POS dashboard itself. Open the dashboard and try again there.');
  }
}

/**
 * The demo partner's own server routes: sign-in, simulated sales pushed through the real push
 * API, sync now, the ledger view, and the BFF under `/api/commerce-sync`. Everything that needs
 * the sync-service API key happens here; the browser only ever sees the partner's cookie.
 */
export function createPartnerApp(options: PartnerAppOptions): Hono {
  const now = options.now ?? (() => new Date());
  const nextSeed = options.seed ?? (() => Math.floor(Math.random() * 2 ** 31));
  const app = new Hono();

  const requireMerchant = (c: Context): DemoMerchant => {
    const merchant = findMerchant(options.session.read(c.req.raw));
    if (!merchant) throw new PartnerHttpError(401, 'unauthenticated', 'Sign in as a demo merchant first.');
    return merchant;
  };
  const requireCompany = async (merchant: DemoMerchant) => {
    const company = await options.sync.findCompany(merchant.id);
    if (!company) {
      throw new PartnerHttpError(409, 'not_connected', 'Connect an accounting platform on the Accounting page first.');
    }
    return company;
  };

  app.onError((error, c) => {
    if (error instanceof PartnerHttpError) {
      return c.json<PartnerError>({ error: error.message, code: error.code }, error.status);
    }
    if (error instanceof SyncServiceError) {
      console.error(`[partner] ${error.message}`);
      const status = error.status === 409 || error.status === 422 || error.status === 400 ? 409 : 502;
      return c.json<PartnerError>({ error: merchantMessage(error), code: error.code }, status);
    }
    console.error('[partner] unexpected error', error);
    return c.json<PartnerError>({ error: 'Something went wrong on the dashboard server. Try again.', code: 'internal_error' }, 500);
  });

  // Every partner route: same-origin writes only, and nothing cached (the answers are a signed-in
  // merchant's or agent's data, and sign-in sets the cookie).
  app.use('/api/partner/*', async (c, next) => {
    assertSameOrigin(c.req.raw);
    await next();
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
    c.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  });

  const support = options.support;
  if (support) {
    app.all('/api/commerce-sync/support', (c) => support.bff(c.req.raw));
    app.all('/api/commerce-sync/support/*', (c) => support.bff(c.req.raw));

    const requireAgent = (c: Context): DemoSupportAgent => {
      const agent = findSupportAgent(support.session.read(c.req.raw));
      if (!agent) throw new PartnerHttpError(401, 'unauthenticated', 'Sign in as a support agent first.');
      return agent;
    };
    app.get('/api/partner/support/agents', (c) => c.json({ agents: DEMO_SUPPORT_AGENTS }));
    app.get('/api/partner/support/session', (c) =>
      c.json<SupportSession>({ agent: findSupportAgent(support.session.read(c.req.raw)) ?? null }),
    );
    app.post('/api/partner/support/session', async (c) => {
      const parsed = SupportSignInRequestSchema.safeParse(await c.req.json().catch(() => null));
      const agent = parsed.success ? findSupportAgent(parsed.data.agentId) : undefined;
      if (!agent) throw new PartnerHttpError(400, 'validation_failed', 'Choose one of the support agents to sign in as.');
      c.header('set-cookie', support.session.signIn(agent.id));
      return c.json<SupportSignedIn>({ agent });
    });
    app.delete('/api/partner/support/session', (c) => {
      c.header('set-cookie', support.session.signOut());
      return c.body(null, 204);
    });
    app.post('/api/partner/support/token', (c) => {
      // JSON only: a cross-site form post cannot mint a token with the agent's cookie.
      if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
        throw new PartnerHttpError(400, 'validation_failed', 'Send the token request as application/json.');
      }
      const agent = requireAgent(c);
      c.header('cache-control', 'no-store');
      return c.json<SupportToken>(support.issueToken(agent));
    });
  }

  app.all('/api/commerce-sync', (c) => options.bff(c.req.raw));
  app.all('/api/commerce-sync/*', (c) => options.bff(c.req.raw));

  app.get('/api/partner/merchants', (c) => c.json({ merchants: DEMO_MERCHANTS }));

  app.get('/api/partner/session', (c) => c.json<Session>({ merchant: findMerchant(options.session.read(c.req.raw)) ?? null }));

  app.post('/api/partner/session', async (c) => {
    const parsed = SignInRequestSchema.safeParse(await c.req.json().catch(() => null));
    const merchant = parsed.success ? findMerchant(parsed.data.merchantId) : undefined;
    if (!merchant) throw new PartnerHttpError(400, 'validation_failed', 'Choose one of the demo shops to sign in as.');
    c.header('set-cookie', options.session.signIn(merchant.id));
    return c.json<SignedIn>({ merchant });
  });

  app.delete('/api/partner/session', (c) => {
    c.header('set-cookie', options.session.signOut());
    return c.body(null, 204);
  });

  app.post('/api/partner/simulate', async (c) => {
    const merchant = requireMerchant(c);
    const parsed = SimulateRequestSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      throw new PartnerHttpError(400, 'validation_failed', parsed.error.issues[0]?.message ?? 'Give a number of days from 1 to 31.');
    }
    const company = await requireCompany(merchant);
    const period = lastDays(now(), merchant.timeZone, parsed.data.days);
    const seed = nextSeed();
    const sales = options.simulate({ merchant, period, seed });
    // Reference data first, then orders before the payments and transactions that refer to them;
    // one data type at a time, as the push contract requires.
    for (const type of ['locations', 'products', 'taxComponents', 'orders', 'payments', 'transactions'] as const) {
      const records = sales[type];
      for (let i = 0; i < records.length; i += MAX_PUSH_RECORDS) {
        await options.sync.push(company.id, type, records.slice(i, i + MAX_PUSH_RECORDS));
      }
    }
    return c.json<SimulateResult>({
      companyId: company.id,
      period,
      seed,
      pushed: { orders: sales.orders.length, payments: sales.payments.length, transactions: sales.transactions.length },
    });
  });

  app.post('/api/partner/sync-now', async (c) => {
    const merchant = requireMerchant(c);
    const company = await requireCompany(merchant);
    const started = await options.sync.syncLatest(company.id);
    let status = { code: started.syncStatusCode, text: started.syncStatus, message: started.errorMessage };
    const deadline = Date.now() + (options.syncWaitMs ?? 60_000);
    while ((status.code === 1000 || status.code === 1010) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const current = await options.sync.syncStatus(company.id, started.commerceSyncId);
      status = { code: current.syncStatusCode, text: current.syncStatus, message: current.errorMessage };
    }
    if (status.code >= 4000) throw new PartnerHttpError(409, `sync_${status.code}`, status.message || `The sync failed (${status.text}).`);
    return c.json<SyncNowResult>({ companyId: company.id, syncId: started.commerceSyncId, status: status.text });
  });

  app.get('/api/partner/ledger', async (c) => {
    const merchant = requireMerchant(c);
    const company = await options.sync.findCompany(merchant.id);
    const linked = company ? (await options.sync.connections(company.id)).some(isLinkedSandbox) : false;
    if (!company || !linked) return c.json<LedgerView>({ connected: false });
    const found = await findCompanyLedger(options.sync, company.id);
    if (!found) return c.json<LedgerView>({ connected: true, ledger: null, documents: [], trialBalance: [] });
    const trialBalance = await options.sync.sandboxTrialBalance(found.ledger.id);
    return c.json<LedgerView>({
      connected: true,
      ledger: { id: found.ledger.id, name: found.ledger.name, currency: found.ledger.baseCurrency },
      documents: found.documents
        .map((d) => ({
          id: d.platformId,
          kind: d.kind,
          date: d.date,
          reference: d.reference,
          memo: d.memo,
          currency: d.currency,
          total: d.totals.total,
          postings: d.postings.map((p) => ({
            accountId: p.accountId,
            accountCode: p.accountCode,
            accountName: p.accountName,
            description: p.description,
            debit: p.debit,
            credit: p.credit,
          })),
        }))
        .sort((a, b) => b.date.localeCompare(a.date) || a.reference.localeCompare(b.reference)),
      trialBalance: [trialBalance, ...trialBalance.otherCurrencies].map((section) => ({
        currency: section.currency,
        rows: section.accounts.map((r) => ({
          accountId: r.accountId,
          accountCode: r.code,
          accountName: r.name,
          debit: r.debit,
          credit: r.credit,
        })),
      })),
    });
  });

  app.all('/api/partner/*', () => {
    throw new PartnerHttpError(404, 'not_found', 'No such dashboard route.');
  });

  return app;
}

function isLinkedSandbox(connection: Connection): boolean {
  return connection.sourceType === 'Accounting' && connection.integrationKey === 'sandbox' && connection.status === 'Linked';
}

/**
 * The sandbox ledger holding a company's documents. The sync service does not expose which
 * ledger (tenant) a connection is linked to, but every document reference starts with the
 * company id (`documentReference`), so the ledger is the one holding such documents.
 */
async function findCompanyLedger(
  sync: SyncClient,
  companyId: string,
): Promise<{ ledger: SandboxLedgerSummary; documents: SandboxPostedDocument[] } | null> {
  const ledgers = (await sync.sandboxLedgers()).filter((l) => l.documentCount > 0);
  for (const ledger of ledgers) {
    const documents = (await sync.sandboxDocuments(ledger.id)).filter((d) => d.reference.startsWith(`${companyId}:`));
    if (documents.length > 0) return { ledger, documents };
  }
  return null;
}

/** The merchant-facing part of a sync-service failure (support detail stays in the log). */
function merchantMessage(error: SyncServiceError): string {
  const detail = error.message.replace(/^\w+ \S+ failed: /, '');
  return error.status >= 500 ? 'commerce-sync did not answer. Try again in a moment.' : detail;
}

/** The `days` merchant-local days before today in `timeZone`: start inclusive, end (today) exclusive. */
export function lastDays(now: Date, timeZone: string, days: number): { start: string; end: string } {
  const end = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const start = new Date(`${end}T00:00:00Z`);
  start.setUTCDate(start.getUTCDate() - days);
  return { start: start.toISOString().slice(0, 10), end };
}
