import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

/** Where the published Xero Accounting API description lives. */
export const XERO_SPEC_PATH = '/work/shared/reference/xero/xero_accounting.yaml';

const ROOT_ID = 'https://xero.spec.local/accounting.json';

/**
 * Properties Xero's prose documentation marks required on create, which the OpenAPI file leaves
 * implicit; adding them keeps the validator from accepting an empty object.
 */
const REQUIRED_ON_CREATE: Record<string, string[]> = {
  ManualJournalLine: ['LineAmount'],
  LineItem: ['Description'],
};

/**
 * Required members of the entities a create call sends at the top of its collection. Checked
 * only there, because the same schemas are reused as references (a Payment's `Invoice` only
 * carries `InvoiceID`).
 */
const REQUIRED_AT_TOP: Record<string, { collection: string; required: string[] }> = {
  ManualJournals: { collection: 'ManualJournals', required: ['Narration', 'JournalLines', 'Date'] },
  Invoices: { collection: 'Invoices', required: ['Type', 'Contact', 'LineItems', 'Date'] },
  CreditNotes: { collection: 'CreditNotes', required: ['Type', 'Contact', 'LineItems', 'Date'] },
  Payments: { collection: 'Payments', required: ['Account', 'Amount', 'Date'] },
  BankTransactions: {
    collection: 'BankTransactions',
    required: ['Type', 'Contact', 'BankAccount', 'LineItems'],
  },
  BankTransfers: {
    collection: 'BankTransfers',
    required: ['FromBankAccount', 'ToBankAccount', 'Amount'],
  },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Rewrites OpenAPI 3.0 schema dialect into JSON Schema ajv understands: `nullable: true` adds
 * `null` to the type, and every object with declared properties rejects undeclared ones (so a
 * misspelt field fails instead of being ignored, which is what Xero silently does).
 */
function toJsonSchema(node: Json, name?: string): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-') || key === 'example' || key === 'externalDocs' || key === 'default')
      continue;
    out[key] =
      key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([p, s]) => [p, toJsonSchema(s)]))
        : toJsonSchema(value);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
  }
  if (
    out.properties &&
    typeof out.properties === 'object' &&
    out.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  if (name && REQUIRED_ON_CREATE[name])
    out.required = [
      ...new Set([...((out.required as string[]) ?? []), ...REQUIRED_ON_CREATE[name]!]),
    ];
  return out;
}

/** A validator for request bodies against the Xero OpenAPI component schemas. */
export interface XeroSpecValidator {
  /** Validates `body` against `#/components/schemas/<schemaName>`; returns readable errors (empty when valid). */
  validate(schemaName: string, body: unknown): string[];
  /** Names of the component schemas in the file. */
  schemaNames(): string[];
}

/** Loads the YAML with `yaml`, registers every component schema with ajv + ajv-formats, compiles lazily. */
export function loadXeroSpecValidator(
  path = process.env.XERO_OPENAPI_PATH ?? XERO_SPEC_PATH,
): XeroSpecValidator {
  const document = parse(readFileSync(path, 'utf8')) as {
    components: { schemas: Record<string, Json> };
  };
  const schemas = Object.fromEntries(
    Object.entries(document.components.schemas).map(([n, s]) => [n, toJsonSchema(s, n)]),
  );
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  // OpenAPI numeric formats are size hints, not string formats.
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addSchema({ $id: ROOT_ID, components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  return {
    validate(schemaName, body) {
      let fn = compiled.get(schemaName);
      if (!fn) {
        if (!(schemaName in schemas)) throw new Error(`No schema ${schemaName} in the Xero spec`);
        fn = ajv.getSchema(`${ROOT_ID}#/components/schemas/${schemaName}`);
        if (!fn) throw new Error(`ajv could not compile ${schemaName}`);
        compiled.set(schemaName, fn);
      }
      const errors: string[] = [];
      const top = REQUIRED_AT_TOP[schemaName];
      if (top && body && typeof body === 'object') {
        const items = (body as Record<string, unknown>)[top.collection];
        if (!Array.isArray(items) || items.length === 0)
          errors.push(`/${top.collection} must be a non-empty array`);
        else
          items.forEach((item: unknown, i) => {
            for (const key of top.required) {
              if (!item || typeof item !== 'object' || !(key in item))
                errors.push(`/${top.collection}/${i} must have required property '${key}'`);
            }
          });
      }
      if (fn(body)) return errors;
      return errors.concat(
        (fn.errors ?? []).map(
          (e) =>
            `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
        ),
      );
    },
    schemaNames: () => Object.keys(schemas),
  };
}
