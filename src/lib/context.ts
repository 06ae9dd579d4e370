import type { DB } from './db'

export type Role = 'customer' | 'seller' | 'staff' | 'admin'

/** Who is calling, from a verified access token. */
export interface AuthUser {
  id: string
  role: Role
  email: string
  /** Set when the caller is an API key: it acts for the admin who created it, limited to `scopes`. */
  apiKey?: { id: string; scopes: readonly string[] }
}

/** Hono generics for every router in the API Worker. */
export interface AppEnv {
  Bindings: Env
  Variables: {
    requestId: string
    db: DB
    user: AuthUser | undefined
  }
}
