import { afterEach, describe, expect, it } from 'vitest';
import {
  SANDBOX_TEMPLATES,
  SandboxDocumentListSchema,
  SandboxLedgerListSchema,
  SandboxTrialBalanceSchema,
} from '../../../src/platforms/sandbox/index.js';
import type { SandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import {
  connect,
  contextFor,
  get,
  newSandbox,
  ukInvoice,
  ukJournal,
  ukPayment,
  write,
} from './helpers.js';

let sandbox: SandboxPlatform;
afterEach(() => sandbox?.close());

async function postedLedger() {
  ({ sandbox } = newSandbox());
  const tokens = await connect(sandbox, 'uk');
  const ctx = contextFor(tokens);
  const journal = { ...ukJournal('2026-03-02'), memo: '<script>alert("memo")</script>' };
  journal.lines[0]!.description = 'Cash & <b>tips</b>';
  await write(sandbox, ctx, journal);
  const invoice = await write(sandbox, ctx, ukInvoice('2026-03-03', 123_456));
  await write(sandbox, ctx, ukPayment(invoice.platformId, 100_000, 'received', '2026-03-03'));
  return tokens.tenantId;
}

describe('sandbox ledger views', () => {
  it('lists ledgers as JSON', async () => {
    const ledgerId = await postedLedger();
    const response = await get(sandbox, '/ledgers', { Accept: 'application/json' });
    expect(response.headers.get('content-type')).toContain('application/json');
    const { items } = SandboxLedgerListSchema.parse(await response.json());
    expect((await get(sandbox, '/ledgers?format=json')).headers.get('content-type')).toContain(
      'application/json',
    );
    expect((await get(sandbox, '/ledgers')).headers.get('content-type')).toContain('text/html');
    expect(items).toEqual([
      expect.objectContaining({
        id: ledgerId,
        template: 'uk',
        baseCurrency: 'GBP',
        documentCount: 3,
      }),
    ]);
  });

  it('serves the documents as JSON with references, lines and totals', async () => {
    const ledgerId = await postedLedger();
    const response = await get(sandbox, `/ledgers/${ledgerId}/documents`);
    const { ledgerId: listed, items } = SandboxDocumentListSchema.parse(await response.json());
    expect(listed).toBe(ledgerId);
    expect(items.map((d) => [d.kind, d.date, d.idempotencyKey])).toEqual([
      ['journal', '2026-03-02', 'cmp-1:2026-03-02:GBP||:journal:r0'],
      ['invoice', '2026-03-03', 'cmp-1:2026-03-03:GBP||:invoice:r0'],
      ['payment', '2026-03-03', 'cmp-1:2026-03-03:GBP||:payment:received-100000:r0'],
    ]);
    expect(items[1]!.totals).toEqual({
      net: 102_880,
      tax: 20_576,
      total: 123_456,
      totalDecimal: '1234.56',
    });
    expect(items[1]!.amountDue).toBe(23_456);
    expect(items[0]!.lines).toHaveLength(4);
    expect(items[0]!.postings[0]).toMatchObject({
      accountId: 'acc-092',
      accountName: 'Cash clearing',
      debit: 1250,
      credit: 0,
    });
  });

  it('serves a trial balance whose debits equal its credits', async () => {
    const ledgerId = await postedLedger();
    const tb = SandboxTrialBalanceSchema.parse(
      await (await get(sandbox, `/ledgers/${ledgerId}/trial-balance`)).json(),
    );
    const debit = tb.accounts.reduce((s, a) => s + a.debit, 0);
    const credit = tb.accounts.reduce((s, a) => s + a.credit, 0);
    expect(debit).toBe(credit);
    expect(tb.totals).toEqual({ debit, credit, debitDecimal: '2247.06', creditDecimal: '2247.06' });
    expect(
      tb.accounts.find((a) => a.accountId === SANDBOX_TEMPLATES.uk.accounts.sales.id),
    ).toMatchObject({
      credit: 1_000 + 102_880,
      creditDecimal: '1038.80',
    });
  });

  it('renders the ledger page with escaped content, captions, headers and Intl money', async () => {
    const ledgerId = await postedLedger();
    const response = await get(sandbox, `/ledgers/${ledgerId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;memo&quot;)&lt;/script&gt;');
    expect(html).toContain('Cash &amp; &lt;b&gt;tips&lt;/b&gt;');
    expect(html).toContain('<caption>Trial balance in GBP</caption>');
    expect(html).toContain('<th scope="col">Account</th>');
    expect(html).toContain('£1,234.56');
    expect(html).toContain('£2,247.06');
    expect(html).toMatch(/<main id="main">/);
  });

  it('escapes ledger names in the list and answers unknown ledgers with 404', async () => {
    ({ sandbox } = newSandbox());
    sandbox.admin.createLedger('us', '"><img src=x onerror=alert(1)>');
    const html = await (await get(sandbox, '/ledgers')).text();
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect((await get(sandbox, '/ledgers/ldg_missing')).status).toBe(404);
    expect((await get(sandbox, '/ledgers/ldg_missing/documents')).status).toBe(404);
    const notFound = await get(sandbox, '/nowhere/<b>');
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).not.toContain('<b>');
  });

  it('formats money in each ledger currency', async () => {
    ({ sandbox } = newSandbox());
    const tokens = await connect(sandbox, 'ca');
    const ca = SANDBOX_TEMPLATES.ca;
    await write(sandbox, contextFor(tokens), {
      ...ukJournal('2026-03-02'),
      currency: 'CAD',
      group: { currency: 'CAD' },
      lines: [
        {
          accountId: ca.accounts.cardClearing.id,
          amount: 11_200,
          description: 'Card',
          role: 'payment',
        },
        { accountId: ca.accounts.sales.id, amount: -10_000, description: 'Sales', role: 'sales' },
        { accountId: ca.accounts.taxPayable.id, amount: -500, description: 'GST', role: 'tax' },
        { accountId: ca.accounts.pstPayable.id, amount: -700, description: 'PST', role: 'tax' },
      ],
    });
    const html = await (await get(sandbox, `/ledgers/${tokens.tenantId}`)).text();
    expect(html).toContain('$112.00');
    expect(html).toContain('PST payable');
  });

  it('rejects the wrong method and serves the logo', async () => {
    ({ sandbox } = newSandbox());
    const wrongMethod = await sandbox.handler(
      new Request('http://127.0.0.1:4010/sandbox/oauth/token', { method: 'GET' }),
    );
    expect(wrongMethod.status).toBe(405);
    const logo = await get(sandbox, '/logo.svg');
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    expect(sandbox.connector.platform).toMatchObject({
      key: 'sandbox',
      name: 'Sandbox ledger',
      supportsPkce: true,
    });
    expect(sandbox.connector.rateLimits).toEqual({ requestsPerMinute: 600, maxConcurrent: 10 });
  });
});

describe('sandbox routing', () => {
  it('answers 404 for unknown sub-paths and 405 for writes to the views', async () => {
    ({ sandbox } = newSandbox());
    const id = sandbox.admin.createLedger('uk');
    expect((await get(sandbox, `/ledgers/${id}/nothing/here`)).status).toBe(404);
    const del = await sandbox.handler(
      new Request(`http://127.0.0.1:4010/sandbox/ledgers/${id}`, { method: 'DELETE' }),
    );
    expect(del.status).toBe(405);
    // Paths already stripped of the mount prefix by a host router work too.
    expect(
      (await sandbox.handler(new Request(`http://127.0.0.1:4010/ledgers/${id}/trial-balance`)))
        .status,
    ).toBe(200);
  });
});

describe('sandbox paths with a malformed percent-encoding', () => {
  it('answers 400 saying what is wrong, not a server error', async () => {
    ({ sandbox } = newSandbox());
    for (const path of ['/ledgers/%E0%A4%A', '/ledgers/%zz/documents', '/api/documents/%C3%28']) {
      const response = await get(sandbox, path, { Accept: 'application/json' });
      expect(response.status, path).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/percent-encod/i) });
    }
  });
});
