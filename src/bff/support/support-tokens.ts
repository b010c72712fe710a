import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { SupportStaffSchema, type SupportStaff } from '../../contract/support.js';
import { MIN_SECRET_BYTES } from '../signing.js';

/** Options of {@link createSupportTokens}. */
export interface SupportTokensOptions {
  /** HMAC secret, at least 32 bytes, from the environment. May equal the BFF secret: the key is derived for support only. */
  secret: string;
  /** Token lifetime in seconds (default 3600, at most 12 hours). */
  ttlSeconds?: number;
  now?: () => Date;
}

/** Issues and checks support-staff bearer tokens. */
export interface SupportTokens {
  /** Signs a token for a staff member the partner's own staff sign-in has verified. */
  issue(staff: SupportStaff): { token: string; expiresAt: string };
  /** The staff member of `Authorization: Bearer <token>`, or null (missing, forged, expired, or a merchant session token). */
  authenticate(request: Request): SupportStaff | null;
}

const ClaimsSchema = z.object({
  v: z.literal(1),
  aud: z.literal('support'),
  sub: z.string(),
  name: z.string(),
  exp: z.number(),
});

/**
 * Support-staff tokens, separate from merchant sessions: signed with a key derived for the
 * `support` audience, so a merchant widget token (derived for `session`) never verifies here
 * even when both come from the same secret. Use its `authenticate` as `authenticateSupport`.
 *
 * @example
 * const tokens = createSupportTokens({ secret: process.env.SUPPORT_TOKEN_SECRET! });
 * const supportBff = createSupportBff({ authenticateSupport: tokens.authenticate, syncService });
 */
export function createSupportTokens(options: SupportTokensOptions): SupportTokens {
  if (Buffer.byteLength(options.secret) < MIN_SECRET_BYTES) {
    throw new Error(
      `Support token secret must be at least ${MIN_SECRET_BYTES} bytes; generate one with \`openssl rand -base64 48\`.`,
    );
  }
  const ttl = options.ttlSeconds ?? 3600;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > 12 * 3600)
    throw new Error('ttlSeconds must be a whole number between 60 and 43200.');
  const now = options.now ?? (() => new Date());
  const key = createHmac('sha256', options.secret)
    .update('commerce-sync/bff/support-staff/v1')
    .digest();
  const mac = (data: string) => createHmac('sha256', key).update(data).digest();

  return {
    issue(staff) {
      const parsed = SupportStaffSchema.parse(staff);
      const exp = Math.floor(now().getTime() / 1000) + ttl;
      const body = Buffer.from(
        JSON.stringify({ v: 1, aud: 'support', sub: parsed.staffId, name: parsed.name, exp }),
      ).toString('base64url');
      return {
        token: `${body}.${mac(body).toString('base64url')}`,
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    },
    authenticate(request) {
      const match = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(
        (request.headers.get('authorization') ?? '').trim(),
      );
      if (!match?.[1] || !match[2]) return null;
      const expected = mac(match[1]);
      const given = Buffer.from(match[2], 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      let claims: z.infer<typeof ClaimsSchema>;
      try {
        claims = ClaimsSchema.parse(
          JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')),
        );
      } catch {
        return null;
      }
      if (Math.floor(now().getTime() / 1000) >= claims.exp) return null;
      return { staffId: claims.sub, name: claims.name };
    },
  };
}
