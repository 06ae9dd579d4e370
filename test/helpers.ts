import { env, SELF } from 'cloudflare:test'
import type { Role } from '../src/lib/context'
import { getDb } from '../src/lib/db'
import { newId } from '../src/lib/ids'
import { users } from '../src/modules/accounts/tables'
import { signAccessToken } from '../src/modules/accounts/tokens'

export const BASE = 'http://store.test'

/** A user inserted straight into D1 plus a valid access token, for tests of other modules. */
export async function createUser(role: Role = 'customer', overrides: { email?: string; name?: string } = {}) {
  const id = newId('usr')
  const email = overrides.email ?? `${role}-${id}@example.test`
  const now = new Date().toISOString()
  await getDb(env)
    .insert(users)
    .values({
      id,
      email,
      name: overrides.name ?? `Test ${role}`,
      role,
      // Not a usable password: these users only sign in through the token below.
      passwordHash: 'x',
      passwordSalt: 'x',
      passwordIterations: 1,
      createdAt: now,
      updatedAt: now,
    })
  const { token } = await signAccessToken(env, { id, role, email })
  return { id, email, role, token, auth: { Authorization: `Bearer ${token}` } }
}

/** JSON request through the Worker's real fetch handler. */
export async function api<T = any>(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await SELF.fetch(`${BASE}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // leave as text
  }
  return { status: res.status, body: body as T, headers: res.headers }
}
