import { requireTurnstile } from '../../lib/turnstile'
import { createRoute, z } from '@hono/zod-openapi'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from './middleware'
import { confirmPasswordReset, requestPasswordReset } from './password-reset'
import { EmailSchema, PasswordSchema } from './schema'
import { attachGuestOrders } from '../orders/guest'
import { confirmEmailVerification, requestEmailVerification } from './verification'

const tags = ['auth']

/** Tokens are `vfy_…` / `rst_…` plus 43 base64url characters; anything far off is not worth a lookup. */
const TokenSchema = z.string().trim().min(16).max(256).openapi({ example: 'rst_3q2-7wEvbD1u9CEcVZnUu6pVdOL4z9ZL2mUvUo8dN4k' })

const AcceptedSchema = z.object({ status: z.literal('accepted') }).openapi('Accepted')

const clientIp = (header: string | undefined) => header?.trim() || 'unknown'

/**
 * Mounted at /api/v1: email verification and password reset. The links in the emails carry the
 * token; the storefront page they open posts it to the confirm endpoint.
 */
export const accountFlowRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/verify-email/request',
      tags,
      ...authRoute(),
      summary: 'Email the signed-in user a verification link',
      description: 'The link is valid for 24 hours and works once. 409 when already verified; throttled per user (429).',
      responses: {
        202: jsonContent(z.object({ status: z.literal('accepted'), expires_at: z.string() }), 'Verification email queued'),
        ...errors(401, 409, 429),
      },
    }),
    async (c) => {
      const result = await requestEmailVerification(c.env, c.get('db'), currentUser(c).id)
      return c.json({ status: 'accepted' as const, ...result }, 202)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/verify-email/confirm',
      tags,
      summary: 'Verify an email address with the token from the link',
      description: 'Single use. Unknown, expired and used tokens all answer 401 invalid_token.',
      request: jsonBody(z.object({ token: TokenSchema }).openapi('VerifyEmailConfirmBody')),
      responses: {
        200: jsonContent(z.object({ status: z.literal('verified'), user_id: z.string(), email: z.string() }), 'The address is verified'),
        ...errors(400, 401),
      },
    }),
    async (c) => {
      const result = await confirmEmailVerification(c.get('db'), c.req.valid('json').token)
      // The mailbox is proven now: guest orders placed with this email join the account.
      await attachGuestOrders(c.get('db'), { id: result.user_id, email: result.email })
      return c.json({ status: 'verified' as const, ...result }, 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset/request',
      tags,
      summary: 'Email a password-reset link',
      description:
        'Always 202, whether or not the address has an account. Throttled per address and per client IP (429 with Retry-After). ' +
        'The link is valid for one hour and works once. When Turnstile is on, a token in the CF-Turnstile-Response header is required (403 challenge_required).',
      middleware: requireTurnstile(),
      request: jsonBody(z.object({ email: EmailSchema }).openapi('PasswordResetRequestBody')),
      responses: { 202: jsonContent(AcceptedSchema, 'If the account exists, an email is on its way'), ...errors(400, 403, 429) },
    }),
    async (c) => {
      await requestPasswordReset(c.env, c.get('db'), {
        email: c.req.valid('json').email,
        ip: clientIp(c.req.header('CF-Connecting-IP')),
      })
      return c.json({ status: 'accepted' as const }, 202)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset/confirm',
      tags,
      summary: 'Set a new password with the token from the link',
      description:
        'Single use; every other reset link of the user stops working and every session (refresh token) is revoked, ' +
        'so the user signs in again with the new password.',
      request: jsonBody(z.object({ token: TokenSchema, new_password: PasswordSchema }).openapi('PasswordResetConfirmBody')),
      responses: { 200: jsonContent(z.object({ status: z.literal('password_reset') }), 'Password changed'), ...errors(400, 401) },
    }),
    async (c) => {
      const body = c.req.valid('json')
      await confirmPasswordReset(c.env, c.get('db'), { token: body.token, newPassword: body.new_password })
      return c.json({ status: 'password_reset' as const }, 200)
    },
  )
