import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderApiReference } from '../../src/server/api-docs.js';
import { ROUTES } from '../../src/server/index.js';
import { call, makeService } from './helpers.js';

const REFERENCE = '/work/shared/reference/codat';

function operations(file: string, filter: (path: string) => boolean = () => true): string[] {
  const spec = JSON.parse(readFileSync(resolve(REFERENCE, file), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.keys(methods).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m) && filter(path)).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

const served = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));

describe('contract coverage', () => {
  it('serves every operation of the current Sync for Commerce contract', () => {
    expect(operations('sync-commerce-current.json').filter((op) => !served.has(op))).toEqual([]);
  });

  it('serves the 2023 push and dataset-status endpoints', () => {
    const push = operations('sync-commerce-2023-03.json', (p) => p.startsWith('/data/') || p.includes('/pull/history/'));
    expect(push).toHaveLength(4);
    expect(push.filter((op) => !served.has(op))).toEqual([]);
  });

  it('serves every operation of the partner commerce contract', () => {
    expect(operations('sync-partner-commerce.json').filter((op) => !served.has(op))).toEqual([]);
  });

  it('routes every documented operation in the HTTP app', async () => {
    const service = makeService();
    try {
      for (const route of ROUTES) {
        const path = route.path.replace(/\{[^}]+\}/g, 'x');
        const reply = await call(service, route.method, path, ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined);
        expect(String(reply.body?.error ?? ''), `${route.method} ${route.path}`).not.toMatch(/^No endpoint/);
      }
    } finally {
      await service.close();
    }
  });

  it('keeps docs/api.md generated from the route table and schemas', () => {
    const onDisk = readFileSync(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8');
    expect(onDisk).toBe(renderApiReference());
  });
});
