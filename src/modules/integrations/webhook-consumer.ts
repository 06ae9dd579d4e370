import { and, eq, ne, sql } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { newId } from '../../lib/ids'
import { recordEvent } from '../../lib/metrics'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { paymentAlerts } from '../payments/tables'
import type { WebhookDeliveryMessage } from './webhook-events'
import { webhookHeaders } from './webhook-signing'
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from './tables'
import { backoffDelay } from '../../lib/backoff'

/** Queue attempts per message: max_retries 8 in workers/webhooks/wrangler.toml, plus the first. */
export const MAX_ATTEMPTS = 9
/** An endpoint is disabled after this many failed attempts in a row (any deliveries), with a staff alert. */
export const DISABLE_AFTER_FAILURES = 10
/** A receiver has this long to answer. */
export const DELIVERY_TIMEOUT_MS = 10_000
/** At most this much of an answer is kept with the attempt. */
export const EXCERPT_BYTES = 1024
const MAX_DELAY_SECONDS = 12 * 3600

/** Exponential backoff: 30 s × 4^(n−1), capped at 12 h (the Queues limit): 30 s, 2 min, 8 min, 32 min… */
export const backoffSeconds = (attempts: number) => backoffDelay(attempts, { base: 30, max: MAX_DELAY_SECONDS, factor: 4 })

/** The first EXCERPT_BYTES bytes of a text, cut on a character boundary. */
export function excerpt(text: string): string {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= EXCERPT_BYTES) return text
  return new TextDecoder().decode(bytes.slice(0, EXCERPT_BYTES)).replace(/\uFFFD$/, '')
}

type Outcome = 'done' | 'retry'

/** One HTTP attempt of one delivery; records it and tells the queue whether to retry. */
export async function attemptDelivery(db: DB, deliveryId: string, now = Date.now(), metricsEnv: object = {}): Promise<Outcome> {
  const row = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, event: webhookEvents })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .get()
  if (!row || row.delivery.status === 'succeeded') return 'done'
  if (row.endpoint.status !== 'enabled') {
    await db.update(webhookDeliveries).set({ status: 'dead', updatedAt: nowIso() }).where(eq(webhookDeliveries.id, deliveryId))
    return 'done'
  }

  const body = row.event.payload
  const headers = await webhookHeaders(row.endpoint.secret, row.event.id, body, now)
  const started = Date.now()
  let statusCode: number | null = null
  let responseText: string | null = null
  let error: string | null = null
  try {
    const res = await fetch(row.endpoint.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
    statusCode = res.status
    responseText = excerpt(await res.text().catch(() => ''))
  } catch (err) {
    error = String(err).slice(0, 500)
  }
  const latencyMs = Date.now() - started
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300
  const at = nowIso()
  const attempt = row.delivery.attempts + 1
  await db.batch([
    db.insert(webhookAttempts).values({
      id: newId('wha'),
      deliveryId,
      attempt,
      statusCode,
      latencyMs,
      responseExcerpt: responseText,
      error: error ?? (ok ? null : `HTTP ${statusCode}`),
      createdAt: at,
    }),
    db
      .update(webhookDeliveries)
      .set({
        status: ok ? 'succeeded' : 'retrying',
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lastStatusCode: statusCode,
        lastAttemptAt: at,
        updatedAt: at,
      })
      .where(eq(webhookDeliveries.id, deliveryId)),
    db
      .update(webhookEndpoints)
      .set({ consecutiveFailures: ok ? 0 : sql`${webhookEndpoints.consecutiveFailures} + 1` })
      .where(eq(webhookEndpoints.id, row.endpoint.id)),
  ])
  log(ok ? 'info' : 'warn', 'webhook delivery attempt', {
    delivery_id: deliveryId,
    endpoint_id: row.endpoint.id,
    event_type: row.delivery.eventType,
    attempt,
    status: statusCode,
    latency_ms: latencyMs,
    ...(error ? { error } : {}),
  })
  if (ok) return 'done'
  if (await disableIfFailing(db, row.endpoint.id, metricsEnv)) {
    await db.update(webhookDeliveries).set({ status: 'dead', updatedAt: nowIso() }).where(eq(webhookDeliveries.id, deliveryId))
    return 'done'
  }
  return 'retry'
}

/**
 * Disable the endpoint once it has failed DISABLE_AFTER_FAILURES times in a row. The conditional
 * update lets exactly one consumer win, and only that one raises the staff alert.
 */
async function disableIfFailing(db: DB, endpointId: string, env: object): Promise<boolean> {
  const reason = `disabled after ${DISABLE_AFTER_FAILURES} consecutive failed deliveries`
  const at = nowIso()
  const res = await db
    .update(webhookEndpoints)
    .set({ status: 'disabled', disabledReason: reason, updatedAt: at })
    .where(
      and(
        eq(webhookEndpoints.id, endpointId),
        eq(webhookEndpoints.status, 'enabled'),
        sql`${webhookEndpoints.consecutiveFailures} >= ${DISABLE_AFTER_FAILURES}`,
      ),
    )
    .run()
  if (!res.meta.changes) return false
  const endpoint = await db.select({ url: webhookEndpoints.url }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId)).get()
  log('error', 'webhook endpoint disabled', { alert: 'webhook_endpoint_disabled', endpoint_id: endpointId, url: endpoint?.url })
  await db.insert(paymentAlerts).values({
    id: newId('pal'),
    kind: 'webhook_endpoint_disabled',
    details: JSON.stringify({
      endpoint_id: endpointId,
      url: endpoint?.url,
      reason,
      action: 'fix the receiver, re-enable the endpoint, replay failed deliveries',
    }),
    createdAt: at,
  })
  recordEvent(env, { name: 'alert.raised', label: 'webhook_endpoint_disabled' })
  return true
}

function deliveryIdOf(body: unknown): string | undefined {
  const id = (body as Partial<WebhookDeliveryMessage> | null)?.delivery_id
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined
}

/**
 * The `webhooks-out` queue: one delivery per message, retried one by one with exponential delay.
 * After MAX_ATTEMPTS the queue moves the message to webhooks-out-dlq.
 */
export async function handleWebhookBatch(batch: MessageBatch<unknown>, env: Pick<Env, 'DB'>): Promise<void> {
  const db = getDb(env)
  for (const message of batch.messages) {
    const id = deliveryIdOf(message.body)
    if (!id) {
      log('error', 'webhook message without delivery_id dropped', { message_id: message.id })
      message.ack()
      continue
    }
    try {
      const outcome = await attemptDelivery(db, id, Date.now(), env)
      if (outcome === 'done') message.ack()
      else message.retry({ delaySeconds: backoffSeconds(message.attempts) })
    } catch (err) {
      log('error', 'webhook delivery failed unexpectedly', { delivery_id: id, error: String(err) })
      message.retry({ delaySeconds: backoffSeconds(message.attempts) })
    }
  }
}

/** The dead-letter queue: the delivery is marked `dead` (unless it succeeded meanwhile) for staff to replay. */
export async function handleWebhookDeadLetterBatch(batch: MessageBatch<unknown>, env: Pick<Env, 'DB'>): Promise<void> {
  const db = getDb(env)
  for (const message of batch.messages) {
    const id = deliveryIdOf(message.body)
    try {
      if (id) {
        await db
          .update(webhookDeliveries)
          .set({ status: 'dead', updatedAt: nowIso() })
          .where(and(eq(webhookDeliveries.id, id), ne(webhookDeliveries.status, 'succeeded')))
        log('error', 'webhook delivery dead-lettered', { delivery_id: id })
      }
      message.ack()
    } catch (err) {
      log('error', 'webhook dead letter not recorded', { delivery_id: id, error: String(err) })
      message.retry()
    }
  }
}
