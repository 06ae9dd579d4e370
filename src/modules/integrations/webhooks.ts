import { and, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm'
import type { AuthUser } from '../../lib/context'
import type { DB } from '../../lib/db'
import { AppError, badRequest, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import { enqueueDeliveries, type WebhookEventType } from './webhook-events'
import { generateWebhookSecret } from './webhook-signing'
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from './tables'

type EndpointRow = typeof webhookEndpoints.$inferSelect

const endpointView = (r: EndpointRow) => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: JSON.parse(r.events) as WebhookEventType[],
  status: r.status,
  disabled_reason: r.disabledReason,
  consecutive_failures: r.consecutiveFailures,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
})

/**
 * Receivers must be https; plain http is accepted only for localhost in development (a receiver
 * on the developer's machine). No credentials in the URL: the signature authenticates us.
 */
export function checkEndpointUrl(env: Pick<Env, 'ENVIRONMENT'>, raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw badRequest('url must be an absolute URL', [{ path: 'url', message: 'invalid URL' }])
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && local && env.ENVIRONMENT === 'development')
  if (!allowed)
    throw badRequest('url must use https (http only for localhost in development)', [{ path: 'url', message: 'https required' }])
  if (url.username || url.password)
    throw badRequest('url must not carry credentials', [{ path: 'url', message: 'credentials not allowed' }])
  return url.toString()
}

async function endpointRow(db: DB, id: string): Promise<EndpointRow> {
  const row = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get()
  if (!row) throw notFound('Webhook endpoint')
  return row
}

/** Register an endpoint; the answer carries its secret, which is never shown again. */
export async function createEndpoint(
  env: Pick<Env, 'ENVIRONMENT'>,
  db: DB,
  user: AuthUser,
  input: { url: string; description?: string; events: WebhookEventType[] },
) {
  const now = nowIso()
  const row: EndpointRow = {
    id: newId('whe'),
    url: checkEndpointUrl(env, input.url),
    description: input.description ?? null,
    events: JSON.stringify([...new Set(input.events)].sort()),
    secret: generateWebhookSecret(),
    status: 'enabled',
    disabledReason: null,
    consecutiveFailures: 0,
    createdBy: user.id,
    createdAt: now,
    updatedAt: now,
  }
  await db.insert(webhookEndpoints).values(row)
  return { ...endpointView(row), secret: row.secret }
}

/** Endpoints, newest first, each with its latest delivery (what the dashboard list shows). */
export async function listEndpoints(db: DB) {
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).limit(200)
  if (!rows.length) return []
  // One correlated lookup per endpoint on webhook_deliveries_endpoint_idx.
  const latest = await db
    .select()
    .from(webhookDeliveries)
    .where(
      sql`${webhookDeliveries.id} IN (SELECT (SELECT d.id FROM webhook_deliveries d WHERE d.endpoint_id = e.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1) FROM webhook_endpoints e WHERE e.id IN (${sql.join(
        rows.map((r) => sql`${r.id}`),
        sql`, `,
      )}))`,
    )
  const byEndpoint = new Map(latest.map((d) => [d.endpointId, d]))
  return rows.map((r) => {
    const d = byEndpoint.get(r.id)
    return { ...endpointView(r), last_delivery: d ? lastDeliveryView(d) : null }
  })
}

export const getEndpoint = async (db: DB, id: string) => endpointView(await endpointRow(db, id))

/** Change url/description/events, or enable/disable; enabling clears the failure count. */
export async function updateEndpoint(
  env: Pick<Env, 'ENVIRONMENT'>,
  db: DB,
  id: string,
  input: { url?: string; description?: string | null; events?: WebhookEventType[]; enabled?: boolean },
) {
  await endpointRow(db, id)
  const set: Partial<EndpointRow> = { updatedAt: nowIso() }
  if (input.url !== undefined) set.url = checkEndpointUrl(env, input.url)
  if (input.description !== undefined) set.description = input.description
  if (input.events !== undefined) set.events = JSON.stringify([...new Set(input.events)].sort())
  if (input.enabled === true) Object.assign(set, { status: 'enabled', disabledReason: null, consecutiveFailures: 0 })
  if (input.enabled === false) Object.assign(set, { status: 'disabled', disabledReason: 'disabled by staff' })
  await db.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id))
  return getEndpoint(db, id)
}

/** A fresh secret (shown once); the old one stops signing immediately. */
export async function rotateSecret(db: DB, id: string) {
  await endpointRow(db, id)
  const secret = generateWebhookSecret()
  await db.update(webhookEndpoints).set({ secret, updatedAt: nowIso() }).where(eq(webhookEndpoints.id, id))
  return { ...(await getEndpoint(db, id)), secret }
}

export async function deleteEndpoint(db: DB, id: string) {
  await endpointRow(db, id)
  await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id))
}

type DeliveryRow = typeof webhookDeliveries.$inferSelect

const lastDeliveryView = (d: DeliveryRow) => ({
  id: d.id,
  event_type: d.eventType as WebhookEventType,
  status: d.status,
  last_status_code: d.lastStatusCode,
  created_at: d.createdAt,
  last_attempt_at: d.lastAttemptAt,
})

const deliveryView = (d: DeliveryRow) => ({
  id: d.id,
  event_id: d.eventId,
  endpoint_id: d.endpointId,
  event_type: d.eventType as WebhookEventType,
  status: d.status,
  attempts: d.attempts,
  last_status_code: d.lastStatusCode,
  last_attempt_at: d.lastAttemptAt,
  created_at: d.createdAt,
  updated_at: d.updatedAt,
})

/**
 * An endpoint's deliveries, newest first, optionally by status, each with its last attempt's latency
 * and response excerpt. `before` (created_at) pages back; with `before_id` too, rows created in the
 * same millisecond as the last one seen are not skipped. `next` is the cursor of the following page.
 */
export async function listDeliveries(
  db: DB,
  endpointId: string,
  query: { status?: DeliveryRow['status']; limit: number; before?: string; before_id?: string },
) {
  await endpointRow(db, endpointId)
  const where = [eq(webhookDeliveries.endpointId, endpointId)]
  if (query.status) where.push(eq(webhookDeliveries.status, query.status))
  if (query.before && query.before_id) {
    where.push(
      or(
        lt(webhookDeliveries.createdAt, query.before),
        and(eq(webhookDeliveries.createdAt, query.before), lt(webhookDeliveries.id, query.before_id)),
      )!,
    )
  } else if (query.before) where.push(lt(webhookDeliveries.createdAt, query.before))
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit + 1)
  const page = rows.slice(0, query.limit)
  const attempts = page.length
    ? await db
        .select()
        .from(webhookAttempts)
        .where(
          inArray(
            webhookAttempts.deliveryId,
            page.map((d) => d.id),
          ),
        )
    : []
  const lastAttempt = new Map<string, (typeof attempts)[number]>()
  for (const a of attempts) if ((lastAttempt.get(a.deliveryId)?.attempt ?? 0) < a.attempt) lastAttempt.set(a.deliveryId, a)
  const last = page.at(-1)
  return {
    data: page.map((d) => {
      const a = lastAttempt.get(d.id)
      return {
        ...deliveryView(d),
        last_latency_ms: a?.latencyMs ?? null,
        last_response_excerpt: a?.responseExcerpt ?? null,
        last_error: a?.error ?? null,
      }
    }),
    next: rows.length > query.limit && last ? { before: last.createdAt, before_id: last.id } : null,
  }
}

/** One delivery with its payload and every attempt (status, latency, response excerpt). */
export async function getDelivery(db: DB, id: string) {
  const row = await db
    .select({ delivery: webhookDeliveries, payload: webhookEvents.payload })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, id))
    .get()
  if (!row) throw notFound('Webhook delivery')
  const attempts = await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id)).orderBy(webhookAttempts.attempt)
  return {
    ...deliveryView(row.delivery),
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempt_log: attempts.map((a) => ({
      attempt: a.attempt,
      status_code: a.statusCode,
      latency_ms: a.latencyMs,
      response_excerpt: a.responseExcerpt,
      error: a.error,
      at: a.createdAt,
    })),
  }
}

async function requireEnabled(db: DB, endpointId: string) {
  const endpoint = await endpointRow(db, endpointId)
  if (endpoint.status !== 'enabled') throw new AppError('conflict', 'The endpoint is disabled: enable it before replaying')
}

/** Send one delivery again (whatever its status), as the same message (same webhook-id). */
export async function replayDelivery(env: Pick<Env, 'WEBHOOKS_QUEUE'>, db: DB, id: string) {
  const row = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get()
  if (!row) throw notFound('Webhook delivery')
  await requireEnabled(db, row.endpointId)
  await db.update(webhookDeliveries).set({ status: 'pending', updatedAt: nowIso() }).where(eq(webhookDeliveries.id, id))
  await enqueueDeliveries(env, [id])
  return { replayed: 1 }
}

/** Send again every failed (retrying or dead) delivery of an endpoint created since `since`; at most 1,000 per call. */
export async function replayFailedSince(env: Pick<Env, 'WEBHOOKS_QUEUE'>, db: DB, endpointId: string, since: string) {
  await requireEnabled(db, endpointId)
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpointId),
        inArray(webhookDeliveries.status, ['retrying', 'dead']),
        gte(webhookDeliveries.createdAt, since),
      ),
    )
    .orderBy(webhookDeliveries.createdAt)
    .limit(1000)
  const ids = rows.map((r) => r.id)
  for (let i = 0; i < ids.length; i += 90) {
    await db
      .update(webhookDeliveries)
      .set({ status: 'pending', updatedAt: nowIso() })
      .where(inArray(webhookDeliveries.id, ids.slice(i, i + 90)))
  }
  await enqueueDeliveries(env, ids)
  return { replayed: ids.length }
}

/** A delivery still `pending` this long after it was queued (or replayed) lost its queue message. */
export const STUCK_PENDING_MS = 5 * 60_000
/** At most this many stuck deliveries are re-queued per sweep. */
export const REQUEUE_BATCH = 500

/**
 * The 5-minute cron: re-queue deliveries of enabled endpoints still `pending` STUCK_PENDING_MS after
 * their last update (the queue send after the D1 insert failed, or the message was lost). Each one is
 * claimed by a conditional update that also moves its `updated_at` to now, so a delivery is queued
 * once per sweep, two overlapping sweeps never both queue it, and the next sweep looks at it again
 * only if it is still pending five minutes later. A delivery whose original message was merely slow
 * may be attempted twice; receivers dedupe on `webhook-id` (docs/webhooks.md).
 */
export async function requeueStuckDeliveries(env: Pick<Env, 'DB' | 'WEBHOOKS_QUEUE'>, now = Date.now()): Promise<{ requeued: number }> {
  const cutoff = nowIso(now - STUCK_PENDING_MS)
  const { results } = await env.DB.prepare(
    `SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE d.status = 'pending' AND d.updated_at < ? AND e.status = 'enabled'
     ORDER BY d.updated_at LIMIT ?`,
  )
    .bind(cutoff, REQUEUE_BATCH)
    .all<{ id: string }>()
  const claimed: string[] = []
  const at = nowIso(now)
  for (let i = 0; i < results.length; i += 90) {
    const ids = results.slice(i, i + 90).map((r) => r.id)
    const { results: rows } = await env.DB.prepare(
      `UPDATE webhook_deliveries SET updated_at = ? WHERE status = 'pending' AND updated_at < ? AND id IN (${ids.map(() => '?').join(',')}) RETURNING id`,
    )
      .bind(at, cutoff, ...ids)
      .all<{ id: string }>()
    claimed.push(...rows.map((r) => r.id))
  }
  await enqueueDeliveries(env, claimed)
  return { requeued: claimed.length }
}
