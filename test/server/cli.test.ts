import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { dropPostgresSchema } from '../../src/server/index.js';
import { PG, uniqueSchema } from './targets.js';

const BIN = resolve(import.meta.dirname, '../../bin/commerce-sync.mjs');
const KEY = 'cli-test-key-0001';

function start(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function waitFor(predicate: () => boolean, what: string, ms = 45_000): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('commerce-sync CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cs-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the API on a port with the sandbox mounted and env-registered connectors', { timeout: 90_000 }, async () => {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const callback = 'https://partner.example.test/api/commerce-sync/oauth/callback';
    const proc = start(['serve', '--port', String(port), '--db', join(dir, 'sync.db'), '--sandbox-db', join(dir, 'sandbox.db'), '--sandbox-redirect-uri', callback, '--no-scheduler'], {
      COMMERCE_SYNC_API_KEYS: KEY,
      COMMERCE_SYNC_ENCRYPTION_KEY: 'a'.repeat(64),
      XERO_CLIENT_ID: 'xero-id',
      XERO_CLIENT_SECRET: 'xero-secret',
    });
    try {
      await waitFor(() => proc.output().includes('listening'), 'the server to listen');
      const base = `http://127.0.0.1:${port}`;
      const auth = { Authorization: `Basic ${Buffer.from(KEY).toString('base64')}` };
      const created = await fetch(`${base}/companies`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'CLI Cafe' }) });
      expect(created.status).toBe(200);
      const integrations = (await (await fetch(`${base}/config/integrations`, { headers: auth })).json()) as { results: { key: string }[] };
      expect(integrations.results.map((i) => i.key).sort()).toEqual(['sandbox', 'xero']);
      expect((await fetch(`${base}/sandbox/ledgers`)).status).toBe(200);
      expect((await fetch(`${base}/companies`)).status).toBe(401);
      // The sandbox's consent page opens only for the registered callback.
      const authorize = (redirectUri: string) =>
        fetch(`${base}/sandbox/oauth/authorize?response_type=code&client_id=sandbox-client&state=s&redirect_uri=${encodeURIComponent(redirectUri)}`, { redirect: 'manual' });
      expect((await authorize(callback)).status).toBe(200);
      const other = await authorize('https://elsewhere.example.test/callback');
      expect(other.status).toBe(400);
      expect(other.headers.get('location')).toBeNull();
    } finally {
      if (proc.child.pid) process.kill(proc.child.pid, 'SIGTERM');
      await proc.exited;
    }
  });

  it('refuses to start without an encryption key, saying how to make one', { timeout: 60_000 }, async () => {
    const proc = start(['serve', '--port', '0', '--db', join(dir, 'sync.db'), '--no-sandbox'], { COMMERCE_SYNC_API_KEYS: KEY });
    expect(await proc.exited).not.toBe(0);
    expect(proc.output()).toMatch(/COMMERCE_SYNC_ENCRYPTION_KEY/);
  });

  it('lists the worker and scheduler commands in its help', { timeout: 60_000 }, async () => {
    const proc = start(['--help'], {});
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toMatch(/commerce-sync worker \[options\]/);
    expect(proc.output()).toMatch(/commerce-sync scheduler \[options\]/);
  });

  it('refuses a worker on the embedded SQLite store, whose queue lives in one process', { timeout: 60_000 }, async () => {
    const proc = start(['worker', '--db', join(dir, 'sync.db'), '--no-sandbox'], { COMMERCE_SYNC_ENCRYPTION_KEY: 'a'.repeat(64) });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(/needs PostgreSQL/);
  });

  it('runs a worker on PostgreSQL without an HTTP port or API keys, and stops on SIGTERM', { timeout: 90_000 }, async () => {
    const schema = uniqueSchema();
    const url = `postgres://${PG.user}@${PG.host}:${PG.port}/${PG.database}`;
    const proc = start(['worker', '--workers', '3', '--postgres', url, '--pg-schema', schema, '--no-sandbox'], { COMMERCE_SYNC_ENCRYPTION_KEY: 'a'.repeat(64) });
    try {
      await waitFor(() => proc.output().includes('ready'), 'the worker to be ready');
      expect(proc.output()).toMatch(/commerce-sync worker ready \(3 workers, no scheduler/);
      expect(proc.output()).not.toMatch(/listening/);
    } finally {
      if (proc.child.pid) process.kill(proc.child.pid, 'SIGTERM');
      expect(await proc.exited).toBe(0);
      // Cleaning up drops the queue's schema beside the store's.
      await dropPostgresSchema({ ...PG, schema });
      const client = new pg.Client(PG);
      await client.connect();
      const left = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname IN ($1, $2)', [schema, `${schema}_jobs`]).finally(() => client.end());
      expect(left.rows).toEqual([]);
    }
  });
});
