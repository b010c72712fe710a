import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPkcePair, createTokenSigner } from '../../src/bff/signing.js';

const SECRET = 'test-secret-test-secret-test-secret-0123456789';

describe('token signer', () => {
  const signer = createTokenSigner(SECRET, 'session');

  it('round-trips a payload before expiry', () => {
    const token = signer.sign({ sub: 'm-1', exp: 1_000 });
    expect(signer.verify(token, 999)).toEqual({ ok: true, payload: { sub: 'm-1', exp: 1_000 } });
  });

  it('reports expiry at and after exp, with the authentic payload', () => {
    const token = signer.sign({ sub: 'm-1', exp: 1_000 });
    expect(signer.verify(token, 1_000)).toMatchObject({ ok: false, failure: 'expired', payload: { sub: 'm-1' } });
  });

  it('refuses a payload changed after signing', () => {
    const token = signer.sign({ sub: 'm-1', exp: 1_000 });
    const [, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ sub: 'm-2', exp: 1_000 })).toString('base64url')}.${signature}`;
    expect(signer.verify(forged, 10)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('refuses a signature flipped by one character', () => {
    const token = signer.sign({ sub: 'm-1', exp: 1_000 });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(signer.verify(token.slice(0, -1) + last, 10)).toMatchObject({ ok: false });
  });

  it('refuses a token of another purpose or another secret', () => {
    const state = createTokenSigner(SECRET, 'oauth-state').sign({ sub: 'm-1', exp: 1_000 });
    expect(signer.verify(state, 10)).toEqual({ ok: false, failure: 'bad_signature' });
    const other = createTokenSigner(`${SECRET}-other`, 'session').sign({ sub: 'm-1', exp: 1_000 });
    expect(signer.verify(other, 10)).toEqual({ ok: false, failure: 'bad_signature' });
  });

  it('calls garbage malformed', () => {
    expect(signer.verify('not-a-token', 10)).toEqual({ ok: false, failure: 'malformed' });
    expect(signer.verify('a.b.c', 10)).toEqual({ ok: false, failure: 'malformed' });
  });
});

describe('PKCE pair', () => {
  it('derives the S256 challenge from a 43+ character verifier', () => {
    const { codeVerifier, codeChallenge } = createPkcePair();
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(codeChallenge).toBe(createHash('sha256').update(codeVerifier).digest('base64url'));
    expect(createPkcePair().codeVerifier).not.toBe(codeVerifier);
  });
});
