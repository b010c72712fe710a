import { setupServer } from 'msw/node';
import type { ConnectionTokens, ConnectorContext } from '../../../src/platforms/connector.js';
import { createXeroConnector } from '../../../src/platforms/xero/index.js';
import { ids, ukTenant, XERO_CLIENT, XeroMock } from '../../mocks/xero/xero-mock.js';
import { invoiceDay } from './day-documents.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
afterEach(() => vi.useRealTimers());

/** Small deterministic PRNG (mulberry32) so jitter is reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAYS = 365;

describe('Xero 365-day backfill pacing (simulated time)', () => {
  it('never starts more than 60 calls in any 60-second window nor more than 5 at once for one tenant', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'Date'],
      now: Date.parse('2025-01-02T02:00:00Z'),
    });
    const started = Date.now();
    // Xero enforces the limits too: any breach would surface as a 429 in its call log.
    const mock = new XeroMock({ latencyMs: 400, accessTokenTtlSeconds: 600 });
    const tenant = mock.addTenant(ukTenant());
    server.resetHandlers(...mock.handlers());
    const xero = createXeroConnector({ ...XERO_CLIENT, random: seeded(7) });
    const issued = mock.issueTokens(tenant.tenantId, 600);
    const saved: ConnectionTokens[] = [];
    const ctx: ConnectorContext = {
      tokens: {
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        expiresAt: issued.expiresAt,
        tenantId: tenant.tenantId,
      },
      saveTokens: async (t) => void saved.push(t),
    };

    const dates = Array.from({ length: DAYS }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const ledgerIds = { ...ids, salesTax: 'OUTPUT2', noTax: 'NONE' };
    let next = 0;
    // Eight day-workers compete, as a run of many days would: the connector must pace them.
    const worker = async () => {
      while (next < dates.length) {
        const date = dates[next++]!;
        const [invoice, card, cash] = invoiceDay(date, ledgerIds);
        const related: Record<string, string> = {};
        for (const document of [invoice!, card!, cash!]) {
          related[document.reference] = (
            await xero.writeDocument(ctx, document, { idempotencyKey: document.reference, related })
          ).platformId;
        }
      }
    };
    let finished = false;
    const run = Promise.all(Array.from({ length: 8 }, worker)).finally(() => (finished = true));
    while (!finished) await vi.advanceTimersByTimeAsync(1_000);
    await run;

    const calls = [...tenant.calls].sort((a, b) => a - b);
    expect(tenant.documents.Invoices).toHaveLength(DAYS);
    expect(tenant.documents.Payments).toHaveLength(2 * DAYS);
    expect(calls.length).toBe(3 * DAYS);
    let worst = 0;
    for (let i = 0; i < calls.length; i += 1) {
      let j = i;
      while (j < calls.length && calls[j]! < calls[i]! + 60_000) j += 1;
      worst = Math.max(worst, j - i);
    }
    expect(worst).toBeLessThanOrEqual(60);
    expect(tenant.maxInFlight).toBeLessThanOrEqual(5);
    expect(mock.refreshCount).toBe(saved.length);
    expect(mock.refreshCount).toBeGreaterThan(0);
    const minutes = (Date.now() - started) / 60_000;
    console.info(
      `Xero backfill: ${DAYS} days, ${calls.length} API calls, busiest 60 s window ${worst} calls, peak concurrency ${tenant.maxInFlight}, ` +
        `${mock.refreshCount} token refreshes, ${minutes.toFixed(1)} simulated minutes`,
    );
  }, 120_000);
});
