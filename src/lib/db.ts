import { DrizzleD1Database } from 'drizzle-orm/d1'
import { SQLiteD1Session } from 'drizzle-orm/d1/session'
import { createTableRelationsHelpers, extractTablesRelationalConfig, type ExtractTablesWithRelations } from 'drizzle-orm/relations'
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core'
import { createMiddleware } from 'hono/factory'
import * as schema from '../db/schema'
import { sameConfig } from './config'
import type { AppEnv } from './context'

export type DB = DrizzleD1Database<typeof schema> & { $client: D1Database }

type Relations = { fullSchema: typeof schema; schema: ExtractTablesWithRelations<typeof schema>; tableNamesMap: Record<string, string> }
let relations: Relations | undefined
const dialect = new SQLiteAsyncDialect()
const handles = new WeakMap<object, DB>()

/**
 * A drizzle handle over the D1 binding (or the request's D1 session), one per binding object.
 * `drizzle(client, { schema })` walks every table of the schema on each call
 * (extractTablesRelationalConfig): under `npm run bench` that walk and its garbage were most of the
 * marketplace-sync consumer's CPU and a few percent of the API Worker's, since services call getDb
 * many times per request. So the walk runs once per isolate, and each binding object gets its handle
 * once; what drizzle() would build from them is built the same way here.
 */
export function getDb(env: Pick<Env, 'DB'>): DB {
  const client = env.DB
  const known = typeof client === 'object' && client !== null ? handles.get(client) : undefined
  if (known) return known
  if (!relations) {
    const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers)
    relations = { fullSchema: schema, schema: tables.tables as Relations['schema'], tableNamesMap: tables.tableNamesMap }
  }
  const session = new SQLiteD1Session(client, dialect, relations, {})
  const db = Object.assign(new DrizzleD1Database('async', dialect, session, relations), { $client: client }) as DB
  if (typeof client === 'object' && client !== null) handles.set(client, db)
  return db
}

/** Request and response header carrying a D1 Sessions bookmark (read-your-own-writes across requests). */
export const BOOKMARK_HEADER = 'X-D1-Bookmark'
const BOOKMARK_SHAPE = /^[0-9a-zA-Z_-]{1,128}$/

/**
 * One D1 session per request (D1 Sessions API), so reads may be served by read replicas:
 * - a request carrying the bookmark of an earlier answer (X-D1-Bookmark) reads data at least as
 *   new as that answer, so a shopper always sees their own writes;
 * - otherwise GET/HEAD start 'first-unconstrained' (any replica) and writes 'first-primary'.
 * Every answer carries the session's latest bookmark for the client to send back. The session
 * replaces env.DB for the rest of the request, so services handed `c.env` use it too. A bookmark
 * that is not well-formed is ignored (the request runs unconstrained), never a 500.
 */
export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
  const sent = c.req.header(BOOKMARK_HEADER)
  const readOnly = c.req.method === 'GET' || c.req.method === 'HEAD'
  const fallback = readOnly ? 'first-unconstrained' : 'first-primary'
  let session: D1DatabaseSession | undefined
  // No DB binding when the app is built in Node only to print /openapi.json (dashboard/types.mjs).
  if (typeof c.env.DB?.withSession === 'function') {
    try {
      session = c.env.DB.withSession(sent && BOOKMARK_SHAPE.test(sent) ? sent : fallback)
    } catch {
      session = c.env.DB.withSession(fallback)
    }
    // A copy (env is shared by concurrent requests) that keeps env's checked configuration.
    c.env = sameConfig(c.env, { ...c.env, DB: session as unknown as D1Database })
  }
  c.set('db', lazyDb(c.env))
  await next()
  const bookmark = session?.getBookmark()
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark)
})

/**
 * The request's drizzle handle, built on first use. Building one constructs a query builder per
 * table (about 8% of the CPU of a cached catalog hit under `npm run bench`), and a cache hit never
 * queries D1, so it should not pay for it. Methods are bound to the real handle.
 */
function lazyDb(env: Pick<Env, 'DB'>): DB {
  let real: DB | undefined
  return new Proxy({} as DB, {
    get(_target, prop) {
      real ??= getDb(env)
      const value: unknown = Reflect.get(real, prop, real)
      return typeof value === 'function' ? value.bind(real) : value
    },
  })
}
