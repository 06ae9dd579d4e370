import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { AppError } from '../../lib/errors'
import type { TokenResponse } from './schema'
import { refreshTtlSeconds } from './sessions'

/**
 * Cookie sessions for browser apps (the dashboard): a client that sends `X-Session-Mode: cookie`
 * on login, register or refresh gets its refresh token in an HttpOnly; Secure; SameSite=Strict
 * cookie scoped to /api/v1/auth (refresh and logout), and none in the JSON body, so page scripts
 * never see it. Refresh and logout read it when the body carries no refresh_token.
 */
export const REFRESH_COOKIE = 'ec_refresh'
export const REFRESH_COOKIE_PATH = '/api/v1/auth'
export const SESSION_MODE_HEADER = 'X-Session-Mode'

export const wantsCookie = (c: Context) => c.req.header(SESSION_MODE_HEADER)?.toLowerCase() === 'cookie'

/** In cookie mode: move the refresh token from the body into the cookie. */
export function deliverTokens(c: Context, tokens: TokenResponse): TokenResponse {
  if (!wantsCookie(c) || !tokens.refresh_token) return tokens
  setCookie(c, REFRESH_COOKIE, tokens.refresh_token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: REFRESH_COOKIE_PATH,
    maxAge: refreshTtlSeconds(c.env as Env),
  })
  const { refresh_token: _omitted, ...rest } = tokens
  return rest
}

/** The refresh token from the body, else from the cookie; 401 when there is neither. */
export function presentedRefreshToken(c: Context, fromBody: string | undefined): string {
  const token = fromBody ?? getCookie(c, REFRESH_COOKIE)
  if (!token) throw new AppError('invalid_token', 'No refresh token: send refresh_token or the session cookie')
  return token
}

export const clearRefreshCookie = (c: Context) =>
  deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_COOKIE_PATH, secure: true, httpOnly: true, sameSite: 'Strict' })
