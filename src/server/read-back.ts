import { z } from 'zod';
import { PushDataTypeSchema, type PushDataType } from '../contract/sync-api.js';
import { HttpError, notFound, parseOrThrow } from './errors.js';
import type { Store } from './store/index.js';

/**
 * Read-back of pushed commerce data, as the commerce data model's operations serve it
 * (`GET /companies/{companyId}/connections/{connectionId}/data/commerce-*` and `…/{id}`):
 * the records as stored, paged, filtered with `query` and ordered with `orderBy`.
 * Customers and disputes are not pushed to this service, so they read as empty.
 */

/** Data model types this service holds nothing of. */
const NEVER_PUSHED = ['customers', 'disputes'] as const;

/** The most records a filtered or ordered read looks at (a plain page reads from the store directly). */
export const READ_BACK_SCAN_LIMIT = 10_000;

const ReadBackQuerySchema = z.object({
  page: z.coerce.number().int().min(1, 'page starts at 1.').default(1),
  pageSize: z.coerce.number().int().min(1).max(2000, 'pageSize can be at most 2000.').default(100),
  query: z.string().optional(),
  orderBy: z.string().regex(/^-?[A-Za-z][\w.]*$/, 'orderBy is a field name, with a leading "-" for descending (e.g. -modifiedDate).').optional(),
});

type Condition = { path: string[]; op: '=' | '!=' | '>' | '<' | '>=' | '<='; value: string };

/** Codat's query language, the part a partner needs: `field op value` joined by `&&` (ops = != > < >= <=). */
function parseQuery(query: string): Condition[] {
  return query.split('&&').map((part) => {
    const m = /^\s*([A-Za-z][\w.]*)\s*(!=|>=|<=|=|>|<)\s*(.*?)\s*$/.exec(part);
    if (!m?.[1] || !m[2] || m[3] === undefined) {
      throw new HttpError(400, 'invalid_query', `Cannot read the query "${part.trim()}". Write field=value (or != > < >= <=), joined by && (e.g. currency=GBP&&totalAmount>10).`);
    }
    return { path: m[1].split('.'), op: m[2] as Condition['op'], value: m[3].replace(/^"(.*)"$/, '$1') };
  });
}

function field(record: unknown, path: readonly string[]): unknown {
  let v = record;
  for (const key of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function compare(a: unknown, b: string): number {
  if (typeof a === 'number' && b.trim() !== '' && Number.isFinite(Number(b))) return a - Number(b);
  return String(a ?? '').localeCompare(b);
}

function matches(record: unknown, conditions: readonly Condition[]): boolean {
  return conditions.every(({ path, op, value }) => {
    const c = compare(field(record, path), value);
    switch (op) {
      case '=': return c === 0;
      case '!=': return c !== 0;
      case '>': return c > 0;
      case '<': return c < 0;
      case '>=': return c >= 0;
      default: return c <= 0;
    }
  });
}

function dataTypeOf(segment: string): PushDataType | (typeof NEVER_PUSHED)[number] {
  const name = segment.replace(/^commerce-/, '');
  if ((NEVER_PUSHED as readonly string[]).includes(name)) return name as (typeof NEVER_PUSHED)[number];
  const parsed = PushDataTypeSchema.safeParse(name);
  if (!segment.startsWith('commerce-') || !parsed.success) {
    throw new HttpError(404, 'not_found', `Unknown data type "${segment}". Read commerce-orders, commerce-payments, commerce-transactions, commerce-products, commerce-locations, commerce-taxComponents, commerce-paymentMethods or commerce-productCategories.`);
  }
  return parsed.data;
}

async function requireCommerceConnection(store: Store, companyId: string, connectionId: string): Promise<void> {
  if (!(await store.getCompany(companyId))) throw notFound('company', companyId);
  const connection = await store.getConnection(companyId, connectionId);
  if (!connection) throw notFound('connection', connectionId);
  if (connection.sourceType !== 'Commerce') {
    throw new HttpError(404, 'not_found', `Connection ${connectionId} is the accounting connection; pushed commerce data is read through the company's commerce connection.`);
  }
}

/** One page of a data type's records. */
export async function listRecords(store: Store, companyId: string, connectionId: string, segment: string, rawQuery: unknown, path: string) {
  await requireCommerceConnection(store, companyId, connectionId);
  const dataType = dataTypeOf(segment);
  const q = parseOrThrow(ReadBackQuerySchema, rawQuery, 'query', '');
  let results: unknown[] = [];
  let total = 0;
  if (!(NEVER_PUSHED as readonly string[]).includes(dataType)) {
    if (!q.query && !q.orderBy) {
      total = await store.countRecords(companyId, dataType);
      results = await store.pageRecords(companyId, dataType, (q.page - 1) * q.pageSize, q.pageSize);
    } else {
      let all = await store.allRecords(companyId, dataType, READ_BACK_SCAN_LIMIT);
      if (q.query) {
        const conditions = parseQuery(q.query);
        all = all.filter((r) => matches(r, conditions));
      }
      if (q.orderBy) {
        const desc = q.orderBy.startsWith('-');
        const by = q.orderBy.replace(/^-/, '').split('.');
        all = [...all].sort((a, b) => (desc ? -1 : 1) * compare(field(a, by), String(field(b, by) ?? '')));
      }
      total = all.length;
      results = all.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    }
  }
  const link = (p: number) => ({ href: `${path}?page=${p}&pageSize=${q.pageSize}` });
  return {
    results,
    pageNumber: q.page,
    pageSize: q.pageSize,
    totalResults: total,
    _links: {
      self: { href: path },
      current: link(q.page),
      ...(q.page * q.pageSize < total ? { next: link(q.page + 1) } : {}),
      ...(q.page > 1 ? { previous: link(q.page - 1) } : {}),
    },
  };
}

/** One record by id. */
export async function getRecord(store: Store, companyId: string, connectionId: string, segment: string, id: string): Promise<unknown> {
  await requireCommerceConnection(store, companyId, connectionId);
  const dataType = dataTypeOf(segment);
  const [record] = (NEVER_PUSHED as readonly string[]).includes(dataType) ? [] : await store.recordsByIds(companyId, dataType, [id]);
  if (!record) throw new HttpError(404, 'not_found', `No ${dataType} record "${id}" was pushed for this company.`);
  return record;
}

/** `commerce-info`: the company as the commerce source knows it. */
export async function companyInfo(store: Store, companyId: string, connectionId: string): Promise<{ companyName: string; commercePlatformRef: string }> {
  await requireCommerceConnection(store, companyId, connectionId);
  const company = await store.getCompany(companyId);
  return { companyName: company?.name ?? '', commercePlatformRef: companyId };
}
