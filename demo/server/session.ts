import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the demo's sign-in cookie. */
export const SESSION_COOKIE = 'harbour_session';

/**
 * Signs and reads the demo sign-in cookie: `<merchantId>.<hmac>`, `HttpOnly; SameSite=Strict`.
 * The partner's real product would have its own login; the BFF only needs "which merchant is
 * this request for". Strict works for the BFF's OAuth callback here because the demo's only
 * platform, the sandbox, is on the same site (same host, another port); a partner whose
 * platforms live on other sites needs `Lax` for the cookie the callback reads.
 */
export interface SessionCodec {
  /** The `Set-Cookie` value that signs `merchantId` in. */
  signIn(merchantId: string): string;
  /** The `Set-Cookie` value that signs out. */
  signOut(): string;
  /** The merchant id in the request's cookie when its signature is valid, else `null`. */
  read(request: Request): string | null;
}

/** Name of the demo's support-staff sign-in cookie, separate from the merchants' one. */
export const SUPPORT_SESSION_COOKIE = 'harbour_support';

/**
 * Creates the cookie codec with the partner server's secret. Each cookie name signs with its own
 * derived key, so a merchant cookie copied into the support cookie never verifies.
 */
export function createSessionCodec(secret: string, cookieName: string = SESSION_COOKIE): SessionCodec {
  const key = cookieName === SESSION_COOKIE ? secret : createHmac('sha256', secret).update(`harbour/${cookieName}`).digest();
  const sign = (value: string) => createHmac('sha256', key).update(value).digest('base64url');
  return {
    signIn(merchantId) {
      const value = `${merchantId}.${sign(merchantId)}`;
      return `${cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${60 * 60 * 12}`;
    },
    signOut() {
      return `${cookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
    },
    read(request) {
      const raw = readCookie(request.headers.get('cookie'), cookieName);
      if (!raw) return null;
      const dot = raw.lastIndexOf('.');
      if (dot <= 0) return null;
      const merchantId = raw.slice(0, dot);
      const given = Buffer.from(raw.slice(dot + 1));
      const expected = Buffer.from(sign(merchantId));
      return given.length === expected.length && timingSafeEqual(given, expected) ? merchantId : null;
    },
  };
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}
