import type { BffErrorCode, BffError, SyncProblem } from '../contract/bff.js';
import { REQUEST_ID_HEADER } from '../contract/bff.js';
import type { FieldError } from '../contract/errors.js';
import { MALFORMED_PATH_MESSAGE, isDecodablePath } from '../contract/url-path.js';

/** A refusal the BFF answers with its error envelope; the message is safe to show a browser. */
export class BffHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: BffErrorCode,
    message: string,
    readonly extra: {
      validation?: FieldError[];
      problem?: SyncProblem;
      retryable?: boolean;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'BffHttpError';
  }
}

/** Headers every API response carries. */
export function apiHeaders(requestId: string, extra: Record<string, string> = {}): Headers {
  const headers = new Headers(extra);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set('cache-control', 'no-store');
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'no-referrer');
  return headers;
}

/** A JSON response with the API headers. */
export function json(requestId: string, status: number, body: unknown, extraHeaders: Record<string, string> = {}): Response {
  return jsonText(requestId, status, JSON.stringify(body), extraHeaders);
}

/** A JSON response with the API headers from already serialised JSON. */
export function jsonText(requestId: string, status: number, text: string, extraHeaders: Record<string, string> = {}): Response {
  const headers = apiHeaders(requestId, extraHeaders);
  headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(text, { status, headers });
}

/** The error envelope for `error`. */
export function errorResponse(requestId: string, error: BffHttpError): Response {
  const body: BffError = {
    statusCode: error.status,
    code: error.code,
    error: error.message,
    service: 'commerce-sync-bff',
    correlationId: requestId,
    canBeRetried: error.extra.retryable === undefined ? 'Unknown' : error.extra.retryable ? 'Yes' : 'No',
    ...(error.extra.validation ? { validation: { errors: error.extra.validation, warnings: [] } } : {}),
    ...(error.extra.problem ? { problem: error.extra.problem } : {}),
  };
  return json(requestId, error.status, body, error.extra.headers);
}

/** Refuses, with 400, a path whose percent-encoding does not decode (before any route decodes a segment). */
export function assertDecodablePath(url: URL): void {
  if (!isDecodablePath(url.pathname)) {
    throw new BffHttpError(400, 'validation_failed', MALFORMED_PATH_MESSAGE, { retryable: false });
  }
}

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON body, refusing more than `limit` bytes (checked against `Content-Length` first,
 * then while streaming, so a chunked body cannot slip past), non-JSON media types and bad JSON.
 * An absent body reads as `undefined`.
 */
export async function readJsonBody(request: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const tooLarge = () =>
    new BffHttpError(413, 'payload_too_large', `The request body is larger than ${limit / 1024} KB. Send a smaller body.`, {
      retryable: false,
    });
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge();
  if (!request.body) return undefined;

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (size === 0) return undefined;

  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type.trim())) {
    throw new BffHttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json.', {
      retryable: false,
    });
  }
  // TextDecoder drops a leading UTF-8 byte-order mark (ignoreBOM is false), as JSON parsers may.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BffHttpError(400, 'invalid_json', 'The request body is not valid JSON. Check the syntax and send it again.', {
      retryable: false,
    });
  }
}

/** Turns zod issues into the envelope's field errors (`itemId` = dot path in the body). */
export function issuesToFieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code: string }>,
): FieldError[] {
  return issues.map((issue) => ({
    itemId: issue.path.map(String).join('.'),
    message: issue.message,
    validatorName: issue.code,
  }));
}

/** A request id: the caller's if it looks safe to echo, otherwise a fresh UUID. */
export function requestIdFor(request: Request): string {
  const given = request.headers.get(REQUEST_ID_HEADER);
  return given && /^[A-Za-z0-9._:-]{8,128}$/.test(given) ? given : crypto.randomUUID();
}
