import type { z } from 'zod';

/**
 * A yes/no test built from a zod schema: `true` only when the schema would accept the value
 * and hand back an equal value — nothing stripped, transformed or defaulted. Pushed records
 * that pass it can be stored as sent, without zod rebuilding them; anything else (invalid,
 * or valid but changed by parsing, such as an amount sent as `"12.30"`) goes through
 * `schema.safeParse`, which stays the one authority for errors and output.
 *
 * The test is compiled once per schema into one straight-line function by walking the
 * schema's definition (the way zod compiles its own object parsers). Each kind it does not
 * know is answered by the schema itself, and where code cannot be compiled at run time the
 * test always says no: a wrong `false` costs only speed. "Equal" ignores key order.
 */
export type CanonicalTest = (value: unknown) => boolean;

/** The parts of a zod 4 definition the compiler reads. */
interface Def {
  type: string;
  /** Set on string and number formats (z.iso.date(), z.email(), z.int(), …), which validate as a whole. */
  format?: string;
  checks?: readonly Check[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: readonly z.ZodType[];
  entries?: Record<string, string | number>;
}

interface Payload {
  value: unknown;
  issues: unknown[];
}

interface Check {
  _zod: {
    def: { check?: string; format?: string; pattern?: unknown; minimum?: unknown; maximum?: unknown; fn?: unknown; when?: (payload: Payload) => boolean };
    check: (payload: Payload) => unknown;
  };
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Runs a node's own checks (regex, length, refinements) as zod does; any issue is a no. */
function checksRunner(checks: readonly Check[]): CanonicalTest {
  const payload: Payload = { value: undefined, issues: [] };
  return (value) => {
    payload.value = value;
    // Issues left by an earlier "no" are dropped (a fresh array is cheaper than truncating).
    if (payload.issues.length > 0) payload.issues = [];
    for (const check of checks) {
      const when = check._zod.def.when;
      if (when && !when(payload)) continue;
      const result = check._zod.check(payload);
      // An asynchronous refinement cannot be answered here: let zod decide.
      if (result instanceof Promise || payload.issues.length > 0) return false;
    }
    // Some checks rewrite the value (trim, toLowerCase, normalize): then it is not unchanged.
    return Object.is(payload.value, value);
  };
}

/** Any other kind: ask the schema, and accept only an unchanged primitive. */
function bySchema(schema: z.ZodType): CanonicalTest {
  return (value) => {
    if (typeof value === 'object' && value !== null) return false;
    const result = schema.safeParse(value);
    return result.success && Object.is(result.data, value);
  };
}

/** A union says yes only if the first option zod would take keeps the value unchanged. */
function unionTest(options: readonly z.ZodType[]): CanonicalTest {
  const tests = options.map((option) => canonicalTest(option));
  return (value) => {
    for (let i = 0; i < options.length; i += 1) {
      if ((tests[i] as CanonicalTest)(value)) return true;
      // This option said no: if it accepts the value at all, it would change it.
      if ((options[i] as z.ZodType).safeParse(value).success) return false;
    }
    return false;
  };
}

const MAX_DEPTH = 24;

/** Collects generated statements and the values they refer to. */
class Emitter {
  readonly values: unknown[] = [];
  private names = 0;

  /** A name in the generated code for a value from here. */
  value(of: unknown): string {
    this.values.push(of);
    return `$${this.values.length - 1}`;
  }

  local(): string {
    this.names += 1;
    return `v${this.names}`;
  }

  private depth = 0;

  /** Statements that `return false` unless `x` (an expression naming a local) passes `schema`. */
  node(schema: z.ZodType, x: string): string {
    // Recursive shapes (getters) would unfold forever: past a sane depth, zod answers.
    if (this.depth > MAX_DEPTH) return 'return false;\n';
    this.depth += 1;
    try {
      return this.kind(schema, x);
    } finally {
      this.depth -= 1;
    }
  }

  private kind(schema: z.ZodType, x: string): string {
    const def = defOf(schema);
    // A format schema is its own check (zod runs it inside the type's parse): zod answers those.
    if (def.format !== undefined) return `if (!${this.value(bySchema(schema))}(${x})) return false;\n`;
    const checks = this.checks(def.checks ?? [], x, def.type === 'string');
    switch (def.type) {
      case 'string':
        return `if (typeof ${x} !== 'string') return false;\n${checks}`;
      case 'number':
        return `if (typeof ${x} !== 'number' || !Number.isFinite(${x})) return false;\n${checks}`;
      case 'boolean':
        return `if (typeof ${x} !== 'boolean') return false;\n${checks}`;
      case 'enum':
        return `if (!${this.value(new Set(Object.values(def.entries ?? {})))}.has(${x})) return false;\n${checks}`;
      case 'optional':
        return `if (${x} !== undefined) {\n${this.node(def.innerType as z.ZodType, x)}}\n${checks}`;
      case 'nullable':
        return `if (${x} !== null) {\n${this.node(def.innerType as z.ZodType, x)}}\n${checks}`;
      case 'union':
        return `if (!${this.value(unionTest(def.options ?? []))}(${x})) return false;\n${checks}`;
      case 'array':
        // Arrays with their own checks (length limits) are rare here: zod answers those.
        return def.checks?.length ? 'return false;\n' : this.array(def, x);
      case 'object':
        return def.checks?.length ? 'return false;\n' : this.object(def, x);
      default:
        return `if (!${this.value(bySchema(schema))}(${x})) return false;\n`;
    }
  }

  /**
   * A node's checks. The common ones are written out (a pattern, a minimum or maximum string length, a
   * synchronous refinement that must return exactly `true`); any other runs through zod's own
   * check code.
   */
  private checks(checks: readonly Check[], x: string, isString: boolean): string {
    let out = '';
    for (const check of checks) {
      const def = check._zod.def;
      if (def.check === 'string_format' && def.format === 'regex' && def.pattern instanceof RegExp && !def.pattern.global && !def.pattern.sticky) {
        out += `if (!${this.value(def.pattern)}.test(${x})) return false;\n`;
      } else if (def.check === 'min_length' && isString && typeof def.minimum === 'number') {
        out += `if (${x}.length < ${def.minimum}) return false;\n`;
      } else if (def.check === 'max_length' && isString && typeof def.maximum === 'number') {
        out += `if (${x}.length > ${def.maximum}) return false;\n`;
      } else if (def.check === 'custom' && typeof def.fn === 'function' && !def.when) {
        // A promise (an asynchronous refinement) is not `true`: zod decides those.
        out += `if (${this.value(def.fn)}(${x}) !== true) return false;\n`;
      } else {
        out += `if (!${this.value(checksRunner([check]))}(${x})) return false;\n`;
      }
    }
    return out;
  }

  private array(def: Def, x: string): string {
    const i = this.local();
    const element = this.local();
    return `if (!Array.isArray(${x})) return false;
for (let ${i} = 0; ${i} < ${x}.length; ${i} += 1) {
const ${element} = ${x}[${i}];
${this.node(def.element as z.ZodType, element)}}\n`;
  }

  private object(def: Def, x: string): string {
    const shape = def.shape ?? {};
    const keys = Object.keys(shape);
    // Reading such a key would reach the prototype, not the field: zod answers those.
    if (keys.some((key) => key === '__proto__' || key === 'constructor')) return 'return false;\n';
    const own = this.local();
    const key = this.local();
    // Unknown keys would be stripped (or refused): either way the value would change.
    let out = `if (typeof ${x} !== 'object' || ${x} === null || Array.isArray(${x})) return false;
const ${own} = Object.keys(${x});
if (${own}.length > ${keys.length}) return false;
for (const ${key} of ${own}) {
switch (${key}) {
${keys.map((k) => `case ${JSON.stringify(k)}:`).join('\n')}
break;
default: return false;
}
}\n`;
    for (const k of keys) {
      const field = this.local();
      out += `const ${field} = ${x}[${JSON.stringify(k)}];\n${this.node(shape[k] as z.ZodType, field)}`;
    }
    return out;
  }
}

const cache = new WeakMap<z.ZodType, CanonicalTest>();

/** Compiles (once per schema) the {@link CanonicalTest} of `schema`. */
export function canonicalTest(schema: z.ZodType): CanonicalTest {
  const cached = cache.get(schema);
  if (cached) return cached;
  const compiled = compile(schema);
  cache.set(schema, compiled);
  return compiled;
}

function compile(schema: z.ZodType): CanonicalTest {
  const emitter = new Emitter();
  const body = emitter.node(schema, 'input');
  const names = emitter.values.map((_, i) => `$${i}`);
  try {
    // The generated source holds only names, keys quoted by JSON.stringify and fixed code.
    const factory = new Function(...names, `return function canonical(input) {\n${body}return true;\n};`) as (...values: unknown[]) => CanonicalTest;
    return factory(...emitter.values);
  } catch {
    // A runtime that forbids compiling code (a strict CSP, some edge runtimes): zod decides.
    return () => false;
  }
}
