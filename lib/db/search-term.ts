import "server-only";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What a console search box was given: a GUID is matched exactly, anything else as a prefix (LIKE
 * patterns, lower-cased in `prefix`, as typed in `typedPrefix` for columns that keep their case).
 */
export type SearchTerm = { guid?: string; prefix: string; typedPrefix: string };

// LIKE treats % and _ as wildcards and \ as its escape; a search for "a_b" means those characters.
const escapeLike = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function parseSearchTerm(value: string | undefined): SearchTerm | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  const term = { prefix: escapeLike(text.toLowerCase()), typedPrefix: escapeLike(text) };
  return GUID.test(text) ? { ...term, guid: text.toLowerCase() } : term;
}
