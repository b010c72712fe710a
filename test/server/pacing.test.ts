import { createSandboxPlatform } from '../../src/platforms/sandbox/index.js';
import type { AccountingConnector } from '../../src/platforms/connector.js';
import { buildConfiguration, buildOrder, buildPayment } from '../fixtures/index.js';
import { BASE, SANDBOX_REDIRECT_URI, call, clock, linkSandbox, makeService } from './helpers.js';

describe('write pacing and platform back-off', () => {
  it('keeps writes under the platform per-minute budget and honours 429 Retry-After', async () => {
    const c = clock('2026-03-12T10:00:00Z');
    const sandbox = createSandboxPlatform({ databasePath: ':memory:', publicUrl: `${BASE}/sandbox`, redirectUris: [SANDBOX_REDIRECT_URI], now: c.now });
    // The same connector, advertising a tiny budget: two requests a minute.
    const slow: AccountingConnector = Object.create(sandbox.connector, {
      rateLimits: { value: { requestsPerMinute: 2, maxConcurrent: 1 } },
    }) as AccountingConnector;
    const sleeps: number[] = [];
    const service = makeService({ now: c.now, sandbox: false, platforms: [slow], sleep: async (ms) => void sleeps.push(ms) });
    // The sandbox's own pages are not mounted without the embedded sandbox; route them here.
    const fetchBoth = (request: Request) => (new URL(request.url).pathname.startsWith('/sandbox') ? sandbox.handler(request) : service.fetch(request));
    const facade = { ...service, sandbox, fetch: fetchBoth };
    try {
      const companyId = (await call(facade, 'POST', '/companies', { name: 'Slow Cafe' })).body.id as string;
      const { ledgerId } = await linkSandbox(facade, companyId, 'uk');
      const config = buildConfiguration({ timeZone: 'Europe/London' });
      config.schedule = { ...config.schedule, startDate: '2026-03-09' };
      expect((await call(facade, 'POST', `/config/companies/${companyId}/sync/commerce`, config)).status).toBe(200);
      for (const day of ['2026-03-09', '2026-03-10', '2026-03-11']) {
        await call(facade, 'POST', `/companies/${companyId}/data/commerce-orders`, [buildOrder({ createdDate: `${day}T12:00:00Z` })]);
        await call(facade, 'POST', `/companies/${companyId}/data/commerce-payments`, [buildPayment({ createdDate: `${day}T12:00:00Z` })]);
      }
      sandbox.admin.failNextRequests(ledgerId, 1, 429);
      const run = await call(facade, 'POST', `/companies/${companyId}/sync/commerce/latest`, {});
      expect(run.body.syncStatusCode, run.body.syncExceptionMessage).toBe(2000);
      expect(sandbox.admin.documents(ledgerId)).toHaveLength(3);
      // A budget of 1 write a minute (90% of 2): the 2nd and 3rd writes each wait for the window.
      expect(sleeps.filter((ms) => ms > 55_000)).toHaveLength(2);
      // …and the 429 was waited out (Retry-After or back-off) and retried, not failed.
      expect(sleeps.filter((ms) => ms <= 55_000)).toHaveLength(1);
    } finally {
      await service.close();
      sandbox.close();
    }
  });
});
