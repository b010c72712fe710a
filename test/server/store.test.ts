import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { AccountingDocument } from '../../src/contract/documents.js';
import { MIGRATIONS, type CompanyRecord, type Store } from '../../src/server/store/index.js';
import { postgresTarget, sqliteTarget, type Target } from './targets.js';

function company(id: string, tags: Record<string, string> = {}): CompanyRecord {
  return {
    id, name: `Company ${id}`, description: null, tags, createdAt: `2026-01-01T00:00:0${id.length % 10}Z`, lastSync: null,
    syncedThrough: null, config: null, configured: false, enabled: false, failingSince: null, failedRunDays: 0, lastFailedRunDay: null,
  };
}

const LEASE_HOLDER = resolve(import.meta.dirname, 'processes/lease-holder.ts');

/** Starts a process that takes `key` on the target's store and holds it until killed. */
async function leaseHolderProcess(target: Target, key: string): Promise<{ kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', LEASE_HOLDER, JSON.stringify(target.options), key], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let output = '';
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`lease holder did not start: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('held')) {
        clearTimeout(timer);
        done();
      } else if (output.includes('busy')) fail(new Error('lease holder found the lease taken'));
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', () => fail(new Error(`lease holder exited: ${output}`)));
  });
  return {
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function journal(reference: string, date: string): AccountingDocument {
  return {
    kind: 'journal', reference, companyId: 'c1', date, currency: 'GBP', group: { currency: 'GBP' }, revision: 0, memo: 'test',
    lines: [
      { accountId: 'a', amount: 100, description: 'x', role: 'payment' },
      { accountId: 'b', amount: -100, description: 'y', role: 'sales' },
    ],
  };
}

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('store on %s', (_name, makeTarget: () => Target) => {
  let target: Target;
  let store: Store;
  beforeEach(async () => {
    target = makeTarget();
    store = await target.open();
  });
  afterEach(async () => {
    await store.close();
    await target.cleanup();
  });

  it('keeps what a deleted company posted, per merchant and ledger, the later day winning (issue 16 bug 4)', async () => {
    const at = '2026-03-10T12:00:00Z';
    await store.insertCompany(company('c1', { merchantId: 'm-1' }));
    expect(await store.deleteCompany('c1', { merchantKey: 'm-1', ledgerKey: 'sandbox:L1', syncedThrough: '2026-03-10', recordedAt: at })).toBe(true);
    expect(await store.postedHistory('m-1', 'sandbox:L1')).toEqual({ syncedThrough: '2026-03-10', documents: 0 });
    expect(await store.postedHistory('m-1', 'sandbox:L2')).toBeNull();
    expect(await store.postedHistory('m-2', 'sandbox:L1')).toBeNull();
    // A second set-up on the same ledger, deleted after posting less far: the furthest day stays.
    await store.insertCompany(company('c22', { merchantId: 'm-1' }));
    await store.deleteCompany('c22', { merchantKey: 'm-1', ledgerKey: 'sandbox:L1', syncedThrough: '2026-03-05', recordedAt: at });
    expect(await store.postedHistory('m-1', 'sandbox:L1')).toEqual({ syncedThrough: '2026-03-10', documents: 0 });
  });

  it('applies every migration once and records it', async () => {
    expect(await store.migrate()).toEqual([]);
    const rows = await store.db.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('stores companies and filters them by tag with paging', async () => {
    await store.insertCompany(company('c1', { merchantId: 'm-1' }));
    await store.insertCompany(company('c22', { merchantId: 'm-2' }));
    await store.insertCompany(company('c333', { merchantId: 'm-1' }));
    expect((await store.listCompanies(1, 10)).total).toBe(3);
    const tagged = await store.listCompanies(1, 1, { name: 'merchantId', value: 'm-1' });
    expect(tagged.total).toBe(2);
    expect(tagged.rows.map((c) => c.id)).toEqual(['c1']);
    expect((await store.listCompanies(2, 1, { name: 'merchantId', value: 'm-1' })).rows.map((c) => c.id)).toEqual(['c333']);
    expect(await store.listCompanies(3, 1, { name: 'merchantId', value: 'm-1' })).toEqual({ rows: [], total: 2 });
    expect((await store.listCompanies(2, 2)).rows.map((c) => c.id)).toEqual(['c333']);
    // Tag names are data, not paths: dots, quotes and dollar signs match literally.
    await store.insertCompany(company('c4', { 'region.code': 'uk', 'say "hi"': '$1', merchantId: 'M-1' }));
    expect((await store.listCompanies(1, 10, { name: 'region.code', value: 'uk' })).rows.map((c) => c.id)).toEqual(['c4']);
    expect((await store.listCompanies(1, 10, { name: 'say "hi"', value: '$1' })).rows.map((c) => c.id)).toEqual(['c4']);
    expect((await store.listCompanies(1, 10, { name: 'region', value: 'uk' })).total).toBe(0);
    expect((await store.listCompanies(1, 10, { name: 'merchantId', value: 'm-1' })).total).toBe(2); // values match exactly
    await store.updateCompany('c1', { syncedThrough: '2026-03-01', enabled: true, config: { enabled: true } });
    expect(await store.getCompany('c1')).toMatchObject({ syncedThrough: '2026-03-01', enabled: true, config: { enabled: true } });
    expect(await store.deleteCompany('c22')).toBe(true);
    expect(await store.getCompany('c22')).toBeNull();
  });

  it('rolls a failed transaction back completely', async () => {
    await store.insertCompany(company('c1'));
    await expect(
      store.transaction(async (tx) => {
        await tx.upsertRecords('c1', 'orders', [{ id: 'o1', createdAt: '2026-03-01T10:00:00.000Z', sourceModified: null, body: '{}' }]);
        await tx.markDirty('c1', ['2026-03-01'], '2026-03-02T00:00:00.000Z');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.countRecords('c1', 'orders')).toBe(0);
    expect(await store.dirtyDays('c1')).toEqual([]);
  });

  it('upserts whole records, reads them by creation window and deletes them', async () => {
    await store.insertCompany(company('c1'));
    const rows = Array.from({ length: 950 }, (_, i) => ({
      id: `o${i}`,
      createdAt: new Date(Date.UTC(2026, 2, 1, 0, i)).toISOString(),
      sourceModified: '2026-03-01T00:00:00.000Z',
      body: JSON.stringify({ id: `o${i}`, n: i }),
    }));
    await store.upsertRecords('c1', 'orders', rows);
    await store.upsertRecords('c1', 'orders', [{ ...rows[0]!, sourceModified: '2026-03-02T00:00:00.000Z', body: JSON.stringify({ id: 'o0', n: -1 }) }]);
    expect(await store.countRecords('c1', 'orders')).toBe(950);
    const meta = await store.recordMeta('c1', 'orders', ['o0', 'o1', 'missing']);
    expect(meta.get('o0')?.sourceModified).toBe('2026-03-02T00:00:00.000Z');
    expect(meta.has('missing')).toBe(false);
    const window = await store.recordsCreatedBetween('c1', 'orders', '2026-03-01T00:00:00.000Z', '2026-03-01T00:10:00.000Z');
    expect(window).toHaveLength(10);
    expect(window[0]).toEqual({ id: 'o0', n: -1 });
    expect(await store.deleteRecords('c1', 'orders', ['o0', 'o1', 'nope'])).toBe(2);
    expect(await store.countRecords('c1', 'orders')).toBe(948);
  });

  it('lets one push per data type hold the lock until released or expired', async () => {
    const t0 = new Date('2026-03-01T00:00:00Z');
    expect(await store.tryPushLock('c1', 'orders', 'a', t0, 60_000)).toBe(true);
    expect(await store.tryPushLock('c1', 'orders', 'b', t0, 60_000)).toBe(false);
    expect(await store.tryPushLock('c1', 'payments', 'b', t0, 60_000)).toBe(true);
    expect(await store.tryPushLock('c1', 'orders', 'b', new Date(t0.getTime() + 61_000), 60_000)).toBe(true);
    await store.releasePushLock('c1', 'orders', 'b');
    expect(await store.tryPushLock('c1', 'orders', 'c', t0, 60_000)).toBe(true);
  });

  it('grants a run lease to one holder across separate connections', async () => {
    const other = await target.open();
    try {
      const now = new Date('2026-03-01T00:00:00Z');
      const lease = await store.tryLease('run:c1', 'one', 60_000, now);
      expect(lease).not.toBeNull();
      expect(await other.tryLease('run:c1', 'two', 60_000, now)).toBeNull();
      expect(await other.tryLease('run:c2', 'two', 60_000, now)).not.toBeNull();
      await lease?.release();
      const second = await other.tryLease('run:c1', 'two', 60_000, now);
      expect(second).not.toBeNull();
      await second?.release();
    } finally {
      await other.close();
    }
  });

  it('takes over at once the run lease of a holder process that was killed, never that of a live one', { timeout: 60_000 }, async () => {
    const holder = await leaseHolderProcess(target, 'run:c1');
    let killed = false;
    try {
      // Well within the holder's hour-long lease: only its death can free it.
      const now = new Date();
      expect(await store.tryLease('run:c1', 'parent', 60_000, now)).toBeNull();
      await holder.kill();
      killed = true;
      // PostgreSQL drops the lock when it sees the connection close; allow it a moment.
      let lease = await store.tryLease('run:c1', 'parent', 60_000, now);
      for (let i = 0; !lease && i < 50; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        lease = await store.tryLease('run:c1', 'parent', 60_000, now);
      }
      expect(lease).not.toBeNull();
      await lease?.release();
    } finally {
      if (!killed) await holder.kill();
    }
  });

  it('keeps a renewed lease, and lets a lease that is not renewed lapse to the next owner', async () => {
    const other = await target.open();
    try {
      const t0 = new Date('2026-03-01T00:00:00Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);
      const first = await store.tryLease('run:c1', 'one', 10_000, t0);
      expect(await first?.renew(at(8_000))).toBe(true);
      // 15 s after it was taken, but 7 s after its renewal: still held.
      expect(await other.tryLease('run:c1', 'two', 10_000, at(15_000))).toBeNull();
      if (target.name === 'sqlite') {
        // Same process, so presumed alive: the lease lapses 10 s after its last renewal.
        const second = await other.tryLease('run:c1', 'two', 10_000, at(18_001));
        expect(second).not.toBeNull();
        expect(await first?.renew(at(18_002))).toBe(false);
        await second?.release();
      }
      await first?.release();
    } finally {
      await other.close();
    }
  });

  it('uses a sync-flow code once and never after it expires', async () => {
    await store.insertCompany(company('c1'));
    await store.insertSyncFlowCode({ code: 'k1', companyId: 'c1', commerceKey: 'commerce', accountingKey: 'sandbox', merchantIdentifier: null, expiresAt: '2026-03-01T00:00:30.000Z', usedAt: null });
    await store.insertSyncFlowCode({ code: 'k2', companyId: 'c1', commerceKey: 'commerce', accountingKey: 'sandbox', merchantIdentifier: null, expiresAt: '2026-03-01T00:00:30.000Z', usedAt: null });
    expect(await store.consumeSyncFlowCode('k1', '2026-03-01T00:00:10.000Z')).toMatchObject({ companyId: 'c1' });
    expect(await store.consumeSyncFlowCode('k1', '2026-03-01T00:00:11.000Z')).toBeNull();
    expect(await store.consumeSyncFlowCode('k2', '2026-03-01T00:00:31.000Z')).toBeNull();
  });

  it('keeps written push items written when a later run records the same documents', async () => {
    await store.insertCompany(company('c1'));
    const run = await store.insertRun({
      id: 'r1', companyId: 'c1', trigger: 'latest', periodStart: '2026-03-01', periodEnd: '2026-03-02', statusCode: 1000, statusText: 'InProgress',
      errorMessage: '', exceptionMessage: '', errorCode: null, wizardStep: null, errorParams: null, dataPushed: false, createdAt: '2026-03-02T01:00:00Z', completedAt: null,
    });
    expect(run.seq).toBe(1);
    const docs = [journal('c1:2026-03-01:a:r0', '2026-03-01'), journal('c1:2026-03-01:b:r0', '2026-03-01')];
    await store.recordPendingItems('c1', 'r1', docs, '2026-03-02T01:00:00Z');
    await store.markItem('c1', docs[0]!.reference, { status: 'Written', platformId: 'p1', updatedAt: '2026-03-02T01:00:01Z' });
    await store.insertRun({ ...run, id: 'r2', createdAt: '2026-03-02T02:00:00Z' });
    await store.recordPendingItems('c1', 'r2', docs, '2026-03-02T02:00:00Z');
    const items = await store.itemsByReference('c1', docs.map((d) => d.reference));
    expect(items.find((i) => i.reference === docs[0]!.reference)).toMatchObject({ status: 'Written', runId: 'r1', platformId: 'p1' });
    expect(items.find((i) => i.reference === docs[1]!.reference)).toMatchObject({ status: 'Pending', runId: 'r2' });
    expect((await store.writtenDocumentsForDays('c1', ['2026-03-01'])).map((i) => i.document)).toEqual([docs[0]]);
    expect((await store.latestRun('c1'))?.id).toBe('r2');
    expect((await store.runsInProgress('c1')).map((r) => r.seq)).toEqual([1, 2]);
  });

  it('clears re-opened days only when not marked again since the run started', async () => {
    await store.insertCompany(company('c1'));
    await store.markDirty('c1', ['2026-03-01', '2026-03-02'], '2026-03-05T00:00:00.000Z');
    await store.markDirty('c1', ['2026-03-02'], '2026-03-05T02:00:00.000Z');
    await store.clearDirty('c1', ['2026-03-01', '2026-03-02'], '2026-03-05T01:00:00.000Z');
    expect((await store.dirtyDays('c1')).map((d) => d.day)).toEqual(['2026-03-02']);
  });
});
