import { and, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { olderThanCursor, paginate } from '../../lib/pagination'
import { nowIso } from '../../lib/time'
import type { Channel, DeliveryQuery } from './schema'
import { notificationDeadLetters, notificationDeliveries, type DeliveryStatus } from './tables'

type DeliveryRow = typeof notificationDeliveries.$inferSelect

/**
 * A `sending` claim older than this is presumed abandoned (the consumer crashed between claiming
 * and recording) and may be taken again. Longer than a provider timeout plus the bookkeeping.
 */
export const CLAIM_LEASE_SECONDS = 120

export interface DeliveryPlan {
  eventId: string
  eventType: string
  channel: Channel
  userId: string | null
  recipient: string
  template: string
  locale: string
  provider: string
}

export type ClaimResult =
  | { claimed: true; row: DeliveryRow }
  /** Another consumer holds a fresh claim: try again after the lease. */
  | { claimed: false; inFlight: true }
  /** Already settled (sent, failed, skipped, dead): nothing to do, ever. */
  | { claimed: false; inFlight: false; status: DeliveryStatus }

/**
 * Claim the (event, channel) delivery in one statement: insert it as `sending`, or take over a row
 * that is `retrying` or whose `sending` claim has lapsed. Two consumers racing on a redelivered
 * event both run this; SQLite serialises the upserts and only one gets a row back.
 */
export async function claimDelivery(db: DB, plan: DeliveryPlan, now = Date.now()): Promise<ClaimResult> {
  const at = nowIso(now)
  const leaseCutoff = nowIso(now - CLAIM_LEASE_SECONDS * 1000)
  const [row] = await db
    .insert(notificationDeliveries)
    .values({
      id: newId('ntf'),
      ...plan,
      status: 'sending',
      attempts: 1,
      claimedAt: at,
      createdAt: at,
      updatedAt: at,
    })
    .onConflictDoUpdate({
      target: [notificationDeliveries.eventId, notificationDeliveries.channel],
      set: {
        status: 'sending',
        attempts: sql`${notificationDeliveries.attempts} + 1`,
        // The user may have changed their address or locale since the first attempt.
        recipient: plan.recipient,
        locale: plan.locale,
        provider: plan.provider,
        claimedAt: at,
        updatedAt: at,
      },
      setWhere: sql`${notificationDeliveries.status} = 'retrying' OR (${notificationDeliveries.status} = 'sending' AND ${notificationDeliveries.claimedAt} < ${leaseCutoff})`,
    })
    .returning()
  if (row) return { claimed: true, row }
  const existing = await db.query.notificationDeliveries.findFirst({
    where: and(eq(notificationDeliveries.eventId, plan.eventId), eq(notificationDeliveries.channel, plan.channel)),
  })
  if (!existing || existing.status === 'sending') return { claimed: false, inFlight: true }
  return { claimed: false, inFlight: false, status: existing.status }
}

/** Settle a claimed delivery. Only the claim holder writes (status is still `sending` with our claim time). */
export async function settleDelivery(
  db: DB,
  row: DeliveryRow,
  outcome:
    | { status: 'sent'; providerMessageId: string | null; subject?: string; body?: string }
    | { status: 'retrying' | 'failed'; error: string },
): Promise<void> {
  const at = nowIso()
  const set =
    outcome.status === 'sent'
      ? {
          status: 'sent' as const,
          providerMessageId: outcome.providerMessageId,
          lastError: null,
          subject: outcome.subject ?? null,
          body: outcome.body ?? null,
          sentAt: at,
          claimedAt: null,
          updatedAt: at,
        }
      : { status: outcome.status, lastError: outcome.error, claimedAt: null, updatedAt: at }
  await db
    .update(notificationDeliveries)
    .set(set)
    .where(
      and(
        eq(notificationDeliveries.id, row.id),
        eq(notificationDeliveries.status, 'sending'),
        row.claimedAt ? eq(notificationDeliveries.claimedAt, row.claimedAt) : undefined,
      ),
    )
}

/** A channel the customer chose but cannot be reached on (no phone, no chat id): visible, never retried. */
export async function recordSkipped(db: DB, plan: DeliveryPlan, reason: string): Promise<void> {
  const at = nowIso()
  await db
    .insert(notificationDeliveries)
    .values({ id: newId('ntf'), ...plan, status: 'skipped', attempts: 0, lastError: reason, createdAt: at, updatedAt: at })
    .onConflictDoNothing()
}

/** Rows still `retrying` on channels the customer no longer wants become `skipped`. */
export async function skipDeselectedChannels(db: DB, eventId: string, channels: Channel[]): Promise<void> {
  await db
    .update(notificationDeliveries)
    .set({ status: 'skipped', lastError: 'channel no longer selected by the customer', updatedAt: nowIso() })
    .where(
      and(
        eq(notificationDeliveries.eventId, eventId),
        eq(notificationDeliveries.status, 'retrying'),
        channels.length ? notInArray(notificationDeliveries.channel, channels) : undefined,
      ),
    )
}

/**
 * The queue gave up on an event (it reached notifications-dlq): keep the event (one-time links
 * already removed by the caller) and mark its unfinished deliveries dead. Idempotent per event.
 */
export async function recordDeadLetter(
  db: DB,
  input: { eventId: string; eventType: string; userId: string | null; attempts: number; payload: Record<string, unknown> },
): Promise<void> {
  const at = nowIso()
  await db.batch([
    db
      .insert(notificationDeadLetters)
      .values({
        id: newId('ntfdl'),
        eventId: input.eventId,
        eventType: input.eventType,
        userId: input.userId,
        // The DLQ message's own attempt count restarts at 1; the deliveries know how often we tried.
        attempts: sql`COALESCE((SELECT MAX(${notificationDeliveries.attempts}) FROM ${notificationDeliveries} WHERE ${notificationDeliveries.eventId} = ${input.eventId}), ${input.attempts})`,
        payload: JSON.stringify(input.payload),
        createdAt: at,
      })
      .onConflictDoNothing(),
    db
      .update(notificationDeliveries)
      .set({ status: 'dead', claimedAt: null, updatedAt: at })
      .where(and(eq(notificationDeliveries.eventId, input.eventId), inArray(notificationDeliveries.status, ['retrying', 'sending']))),
  ])
}

// ---------------------------------------------------------------- admin reads

function toDelivery(row: DeliveryRow) {
  return {
    id: row.id,
    event_id: row.eventId,
    event_type: row.eventType,
    channel: row.channel,
    user_id: row.userId,
    recipient: row.recipient,
    template: row.template,
    locale: row.locale,
    provider: row.provider,
    status: row.status,
    attempts: row.attempts,
    provider_message_id: row.providerMessageId,
    last_error: row.lastError,
    sent_at: row.sentAt,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  }
}

/** Deliveries newest first with optional filters, keyset-paginated on (created_at, id). */
export async function listDeliveries(db: DB, query: DeliveryQuery) {
  const t = notificationDeliveries
  const where: (SQL | undefined)[] = [
    query.status ? eq(t.status, query.status) : undefined,
    query.channel ? eq(t.channel, query.channel) : undefined,
    query.provider ? eq(t.provider, query.provider) : undefined,
    query.template ? eq(t.template, query.template) : undefined,
    query.event_type ? eq(t.eventType, query.event_type) : undefined,
    query.event_id ? eq(t.eventId, query.event_id) : undefined,
    query.user_id ? eq(t.userId, query.user_id) : undefined,
    query.cursor ? olderThanCursor(query.cursor, t.createdAt, t.id) : undefined,
  ]
  const rows = await db
    .select()
    .from(t)
    .where(and(...where))
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (r) => [r.createdAt, r.id])
  return { data: page.data.map(toDelivery), next_cursor: page.next_cursor }
}

/** One delivery; subject and body are only ever stored for the log provider. */
export async function getDelivery(db: DB, id: string) {
  const row = await db.query.notificationDeliveries.findFirst({ where: eq(notificationDeliveries.id, id) })
  if (!row) throw notFound('Notification')
  return { ...toDelivery(row), subject: row.subject, body: row.body }
}

export async function listDeadLetters(db: DB, query: { limit: number; cursor?: string }) {
  const t = notificationDeadLetters
  const rows = await db
    .select()
    .from(t)
    .where(query.cursor ? olderThanCursor(query.cursor, t.createdAt, t.id) : undefined)
    .orderBy(desc(t.createdAt), desc(t.id))
    .limit(query.limit + 1)
  const page = paginate(rows, query.limit, (r) => [r.createdAt, r.id])
  return {
    data: page.data.map((r) => ({
      id: r.id,
      event_id: r.eventId,
      event_type: r.eventType,
      user_id: r.userId,
      attempts: r.attempts,
      payload: JSON.parse(r.payload) as Record<string, unknown>,
      created_at: r.createdAt,
    })),
    next_cursor: page.next_cursor,
  }
}
