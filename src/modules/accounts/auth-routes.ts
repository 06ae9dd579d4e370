import { createRoute } from '@hono/zod-openapi'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { clientIp } from '../../lib/ratelimit'
import { createRouter } from '../../lib/router'
import { requireTurnstile, TURNSTILE_HEADER } from '../../lib/turnstile'
import { LoginBodySchema, RefreshBodySchema, RegisterAcceptedSchema, RegisterBodySchema, TokenResponseSchema } from './schema'
import { login, logout, refreshSession, registerUser } from './service'
import { mergeCartOnSignIn } from '../cart/service'
import { getCookie } from 'hono/cookie'
import { clearRefreshCookie, deliverTokens, presentedRefreshToken, REFRESH_COOKIE } from './refresh-cookie'
import { attachGuestOrders } from '../orders/guest'

const tags = ['auth']

export const authRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/register',
      tags,
      summary: 'Create a customer account (then sign in with POST /auth/login)',
      description:
        'Always 202 `{ "status": "accepted" }` for a valid body, whether or not the address already has an account, so ' +
        'sign-up cannot be used to find out who is a customer. A new address gets its account: sign in next with ' +
        'POST /auth/login (which also merges an X-Cart-Token guest cart). An address that already has an account gets ' +
        'no new one; its owner is emailed that someone tried to sign up, with a password-reset link. Invalid bodies and ' +
        'passwords that break the policy are still 400. When Turnstile is on, a token in the CF-Turnstile-Response ' +
        'header is required (403 challenge_required).',
      middleware: requireTurnstile(),
      request: jsonBody(RegisterBodySchema),
      responses: {
        202: jsonContent(RegisterAcceptedSchema, 'Accepted: sign in next, or check the mailbox'),
        ...errors(400, 403, 429),
      },
    }),
    async (c) => {
      await registerUser(c.env, c.get('db'), c.req.valid('json'))
      return c.json({ status: 'accepted' as const }, 202)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      tags,
      summary: 'Sign in with email and password',
      description:
        'Failed attempts are counted in a 15-minute window. Five failures lock only that account from that client IP (429 with ' +
        'Retry-After); past 10 failures for the account, or 20 from the IP, a Turnstile token in the CF-Turnstile-Response ' +
        'header is required when Turnstile is on (403 challenge_required).',
      request: jsonBody(LoginBodySchema),
      responses: {
        200: jsonContent(TokenResponseSchema, 'Signed in'),
        ...errors(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid('json')
      const session = await login(c.env, c.get('db'), {
        ...body,
        ip: clientIp(c),
        turnstileToken: c.req.header(TURNSTILE_HEADER) || undefined,
      })
      // Cart hook (owned by the cart module): a guest's X-Cart-Token cart merges into the user's cart.
      await mergeCartOnSignIn(c.env, c.req.header('X-Cart-Token'), session.user.id)
      // Guest orders placed with this email join the account once the email is proven (verified).
      if (session.user.email_verified_at) await attachGuestOrders(c.get('db'), session.user)
      return c.json(deliverTokens(c, session), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/refresh',
      tags,
      summary: 'Exchange a refresh token for a new token pair (rotation)',
      description:
        'Each refresh token works once. Presenting one that was already used revokes every token of that sign-in (401). ' +
        'Without refresh_token in the body the ec_refresh cookie is used (cookie mode: send X-Session-Mode: cookie on ' +
        'login and refresh; the cookie is HttpOnly, Secure, SameSite=Strict, Path=/api/v1/auth).',
      request: jsonBody(RefreshBodySchema),
      responses: {
        200: jsonContent(TokenResponseSchema, 'New access and refresh tokens'),
        ...errors(400, 401),
      },
    }),
    async (c) => {
      const token = presentedRefreshToken(c, c.req.valid('json').refresh_token)
      return c.json(deliverTokens(c, await refreshSession(c.env, c.get('db'), token)), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/logout',
      tags,
      summary: 'Sign out: revoke the refresh token, every token rotated from the same sign-in and their access tokens',
      request: jsonBody(RefreshBodySchema),
      responses: { 204: { description: 'Signed out (also when the token was unknown)' }, ...errors(400) },
    }),
    async (c) => {
      const token = c.req.valid('json').refresh_token ?? getCookie(c, REFRESH_COOKIE)
      if (token) await logout(c.env, c.get('db'), token)
      clearRefreshCookie(c)
      return c.body(null, 204)
    },
  )
