/**
 * BFF load benchmark: 200 concurrent keep-alive connections, each bounded in time, against the
 * BFF's `GET /sync/status` and `GET /configuration`, next to `GET /connection` on the same stack
 * as the baseline. The stack is real and on loopback only: a sync service (SQLite store, sandbox
 * ledger linked, a configuration saved, a few runs in the history) and a BFF reaching it over
 * HTTP, each in its own child process, so neither shares an event loop with the load generator.
 * Each route's time is split into rounds that alternate with the other routes', so a change in
 * machine load during the run weighs on every route alike.
 *
 *   npm run bench:bff                                            # 200 connections, 10 s per route, 5 rounds
 *   npm run bench:bff -- --connections 50 --seconds 3 --rounds 1   # quick
 *
 * Prints req/s, p50 and p99 per route and PASS/FAIL for the target: the status route at
 * ≥ 0.5 × the baseline's throughput with p99 under 500 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBff } from '../src/bff/create-bff.js';
import { toNodeHandler } from '../src/bff/node.js';
import { createSyncService } from '../src/server/index.js';
import { buildConfiguration, generateMerchant } from '../test/fixtures/index.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    serve: { type: 'string' },
    'service-url': { type: 'string' },
  },
});
const API_KEY = 'bench-api-key-0001';
const AUTH = `Basic ${Buffer.from(API_KEY).toString('base64')}`;
const BFF_SECRET = 'bench-bff-secret-0123456789abcdef0123456789abcdef';
const MERCHANT = { merchantId: 'bench-merchant-1', companyName: 'Bench Cafe' };
const REQUEST_TIMEOUT_MS = 30_000;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Stops the child when its parent closes stdin or terminates it. */
function stopOn(stop: () => void): void {
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

/** Child process: the sync service with one merchant prepared; prints its URL. */
async function serveService(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-bench-bff-'));
  const day = generateMerchant({ seed: 7, days: 3, ordersPerDay: 40 });
  let now = new Date(`${day.period.start}T08:00:00Z`);
  const serviceServer = createServer();
  const servicePort = await listen(serviceServer);
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  const service = createSyncService({
    apiKeys: [API_KEY], store: { sqlite: join(dir, 'sync.db') }, dev: true, publicUrl: serviceUrl, now: () => now, sleep: async () => undefined,
    sandbox: { redirectUris: ['http://partner.test/cb'] },
  });
  await service.ready;
  serviceServer.on('request', toNodeHandler(service.fetch));
  const sandbox = service.sandbox;
  if (!sandbox) throw new Error('sandbox missing');

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await service.fetch(new Request(`${serviceUrl}${path}`, {
      method,
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }));
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
    return json;
  };
  // The merchant's company (tagged as the BFF looks it up), linked to a new sandbox ledger.
  const companyId = String((await api('POST', '/companies', { name: MERCHANT.companyName, tags: { merchantId: MERCHANT.merchantId } })).id);
  const connection = String((await api('POST', `/companies/${companyId}/connections`, { platformKey: 'sandbox' })).id);
  const start = await api('POST', `/companies/${companyId}/connections/${connection}/authorization/start`, { state: 'bench-state-1', redirectUri: 'http://partner.test/cb' });
  const consent = await (await service.fetch(new Request(String(start.url)))).text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(consent)?.[1] ?? '';
  const decision = await service.fetch(new Request(`${serviceUrl}/sandbox/oauth/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request_id: requestId, ledger: 'new:uk', decision: 'allow' }).toString(),
    redirect: 'manual',
  }));
  const callback = new URL(decision.headers.get('location') ?? '');
  await api('PUT', `/companies/${companyId}/connections/${connection}/authorization`, { code: callback.searchParams.get('code'), redirectUri: 'http://partner.test/cb' });
  const ledgerId = sandbox.admin.listLedgers()[0]?.id ?? '';
  sandbox.admin.addCurrency(ledgerId, 'EUR');
  for (const [path, key, records] of [
    ['commerce-orders', 'orders', day.orders],
    ['commerce-payments', 'payments', day.payments],
    ['commerce-transactions', 'transactions', day.transactions],
  ] as const) {
    await api('POST', `/data/companies/${companyId}/sync/${path}`, { [key]: records });
  }
  const config = buildConfiguration({ timeZone: day.timeZone });
  config.schedule = { ...config.schedule, startDate: day.period.start };
  await api('POST', `/config/companies/${companyId}/sync/commerce`, config);
  // A short history: one run per day.
  for (let d = 1; d <= 3; d += 1) {
    now = new Date(Date.parse(`${day.period.start}T09:00:00Z`) + d * 86_400_000);
    await api('POST', `/companies/${companyId}/sync/commerce/latest`, {});
  }

  serviceServer.keepAliveTimeout = 60_000;
  console.log(JSON.stringify({ ready: true, serviceUrl }));
  stopOn(() => {
    serviceServer.close();
    void service.close().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

/** Child process: the BFF in front of the sync service at `serviceUrl`; prints its URL and a session token. */
async function serveBff(serviceUrl: string): Promise<void> {
  const bffServer = createServer();
  const bffPort = await listen(bffServer);
  const bffUrl = `http://127.0.0.1:${bffPort}/api/commerce-sync`;
  const bff = createBff({
    authenticate: () => MERCHANT,
    syncService: { baseUrl: serviceUrl, apiKey: API_KEY },
    secret: BFF_SECRET,
    publicUrl: bffUrl,
    returnUrl: 'http://127.0.0.1/settings',
    logger: { error: () => undefined, warn: () => undefined },
  });
  bffServer.on('request', toNodeHandler(bff.fetch));
  bffServer.keepAliveTimeout = 60_000;
  const session = await bff.fetch(new Request(`${bffUrl}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
  const { token } = (await session.json()) as { token: string };
  console.log(JSON.stringify({ ready: true, bffUrl, token }));
  stopOn(() => {
    bffServer.close();
    process.exit(0);
  });
}

interface Sample {
  latencies: number[];
  errors: number;
  timeouts: number;
  bytes: number;
  seconds: number;
}

interface RouteFigures {
  path: string;
  requests: number;
  errors: number;
  timeouts: number;
  rps: number;
  p50: number;
  p99: number;
  /** Mean response body size in bytes. */
  bytes: number;
}

/** `connections` keep-alive clients hammer `path` for `seconds`; in-flight requests finish (or time out) after. */
async function load(agent: Agent, url: string, token: string, path: string, connections: number, seconds: number): Promise<Sample> {
  const target = new URL(url + path);
  const latencies: number[] = [];
  let errors = 0;
  let timeouts = 0;
  let bytes = 0;
  const once = () =>
    new Promise<void>((resolve) => {
      const started = process.hrtime.bigint();
      const req = httpRequest(target, { agent, method: 'GET', headers: { authorization: `Bearer ${token}` }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          if (res.statusCode !== 200) errors += 1;
          resolve();
        });
      });
      req.on('timeout', () => {
        timeouts += 1;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(seconds * 1e9);
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (process.hrtime.bigint() < deadline) await once();
    }),
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { latencies, errors, timeouts, bytes, seconds: elapsed };
}

function figures(path: string, samples: Sample[]): RouteFigures {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const sum = (f: (s: Sample) => number) => samples.reduce((total, s) => total + f(s), 0);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return {
    path,
    requests: latencies.length,
    errors: sum((s) => s.errors),
    timeouts: sum((s) => s.timeouts),
    rps: latencies.length / sum((s) => s.seconds),
    p50: at(0.5),
    p99: at(0.99),
    bytes: sum((s) => s.bytes) / Math.max(1, latencies.length),
  };
}

/** Starts this script as a child in `mode` and waits for its ready line. */
async function child<T>(mode: string, extra: string[] = []): Promise<{ process: ChildProcess; ready: T }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', mode, ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const ready = await new Promise<T>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${mode} exited (${code}) before it was ready`)));
    lines.on('line', (line) => {
      try {
        const message = JSON.parse(line) as T & { ready?: boolean };
        if (message.ready) resolve(message);
      } catch {
        // Anything else the child prints is not its ready line.
      }
    });
  });
  return { process: proc, ready };
}

async function main(): Promise<void> {
  const connections = Number(values.connections);
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  if (!(connections > 0) || !(seconds > 0) || !(rounds >= 1)) throw new Error('--connections, --seconds and --rounds must be positive numbers');
  const service = await child<{ serviceUrl: string }>('service');
  let bff: { process: ChildProcess; ready: { bffUrl: string; token: string } } | null = null;
  try {
    bff = await child<{ bffUrl: string; token: string }>('bff', ['--service-url', service.ready.serviceUrl]);
    const { bffUrl, token } = bff.ready;
    const paths = ['/connection', '/sync/status', '/configuration'];
    // One pool of keep-alive connections for the whole run, as a real client keeps them: the
    // warm-up opens them (and warms the JIT), so no timed request pays a TCP connect.
    const agent = new Agent({ keepAlive: true, maxSockets: connections });
    for (const path of paths) await load(agent, bffUrl, token, path, connections, 1);
    const samples = new Map<string, Sample[]>(paths.map((p) => [p, []]));
    for (let round = 0; round < rounds; round += 1) {
      for (const path of paths) samples.get(path)?.push(await load(agent, bffUrl, token, path, connections, seconds / rounds));
    }
    agent.destroy();
    const results = paths.map((p) => figures(p, samples.get(p) ?? []));
    const [baseline, status, configuration] = results as [RouteFigures, RouteFigures, RouteFigures];
    console.log(`commerce-sync BFF benchmark (${connections} connections, ${seconds} s per route in ${rounds} rounds, loopback)`);
    for (const r of results) {
      const label = r === baseline ? `${r.path} (baseline)` : r.path;
      console.log(
        `  GET ${label.padEnd(24)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(0).padStart(6)} ms  p99 ${r.p99.toFixed(0).padStart(6)} ms  (${r.requests} requests of ${(r.bytes / 1024).toFixed(1)} KB, ${r.errors} errors, ${r.timeouts} time-outs)`,
      );
    }
    const checks = [status, configuration].map((r) => ({
      r,
      ratio: r.rps / baseline.rps,
      ok: r.rps >= 0.5 * baseline.rps && r.p99 < 500 && r.errors === 0 && r.timeouts === 0,
    }));
    for (const { r, ratio, ok } of checks) {
      console.log(`  ${r.path}: ${ratio.toFixed(2)} × baseline throughput, p99 ${r.p99.toFixed(0)} ms (target ≥ 0.5 ×, < 500 ms, no errors): ${ok ? 'PASS' : 'FAIL'}`);
    }
    process.exitCode = checks[0]?.ok ? 0 : 1;
  } finally {
    bff?.process.kill('SIGTERM');
    service.process.kill('SIGTERM');
  }
}

if (values.serve === 'service' || values.serve === 'bff') {
  const started = values.serve === 'service' ? serveService() : serveBff(values['service-url'] ?? '');
  started.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
