import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_TEMPLATES, createSandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import type { SandboxPlatform } from '../../../src/platforms/sandbox/index.js';
import type { JournalDocument } from '../../../src/contract/documents.js';
import {
  BASE,
  REDIRECT_URI,
  connect,
  contextFor,
  manualClock,
  newSandbox,
  ukInvoice,
  ukJournal,
  ukPayment,
  write,
} from './helpers.js';

const uk = SANDBOX_TEMPLATES.uk;
const dirs: string[] = [];
let sandbox: SandboxPlatform | undefined;
afterEach(() => {
  sandbox?.close();
  sandbox = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('sandbox persistence', () => {
  it('keeps ledgers, documents and tokens in the SQLite file across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    dirs.push(dir);
    const databasePath = join(dir, 'sandbox.sqlite');
    const clock = manualClock();
    const first = createSandboxPlatform({ databasePath, publicUrl: BASE, redirectUris: [REDIRECT_URI], now: clock.now });
    const tokens = await connect(first, 'uk');
    const written = await write(first, contextFor(tokens), ukJournal());
    first.close();

    sandbox = createSandboxPlatform({ databasePath, publicUrl: BASE, redirectUris: [REDIRECT_URI], now: clock.now });
    const ctx = contextFor(tokens);
    expect(await write(sandbox, ctx, ukJournal())).toEqual({
      platformId: written.platformId,
      replayed: true,
    });
    expect(sandbox.admin.documents(tokens.tenantId)).toHaveLength(1);
    expect(sandbox.admin.trialBalance(tokens.tenantId).totals.debit).toBe(1250);
  });

  it('stores drafts without posting them and refuses payments against them', async () => {
    ({ sandbox } = newSandbox());
    const ctx = contextFor(await connect(sandbox, 'uk'));
    const draft = await write(sandbox, ctx, { ...ukInvoice(), status: 'Draft' });
    const [doc] = sandbox.admin.documents(ctx.tokens.tenantId);
    expect(doc).toMatchObject({ kind: 'invoice', amountDue: null, postings: [] });
    await expect(write(sandbox, ctx, ukPayment(draft.platformId, 100))).rejects.toMatchObject({
      code: 'document_rejected',
      detail: expect.stringContaining('draft'),
    });
  });

  it('property: any accepted set of journals leaves a balanced trial balance, and a rerun changes nothing', async () => {
    const accounts = [
      uk.accounts.cardClearing,
      uk.accounts.cashClearing,
      uk.accounts.sales,
      uk.accounts.taxPayable,
      uk.accounts.merchantFees,
      uk.accounts.tipsPayable,
    ].map((a) => a.id);
    const journalArb = fc.record({
      day: fc.integer({ min: 1, max: 28 }),
      amounts: fc.array(fc.integer({ min: -5_000_000, max: 5_000_000 }), {
        minLength: 1,
        maxLength: 6,
      }),
      accountIndexes: fc.array(fc.nat({ max: accounts.length - 1 }), {
        minLength: 7,
        maxLength: 7,
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(journalArb, { minLength: 1, maxLength: 5 }), async (specs) => {
        const local = newSandbox().sandbox;
        try {
          const ctx = contextFor(await connect(local, 'uk'));
          const journals: JournalDocument[] = specs.map((spec, i) => {
            const balancing = -spec.amounts.reduce((a, b) => a + b, 0);
            const amounts = [...spec.amounts, balancing];
            return {
              ...ukJournal(`2026-04-${String(spec.day).padStart(2, '0')}`),
              reference: `prop:${i}`,
              lines: amounts.map((amount, k) => ({
                accountId: accounts[spec.accountIndexes[k]!]!,
                amount,
                description: `line ${k}`,
                role: 'sales' as const,
              })),
            };
          });
          for (const j of journals) await write(local, ctx, j);
          const tb = local.admin.trialBalance(ctx.tokens.tenantId);
          expect(tb.totals.debit).toBe(tb.totals.credit);
          const expectedDebits = journals
            .flatMap((j) => j.lines)
            .reduce((s, l) => s + Math.max(l.amount, 0), 0);
          expect(tb.totals.debit).toBe(expectedDebits);
          for (const j of journals) expect((await write(local, ctx, j)).replayed).toBe(true);
          expect(local.admin.trialBalance(ctx.tokens.tenantId)).toEqual(tb);
        } finally {
          local.close();
        }
      }),
      { numRuns: 25, seed: 20260301 },
    );
  });
});
