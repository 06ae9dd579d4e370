import type { BatchItem } from 'drizzle-orm/batch'
import type { DB } from '../../lib/db'

type Stmt = BatchItem<'sqlite'>

/** db.batch over a runtime-built list: D1 runs the batch as one transaction, all or nothing. */
export function runBatch(db: DB, statements: Stmt[]) {
  if (!statements.length) throw new Error('runBatch needs at least one statement')
  return db.batch(statements as [Stmt, ...Stmt[]])
}

/** The error text including causes (drizzle wraps D1's error, whose message names the constraint). */
function errorText(err: unknown): string {
  const parts: string[] = []
  let e: unknown = err
  for (let i = 0; e && i < 5; i++) {
    if (e instanceof Error) {
      parts.push(e.message)
      e = e.cause
    } else {
      parts.push(String(e))
      break
    }
  }
  return parts.join(' | ')
}

/** True when the error is SQLite's UNIQUE violation on `table.column` (e.g. "products.slug"). */
export const isUniqueViolation = (err: unknown, target: string) => {
  const text = errorText(err)
  return text.includes('UNIQUE constraint failed') && text.includes(target)
}

export const isForeignKeyViolation = (err: unknown) => errorText(err).includes('FOREIGN KEY constraint failed')

export const isCheckViolation = (err: unknown, name?: string) => {
  const text = errorText(err)
  return text.includes('CHECK constraint failed') && (!name || text.includes(name))
}
