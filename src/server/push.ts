import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  DeletedRecordSchema,
  LocationSchema,
  OrderSchema,
  PaymentMethodSchema,
  PaymentSchema,
  ProductCategorySchema,
  ProductSchema,
  TaxComponentSchema,
  TransactionSchema,
} from '../contract/commerce.js';
import { normalizeConfiguration } from '../contract/configuration.js';
import type { FieldError } from '../contract/errors.js';
import { MAX_PUSH_RECORDS, type PushDataType } from '../contract/sync-api.js';
import { canonicalTest } from './canonical.js';
import { HttpError, notFound, zodFieldErrors } from './errors.js';
import type { DatasetRecord, RecordRow, Store } from './store/index.js';
import { normalizeRecord, type NormalizeContext } from './push-normalize.js';
import { LOCAL_DATE_TIME, localDateOf, localDayBounds, withZoneOffset } from './time.js';

/** The schema each pushed data type is validated with. */
export const PUSH_SCHEMAS: Readonly<Record<PushDataType, z.ZodType>> = {
  orders: OrderSchema,
  payments: PaymentSchema,
  transactions: TransactionSchema,
  taxComponents: TaxComponentSchema,
  locations: LocationSchema,
  products: ProductSchema,
  paymentMethods: PaymentMethodSchema,
  productCategories: ProductCategorySchema,
};

/** The records a push stored, as JSON texts, for the response echo. */
export interface AcceptedRecords {
  texts: string[];
  /** The texts are exactly the request's records, in the request's order. */
  asSent: boolean;
}

const NO_PAYMENT_METHODS: NormalizeContext = { paymentMethodName: () => undefined };

/**
 * Names of the company's pushed payment methods, read only when a pushed payment needs one
 * (it carries a `paymentMethodRef` and no `type`).
 */
async function paymentMethodNames(store: Store, companyId: string, dataType: PushDataType, items: unknown): Promise<NormalizeContext> {
  if (dataType !== 'payments' || !Array.isArray(items)) return NO_PAYMENT_METHODS;
  const needs = items.some((p) => typeof p === 'object' && p !== null && (p as { type?: unknown }).type == null && (p as { paymentMethodRef?: unknown }).paymentMethodRef != null);
  if (!needs) return NO_PAYMENT_METHODS;
  const names = new Map<string, string>();
  for (const m of await store.allRecords(companyId, 'paymentMethods')) {
    const { id, name } = m as { id?: unknown; name?: unknown };
    if (typeof id === 'string' && typeof name === 'string') names.set(id, name);
  }
  return { paymentMethodName: (id) => names.get(id) };
}

const PUSH_LOCK_TTL_MS = 5 * 60_000;
const MAX_REPORTED_ERRORS = 100;

interface RecordDates {
  id: string;
  createdDate?: unknown;
  sourceModifiedDate?: unknown;
  modifiedDate?: unknown;
}

interface Parsed {
  id: string;
  deleted: boolean;
  /** Stored as the request's own text of the record. */
  asSent: boolean;
  createdAt: string | null;
  sourceModified: string | null;
  body: string;
}

function isDelete(item: unknown): boolean {
  if (typeof item !== 'object' || item === null || Array.isArray(item) || !('id' in item)) return false;
  // Counting keys without Object.keys: this runs once per pushed record.
  let keys = 0;
  for (const key in item) if (Object.hasOwn(item, key) && ++keys > 1) return false;
  return keys === 1;
}

const UTC_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Canonical UTC text (`…T12:00:00.000Z`) so stored instants compare as strings. */
function instant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // Most partners already send UTC; skip the Date round trip for them.
  if (UTC_MILLIS.test(value)) return value;
  if (UTC_SECONDS.test(value)) return `${value.slice(0, 19)}.000Z`;
  return new Date(value).toISOString();
}

/** A quoted local date-time or date anywhere in a record's JSON text (the cheap test before a walk). */
const LOCAL_DATE_TIME_TEXT = /"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?"/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The merchant's local midnight of a date-only date (the first instant of that local day), or the text unchanged when it is no calendar date. */
function localMidnight(text: string, timeZone: string): string {
  try {
    return localDayBounds(text, timeZone).start.toISOString();
  } catch {
    return text;
  }
}

/**
 * The record with every date-time field (`createdDate`, `closedDate`, `dueDate`,
 * `modifiedDate`, `sourceModifiedDate`, … at any depth) sent without an offset given the
 * merchant's offset, or `null` when it has none. Codat's DateTime allows unqualified local
 * times; they are the business's local time, so the merchant's time zone decides the instant.
 * A date-only field (`2026-03-29`, as some POS systems send) is the merchant's local midnight.
 */
function withLocalTimesResolved(item: unknown, timeZone: string): unknown {
  let changed = false;
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (!key.endsWith('Date')) return value;
      if (DATE_ONLY.test(value)) {
        const midnight = localMidnight(value, timeZone);
        if (midnight !== value) changed = true;
        return midnight;
      }
      if (!LOCAL_DATE_TIME.test(value)) return value;
      changed = true;
      return withZoneOffset(value, timeZone);
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  const out = walk(item, '');
  return changed ? out : null;
}

/**
 * Validates a whole batch; throws 400 listing per-record field errors, nothing stored.
 * `texts`, when given, are the records' own JSON texts (one per item, from the request
 * body): a record the contract would keep exactly as sent is stored as that text, without
 * being rebuilt by zod and serialised again. Every other record goes through zod.
 */
export function validateBatch(
  dataType: PushDataType,
  items: unknown,
  texts?: readonly string[] | null,
  timeZone = 'Etc/UTC',
  normalize: NormalizeContext = NO_PAYMENT_METHODS,
): Parsed[] {
  if (!Array.isArray(items)) {
    throw new HttpError(400, 'validation_failed', `Send the ${dataType} as a JSON array (or as {"${dataType}": [...]}).`, [
      { itemId: dataType, message: 'Expected an array of records.', validatorName: 'invalid_type' },
    ]);
  }
  if (items.length > MAX_PUSH_RECORDS) {
    throw new HttpError(
      413,
      'too_many_records',
      `A push can hold at most ${MAX_PUSH_RECORDS} records; this one has ${items.length}. Split it into batches of ${MAX_PUSH_RECORDS} or fewer and send them one after another.`,
      [{ itemId: dataType, message: `At most ${MAX_PUSH_RECORDS} records per request.`, validatorName: 'too_big' }],
    );
  }
  const schema = PUSH_SCHEMAS[dataType];
  const unchanged = canonicalTest(schema);
  const sources = texts && texts.length === items.length ? texts : null;
  const errors: FieldError[] = [];
  const parsed: Parsed[] = [];
  const stored = (record: RecordDates, body: string, asSent: boolean): Parsed => ({
    id: record.id,
    deleted: false,
    createdAt: instant(record.createdDate),
    sourceModified: instant(record.sourceModifiedDate ?? record.modifiedDate),
    body,
    asSent,
  });
  items.forEach((sent, index) => {
    const deleted = isDelete(sent);
    // What POS systems send beyond the contract, rewritten into it (see push-normalize.ts).
    let base = sent;
    let rewritten = false;
    if (!deleted) {
      const normalized = normalizeRecord(dataType, sent, `${dataType}.${index}`, normalize);
      if (normalized.errors.length > 0) {
        if (errors.length < MAX_REPORTED_ERRORS) errors.push(...normalized.errors);
        return;
      }
      if (normalized.value !== null) {
        base = normalized.value;
        rewritten = true;
      }
    }
    const source = rewritten ? undefined : sources?.[index];
    const resolved = deleted || (source !== undefined && !LOCAL_DATE_TIME_TEXT.test(source)) ? null : withLocalTimesResolved(base, timeZone);
    // A record rewritten or whose local times were resolved is stored as such, never as its sent text.
    const item = resolved ?? base;
    if (!deleted && (resolved !== null || rewritten) && unchanged(item)) {
      parsed.push(stored(item as RecordDates, JSON.stringify(item), false));
      return;
    }
    if (!deleted && unchanged(item)) {
      parsed.push(stored(item as RecordDates, sources?.[index] ?? JSON.stringify(item), sources !== null));
      return;
    }
    const result = (deleted ? DeletedRecordSchema : schema).safeParse(item);
    if (!result.success) {
      if (errors.length < MAX_REPORTED_ERRORS) errors.push(...zodFieldErrors(result.error, `${dataType}.${index}`));
      return;
    }
    const record = result.data as RecordDates;
    parsed.push(
      deleted
        ? { id: record.id, deleted, createdAt: null, sourceModified: null, body: '', asSent: false }
        : stored(record, JSON.stringify(record), false),
    );
  });
  if (errors.length) {
    const first = errors[0];
    throw new HttpError(
      400,
      'validation_failed',
      `Nothing was stored: ${errors.length}${errors.length >= MAX_REPORTED_ERRORS ? '+' : ''} problem(s) in the ${dataType}. First: ${first?.itemId}: ${first?.message}`,
      errors,
    );
  }
  return parsed;
}

/** A push's records, read from the request once its data type's lock is held. */
export interface PushInput {
  items: unknown;
  /** The records' own JSON texts, one per item (see {@link validateBatch}). */
  texts?: readonly string[] | null;
}

/**
 * Stores one push (domain.md §3): whole-record replace, same `sourceModifiedDate` (or an
 * older one) ignored, `{id}` deletes, and any accepted change to a day already synced marks
 * that day for an adjustment on the next run. All or nothing.
 *
 * One push per data type per company at a time: the lock is taken before `read` reads the
 * body and held until the push is stored, so a push is in progress for as long as its
 * request is, and a second one meanwhile gets 409 `push_in_progress`. On SQLite the stored
 * part never yields to other requests, so a lock taken only around it would never be seen
 * held, and concurrent pushes were silently serialised instead of refused as on PostgreSQL.
 */
export async function ingestPush<T extends PushInput>(
  store: Store,
  companyId: string,
  dataType: PushDataType,
  read: () => Promise<T>,
  now: Date,
): Promise<{ dataset: DatasetRecord; accepted: AcceptedRecords; input: T }> {
  const company = await store.getCompany(companyId);
  if (!company) throw notFound('company', companyId);
  const owner = randomUUID();
  if (!(await store.tryPushLock(companyId, dataType, owner, now, PUSH_LOCK_TTL_MS))) {
    throw new HttpError(409, 'push_in_progress', `Another push of ${dataType} for this company is still being processed. Wait for it to finish, then send this one again.`, undefined, 'Yes');
  }
  try {
    const input = await read();
    const config = normalizeConfiguration(company.config ?? {});
    const timeZone = config.schedule?.timeZone ?? 'Etc/UTC';
    const parsed = validateBatch(dataType, input.items, input.texts, timeZone, await paymentMethodNames(store, companyId, dataType, input.items));
    // The last occurrence of an id in a batch wins, as if sent one after another.
    const byId = new Map<string, Parsed>();
    for (const p of parsed) byId.set(p.id, p);
    const startDate = config.schedule?.startDate?.slice(0, 10) ?? null;
    const synced = (createdAt: string | null): string | null => {
      if (!createdAt || !company.syncedThrough || !startDate) return null;
      const day = localDateOf(createdAt, timeZone);
      return day >= startDate && day < company.syncedThrough ? day : null;
    };
    const requested = now.toISOString();
    return await store.transaction(async (tx) => {
      const meta = await tx.recordMeta(companyId, dataType, [...byId.keys()]);
      const upserts: RecordRow[] = [];
      const deletes: string[] = [];
      const reopened = new Set<string>();
      // Accepted records as JSON text, reused for the response echo.
      const accepted: string[] = [];
      let ignored = 0;
      for (const p of byId.values()) {
        const old = meta.get(p.id);
        if (p.deleted) {
          if (!old) {
            ignored += 1;
            continue;
          }
          deletes.push(p.id);
          const day = synced(old.createdAt);
          if (day) reopened.add(day);
          accepted.push(JSON.stringify({ id: p.id }));
          continue;
        }
        if (old && old.sourceModified && p.sourceModified && p.sourceModified <= old.sourceModified) {
          ignored += 1;
          continue;
        }
        upserts.push({ id: p.id, createdAt: p.createdAt, sourceModified: p.sourceModified, body: p.body });
        for (const day of [synced(p.createdAt), old ? synced(old.createdAt) : null]) if (day) reopened.add(day);
        accepted.push(p.body);
      }
      await tx.upsertRecords(companyId, dataType, upserts);
      // A record support excluded is posted again once its partner re-sends it.
      await tx.clearExclusions(companyId, dataType, upserts.map((u) => u.id));
      await tx.deleteRecords(companyId, dataType, deletes);
      if (reopened.size) await tx.markDirty(companyId, [...reopened], requested);
      const dataset: DatasetRecord = {
        id: randomUUID(),
        companyId,
        dataType,
        status: 'Complete',
        requested,
        completed: requested,
        recordCount: parsed.length,
        accepted: upserts.length,
        ignored: ignored + (parsed.length - byId.size),
        deleted: deletes.length,
        reopened: [...reopened].sort(),
      };
      await tx.insertDataset(dataset);
      // Every record new or changed, each stored as sent, in the order sent: the echo is the request's array.
      const asSent = accepted.length === parsed.length && parsed.every((p) => p.asSent);
      return { dataset, accepted: { texts: accepted, asSent }, input };
    });
  } finally {
    await store.releasePushLock(companyId, dataType, owner);
  }
}
