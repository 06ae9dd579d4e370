const MAX_TOKENS = 12
const MAX_TOKEN_LENGTH = 64

/**
 * Turn free text into a safe FTS5 MATCH expression: every word becomes a quoted string (so
 * `AND`, `(`, `*`, `"` and column filters are plain text, never syntax), all words must match,
 * and the last word is a prefix so search-as-you-type works. Returns null when nothing
 * searchable is left (e.g. `"(*`), which callers treat as "no matches".
 */
export function ftsQuery(input: string): string | null {
  const tokens = (input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TOKENS).map((t) => t.slice(0, MAX_TOKEN_LENGTH))
  if (!tokens.length) return null
  return tokens.map((t, i) => (i === tokens.length - 1 ? `"${t}"*` : `"${t}"`)).join(' ')
}
