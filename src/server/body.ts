import { HttpError } from './errors.js';

/** A request body as read by the sync service: its bytes and their UTF-8 text. */
export interface BodyText {
  /** The body's bytes, without a leading UTF-8 byte-order mark. */
  bytes: Buffer;
  text: string;
}

/**
 * Largest request body the sync service reads: 32 MiB. The largest 5,000-record push of the
 * test generator's records (Canadian orders with several lines and GST + PST components, about
 * 2.4 KB each) is 11.9 MB; this leaves room for orders about 2.7 times as large.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

function tooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    'payload_too_large',
    `The request body is larger than ${limit} bytes (${limit / (1024 * 1024)} MiB). Send fewer or smaller records per push (at most 5,000 records, and fewer when they are large).`,
  );
}

/**
 * The body's bytes and text. A leading UTF-8 byte-order mark is dropped, as JSON parsers and
 * `Response.text()` do (RFC 8259 §8.1 lets a parser ignore it). A body over `limit` bytes is
 * refused with 413 as soon as its `Content-Length` says so, or, for a body without one (or
 * with a false one), as soon as the bytes read pass the limit: it is never held whole. Pushes
 * are megabytes: reading the stream directly spares the copy that joining chunks makes when
 * (as usual) the body arrives as one chunk.
 */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<BodyText> {
  let bytes: Buffer = Buffer.alloc(0);
  if (request.body) {
    const declared = Number(request.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await request.body.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
    const joined = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
    bytes = Buffer.from(joined.buffer, joined.byteOffset, joined.byteLength);
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  return { bytes, text: bytes.toString('utf8') };
}

/** Parses a JSON body; an empty one is `undefined` when `optional`, else a 400 saying to send JSON. */
export function parseJson(text: string, optional: boolean): unknown {
  if (!text.trim()) {
    if (optional) return undefined;
    throw new HttpError(400, 'invalid_body', 'The request body is empty; send a JSON body.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON. Check quotes, commas and brackets.');
  }
}

/** Reads and parses a JSON request body (see {@link readBody} and {@link parseJson}). */
export async function readJson(request: Request, optional = false): Promise<unknown> {
  return parseJson((await readBody(request)).text, optional);
}
