import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * A product import from CSV: created by the dry run (which parses and validates every row), then
 * applied chunk by chunk. `next_position` is the first row not yet applied; a chunk advances it
 * with a compare-and-set, so two callers never apply the same chunk twice (and applying a row twice
 * would change nothing anyway: rows create or update by SKU).
 */
export const importJobs = sqliteTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    fileName: text('file_name').notNull(),
    /** ready (dry run done, nothing applied) → applying → done. */
    status: text('status', { enum: ['ready', 'applying', 'done'] }).notNull(),
    totalRows: integer('total_rows').notNull(),
    validRows: integer('valid_rows').notNull(),
    /** Rows the dry run expects to create / update (valid rows only). */
    plannedCreates: integer('planned_creates').notNull(),
    plannedUpdates: integer('planned_updates').notNull(),
    nextPosition: integer('next_position').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    finishedAt: text('finished_at'),
  },
  (t) => [index('import_jobs_user_idx').on(t.userId, t.createdAt)],
)

/** One CSV data row of an import, in apply order (rows of one product next to each other). */
export const importRows = sqliteTable(
  'import_rows',
  {
    jobId: text('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** Line in the file where the row starts (1 is the header). */
    line: integer('line').notNull(),
    sku: text('sku').notNull(),
    /** Rows with the same group belong to one product. */
    groupKey: text('group_key').notNull(),
    /** The validated row (JSON), or null when it has errors. */
    data: text('data'),
    /** JSON list of { column, message } from the dry run; null when the row is valid. */
    errors: text('errors'),
    /** After apply: created | updated | unchanged | failed. */
    outcome: text('outcome'),
    message: text('message'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.position] })],
)
