// The typed API client: openapi-fetch over the generated `paths` (src/api-types.ts), with the
// session's bearer token added to every call and one refresh-and-retry on 401 (refresh through the
// HttpOnly session cookie).
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
  /** Epoch ms when the access token expires. */
  expires_at: number
}

// The access token lives only in memory. The refresh token is an HttpOnly; Secure; SameSite=Strict
// cookie scoped to /api/v1/auth (X-Session-Mode: cookie), which no script can read; a reload or a
// new tab gets its own access token from it (restoreSession below).
let session: Session | null = null
const listeners = new Set<(user: User | null) => void>()

/** Where the API lives: this origin, or the one a Pages build names in <meta name="api-origin">. */
const API_ORIGIN =
  (typeof document !== 'undefined' && document.querySelector<HTMLMetaElement>('meta[name="api-origin"]')?.content) || location.origin
const COOKIE_MODE = { 'X-Session-Mode': 'cookie' }

// Whether this browser has a session worth restoring (the refresh cookie itself is out of reach):
// set on sign-in and every refresh, removed when the session ends. Without it a reload or a first
// visit shows the sign-in form at once instead of waiting for a refresh call that can only fail.
const SIGNED_IN_KEY = 'ec-dashboard-signed-in'
function rememberSignedIn(yes: boolean) {
  try {
    if (yes) localStorage.setItem(SIGNED_IN_KEY, '1')
    else localStorage.removeItem(SIGNED_IN_KEY)
  } catch {
    // storage blocked: every load asks the cookie (as if the key were set)
  }
}
function mayBeSignedIn(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN_KEY) === '1'
  } catch {
    return true
  }
}

function setSession(next: Session | null) {
  session = next
  rememberSignedIn(next !== null)
  for (const fn of listeners) fn(next?.user ?? null)
}

function fromTokens(t: TokenResponse): Session {
  return { user: t.user, access_token: t.access_token, expires_at: Date.now() + t.expires_in * 1000 }
}

export const currentUser = () => session?.user ?? null
export function onSessionChange(fn: (user: User | null) => void) {
  listeners.add(fn)
  return () => void listeners.delete(fn)
}

// One refresh at a time in this tab (concurrent 401s wait for the same rotation), and one at a time
// across tabs (Web Locks): a refresh token works once, so two tabs rotating the shared cookie at
// the same moment would look like token theft and sign both out. Inside the lock the browser sends
// whatever cookie the previous holder left.
let refreshing: Promise<boolean> | null = null

async function rotate(): Promise<boolean> {
  try {
    const res = await fetch(`${API_ORIGIN}/api/v1/auth/refresh`, {
      method: 'POST',
      credentials: 'include',
      headers: { 'Content-Type': 'application/json', ...COOKIE_MODE },
      body: '{}',
    })
    if (!res.ok) {
      setSession(null)
      return false
    }
    setSession(fromTokens((await res.json()) as TokenResponse))
    return true
  } catch {
    return false
  }
}

function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
      return locks ? await locks.request('ec-dashboard-refresh', rotate) : await rotate()
    } finally {
      refreshing = null
    }
  })()
  return refreshing
}

/** A reload or a new tab: try to get an access token from the refresh cookie, if there may be one. */
export const restoreSession = (): Promise<boolean> => (mayBeSignedIn() ? refresh() : Promise.resolve(false))

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

export const api = createClient<paths>({ baseUrl: API_ORIGIN, fetch: authedFetch })

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
  const tokens = await unwrap(api.POST('/api/v1/auth/login', { body: { email, password }, headers: COOKIE_MODE, credentials: 'include' }))
  setSession(fromTokens(tokens))
  return tokens.user
}

/** Sign out: the server revokes this sign-in (every tab sharing it) and clears the cookie. */
export async function logout() {
  setSession(null)
  await api.POST('/api/v1/auth/logout', { body: {}, headers: COOKIE_MODE, credentials: 'include' }).catch(() => undefined)
}

/**
 * A customer signed in here: the storefront (served by the API Worker) starts its own session from
 * this one's access token, then this session ends on the server. The page leaves for the storefront
 * right after, so the local state is left as it is (no sign-in form flashes on the way out).
 */
export async function handOffToStorefront(): Promise<void> {
  if (!session) return
  await fetch(`${API_ORIGIN}/account/handoff`, {
    method: 'POST',
    credentials: 'include',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: session.access_token }).toString(),
  }).catch(() => undefined)
  await api.POST('/api/v1/auth/logout', { body: {}, headers: COOKIE_MODE, credentials: 'include' }).catch(() => undefined)
}

/** Settles once the first restore from the refresh cookie is done (signed in or not). */
export const sessionRestored: Promise<boolean> = restoreSession()

/**
 * Uploads an image as multipart/form-data. openapi-fetch serialises JSON bodies only, so this one
 * call goes through fetch directly, with the same token handling and error envelope.
 */
export async function uploadImage(
  scope: 'admin' | 'seller',
  productId: string,
  file: File,
  alt?: string,
): Promise<Schemas['ProductImage']> {
  const form = new FormData()
  form.set('file', file)
  if (alt) form.set('alt', alt)
  const res = await authedFetch(
    new Request(`${API_ORIGIN}/api/v1/${scope}/products/${encodeURIComponent(productId)}/images`, { method: 'POST', body: form }),
  )
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) throw await errorFrom(res, body)
  return body as Schemas['ProductImage']
}
