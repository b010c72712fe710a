/*
 * Issue 14: every request example in the reference specs, and every record example of the
 * commerce data model wrapped in a push body, is accepted.
 */
import { readFileSync } from 'node:fs';
import { call, makeService } from '../helpers.js';
import { SPEC_DIR, SPEC_FILES, SpecValidator } from './spec-validator.js';

type Json = Record<string, unknown>;
const model = JSON.parse(readFileSync(`${SPEC_DIR}/commerce-data-model.json`, 'utf8')) as { paths: Record<string, Record<string, Json>> };

/** Data type → every record example of its list and get operations, with where it came from. */
function recordExamples(): Map<string, { from: string; record: unknown }[]> {
  const out = new Map<string, { from: string; record: unknown }[]>();
  for (const [path, ops] of Object.entries(model.paths)) {
    const dataType = /data\/commerce-([A-Za-z]+)/.exec(path)?.[1];
    if (!dataType) continue;
    const media = ((ops.get?.responses as Json)?.['200'] as Json)?.content as Record<string, Json> | undefined;
    const examples = (media?.['application/json']?.examples ?? {}) as Record<string, { value?: Json }>;
    for (const [name, example] of Object.entries(examples)) {
      const value = example.value;
      const records = Array.isArray(value?.results) ? (value.results as unknown[]) : value ? [value] : [];
      const list = out.get(dataType) ?? [];
      records.forEach((record, i) => list.push({ from: `${path} ${name} #${i}`, record }));
      out.set(dataType, list);
    }
  }
  return out;
}

const PUSHED = new Set(['orders', 'payments', 'transactions', 'locations', 'taxComponents', 'products', 'paymentMethods', 'productCategories']);

describe('examples from the reference specs', () => {
  it('accepts every request example of every reference spec', async () => {
    const service = makeService();
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Examples' })).body.id as string;
      const seen: string[] = [];
      for (const name of SPEC_FILES) {
        const spec = new SpecValidator(name);
        for (const op of spec.operations) {
          for (const example of spec.requestExamples(op)) {
            const path = op.path.replace('{companyId}', companyId);
            const reply = await call(service, op.method, path, example.value);
            seen.push(`${name} ${op.operationId} ${example.name}`);
            expect(reply.status, `${name} ${op.operationId} ${example.name}: ${JSON.stringify(reply.body).slice(0, 300)}`).toBe(200);
            expect(spec.responseErrors(op, reply.status, reply.body) ?? []).toEqual([]);
          }
        }
      }
      // The push operations document no request examples, hence the data-model records below.
      console.log(`Request examples accepted: ${seen.join(', ')}`);
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });

  it('accepts every data-model record example, each in its own push, through both push contracts', async () => {
    const service = makeService();
    try {
      const companyId = (await call(service, 'POST', '/companies', { name: 'Examples' })).body.id as string;
      const refused: string[] = [];
      let pushes = 0;
      for (const [dataType, examples] of recordExamples()) {
        if (!PUSHED.has(dataType)) continue;
        for (const { from, record } of examples) {
          const method = ['orders', 'payments', 'transactions'].includes(dataType) ? 'POST' : 'PUT';
          const partner = await call(service, method, `/companies/${companyId}/data/commerce-${dataType}`, [record]);
          pushes += 1;
          if (partner.status !== 200) refused.push(`${from}: ${partner.status} ${partner.body?.error}`);
          if (method === 'POST') {
            const v2023 = await call(service, 'POST', `/data/companies/${companyId}/sync/commerce-${dataType}`, { [dataType]: [record] });
            pushes += 1;
            if (v2023.status !== 200) refused.push(`${from} (2023): ${v2023.status} ${v2023.body?.error}`);
          }
        }
      }
      console.log(`Data-model record examples pushed: ${pushes} requests, ${refused.length} refused`);
      expect(pushes).toBeGreaterThan(40);
      expect(refused).toEqual([]);
    } finally {
      await service.close();
    }
  });
});
