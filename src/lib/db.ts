import { drizzle } from 'drizzle-orm/d1'
import * as schema from '../db/schema'

export type DB = ReturnType<typeof getDb>

/** A drizzle handle over the D1 binding; cheap to create, so one per request. */
export const getDb = (env: Pick<Env, 'DB'>) => drizzle(env.DB, { schema })
