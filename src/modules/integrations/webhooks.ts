import { and, desc, eq, gte, inArray, lt } from 'drizzle-orm'
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
  if (!allowed) throw badRequest('url must use https (http only for localhost in development)', [{ path: 'url', message: 'https required' }])
  if (url.username || url.password) throw badRequest('url must not carry credentials', [{ path: 'url', message: 'credentials not allowed' }])
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

export async function listEndpoints(db: DB) {
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).limit(200)
  return rows.map(endpointView)
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

/** An endpoint's deliveries, newest first, optionally by status; `before` pages back by created_at. */
export async function listDeliveries(db: DB, endpointId: string, query: { status?: DeliveryRow['status']; limit: number; before?: string }) {
  await endpointRow(db, endpointId)
  const where = [eq(webhookDeliveries.endpointId, endpointId)]
  if (query.status) where.push(eq(webhookDeliveries.status, query.status))
  if (query.before) where.push(lt(webhookDeliveries.createdAt, query.before))
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(query.limit)
  return { data: rows.map(deliveryView) }
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
