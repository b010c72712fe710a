import { describe, expect, it } from 'vitest';
import { createApiClient, readAuthorizationReturn } from '../../src/widget/index.js';
import type { CommerceSyncError } from '../../src/widget/index.js';

// A fetch that answers every call with one fixed response, to see how the client reads odd bodies.
function answering(status: number, body: string, contentType = 'application/json'): typeof fetch {
  return () => Promise.resolve(new Response(body, { status, headers: { 'content-type': contentType } }));
}

async function failure(promise: Promise<unknown>): Promise<CommerceSyncError> {
  try {
    await promise;
  } catch (error) {
    return error as CommerceSyncError;
  }
  throw new Error('expected the call to fail');
}

describe('createApiClient answer checks', () => {
  it('returns a well-formed body as is', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1/bff', sessionToken: 't', fetch: answering(200, JSON.stringify({ enabled: false })) });
    await expect(client.pauseSync()).resolves.toEqual({ enabled: false });
  });

  it('rejects a body of the wrong shape with invalid_response naming the field', async () => {
    const client = createApiClient({ baseUrl: 'http://127.0.0.1/bff', sessionToken: 't', fetch: answering(200, JSON.stringify({ platforms: 'none' })) });
    const error = await failure(client.listPlatforms());
    expect(error.code).toBe('invalid_response');
    expect(error.message).toBe('GET /platforms answered a body that does not match the contract: "platforms" should be an array, got string');
  });

  it('rejects a non-object body and an empty one', async () => {
    const html = createApiClient({ baseUrl: 'http://127.0.0.1/bff', sessionToken: 't', fetch: answering(200, JSON.stringify('<html>')) });
    expect((await failure(html.getSyncStatus())).message).toMatch(/expected an object, got string$/);
    const empty = createApiClient({ baseUrl: 'http://127.0.0.1/bff', sessionToken: 't', fetch: answering(200, '') });
    expect((await failure(empty.getConnection())).message).toMatch(/expected an object, got null$/);
  });

  it('reads a BFF error envelope, and treats a malformed one as a generic failure', async () => {
    const envelope = {
      statusCode: 422,
      code: 'validation_failed',
      error: 'Some settings need attention.',
      correlationId: 'req-1',
      validation: { errors: [{ itemId: 'schedule.timeZone', message: 'Choose a time zone.', validatorName: 'time_zone_missing' }], warnings: [] },
    };
    const client = createApiClient({ baseUrl: 'http://127.0.0.1/bff', sessionToken: 't', fetch: answering(422, JSON.stringify(envelope)) });
    const error = await failure(client.getConfiguration());
    expect(error).toMatchObject({ code: 'validation_failed', status: 422, correlationId: 'req-1', message: 'Some settings need attention.' });
    expect(error.validation).toEqual(envelope.validation.errors);

    const broken = { ...envelope, validation: { errors: [{ itemId: 7 }] } };
    const other = createApiClient({ baseUrl: 'http://127.0.0.1/bff', sessionToken: 't', fetch: answering(502, JSON.stringify(broken)) });
    expect(await failure(other.getConfiguration())).toMatchObject({ code: 'internal_error', status: 502, message: 'GET /configuration failed with HTTP 502.' });
  });
});

describe('readAuthorizationReturn', () => {
  it('reads the outcome, the reason and the attempt id', () => {
    expect(readAuthorizationReturn('https://shop.example/settings?commerceSync=denied&authorizationId=a1')).toEqual({
      outcome: 'denied',
      reason: 'access_denied',
      authorizationId: 'a1',
      platformKey: null,
    });
    expect(readAuthorizationReturn('/settings?commerceSync=error&reason=state_expired')).toMatchObject({ outcome: 'error', reason: 'state_expired', authorizationId: null });
  });

  it('ignores an absent or unknown outcome and an unknown reason', () => {
    expect(readAuthorizationReturn('/settings?tab=sync')).toBeNull();
    expect(readAuthorizationReturn('/settings?commerceSync=maybe')).toBeNull();
    expect(readAuthorizationReturn('/settings?commerceSync=error&reason=toString')).toBeNull();
  });
});
