import { env } from 'cloudflare:test'
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { getDb } from '../../src/lib/db'

describe('getDb', () => {
  it('gives one drizzle handle per D1 binding object (the relational schema is walked once), and it queries', async () => {
    const db = getDb(env)
    expect(getDb({ DB: env.DB })).toBe(db)
    const session = env.DB.withSession('first-primary') as unknown as D1Database
    const onSession = getDb({ DB: session })
    expect(onSession).not.toBe(db)
    expect(getDb({ DB: session })).toBe(onSession)
    expect(onSession.$client).toBe(session)
    // Both the builder API and the relational one (db.query) work on a cached handle.
    expect(await db.all<{ one: number }>(sql`SELECT 1 AS one`)).toEqual([{ one: 1 }])
    expect(await onSession.query.users.findFirst({ where: (u, { eq }) => eq(u.id, 'usr_none') })).toBeUndefined()
  })
})
