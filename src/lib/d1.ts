/**
 * D1 in one place: the batch helper every multi-statement write goes through, and the one reader of
 * SQLite's constraint errors (UNIQUE / CHECK / FOREIGN KEY), so no module matches error text itself.
 *
 * D1 has no interactive transactions; a batch is the transaction (all statements or none), and
 * CHECK/UNIQUE constraints are how a batch refuses (e.g. CHECK(stock >= 0) aborts an oversell).
 */
import type { BatchItem } from 'drizzle-orm/batch'
import type { DB } from './db'

export type Statement = BatchItem<'sqlite'>

/**
 * Run statements as ONE D1 batch (one transaction: all or nothing). Takes a list built at run time
 * (drizzle's `db.batch` wants a non-empty tuple). Results come back in statement order, mapped by
 * drizzle (a select's rows under its field names). Only drizzle query builders: drizzle cannot bind
 * the parameters of a raw `db.run(sql…)` inside a batch.
 */
export function runBatch(db: DB, statements: readonly Statement[]) {
  if (!statements.length) throw new Error('runBatch needs at least one statement')
  return db.batch(statements as unknown as [Statement, ...Statement[]])
}

export type ConstraintKind = 'unique' | 'check' | 'foreign_key' | 'not_null'

export interface ConstraintViolation {
  kind: ConstraintKind
  /**
   * What SQLite names: for unique and not-null the columns as `table.column` (or the index name for
   * an index on expressions), for check the constraint's name (every CHECK in tables.ts is named),
   * for foreign key nothing (SQLite does not say which key).
   */
  targets: string[]
}

const KINDS: Record<string, ConstraintKind> = {
  UNIQUE: 'unique',
  CHECK: 'check',
  'FOREIGN KEY': 'foreign_key',
  'NOT NULL': 'not_null',
}
// D1: "UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)",
// "FOREIGN KEY constraint failed: SQLITE_CONSTRAINT (…)"; prefixes such as "D1_ERROR: " vary.
const CONSTRAINT = /(UNIQUE|CHECK|FOREIGN KEY|NOT NULL) constraint failed(?:: (?!SQLITE_)(.*?))?(?:: SQLITE_CONSTRAINT.*)?\s*$/

/**
 * The constraint a D1 error reports, or null when it is not a constraint error. Walks `err.cause`
 * (drizzle wraps D1's error in "Failed query: …") and reads the innermost error that names one, so
 * query text or parameters quoted by a wrapper are never mistaken for the database's verdict.
 */
export function constraintViolation(err: unknown): ConstraintViolation | null {
  let found: ConstraintViolation | null = null
  let e: unknown = err
  for (let depth = 0; e && depth < 8; depth++) {
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : ''
    const m = CONSTRAINT.exec(message.split('\n')[0] ?? '')
    if (m) {
      const detail = (m[2] ?? '').trim()
      const index = /^index '(.+)'$/.exec(detail)
      found = {
        kind: KINDS[m[1]!]!,
        targets: index ? [index[1]!] : detail ? detail.split(/,\s*/) : [],
      }
    }
    e = e instanceof Error ? e.cause : undefined
  }
  return found
}

/** `target` names a table (`users`), a column (`users.email`) or a constraint/index name. */
const names = (targets: string[], target: string) => targets.some((t) => t === target || t.startsWith(`${target}.`))

/** True when the error is a UNIQUE (or primary key) violation; with `target`, on that table, column or index. */
export function isUniqueViolation(err: unknown, target?: string): boolean {
  const v = constraintViolation(err)
  return v?.kind === 'unique' && (!target || names(v.targets, target))
}

/** True when the error is a CHECK violation; with `names`, of one of those named constraints. */
export function isCheckViolation(err: unknown, ...constraintNames: string[]): boolean {
  const v = constraintViolation(err)
  return v?.kind === 'check' && (!constraintNames.length || constraintNames.some((n) => v.targets.includes(n)))
}

/** True when the error is a FOREIGN KEY violation (SQLite does not report which key). */
export function isForeignKeyViolation(err: unknown): boolean {
  return constraintViolation(err)?.kind === 'foreign_key'
}
