import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  constructWebhookEvent,
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
} from '../../src/webhooks/signature.js';

const secret = 'whsec_test_0123456789abcdef';
const otherSecret = 'whsec_other_fedcba9876543210';
const at = new Date('2026-03-02T09:00:00Z');
const t = at.getTime() / 1000;

const event = {
  id: 'evt_1',
  type: 'connection.deleted',
  createdAt: '2026-03-02T09:00:00.000Z',
  companyId: 'company-1',
  data: { connectionId: 'conn-1', platformKey: 'xero' },
};
const body = JSON.stringify(event);

describe('signWebhook', () => {
  it('produces t=<unix>,v1=<hex HMAC-SHA256 of "t.body">, matching an independent HMAC', async () => {
    const header = await signWebhook(body, secret, at);
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
  });

  it('adds one v1 per secret while rotating', async () => {
    const header = await signWebhook(body, [secret, otherSecret], t);
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
  });

  it('refuses an empty secret', async () => {
    await expect(signWebhook(body, '', at)).rejects.toThrow(/non-empty secret/);
    await expect(signWebhook(body, [], at)).rejects.toThrow(/non-empty secret/);
  });
});

describe('verifyWebhook', () => {
  it('accepts a genuine signature (string or bytes body)', async () => {
    const header = await signWebhook(body, secret, at);
    await expect(verifyWebhook({ payload: body, header, secret, now: at })).resolves.toEqual({
      ok: true,
      timestamp: t,
    });
    await expect(
      verifyWebhook({
        payload: new TextEncoder().encode(body),
        header,
        secret,
        now: new Date(at.getTime() + 299_000),
      }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('rejects a tampered body', async () => {
    const header = await signWebhook(body, secret, at);
    const tampered = body.replace('"xero"', '"qbo"');
    await expect(
      verifyWebhook({ payload: tampered, header, secret, now: at }),
    ).resolves.toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
    await expect(
      verifyWebhook({ payload: `${body} `, header, secret, now: at }),
    ).resolves.toMatchObject({ ok: false });
  });

  it('rejects any single-character change to the body', async () => {
    const header = await signWebhook(body, secret, at);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: body.length - 1 }),
        fc.integer({ min: 1, max: 94 }),
        async (index, shift) => {
          const code = ((body.charCodeAt(index) - 32 + shift) % 95) + 32;
          const changed = body.slice(0, index) + String.fromCharCode(code) + body.slice(index + 1);
          const result = await verifyWebhook({ payload: changed, header, secret, now: at });
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects a wrong secret', async () => {
    const header = await signWebhook(body, otherSecret, at);
    await expect(verifyWebhook({ payload: body, header, secret, now: at })).resolves.toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('rejects a tampered signature or a timestamp moved to pass the replay window', async () => {
    const header = await signWebhook(body, secret, at);
    const v1 = header.split('v1=')[1] ?? '';
    const flipped = `t=${t},v1=${(v1[0] === 'a' ? 'b' : 'a') + v1.slice(1)}`;
    await expect(
      verifyWebhook({ payload: body, header: flipped, secret, now: at }),
    ).resolves.toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
    // A replayer rewrites t to look fresh; the HMAC covers t, so it no longer matches.
    const later = new Date(at.getTime() + 3_600_000);
    const rewritten = header.replace(`t=${t}`, `t=${t + 3600}`);
    await expect(
      verifyWebhook({ payload: body, header: rewritten, secret, now: later }),
    ).resolves.toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('rejects stale and future timestamps outside the tolerance', async () => {
    const header = await signWebhook(body, secret, at);
    await expect(
      verifyWebhook({ payload: body, header, secret, now: new Date(at.getTime() + 301_000) }),
    ).resolves.toMatchObject({ ok: false, reason: 'timestamp_outside_tolerance' });
    await expect(
      verifyWebhook({ payload: body, header, secret, now: new Date(at.getTime() - 301_000) }),
    ).resolves.toMatchObject({ ok: false, reason: 'timestamp_outside_tolerance' });
    await expect(
      verifyWebhook({
        payload: body,
        header,
        secret,
        now: new Date(at.getTime() + 20_000),
        toleranceSeconds: 10,
      }),
    ).resolves.toMatchObject({ ok: false, reason: 'timestamp_outside_tolerance' });
  });

  it.each([
    [null, 'malformed_header'],
    ['', 'malformed_header'],
    ['garbage', 'malformed_header'],
    ['v1=abcd', 'malformed_header'],
    [`t=${t}`, 'no_signature'],
    [`t=${t},v1=nothex`, 'no_signature'],
    [`t=${t},v1=abcd`, 'no_signature'],
    [`t=abc,v1=${'0'.repeat(64)}`, 'malformed_header'],
    [`t=${t},t=${t},v1=${'0'.repeat(64)}`, 'malformed_header'],
  ])('rejects the malformed header %j as %s', async (header, reason) => {
    await expect(verifyWebhook({ payload: body, header, secret, now: at })).resolves.toMatchObject({
      ok: false,
      reason,
    });
  });

  it('supports secret rotation on both sides', async () => {
    const both = await signWebhook(body, [otherSecret, secret], at);
    await expect(
      verifyWebhook({ payload: body, header: both, secret, now: at }),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      verifyWebhook({ payload: body, header: both, secret: otherSecret, now: at }),
    ).resolves.toMatchObject({
      ok: true,
    });
    const newOnly = await signWebhook(body, otherSecret, at);
    await expect(
      verifyWebhook({ payload: body, header: newOnly, secret: [secret, otherSecret], now: at }),
    ).resolves.toMatchObject({ ok: true });
    const unrelated = await signWebhook(body, 'whsec_unrelated_000000000000', at);
    await expect(
      verifyWebhook({ payload: body, header: unrelated, secret: [secret, otherSecret], now: at }),
    ).resolves.toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('ignores signature schemes it does not know', async () => {
    const header = await signWebhook(body, secret, at);
    await expect(
      verifyWebhook({ payload: body, header: `${header},v0=deadbeef`, secret, now: at }),
    ).resolves.toMatchObject({ ok: true });
  });

  it('uses only Web Crypto, so it runs in edge runtimes', () => {
    const source = readFileSync(
      new URL('../../src/webhooks/signature.ts', import.meta.url),
      'utf8',
    );
    expect(source).not.toMatch(/from ['"](node:)?(crypto|buffer)['"]/);
    expect(source).toContain('crypto.subtle');
  });
});

describe('constructWebhookEvent', () => {
  it('returns the typed event for a genuine request', async () => {
    const header = await signWebhook(body, secret, at);
    const parsed = await constructWebhookEvent({ payload: body, header, secret, now: at });
    expect(parsed.type).toBe('connection.deleted');
    expect(parsed).toEqual(event);
  });

  it('throws WebhookVerificationError with the reason', async () => {
    const header = await signWebhook(body, otherSecret, at);
    const error = await constructWebhookEvent({ payload: body, header, secret, now: at }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('throws invalid_payload for a signed body that is not a known event', async () => {
    const payload = JSON.stringify({ ...event, type: 'sync.exploded' });
    const header = await signWebhook(payload, secret, at);
    await expect(constructWebhookEvent({ payload, header, secret, now: at })).rejects.toMatchObject(
      {
        reason: 'invalid_payload',
      },
    );
  });
});

describe('the documented call, without `now` (README "Webhooks" → Receiving)', () => {
  // A delivery signed at the real current time by an HMAC computed here, independently of signWebhook.
  function deliveryNow(payload: string, key: string): Request {
    const ts = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', key).update(`${ts}.${payload}`).digest('hex');
    return new Request('https://partner.test/webhooks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'Commerce-Sync-Signature': `t=${ts},v1=${v1}` },
      body: payload,
    });
  }

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('constructWebhookEvent accepts a genuine delivery exactly as the README calls it', async () => {
    vi.stubEnv('WEBHOOK_SECRET', secret);
    vi.stubEnv('WEBHOOK_PREVIOUS_SECRET', '');
    const seen: string[] = [];
    const notifyMerchant = (companyId: string, message: string): void => {
      seen.push(`${companyId}: ${message}`);
    };
    // The README's handler, verbatim apart from `notifyMerchant` being local.
    async function POST(request: Request) {
      const event = await constructWebhookEvent({
        payload: await request.text(),
        header: request.headers.get('Commerce-Sync-Signature'),
        secret: [process.env.WEBHOOK_SECRET!, process.env.WEBHOOK_PREVIOUS_SECRET].filter(Boolean) as string[],
      });
      if (event.type === 'sync.failed') notifyMerchant(event.companyId, event.data.merchantMessage);
      return new Response(null, { status: 204 });
    }
    const failed = {
      id: 'sync.failed:sync-9',
      type: 'sync.failed',
      createdAt: new Date().toISOString(),
      companyId: 'company-1',
      data: {
        syncId: 'sync-9',
        dataConnectionId: 'conn-1',
        period: { start: '2026-03-01', finish: '2026-03-02' },
        syncStatusCode: 4000,
        errorCode: 'payment_type_unmapped',
        merchantMessage: 'Map the Swish payment type.',
        retryable: false,
        wizardStep: 'payments',
      },
    };
    const response = await POST(deliveryNow(JSON.stringify(failed), secret));
    expect(response.status).toBe(204);
    expect(seen).toEqual(['company-1: Map the Swish payment type.']);
  });

  it('verifyWebhook accepts a genuine delivery and still refuses a stale one', async () => {
    const request = deliveryNow(body, secret);
    const result = await verifyWebhook({
      payload: await request.text(),
      header: request.headers.get('Commerce-Sync-Signature'),
      secret,
    });
    expect(result).toMatchObject({ ok: true });
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const staleHeader = `t=${stale},v1=${createHmac('sha256', secret).update(`${stale}.${body}`).digest('hex')}`;
    await expect(verifyWebhook({ payload: body, header: staleHeader, secret })).resolves.toMatchObject({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
  });

  it('refuses a millisecond number where Unix seconds are meant, saying so', async () => {
    const header = await signWebhook(body, secret, at);
    await expect(verifyWebhook({ payload: body, header, secret, now: at.getTime() })).rejects.toThrow(
      /Unix seconds/,
    );
    await expect(signWebhook(body, secret, at.getTime())).rejects.toThrow(/Unix seconds/);
  });
});
