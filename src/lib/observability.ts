import * as Sentry from '@sentry/cloudflare'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from './context'
import { config } from './config'
import { mapHandlerMethods } from './worker-handler'

/** One JSON line per log event, always carrying the request id when there is one. */
export function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields })
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}

/**
 * The per-request access line is gone: `wrangler dev` and Workers Logs already record every request
 * (and under `wrangler dev` the line alone cost a quarter of the throughput). What stays: an error
 * line for every 5xx and a warning for slow requests, both with the request id, plus an optional
 * sample of ordinary requests (LOG_SAMPLE_RATE, 0 to 1; 0 when unset, a ConfigError when malformed). Metrics: src/lib/metrics.ts.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now()
  await next()
  const duration = performance.now() - started
  const status = c.res.status
  const slow = duration > SLOW_REQUEST_MS
  const sampleRate = config(c.env).LOG_SAMPLE_RATE
  if (status < 500 && !slow && !(sampleRate > 0 && Math.random() < sampleRate)) return
  log(status >= 500 ? 'error' : slow ? 'warn' : 'info', status >= 500 ? 'request failed' : slow ? 'slow request' : 'request', {
    request_id: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status,
    duration_ms: Math.round(duration * 10) / 10,
    user_id: c.get('user')?.id,
  })
})

/** Requests slower than this are logged as a warning. */
export const SLOW_REQUEST_MS = 2000

type SentryEnv = { SENTRY_DSN?: string; ENVIRONMENT?: string }

/** Sentry options for withSentry(): on only when SENTRY_DSN is set. */
export const sentryOptions = (env: SentryEnv) => ({
  dsn: env.SENTRY_DSN || undefined,
  enabled: Boolean(env.SENTRY_DSN),
  environment: env.ENVIRONMENT,
  tracesSampleRate: 0.1,
})

/**
 * A Worker's handler wrapped in Sentry only when SENTRY_DSN is set. Sentry.withSentry() sets up its
 * client, scope and async context on every invocation even when disabled, about 1 to 1.5 ms of CPU
 * per request under `npm run bench` (a sixth of a cached catalog hit), so without a DSN each call
 * goes straight to the plain handler. withSentry instruments the object it is given in place, so it
 * gets a copy.
 */
export function withOptionalSentry<E extends SentryEnv, Q = unknown, H extends ExportedHandler<E, Q> = ExportedHandler<E, Q>>(
  handler: H & ExportedHandler<E, Q>,
): H {
  const traced = Sentry.withSentry<E, Q>(sentryOptions, { ...handler }) as Record<string, (...args: unknown[]) => unknown>
  return mapHandlerMethods(
    handler,
    (name, plain) => (event, env: E, ctx) => (env.SENTRY_DSN ? traced[name]!.call(traced, event, env, ctx) : plain(event, env, ctx)),
  )
}

export const captureException = (err: unknown, requestId?: string) =>
  Sentry.captureException(err, requestId ? { tags: { request_id: requestId } } : undefined)
