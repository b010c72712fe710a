import type { AccountingConnector } from '../../src/platforms/connector.js';
import { BudgetExhaustedError } from '../../src/platforms/http/call-budget.js';
import { createSandboxPlatform } from '../../src/platforms/sandbox/index.js';
import { burstDelayMs } from '../../src/server/scheduler.js';
import { openStore } from '../../src/server/index.js';
import { buildConfiguration, buildOrder, buildPayment } from '../fixtures/index.js';
import { BASE, SANDBOX_REDIRECT_URI, call, clock, linkSandbox, makeService } from './helpers.js';

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a scheduled run that hits its vendor call budget', () => {
  it('yields its worker, waits on budget, and resumes the same run without writing anything twice', async () => {
    const c = clock('2026-03-12T10:00:00Z');
    const sandbox = createSandboxPlatform({ databasePath: ':memory:', publicUrl: `${BASE}/sandbox`, redirectUris: [SANDBOX_REDIRECT_URI], now: c.now });
    // The sandbox connector behind a budget that is spent once, at the second document.
    const vendorWrites: string[] = [];
    let refusals = 0;
    const budgeted: AccountingConnector = Object.create(sandbox.connector, {
      writeDocument: {
        value: async (...args: Parameters<AccountingConnector['writeDocument']>) => {
          if (vendorWrites.length === 1 && refusals === 0) {
            refusals += 1;
            throw new BudgetExhaustedError('minute', 'Sandbox', 300);
          }
          vendorWrites.push(args[1].reference);
          return sandbox.connector.writeDocument(...args);
        },
      },
    }) as AccountingConnector;
    const store = await openStore({ sqlite: ':memory:' });
    // The engine's in-run sleep is recorded: a yielded run must not sleep out the budget.
    const sleeps: number[] = [];
    const service = makeService({ now: c.now, store, sandbox: false, platforms: [budgeted], sleep: async (ms) => void sleeps.push(ms) });
    const fetchBoth = (request: Request) => (new URL(request.url).pathname.startsWith('/sandbox') ? sandbox.handler(request) : service.fetch(request));
    const facade = { ...service, sandbox, fetch: fetchBoth };
    try {
      const companyId = (await call(facade, 'POST', '/companies', { name: 'Budget Cafe' })).body.id as string;
      const { ledgerId } = await linkSandbox(facade, companyId, 'uk');
      const config = buildConfiguration({ timeZone: 'Europe/London' });
      config.schedule = { ...config.schedule, startDate: '2026-03-09', syncHour: 2 };
      expect((await call(facade, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status).toBe(200);
      for (const day of ['2026-03-09', '2026-03-10', '2026-03-11']) {
        await call(facade, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ createdDate: `${day}T12:00:00Z` })]);
        await call(facade, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment({ createdDate: `${day}T12:00:00Z` })]);
      }
      const queue = await service.queue();
      await service.scheduler.tick(c.now());
      // The tick returned with the run parked: long-running, its worker free, counted as waiting on budget.
      expect(await queue.counts()).toMatchObject({ running: 0, waitingOnBudget: 1 });
      const parked = (await call(facade, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body;
      expect(parked).toHaveLength(1);
      expect(parked[0]).toMatchObject({ syncId: expect.any(String), trigger: 'scheduled', syncStatusCode: 1010 });
      expect(vendorWrites).toHaveLength(1);
      expect(sleeps.filter((ms) => ms > 0)).toEqual([]);

      // Another tick meanwhile does not queue the company a second time.
      await service.scheduler.tick(c.now());
      expect(await queue.counts()).toMatchObject({ queued: 0, waitingOnBudget: 1 });

      // Once the budget refills the same run resumes and finishes.
      await until(async () => {
        const counts = await queue.counts();
        return counts.waitingOnBudget === 0 && counts.running === 0 && counts.queued === 0;
      });
      const runs = (await call(facade, 'GET', `/companies/${companyId}/sync/commerce/syncs/list/status`)).body;
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ syncId: parked[0].syncId, trigger: 'scheduled', syncStatusCode: 2000, period: { start: '2026-03-09', finish: '2026-03-12' } });
      // Three days, one journal each: each reached the vendor exactly once.
      expect(vendorWrites).toHaveLength(3);
      expect(new Set(vendorWrites).size).toBe(3);
      expect(sandbox.admin.documents(ledgerId)).toHaveLength(3);
    } finally {
      await service.close();
      await store.close();
      sandbox.close();
    }
  });
});

describe('burstDelayMs (midnight smoothing)', () => {
  it('starts the first burst at once and spreads the rest at that rate within the hour', () => {
    // 500 a minute: companies 0..499 now, 500 one minute on, 750 at 90 s, never past 59 minutes.
    expect(burstDelayMs(0, 500)).toBe(0);
    expect(burstDelayMs(499, 500)).toBe(0);
    expect(burstDelayMs(500, 500)).toBe(60_000);
    expect(burstDelayMs(750, 500)).toBe(90_000);
    expect(burstDelayMs(29_000, 500)).toBe(3_480_000);
    expect(burstDelayMs(100_000, 500)).toBe(59 * 60_000);
  });
});
