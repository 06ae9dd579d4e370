/** Cyrillic (Russian, Kazakh, Ukrainian) to Latin, roughly ISO 9 / passport style, for readable slugs. */
const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  ә: 'a',
  ғ: 'g',
  қ: 'q',
  ң: 'n',
  ө: 'o',
  ұ: 'u',
  ү: 'u',
  һ: 'h',
  і: 'i',
  є: 'ye',
  ї: 'yi',
  ґ: 'g',
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const MAX_SLUG = 80

/** "Кофе Арабика 250 г" -> "kofe-arabika-250-g"; never empty (falls back to `fallback`). */
export function slugify(text: string, fallback = 'item'): string {
  const latin = [...text.toLowerCase()].map((ch) => CYRILLIC[ch] ?? ch).join('')
  const slug = latin
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/g, '')
  return slug || fallback
}

/**
 * The first free slug among `base`, `base-2`, `base-3`, … given the slugs already taken that
 * start with `base` (the caller fetches them with one LIKE query).
 */
export function nextFreeSlug(base: string, taken: Iterable<string>): string {
  const used = new Set(taken)
  if (!used.has(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`
    if (!used.has(candidate)) return candidate
  }
}

/** LIKE pattern matching `base-<anything>`, with LIKE wildcards escaped (use ESCAPE '\'). */
export const slugLikePattern = (base: string) => `${base.replace(/[\\%_]/g, (m) => `\\${m}`)}-%`
