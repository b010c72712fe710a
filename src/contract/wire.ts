import type { z } from 'zod';

/**
 * "Absent, not null": Codat's OpenAPI documents type many optional fields as a plain string or
 * object (a `nullable` beside a `$ref` does not count), so a strict client throws on `null`
 * there and expects the field to be left out. The contract schemas say which fields take
 * `null` (`.nullable()`/`.nullish()`) and which may only be absent (`.optional()`); this walks
 * a value along its schema and drops every `null` the schema does not accept.
 *
 * The sync service passes every JSON response through it, and set-configuration passes its
 * body through it, so a client that echoes an older response (with `null`s) is still accepted.
 */
export function absentNotNull<T>(schema: z.ZodType, value: T): T {
  return walk(schema, value) as T;
}

type Def = { type: string; [key: string]: unknown };

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under optional/nullable/default/readonly/catch/lazy wrappers (and a pipe's input). */
function core(schema: z.ZodType): z.ZodType {
  for (let s = schema, i = 0; i < 32; i += 1) {
    const def = defOf(s);
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        s = def.innerType as z.ZodType;
        break;
      case 'pipe':
        s = def.in as z.ZodType;
        break;
      case 'lazy':
        s = (def.getter as () => z.ZodType)();
        break;
      default:
        return s;
    }
  }
  return schema;
}

const nullable = new WeakMap<z.ZodType, boolean>();

function acceptsNull(schema: z.ZodType): boolean {
  let known = nullable.get(schema);
  if (known === undefined) {
    known = schema.safeParse(null).success;
    nullable.set(schema, known);
  }
  return known;
}

function walk(schema: z.ZodType, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const s = core(schema);
  const def = defOf(s);
  if (def.type === 'array') {
    return Array.isArray(value) ? value.map((v: unknown) => walk(def.element as z.ZodType, v)) : value;
  }
  if (Array.isArray(value)) return value;
  if (def.type === 'object') {
    const shape = def.shape as Record<string, z.ZodType>;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const prop = shape[key];
      if (!prop) out[key] = v;
      else if (v !== null || acceptsNull(prop)) out[key] = walk(prop, v);
    }
    return out;
  }
  if (def.type === 'record') {
    const item = def.valueType as z.ZodType;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null || acceptsNull(item)) out[key] = walk(item, v);
    }
    return out;
  }
  return value;
}
