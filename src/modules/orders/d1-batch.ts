import type { BatchItem } from 'drizzle-orm/batch'

interface Query {
  sql: string
  params: unknown[]
}

/**
 * Run drizzle statements as ONE D1 batch (one transaction) through the binding itself.
 * drizzle-orm 0.45's own `db.batch()` cannot bind the parameters of raw `db.run(sql`...`)`
 * statements (it calls `stmt.bind` on a raw query that has no prepared statement), and other
 * modules hand us such statements (discount redemption). Results come back as D1's raw rows
 * (column names, not drizzle's field names).
 */
export async function d1Batch(d1: D1Database, items: readonly BatchItem<'sqlite'>[]): Promise<D1Result[]> {
  const statements = items.map((item) => {
    const q = item as unknown as { toSQL?: () => Query; getQuery?: () => Query }
    const query = q.toSQL ? q.toSQL() : q.getQuery ? q.getQuery() : undefined
    if (!query) throw new Error('d1Batch: not a drizzle statement')
    return d1.prepare(query.sql).bind(...query.params)
  })
  return d1.batch(statements)
}
