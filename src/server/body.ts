import { HttpError } from './errors.js';

/** A request body as read by the sync service: its bytes and their UTF-8 text. */
export interface BodyText {
  /** The body's bytes, without a leading UTF-8 byte-order mark. */
  bytes: Buffer;
  text: string;
}

/**
 * The body's bytes and text. A leading UTF-8 byte-order mark is dropped, as JSON parsers and
 * `Response.text()` do (RFC 8259 §8.1 lets a parser ignore it). Pushes are megabytes: reading
 * the stream directly spares the copy that joining chunks makes when (as usual) the body
 * arrives as one chunk.
 */
export async function readBody(request: Request): Promise<BodyText> {
  let bytes: Buffer = Buffer.alloc(0);
  if (request.body) {
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
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
