import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/**
 * A strict validator for the Codat reference specs, read as a generated client reads them:
 * - `nullable: true` beside a `type` admits `null` (OpenAPI 3.0 style, which these files use);
 *   `nullable` beside a `$ref` is ignored, as OpenAPI 3.0 says, so `null` there is rejected;
 * - enums are closed, `required` fields must be present, formats are checked;
 * - `additionalProperties: false` is read as "unknown fields are ignored": generated clients
 *   drop fields they do not know, which is where our documented extensions live.
 * Ajv runs in strict mode: a keyword it does not know fails compilation instead of being skipped.
 */

export const SPEC_DIR = '/work/shared/reference/codat';
export const SPEC_FILES = ['sync-commerce-current', 'sync-commerce-2023-03', 'sync-partner-commerce', 'commerce-data-model'] as const;
export type SpecName = (typeof SPEC_FILES)[number];

type Json = Record<string, unknown>;

/** Keywords that are annotations only (or OpenAPI-isms with no JSON Schema meaning). */
const DROP = new Set(['example', 'discriminator', 'xml', 'externalDocs', 'minValue', 'maxValue']);
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** JSON Schema 2020-12 keywords (plus `definitions`); anything else at schema level is a defect. */
const KEYWORDS = new Set([
  '$id', '$schema', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', '$comment', 'type', 'enum', 'const',
  'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
  'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required',
  'dependentRequired', 'format', 'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples',
  'contentEncoding', 'contentMediaType', 'contentSchema',
]);
const SCHEMA_ONE = ['items', 'additionalProperties', 'not', 'propertyNames', 'contains', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems'];

/** Rewrites one schema node (and everything under it) to the semantics above. */
export function strictSchema(node: unknown): unknown {
  // sync-partner-commerce.json types SyncStatus.companyId as `[{ $ref: <a parameter> }]`, which
  // is no schema; a generated client reads that property as untyped, and so do we.
  if (Array.isArray(node)) return {};
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  const misplaced: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (DROP.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (SCHEMA_MAPS.includes(key) && value && typeof value === 'object') {
      // A property whose "schema" is no object (sync-partner-commerce.json Order.customerRef
      // has `id: null`, `type: "string"` among its properties) constrains nothing.
      out[key] = Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, v && typeof v === 'object' ? strictSchema(v) : {}]));
    } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map(strictSchema);
    } else if (SCHEMA_ONE.includes(key)) {
      out[key] = key === 'additionalProperties' && value === false ? undefined : strictSchema(value);
    } else if (KEYWORDS.has(key)) {
      out[key] = value;
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      // The same defect: properties written beside `properties` instead of inside it.
      misplaced[key] = strictSchema(value);
    } else {
      throw new Error(`Unknown schema keyword "${key}" in the spec`);
    }
  }
  if (Object.keys(misplaced).length) out.properties = { ...(out.properties as Json | undefined), ...misplaced };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  const n = node as Json;
  if (n.nullable === true && !('$ref' in n)) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  return out;
}

/** Rewrites every schema of an OpenAPI document (components, parameters, bodies, responses). */
function strictDocument(doc: Json): Json {
  // Vendor extensions (`x-…`) carry no validation meaning anywhere in the document.
  const copy = JSON.parse(JSON.stringify(doc), (key, value: unknown) => (key.startsWith('x-') ? undefined : value)) as Json;
  const components = (copy.components ?? {}) as Json;
  const schemas = (components.schemas ?? {}) as Json;
  for (const k of Object.keys(schemas)) schemas[k] = strictSchema(schemas[k]);
  const params = (components.parameters ?? {}) as Record<string, Json>;
  for (const p of Object.values(params)) if (p.schema) p.schema = strictSchema(p.schema);
  const withContent = (holder: Json | undefined) => {
    const content = holder?.content as Record<string, Json> | undefined;
    for (const media of Object.values(content ?? {})) if (media.schema) media.schema = strictSchema(media.schema);
  };
  for (const r of Object.values((components.responses ?? {}) as Record<string, Json>)) withContent(r);
  for (const r of Object.values((components.requestBodies ?? {}) as Record<string, Json>)) withContent(r);
  for (const ops of Object.values((copy.paths ?? {}) as Record<string, Json>)) {
    for (const op of Object.values(ops) as Json[]) {
      if (!op || typeof op !== 'object') continue;
      withContent(op.requestBody as Json | undefined);
      for (const r of Object.values((op.responses ?? {}) as Record<string, Json>)) withContent(r);
      for (const p of (op.parameters ?? []) as Json[]) if (p.schema) p.schema = strictSchema(p.schema);
    }
  }
  return copy;
}

export interface Operation {
  spec: SpecName;
  method: string;
  /** Path with `{param}` placeholders. */
  path: string;
  operationId: string;
  /** Status codes the spec documents a JSON body for. */
  statuses: string[];
}

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** One spec, loaded: its operations and validators for their responses and request bodies. */
export class SpecValidator {
  readonly doc: Json;
  readonly operations: Operation[];
  private readonly ajv: Ajv2020;
  private readonly id: string;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly spec: SpecName) {
    const raw = JSON.parse(readFileSync(`${SPEC_DIR}/${spec}.json`, 'utf8')) as Json;
    this.doc = strictDocument(raw);
    this.id = `https://spec.test/${spec}.json`;
    this.ajv = new Ajv2020({ strict: true, allErrors: true, strictTypes: false, strictRequired: false, validateFormats: true });
    addFormats(this.ajv);
    // Formats these files use beyond JSON Schema's own.
    this.ajv.addFormat('guid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    this.ajv.addFormat('decimal', { type: 'number', validate: (n: number) => Number.isFinite(n) });
    this.ajv.addFormat('ISO4217', /^[A-Z]{3}$/);
    this.ajv.addFormat('ISO3166 Alpha-3', /^[A-Z]{3}$/);
    this.ajv.addFormat('url', /^https?:\/\/\S+$/);
    for (const k of ['openapi', 'info', 'servers', 'paths', 'components', 'security', 'tags', 'webhooks', 'jsonSchemaDialect']) this.ajv.addKeyword(k);
    this.ajv.addSchema({ $id: this.id, ...Object.fromEntries(Object.entries(this.doc).filter(([k]) => k !== '$schema')) });
    this.operations = [];
    for (const [path, ops] of Object.entries(this.doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(ops) as [string, Json][]) {
        if (!op || typeof op !== 'object' || !op.operationId) continue;
        const statuses = Object.keys((op.responses ?? {}) as Json).filter((s) => this.responsePointer(path, method, s) !== null);
        this.operations.push({ spec, method: method.toUpperCase(), path, operationId: op.operationId as string, statuses });
      }
    }
  }

  private resolve(pointer: string): { value: Json; pointer: string } {
    let value: unknown = this.doc;
    for (const part of pointer.replace(/^#\//, '').split('/')) value = (value as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    const v = value as Json;
    if (v && typeof v.$ref === 'string') return this.resolve(v.$ref);
    return { value: v, pointer };
  }

  private responsePointer(path: string, method: string, status: string): string | null {
    const at = `#/paths/${escape(path)}/${method.toLowerCase()}/responses/${status}`;
    const { value, pointer } = this.resolve(at);
    const content = value?.content as Json | undefined;
    if (!content?.['application/json']) return null;
    return `${pointer}/content/application~1json/schema`;
  }

  private compile(pointer: string): ValidateFunction {
    let fn = this.cache.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${this.id}${pointer}` });
      this.cache.set(pointer, fn);
    }
    return fn;
  }

  /** Finds the operation a concrete request path matches. */
  operation(method: string, concretePath: string): Operation | undefined {
    const path = concretePath.split('?')[0] ?? concretePath;
    const matches = this.operations.filter((o) => o.method === method.toUpperCase() &&
      new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
    // A literal segment beats a parameter (…/syncs/latest/status before …/syncs/{syncId}/status).
    return matches.sort((a, b) => (b.path.match(/\{/g)?.length ?? 0) < (a.path.match(/\{/g)?.length ?? 0) ? 1 : -1)[0];
  }

  /**
   * Errors of `body` against the response schema of an operation and status ([] when valid).
   * A status the operation does not document is read as a generated client reads it: an error
   * status is checked against the spec's `ErrorMessage` (where it has one); a status with no
   * documented JSON body at all (the 2023 file documents several 200s without one) has nothing
   * to check, and `null` is returned.
   */
  responseErrors(op: Operation, status: number, body: unknown): string[] | null {
    let pointer = this.responsePointer(op.path, op.method, String(status)) ?? this.responsePointer(op.path, op.method, 'default');
    const schemas = (this.doc.components as Json | undefined)?.schemas as Json | undefined;
    if (!pointer && status >= 400 && schemas?.ErrorMessage) pointer = '#/components/schemas/ErrorMessage';
    if (!pointer) return null;
    const fn = this.compile(pointer);
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Errors of a value against a named component schema (`Company`, `Order`, …). */
  schemaErrors(name: string, value: unknown): string[] {
    const fn = this.compile(`#/components/schemas/${escape(name)}`);
    return fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }

  /** Every request-body example of an operation (`example` and each of `examples`). */
  requestExamples(op: Operation): { name: string; value: unknown }[] {
    const raw = JSON.parse(readFileSync(`${SPEC_DIR}/${this.spec}.json`, 'utf8')) as Json;
    const body = ((raw.paths as Json)[op.path] as Json)[op.method.toLowerCase()] as Json;
    const rb = body.requestBody as Json | undefined;
    const media = (rb?.content as Record<string, Json> | undefined)?.['application/json'];
    if (!media) return [];
    const out: { name: string; value: unknown }[] = [];
    if (media.example !== undefined) out.push({ name: 'example', value: media.example });
    for (const [name, ex] of Object.entries((media.examples ?? {}) as Record<string, Json>)) out.push({ name, value: ex.value });
    return out;
  }
}
