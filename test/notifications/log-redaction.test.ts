import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DomainEvent } from '../../src/lib/events'
import { revealLinks } from '../../src/modules/notifications/providers'
import { redactForLog } from '../../src/modules/notifications/providers/log'
import { api } from '../helpers'
import { captureEvents, deliver } from './harness'

afterEach(() => vi.restoreAllMocks())

/** Everything written to the console (every level) while `fn` runs. */
async function consoleDuring(fn: () => Promise<unknown>): Promise<string> {
  const lines: string[] = []
  const keep = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation(keep)
  await fn()
  return lines.join('\n')
}

let n = 0
const uniqueEmail = () => `redact-${Date.now()}-${++n}@example.test`

describe('the log provider never writes secrets or links', () => {
  // Production with the development opt-in set anyway (refused), and development without it.
  const cases: [string, Partial<Env> & Record<string, string>][] = [
    [
      'production, opt-in refused',
      { NOTIFICATIONS_PROVIDER_MODE: 'log', ENVIRONMENT: 'production', NOTIFICATIONS_LOG_REVEAL_LINKS: 'true' },
    ],
    [
      'development without the opt-in',
      { NOTIFICATIONS_PROVIDER_MODE: 'log', ENVIRONMENT: 'development', NOTIFICATIONS_LOG_REVEAL_LINKS: '' },
    ],
  ]
  it.each(cases)(
    'a password reset sent through the log provider (%s) leaves the token nowhere in the output',
    async (_name, deliveryEnv) => {
      const events = captureEvents()
      const email = uniqueEmail()
      expect((await api('POST', '/api/v1/auth/register', { body: { email, password: 'a long passphrase 1', name: 'Ann' } })).status).toBe(
        202,
      )
      const output = await consoleDuring(async () => {
        const req = await api('POST', '/api/v1/auth/password-reset/request', {
          body: { email },
          headers: { 'CF-Connecting-IP': `198.51.100.${70 + n}` },
        })
        expect(req.status).toBe(202)
        const event = events()
          .filter((e) => e.type === 'account.password_reset_requested')
          .at(-1) as DomainEvent
        expect(event).toBeDefined()
        const result = await deliver([event], { env: deliveryEnv as Partial<Env> })
        expect(result.explicitAcks).toHaveLength(1)
      })
      const event = events()
        .filter((e) => e.type === 'account.password_reset_requested')
        .at(-1) as DomainEvent
      const link = String(event.data.link)
      const token = new URL(link).searchParams.get('token')!
      expect(token).toMatch(/^rst_/)
      // The message was logged (subject and redacted text), so the assertion below is about a real line.
      expect(output).toContain('notification (log provider)')
      expect(output).toContain('Reset your password')
      expect(output).toContain('[link redacted]')
      expect(output).not.toContain(token)
      expect(output).not.toContain(token.slice(4))
      expect(output).not.toContain('/reset-password?')
    },
  )

  it('the reveal opt-in is honoured in development only', () => {
    expect(revealLinks({ ENVIRONMENT: 'development', NOTIFICATIONS_LOG_REVEAL_LINKS: 'true' })).toBe(true)
    for (const ENVIRONMENT of ['production', 'staging', ''])
      expect(revealLinks({ ENVIRONMENT, NOTIFICATIONS_LOG_REVEAL_LINKS: 'true' })).toBe(false)
    expect(revealLinks({ ENVIRONMENT: 'development' })).toBe(false)
    // Anything but true/false is a configuration error, not a quiet "no".
    expect(() => revealLinks({ ENVIRONMENT: 'development', NOTIFICATIONS_LOG_REVEAL_LINKS: '1' })).toThrow(
      /NOTIFICATIONS_LOG_REVEAL_LINKS="1"/,
    )
  })

  it('redacts every URL and the given secrets, leaving the rest of the text readable', () => {
    const text =
      'Hi Ann,\nOpen https://shop.example/reset-password?token=rst_abc123 within an hour.\nCode: rst_abc123.\nYour order: http://localhost:8787/orders/ord_1?t=eyJx.y.z'
    const out = redactForLog(text, ['rst_abc123'])
    expect(out).toBe('Hi Ann,\nOpen [link redacted] within an hour.\nCode: [one-time link redacted].\nYour order: [link redacted]')
  })
})
