import * as Sentry from '@sentry/cloudflare'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './context'

/** One JSON line per log event, always carrying the request id when there is one. */
export function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields })
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}

/** A structured access log line per request: method, path, status, duration, request id. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now()
  await next()
  log(c.res.status >= 500 ? 'error' : 'info', 'request', {
    request_id: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    duration_ms: Math.round((performance.now() - started) * 10) / 10,
    user_id: c.get('user')?.id,
  })
})

/** Sentry options for withSentry(): on only when SENTRY_DSN is set. */
export const sentryOptions = (env: { SENTRY_DSN?: string; ENVIRONMENT?: string }) => ({
  dsn: env.SENTRY_DSN || undefined,
  enabled: Boolean(env.SENTRY_DSN),
  environment: env.ENVIRONMENT,
  tracesSampleRate: 0.1,
})

export const captureException = (err: unknown, requestId?: string) =>
  Sentry.captureException(err, requestId ? { tags: { request_id: requestId } } : undefined)
