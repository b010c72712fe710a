import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signed, compact tokens (`<base64url JSON payload>.<base64url signature>`) used for
 * widget session tokens and OAuth `state`. Each use has its own derived key, so a session token
 * can never be replayed as a state and the other way round.
 */

/** What a signed token is for; also the key-derivation label. */
export type TokenPurpose = 'session' | 'oauth-state';

/** Why a token was refused. */
export type TokenFailure = 'malformed' | 'bad_signature' | 'expired';

/** Result of {@link TokenSigner.verify}. */
export type VerifyResult<T> = { ok: true; payload: T } | { ok: false; failure: TokenFailure; payload?: T };

/** Signs and verifies tokens of one purpose. */
export interface TokenSigner {
  sign(payload: Record<string, unknown> & { exp: number }): string;
  /**
   * Checks the signature first, then expiry against `nowSeconds`. On `expired` the (authentic)
   * payload is returned too, so callers can still answer on the right channel.
   */
  verify<T extends { exp: number }>(token: string, nowSeconds: number): VerifyResult<T>;
}

/** Smallest secret accepted: 32 bytes of entropy for an HMAC-SHA256 key. */
export const MIN_SECRET_BYTES = 32;

/** Creates a signer for `purpose` from the BFF secret. */
export function createTokenSigner(secret: string | Uint8Array, purpose: TokenPurpose): TokenSigner {
  const key = createHmac('sha256', secret).update(`commerce-sync/bff/${purpose}/v1`).digest();
  const mac = (data: string) => createHmac('sha256', key).update(data).digest();
  return {
    sign(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },
    verify<T extends { exp: number }>(token: string, nowSeconds: number): VerifyResult<T> {
      const parts = token.split('.');
      if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, failure: 'malformed' };
      const [body, signature] = parts as [string, string];
      const expected = mac(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, failure: 'bad_signature' };
      }
      let payload: T;
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
      } catch {
        return { ok: false, failure: 'malformed' };
      }
      if (typeof payload !== 'object' || payload === null || typeof payload.exp !== 'number') {
        return { ok: false, failure: 'malformed' };
      }
      if (nowSeconds >= payload.exp) return { ok: false, failure: 'expired', payload };
      return { ok: true, payload };
    },
  };
}

/** A URL-safe random identifier with `bytes` bytes of entropy. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** A PKCE pair (RFC 7636, S256): the verifier stays on the server, the challenge goes to the platform. */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  // 32 random bytes give a 43-character verifier, the minimum length RFC 7636 allows.
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  return { codeVerifier, codeChallenge };
}
