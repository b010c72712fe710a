/**
 * Whether a URL path's percent-encoding decodes: every `%` starts two hex digits and the bytes
 * form UTF-8. Routers that decode path segments throw on anything else (`URIError`), so each
 * HTTP surface checks this at its edge and answers 400 with {@link MALFORMED_PATH_MESSAGE}.
 */
export function isDecodablePath(pathname: string): boolean {
  if (!pathname.includes('%')) return true;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** What a client is told when {@link isDecodablePath} is false. */
export const MALFORMED_PATH_MESSAGE =
  'The request path has a malformed percent-encoding: every "%" must start a two-digit hex escape of UTF-8 bytes (encode ids with encodeURIComponent).';
