/**
 * Lower-cases and strips diacritics so "Ventes Été" matches "ventes ete". Run once per option
 * (pre-normalised labels) and once per keystroke on the query.
 */
export function normalizeSearchText(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
}

/** A normalised search index over items: build once, filter in one O(n) pass per query. */
export interface SearchIndex<T> {
  readonly items: readonly T[];
  readonly keys: readonly string[];
}

/** Builds a {@link SearchIndex} from items and their searchable text. */
export function buildSearchIndex<T>(items: readonly T[], text: (item: T) => string): SearchIndex<T> {
  return { items, keys: items.map((item) => normalizeSearchText(text(item))) };
}

/**
 * Filters an index: every whitespace-separated term of the query must appear. Returns at most
 * `limit` matches plus the total number of matches (one pass, no sorting).
 */
export function searchIndex<T>(index: SearchIndex<T>, query: string, limit: number): { matches: T[]; total: number } {
  const terms = normalizeSearchText(query).split(/\s+/).filter(Boolean);
  const matches: T[] = [];
  let total = 0;
  const { items, keys } = index;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    let ok = true;
    for (const term of terms) {
      if (!key.includes(term)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    total++;
    if (matches.length < limit) matches.push(items[i]!);
  }
  return { matches, total };
}
