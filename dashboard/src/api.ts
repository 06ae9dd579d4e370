// The typed API client: openapi-fetch over the generated `paths` (src/api-types.ts), with the
// session's bearer token added to every call and one refresh-and-retry on 401.
import createClient from 'openapi-fetch'
import type { components, paths } from './api-types'

export type Schemas = components['schemas']
export type User = Schemas['User']
export type Role = User['role']
type TokenResponse = Schemas['TokenResponse']
type ErrorEnvelope = Schemas['Error']['error']

/** An API failure carrying the server's envelope, shown to the user as-is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: string; message: string }[] = [],
    readonly requestId?: string,
  ) {
    super(message)
  }
}

interface Session {
  user: User
  access_token: string
  refresh_token: string
  /** Epoch ms when the access token expires. */
  expires_at: number
}

// sessionStorage: the session survives a reload of the tab but not closing it, and no other
// tab or site reads it.
const STORAGE_KEY = 'ec.dashboard.session'
let session: Session | null = readStored()
const listeners = new Set<(user: User | null) => void>()

function readStored(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY)
    return raw ? (JSON.parse(raw) as Session) : null
  } catch {
    return null
  }
}

function setSession(next: Session | null) {
  session = next
  if (next) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next))
  else sessionStorage.removeItem(STORAGE_KEY)
  for (const fn of listeners) fn(next?.user ?? null)
}

function fromTokens(t: TokenResponse): Session {
  return { user: t.user, access_token: t.access_token, refresh_token: t.refresh_token, expires_at: Date.now() + t.expires_in * 1000 }
}

export const currentUser = () => session?.user ?? null
export function onSessionChange(fn: (user: User | null) => void) {
  listeners.add(fn)
  return () => void listeners.delete(fn)
}

// One refresh at a time: concurrent 401s wait for the same rotation (a refresh token works once).
let refreshing: Promise<boolean> | null = null

function refresh(): Promise<boolean> {
  const token = session?.refresh_token
  if (!token) return Promise.resolve(false)
  refreshing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      })
      if (!res.ok) {
        setSession(null)
        return false
      }
      setSession(fromTokens((await res.json()) as TokenResponse))
      return true
    } catch {
      return false
    } finally {
      refreshing = null
    }
  })()
  return refreshing
}

function authorize(request: Request): Request {
  if (session) request.headers.set('Authorization', `Bearer ${session.access_token}`)
  return request
}

async function authedFetch(request: Request): Promise<Response> {
  // Refresh a little before expiry so a page load does not start with a 401 round trip.
  if (session && session.expires_at - Date.now() < 30_000) await refresh()
  const retry = request.clone()
  const res = await fetch(authorize(request))
  if (res.status !== 401 || !session || request.url.endsWith('/auth/refresh')) return res
  return (await refresh()) ? fetch(authorize(retry)) : res
}

export const api = createClient<paths>({ baseUrl: location.origin, fetch: authedFetch })

async function errorFrom(response: Response, body: unknown): Promise<ApiError> {
  const envelope = (body as { error?: ErrorEnvelope } | undefined)?.error
  if (envelope && typeof envelope.message === 'string') {
    return new ApiError(response.status, envelope.code, envelope.message, envelope.details ?? [], envelope.request_id)
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`.trim())
}

/** The data of a successful call, or throws the server's error as an ApiError. */
export async function unwrap<R extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<R>,
): Promise<NonNullable<R['data']>> {
  let result: R
  try {
    result = await call
  } catch (err) {
    throw new ApiError(0, 'network_error', `Could not reach the API: ${err instanceof Error ? err.message : String(err)}`)
  }
  if (result.error !== undefined || !result.response.ok) throw await errorFrom(result.response, result.error)
  return result.data as NonNullable<R['data']>
}

export async function login(email: string, password: string): Promise<User> {
  const tokens = await unwrap(api.POST('/api/v1/auth/login', { body: { email, password } }))
  setSession(fromTokens(tokens))
  return tokens.user
}

export async function logout() {
  const token = session?.refresh_token
  setSession(null)
  if (token) await api.POST('/api/v1/auth/logout', { body: { refresh_token: token } }).catch(() => undefined)
}

/**
 * Uploads an image as multipart/form-data. openapi-fetch serialises JSON bodies only, so this one
 * call goes through fetch directly, with the same token handling and error envelope.
 */
export async function uploadImage(scope: 'admin' | 'seller', productId: string, file: File, alt?: string): Promise<Schemas['ProductImage']> {
  const form = new FormData()
  form.set('file', file)
  if (alt) form.set('alt', alt)
  const res = await authedFetch(new Request(`/api/v1/${scope}/products/${encodeURIComponent(productId)}/images`, { method: 'POST', body: form }))
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) throw await errorFrom(res, body)
  return body as Schemas['ProductImage']
}
