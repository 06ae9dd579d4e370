import { getTableColumns, getTableName } from 'drizzle-orm'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'

/** D1 refuses statements with more than 100 bound parameters. */
const MAX_PARAMS = 100

/** The row's keys that are columns of `table`. */
const columnKeys = <T extends SQLiteTable>(table: T, row: T['$inferInsert']) => {
  const columns = getTableColumns(table)
  return Object.keys(row).filter((k) => k in columns)
}

/** As many rows per statement as the parameter limit allows. */
const rowsPerStatement = <T extends SQLiteTable>(table: T, row: T['$inferInsert']) =>
  Math.max(1, Math.floor(MAX_PARAMS / columnKeys(table, row).length))

/**
 * Multi-row `INSERT … ON CONFLICT(id) DO UPDATE` statements for `rows`, as many rows per
 * statement as the parameter limit allows. Column names come from the drizzle table, so a renamed
 * column breaks the type-check rather than the seed. Upserting (never delete-and-insert) keeps
 * rows that reference seeded ones, such as orders, valid.
 */
function upsertStatements<T extends SQLiteTable>(db: D1Database, table: T, rows: T['$inferInsert'][]): D1PreparedStatement[] {
  if (rows.length === 0) return []
  const columns = getTableColumns(table)
  const keys = columnKeys(table, rows[0]!)
  const names = keys.map((k) => columns[k]!.name)
  const quoted = names.map((n) => `"${n}"`)
  const update = names.filter((n) => n !== 'id').map((n) => `"${n}" = excluded."${n}"`)
  const perStatement = rowsPerStatement(table, rows[0]!)
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

/**
 * Upserts `rows` into `table` in D1 batches, reporting how many rows are written so far. Statements
 * are prepared one batch at a time: preparing all of a 10k-product catalog's at once made the local
 * bindings proxy (getPlatformProxy) drop the connection on the first batch.
 */
export async function upsertInBatches<T extends SQLiteTable>(
  db: D1Database,
  table: T,
  rows: T['$inferInsert'][],
  progress: (done: number, total: number) => void,
): Promise<void> {
  if (rows.length === 0) return
  const rowsPerBatch = rowsPerStatement(table, rows[0]!) * BATCH
  for (let i = 0; i < rows.length; i += rowsPerBatch) {
    await db.batch(upsertStatements(db, table, rows.slice(i, i + rowsPerBatch)))
    progress(Math.min(rows.length, i + rowsPerBatch), rows.length)
  }
}
