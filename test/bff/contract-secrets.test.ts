import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import * as bffContract from '../../src/contract/bff.js';

/**
 * The browser imports src/contract/bff.ts. These checks prove that nothing in it (or in what it
 * imports) describes a secret, and that its module graph stays inside src/contract with no
 * server-side module in it.
 */

const FORBIDDEN_FIELD = /(secret|apikey|password|accesstoken|refreshtoken|codeverifier|privatekey|encryptionkey|syncexceptionmessage|clientsecret|^authorization$|credential|tenantid)/i;

type AnySchema = z.core.$ZodType;

function collectKeys(schema: AnySchema, path: string, seen: Set<AnySchema>, out: string[]): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  const visit = (child: unknown, childPath: string) => {
    if (child && typeof child === 'object' && '_zod' in child) collectKeys(child as AnySchema, childPath, seen, out);
  };
  switch (def.type) {
    case 'object':
      for (const [key, child] of Object.entries(def.shape as Record<string, AnySchema>)) {
        out.push(`${path}.${key}`);
        visit(child, `${path}.${key}`);
      }
      visit(def.catchall, `${path}.*`);
      break;
    case 'array':
      visit(def.element, `${path}[]`);
      break;
    case 'union':
      (def.options as AnySchema[]).forEach((o, i) => visit(o, `${path}|${i}`));
      break;
    case 'intersection':
      visit(def.left, path);
      visit(def.right, path);
      break;
    case 'record':
      visit(def.keyType, `${path}{key}`);
      visit(def.valueType, `${path}{}`);
      break;
    case 'pipe':
      visit(def.in, path);
      visit(def.out, path);
      break;
    case 'lazy':
      visit((def.getter as () => unknown)(), path);
      break;
    default:
      visit(def.innerType, path);
  }
}

function allFieldPaths(): string[] {
  const out: string[] = [];
  const seen = new Set<AnySchema>();
  for (const [name, value] of Object.entries(bffContract)) {
    if (value instanceof z.ZodType) collectKeys(value, name, seen, out);
  }
  return out;
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers;
}

describe('browser-side BFF contract (src/contract/bff.ts)', () => {
  it('walks a meaningful part of the contract (the walker itself works)', () => {
    const paths = allFieldPaths();
    expect(paths).toContain('SessionTokenSchema.token');
    expect(paths).toContain('StartAuthorizationResponseSchema.url');
    expect(paths.some((p) => p.startsWith('ConfigurationViewSchema.configuration.'))).toBe(true);
    expect(paths.length).toBeGreaterThan(100);
  });

  it('has no field that names a secret', () => {
    const offending = allFieldPaths().filter((p) => FORBIDDEN_FIELD.test(p.split('.').at(-1) ?? ''));
    expect(offending).toEqual([]);
  });

  it('the pattern would catch the secrets the server side handles', () => {
    for (const name of ['apiKey', 'clientSecret', 'codeVerifier', 'refreshToken', 'accessToken', 'syncExceptionMessage']) {
      expect(FORBIDDEN_FIELD.test(name)).toBe(true);
    }
  });

  it('imports only zod and other contract modules (no node:, no server, no BFF internals)', () => {
    const root = resolve(import.meta.dirname, '../../src/contract');
    const pending = [resolve(root, 'bff.ts')];
    const visited = new Set<string>();
    const external = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (visited.has(file)) continue;
      visited.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
          expect(target.startsWith(`${root}/`), `${file} imports ${spec}`).toBe(true);
          pending.push(target);
        } else {
          external.add(spec);
        }
      }
    }
    expect([...external]).toEqual(['zod']);
    expect(visited.size).toBeGreaterThan(1);
  });
});
