import { getTableColumns, getTableName } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'

/** D1 refuses statements with more than 100 bound parameters. */
const MAX_PARAMS = 100

/**
 * Multi-row `INSERT … ON CONFLICT(id) DO UPDATE` statements for `rows`, as many rows per
 * statement as the parameter limit allows. Column names come from the drizzle table, so a renamed
 * column breaks the type-check rather than the seed. Upserting (never delete-and-insert) keeps
 * rows that reference seeded ones, such as orders, valid.
 */
export function upsertStatements<T extends SQLiteTable>(db: D1Database, table: T, rows: T['$inferInsert'][]): D1PreparedStatement[] {
  if (rows.length === 0) return []
  const columns = getTableColumns(table)
  const keys = Object.keys(rows[0]!).filter((k) => k in columns)
  const names = keys.map((k) => columns[k]!.name)
  const quoted = names.map((n) => `"${n}"`)
  const update = names.filter((n) => n !== 'id').map((n) => `"${n}" = excluded."${n}"`)
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / keys.length))
  const tuple = `(${keys.map(() => '?').join(', ')})`

  const statements: D1PreparedStatement[] = []
  for (let i = 0; i < rows.length; i += perStatement) {
    const slice = rows.slice(i, i + perStatement)
    const sql =
      `INSERT INTO "${getTableName(table)}" (${quoted.join(', ')}) VALUES ${slice.map(() => tuple).join(', ')} ` +
      `ON CONFLICT("id") DO UPDATE SET ${update.join(', ')}`
    const values = slice.flatMap((row) => keys.map((k) => (row as Record<string, unknown>)[k] ?? null))
    statements.push(db.prepare(sql).bind(...values))
  }
  return statements
}

/** Statements per D1 batch: each batch is one round trip and one implicit transaction. */
const BATCH = 40

/** Runs `statements` in D1 batches, reporting how many of `rowsTotal` rows are written so far. */
export async function runInBatches(
  db: D1Database,
  statements: D1PreparedStatement[],
  rowsTotal: number,
  progress: (done: number, total: number) => void,
): Promise<void> {
  const rowsPerStatement = statements.length ? Math.ceil(rowsTotal / statements.length) : 0
  for (let i = 0; i < statements.length; i += BATCH) {
    await db.batch(statements.slice(i, i + BATCH))
    progress(Math.min(rowsTotal, (i + BATCH) * rowsPerStatement), rowsTotal)
  }
}
