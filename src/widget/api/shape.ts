/**
 * Cheap structural checks of BFF answers. The BFF validates every body with the zod schemas of
 * src/contract/bff.ts before sending it, so the browser only guards what would otherwise crash
 * the widget (a proxy's HTML page, a truncated body, a wrong deployment) and reports it clearly,
 * without shipping a schema library.
 */

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** Expected kind of each top-level key; a trailing `?` also allows null or absence. */
export type Shape = Readonly<Record<string, Kind | `${Kind}?`>>;

function kindOf(value: unknown): Kind | 'null' | 'other' {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || type === 'object' ? type : 'other';
}

/**
 * Returns null when `value` is an object whose keys have the kinds `shape` lists, else a short
 * description of the first mismatch.
 *
 * @example
 * expectShape({ enabled: true }, { enabled: 'boolean' }); // null
 * expectShape('<html>', { enabled: 'boolean' }); // 'expected an object, got string'
 */
export function expectShape(value: unknown, shape: Shape): string | null {
  const kind = kindOf(value);
  if (kind !== 'object') return `expected an object, got ${kind}`;
  const record = value as Record<string, unknown>;
  for (const [key, expected] of Object.entries(shape)) {
    const optional = expected.endsWith('?');
    const want = (optional ? expected.slice(0, -1) : expected) as Kind;
    const got = kindOf(record[key]);
    if (got === want || (optional && got === 'null')) continue;
    return `"${key}" should be ${want === 'array' || want === 'object' ? 'an' : 'a'} ${want}${optional ? ' or null' : ''}, got ${got}`;
  }
  return null;
}

/** Whether `value` looks like the BFF error envelope: `code`, merchant `error` text, well-formed field errors. */
export function isBffErrorBody(value: unknown): boolean {
  if (expectShape(value, { code: 'string', error: 'string', correlationId: 'string?', validation: 'object?' }) !== null) return false;
  const errors = (value as { validation?: { errors?: unknown } | null }).validation?.errors;
  if (errors === undefined) return true;
  return Array.isArray(errors) && errors.every((item) => expectShape(item, { itemId: 'string', message: 'string' }) === null);
}
