import { z } from '@hono/zod-openapi'
import { and, eq, lt, or, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { AppError } from './errors'
import { base64url, fromBase64url } from './ids'

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional().openapi({ description: 'Opaque cursor from a previous page' }),
})

/** `{ data, next_cursor }`: the shape every list endpoint answers with. */
export const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() })

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
