import { drizzle } from 'drizzle-orm/d1'
import { createMiddleware } from 'hono/factory'
import * as schema from '../db/schema'
import { sameConfig } from './config'
import type { AppEnv } from './context'

export type DB = ReturnType<typeof getDb>

/** A drizzle handle over the D1 binding; cheap to create, so one per request. */
export const getDb = (env: Pick<Env, 'DB'>) => drizzle(env.DB, { schema })

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
  c.set('db', getDb(c.env))
  await next()
  const bookmark = session?.getBookmark()
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark)
})
