import { createMiddleware } from 'hono/factory'
import { routePath } from 'hono/route'
import type { AppEnv } from './context'

/**
 * Metrics, two ways:
 * - Workers Analytics Engine (binding METRICS): one data point per request and per business event,
 *   queried with its SQL API by the Grafana dashboard in ops/grafana and the alert rules in ops/alerts.
 *   Layout of every point: blob1 = kind ('request' | 'event'), blob2 = name (route template or event
 *   name), blob3 = label (status class or outcome), blob4 = detail (method, provider, cache …),
 *   blob5 = environment; double1 = count (1), double2 = latency ms (requests) or value; index1 = name.
 * - In-isolate counters for GET /metrics (Prometheus text): what this Worker instance has seen since
 *   it started. Cloudflare runs many isolates, so these are per instance; Analytics Engine is the sum.
 */
type MetricsEnv = { METRICS?: AnalyticsEngineDataset; ENVIRONMENT?: string }

export interface MetricEvent {
  /** e.g. checkout.completed, payment.succeeded, webhook.failed, queue.retry, queue.dead_letter, order.write_through_retry */
  name: string
  /** outcome or status, e.g. ok / failed / 201 */
  label?: string
  /** provider, queue or other detail */
  detail?: string
  value?: number
}

const counters = new Map<string, number>()
const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000]
const latency = new Map<string, { buckets: number[]; sum: number; count: number }>()

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`

function count(name: string, labels: Record<string, string>, by = 1) {
  const k = key(name, labels)
  counters.set(k, (counters.get(k) ?? 0) + by)
}

function write(env: MetricsEnv, point: AnalyticsEngineDataPoint) {
  try {
    env.METRICS?.writeDataPoint(point)
  } catch {
    // Metrics never fail a request.
  }
}

/**
 * Record a business or technical event: Analytics Engine data point plus an in-isolate counter.
 * `env` is any Worker's env (narrow `Pick<Env, …>` types included): METRICS and ENVIRONMENT are read if bound.
 */
export function recordEvent(anyEnv: object, event: MetricEvent): void {
  const env = anyEnv as MetricsEnv
  const label = event.label ?? ''
  const detail = event.detail ?? ''
  count('edge_commerce_events_total', { event: event.name, label, detail })
  write(env, {
    blobs: ['event', event.name, label, detail, env.ENVIRONMENT ?? ''],
    doubles: [1, event.value ?? 0],
    indexes: [event.name],
  })
}

/**
 * A consumer Worker's batch, counted: each message of a dead-letter queue (`…-dlq`) is a
 * `queue.dead_letter`, each `retry()` (or `retryAll()`) of a main queue's message a `queue.retry`;
 * detail = the main queue's name, value = the message's delivery count. Hand the returned batch to
 * the handler; ack/retry go to the real messages.
 */
export function countQueueOutcomes<Body>(env: object, batch: MessageBatch<Body>): MessageBatch<Body> {
  const dlq = batch.queue.endsWith('-dlq')
  const queue = dlq ? batch.queue.slice(0, -'-dlq'.length) : batch.queue
  if (dlq) {
    for (const m of batch.messages) recordEvent(env, { name: 'queue.dead_letter', detail: queue, value: m.attempts })
    return batch
  }
  const retried = (m: Message<Body>) => recordEvent(env, { name: 'queue.retry', detail: queue, value: m.attempts })
  const messages = batch.messages.map(
    (m): Message<Body> => ({
      id: m.id,
      timestamp: m.timestamp,
      body: m.body,
      attempts: m.attempts,
      ack: () => m.ack(),
      retry: (options) => {
        retried(m)
        m.retry(options)
      },
    }),
  )
  return {
    queue: batch.queue,
    metadata: batch.metadata,
    messages,
    ackAll: () => batch.ackAll(),
    retryAll: (options) => {
      batch.messages.forEach(retried)
      batch.retryAll(options)
    },
  }
}

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`

/**
 * Per request: route template (not the raw path, so ids do not explode cardinality), method,
 * status, latency; catalog cache hits and misses from the X-Cache header (checkouts are counted
 * by checkout() itself, so the storefront's and the API's are both seen).
 */
export const requestMetrics = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now()
  await next()
  const ms = Math.round((performance.now() - started) * 10) / 10
  // The route of the handler that answered (the deepest one dispatched), not the last one that
  // matched: the storefront's catch-all middleware matches every path after the API routes.
  const matched = routePath(c)
  const route = matched && !matched.endsWith('*') ? matched : c.res.status === 404 ? 'unmatched' : matched || 'unmatched'
  const status = c.res.status
  const method = c.req.method
  count('edge_commerce_requests_total', { route, method, status: String(status) })
  const h = latency.get(route) ?? { buckets: LATENCY_BUCKETS_MS.map(() => 0), sum: 0, count: 0 }
  LATENCY_BUCKETS_MS.forEach((b, i) => {
    if (ms <= b) h.buckets[i]!++
  })
  h.sum += ms
  h.count++
  latency.set(route, h)
  write(c.env, {
    blobs: ['request', route, statusClass(status), method, c.env.ENVIRONMENT ?? '', String(status)],
    doubles: [1, ms],
    indexes: [route],
  })
  const cache = c.res.headers.get('X-Cache')
  if (cache === 'HIT' || cache === 'MISS') recordEvent(c.env, { name: 'cache.lookup', label: cache.toLowerCase(), detail: route })
})

/** The in-isolate counters in Prometheus text exposition format (version 0.0.4). */
export function prometheusText(): string {
  const lines = [
    '# HELP edge_commerce_requests_total Requests served by this Worker instance, by route template, method and status.',
    '# TYPE edge_commerce_requests_total counter',
  ]
  const byName = (prefix: string) => [...counters].filter(([k]) => k.startsWith(`${prefix}{`)).sort()
  for (const [k, v] of byName('edge_commerce_requests_total')) lines.push(`${k} ${v}`)
  lines.push(
    '# HELP edge_commerce_request_duration_ms Request latency in milliseconds by route template.',
    '# TYPE edge_commerce_request_duration_ms histogram',
  )
  for (const [route, h] of [...latency].sort()) {
    const r = esc(route)
    LATENCY_BUCKETS_MS.forEach((b, i) => lines.push(`edge_commerce_request_duration_ms_bucket{route="${r}",le="${b}"} ${h.buckets[i]}`))
    lines.push(`edge_commerce_request_duration_ms_bucket{route="${r}",le="+Inf"} ${h.count}`)
    lines.push(`edge_commerce_request_duration_ms_sum{route="${r}"} ${Math.round(h.sum * 10) / 10}`)
    lines.push(`edge_commerce_request_duration_ms_count{route="${r}"} ${h.count}`)
  }
  lines.push(
    '# HELP edge_commerce_events_total Business and technical events (checkouts, cache lookups, payments, webhook failures, queue retries) seen by this instance.',
    '# TYPE edge_commerce_events_total counter',
  )
  for (const [k, v] of byName('edge_commerce_events_total')) lines.push(`${k} ${v}`)
  return `${lines.join('\n')}\n`
}

/** Tests only: forget the in-isolate counters. */
export function resetMetricsForTests() {
  counters.clear()
  latency.clear()
}
