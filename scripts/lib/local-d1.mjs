// The local D1 database as a file: its path under a wrangler state directory, and a D1Database
// look-alike over it (node:sqlite, in this process) for the scripts that write to a local state
// before `wrangler dev` starts (the seed, the bench's shoppers).
//
// Why not the local bindings proxy (getPlatformProxy): every D1 batch crossed HTTP into workerd,
// a 10k-product seed took ~15 minutes and large ones failed with "fetch failed: other side
// closed". Writing the same SQLite file wrangler dev reads takes seconds and cannot drop a
// connection. Never open it while a `wrangler dev` on the same state is writing to it.
import { createHash, createHmac } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The Durable Object id Miniflare gives a local D1 database (`idFromName(database_id)` in the
 * `miniflare-D1DatabaseObject` namespace); its SQLite file is named after it.
 */
export function localD1ObjectId(databaseId) {
  const key = createHash('sha256').update('miniflare-D1DatabaseObject').digest()
  const nameHmac = createHmac('sha256', key).update(databaseId).digest().subarray(0, 16)
  const hmac = createHmac('sha256', key).update(nameHmac).digest().subarray(0, 16)
  return Buffer.concat([nameHmac, hmac]).toString('hex')
}

/** The `database_id` of the first `[[d1_databases]]` table of a wrangler.toml (the top-level DB binding). */
export function d1DatabaseId(wranglerToml) {
  const text = readFileSync(wranglerToml, 'utf8')
  const m = text.match(/^\[\[d1_databases\]\][^[]*?^\s*database_id\s*=\s*"([^"]+)"/m)
  if (!m) throw new Error(`no [[d1_databases]] database_id in ${wranglerToml}`)
  return m[1]
}

/** The SQLite file of the local D1 database under `stateDir` (what `--persist-to stateDir` uses). */
export function localD1File(stateDir, databaseId) {
  return join(stateDir, 'v3', 'd1', 'miniflare-D1DatabaseObject', `${localD1ObjectId(databaseId)}.sqlite`)
}

/** node:sqlite is marked experimental in Node 22 and says so once on load; that line is noise here. */
async function loadSqlite() {
  const emit = process.emitWarning
  process.emitWarning = (warning, ...rest) => (String(warning).includes('SQLite') ? undefined : emit.call(process, warning, ...rest))
  try {
    return await import('node:sqlite')
  } finally {
    process.emitWarning = emit
  }
}

/** D1 binds booleans as 0/1 and undefined as NULL; node:sqlite refuses both. */
const bindable = (v) => (v === undefined ? null : typeof v === 'boolean' ? Number(v) : v)

/**
 * Opens the local D1 file (which must exist: apply the migrations first) and returns
 * `{ db, close }`, `db` answering the part of the D1Database API the seed uses: prepare/bind,
 * all, first, run, batch (one transaction) and exec.
 */
export async function openLocalD1(file) {
  if (!existsSync(file)) throw new Error(`local D1 database not found at ${file} (apply the migrations first)`)
  const { DatabaseSync } = await loadSqlite()
  const sqlite = new DatabaseSync(file)
  // wrangler dev or a test runner may hold the file for a moment; wait rather than fail.
  sqlite.exec('PRAGMA busy_timeout = 10000')
  const cache = new Map()
  const compiled = (sql) => {
    let s = cache.get(sql)
    if (!s) {
      if (cache.size > 200) cache.clear()
      s = sqlite.prepare(sql)
      cache.set(sql, s)
    }
    return s
  }
  const meta = (r) => ({ changes: Number(r?.changes ?? 0), last_row_id: Number(r?.lastInsertRowid ?? 0) })
  /** Runs one statement the way D1 reports it: rows for a query, changes for a write. */
  const execute = (sql, params) => {
    const s = compiled(sql)
    if (s.columns().length > 0) return { success: true, results: s.all(...params).map((row) => ({ ...row })), meta: meta() }
    return { success: true, results: [], meta: meta(s.run(...params)) }
  }
  const statement = (sql, params = []) => ({
    sql,
    params,
    bind: (...values) => statement(sql, values.map(bindable)),
    all: async () => execute(sql, params),
    run: async () => execute(sql, params),
    first: async (column) => {
      const row = compiled(sql).get(...params)
      if (row === undefined) return null
      return column === undefined ? { ...row } : row[column]
    },
    raw: async () =>
      compiled(sql)
        .all(...params)
        .map((row) => Object.values(row)),
  })
  const db = {
    prepare: (sql) => statement(sql),
    /** Like D1: every statement in one transaction, all or nothing. */
    batch: async (statements) => {
      sqlite.exec('BEGIN')
      try {
        const results = statements.map((s) => execute(s.sql, s.params))
        sqlite.exec('COMMIT')
        return results
      } catch (err) {
        sqlite.exec('ROLLBACK')
        throw err
      }
    },
    exec: async (sql) => {
      sqlite.exec(sql)
      return { count: 0, duration: 0 }
    },
  }
  return { db, close: () => sqlite.close() }
}
