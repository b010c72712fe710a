/** Where the records of a push body sit, and each record's own JSON text. */
export interface RecordTexts {
  /** One text per element of the records array, in order. */
  texts: string[];
  /** Offsets in the text of the records array itself (from `[` to just past `]`). */
  start: number;
  end: number;
}

/**
 * Finds the records of a push body that `JSON.parse` has already accepted — a top-level
 * array, or the array under `key` in a top-level object (the 2023 body `{"orders": [...]}`)
 * — and cuts out each record's text. Storing those texts spares serialising every record
 * again. One walk over the text; strings are skipped with the engine's own search for the
 * closing quote, which is where most of a record's characters are.
 *
 * Only call it on a body that parsed: it relies on the JSON being well formed. Returns
 * `null` when the records are not a single array it can point to (no such key, the key
 * given twice, another value); the caller then serialises the parsed records instead.
 */
export function recordTexts(text: string, key: string): RecordTexts | null {
  const i = skipSpace(text, 0);
  const first = text.charCodeAt(i);
  if (first === OPEN_ARRAY) return splitArray(text, i);
  if (first === OPEN_OBJECT) return splitUnderKey(text, i, key);
  return null;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i += 1;
  return i;
}

/** Index just past the string whose opening quote is at `i`. */
function skipString(text: string, i: number): number {
  let at = i + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    // An escaped quote has an odd run of backslashes before it.
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1;
    at = quote + 1;
    if (slashes % 2 === 0) return at;
  }
}

/** Index just past the value starting at `i`. */
function skipValue(text: string, i: number): number {
  const length = text.length;
  const first = text.charCodeAt(i);
  if (first === QUOTE) return skipString(text, i);
  if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
    // A number, true, false or null: runs to the next delimiter.
    let at = i;
    while (at < length) {
      const c = text.charCodeAt(at);
      if (c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || isSpace(c)) return at;
      at += 1;
    }
    return length;
  }
  let depth = 0;
  let at = i;
  while (at < length) {
    const c = text.charCodeAt(at);
    at += 1;
    if (c === QUOTE) at = skipString(text, at - 1);
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth += 1;
    else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --depth === 0) return at;
  }
  return length;
}

/** Cuts the elements of the array opening at `start`, in one walk. */
function splitArray(text: string, start: number): RecordTexts {
  const texts: string[] = [];
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_ARRAY) return { texts, start, end: i + 1 };
  for (;;) {
    const end = skipValue(text, i);
    texts.push(text.slice(i, end));
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== COMMA) return { texts, start, end: i + 1 };
    i = skipSpace(text, i + 1);
  }
}

/** The records under `key` in the object opening at `i`; null unless `key` holds the one array. */
function splitUnderKey(text: string, i: number, key: string): RecordTexts | null {
  let found: RecordTexts | null = null;
  let matches = 0;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_OBJECT) return null;
  for (;;) {
    const keyEnd = skipString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return null;
    i = skipSpace(text, i + 1);
    let end: number;
    if (name === key) {
      matches += 1;
      found = text.charCodeAt(i) === OPEN_ARRAY ? splitArray(text, i) : null;
      end = found ? found.end : skipValue(text, i);
    } else {
      end = skipValue(text, i);
    }
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipSpace(text, i + 1);
  }
  // JSON.parse keeps the last of repeated keys; rather than guess, let the caller serialise.
  return matches === 1 ? found : null;
}
