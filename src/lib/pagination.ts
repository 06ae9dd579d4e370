import { z } from '@hono/zod-openapi'
import { and, eq, lt, or, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { AppError } from './errors'
import { base64url, fromBase64url } from './ids'

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional().openapi({ description: 'Opaque cursor from a previous page' }),
})

/** `{ data, next_cursor }`: the shape every list endpoint answers with. */
export const pageOf = <T extends z.ZodTypeAny>(item: T) => z.object({ data: z.array(item), next_cursor: z.string().nullable() })

/**
 * Cursors are keyset positions (the sort value(s) of the last row plus its id), so a page never
 * repeats or skips rows when rows are inserted or deleted before it.
 */
export function encodeCursor(position: readonly (string | number | null)[]): string {
  return base64url(new TextEncoder().encode(JSON.stringify(position)))
}

export function decodeCursor(cursor: string, arity: number): (string | number | null)[] {
  try {
    const value = JSON.parse(new TextDecoder().decode(fromBase64url(cursor)))
    if (
      Array.isArray(value) &&
      value.length === arity &&
      value.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return value
    }
  } catch {
    // fall through
  }
  throw new AppError('invalid_cursor', 'The cursor is not valid for this list')
}

/** Fetch `limit + 1` rows, then call this to split off the page and compute the next cursor. */
export function paginate<T>(rows: T[], limit: number, position: (row: T) => (string | number | null)[]) {
  const hasMore = rows.length > limit
  const data = hasMore ? rows.slice(0, limit) : rows
  const last = data[data.length - 1]
  return { data, next_cursor: hasMore && last ? encodeCursor(position(last)) : null }
}

/**
 * The keyset condition for a newest-first list ordered by (created_at DESC, id DESC): the rows that
 * come after the cursor's position. The cursor must have come from `paginate(..., r => [r.createdAt, r.id])`.
 */
export function olderThanCursor(cursor: string, createdAt: SQLiteColumn, id: SQLiteColumn): SQL {
  const [c, i] = decodeCursor(cursor, 2)
  if (typeof c !== 'string' || typeof i !== 'string') throw new AppError('invalid_cursor', 'The cursor is not valid for this list')
  return or(lt(createdAt, c), and(eq(createdAt, c), lt(id, i)))!
}

/** One sort order of a keyset-paginated list: the key (a column or expression) and its direction. */
export interface KeysetOrder {
  key: SQL | SQLiteColumn
  desc: boolean
  type: 'string' | 'number'
}

/**
 * Keyset pagination for a list with a choice of sort orders: ORDER BY (key, id) in the order's
 * direction, and a cursor of (sort name, key, id) so a cursor from one sort is refused by another.
 * Keys compare with the key expression's own collation (e.g. `name COLLATE NOCASE`).
 */
export function sortedKeyset(sort: string, order: KeysetOrder, id: SQLiteColumn, cursor: string | undefined) {
  let after: SQL | undefined
  if (cursor) {
    const [s, key, last] = decodeCursor(cursor, 3)
    if (s !== sort || typeof key !== order.type || typeof last !== 'string')
      throw new AppError('invalid_cursor', 'The cursor belongs to a different sort order')
    const cmp = order.desc ? sql`<` : sql`>`
    after = sql`(${order.key} ${cmp} ${key} OR (${order.key} = ${key} AND ${id} ${cmp} ${last}))`
  }
  const dir = order.desc ? sql`DESC` : sql`ASC`
  return {
    after,
    orderBy: [sql`${order.key} ${dir}`, sql`${id} ${dir}`],
    position: (key: string | number, rowId: string) => [sort, key, rowId] as (string | number)[],
  }
}
