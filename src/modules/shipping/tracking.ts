/**
 * The tracking cron: polls the carriers for shipments still on their way and records what they
 * say, bounded per run (TRACK_BATCH shipments, least recently polled first, numbers batched per
 * carrier call). New scans become shipment_events (unique per shipment, time and code, so a re-poll
 * or a concurrent run adds nothing) and notes in the order's timeline through its OrderDO. When
 * every line of an outbound order is in a delivered carrier shipment, the OrderDO moves the order
 * from `shipped` to `delivered` (the transition publishes order.delivered, which mails the customer).
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { orderStub } from '../orders/service'
import { carrierAdapter, type CarrierEnv } from './carriers'
import { CARRIER_LABELS, type CarrierName, type TrackingEvent, type TrackingResult } from './carriers/types'
import { shipmentEvents, shipmentLines, shipments, TRACKED_STATUSES, type ShipmentStatus } from './tables'
import { config } from '../../lib/config'

export const TRACK_BATCH = 50

export interface UpsPushEnv {
  /** The opaque credential UPS sends back in the `credential` header; unset: no subscriptions, pushes refused. */
  UPS_TRACK_ALERT_CREDENTIAL?: string
  /** The public origin UPS pushes to. */
  APP_BASE_URL?: string
  ENVIRONMENT?: string
}

/** Where UPS Track Alert pushes (src/modules/shipping/push-routes.ts). */
export const UPS_TRACK_ALERT_PATH = '/api/v1/carriers/ups/track-alert'

type TrackEnv = CarrierEnv & UpsPushEnv & Pick<Env, 'DB' | 'ORDER'>
type ShipmentRow = typeof shipments.$inferSelect

const toShipmentStatus = (s: TrackingResult['status'], current: ShipmentStatus): ShipmentStatus =>
  s === 'unknown' ? current : s === 'label_created' ? 'label_created' : s

export interface TrackRunResult {
  /** UPS numbers newly subscribed to Track Alert pushes. */
  subscribed: number
  polled: number
  events: number
  delivered_orders: number
  errors: number
}

/** One cron run. Never throws for one carrier's failure: the rest go on; the failed ones are polled again next run. */
export async function trackShipments(env: TrackEnv, opts: { limit?: number } = {}): Promise<TrackRunResult> {
  const db = getDb(env)
  const due = await db
    .select()
    .from(shipments)
    .where(and(inArray(shipments.status, [...TRACKED_STATUSES]), isNotNull(shipments.trackingNumber)))
    .orderBy(asc(sql`coalesce(${shipments.lastTrackedAt}, '')`), asc(shipments.createdAt))
    .limit(opts.limit ?? TRACK_BATCH)
  const out: TrackRunResult = { subscribed: 0, polled: 0, events: 0, delivered_orders: 0, errors: 0 }
  // UPS numbers still on their way without a live Track Alert subscription (new, or about to lapse
  // after UPS's 14 days): ask UPS to push their scans (the poll goes on regardless).
  try {
    out.subscribed = await renewTrackAlerts(env)
  } catch (err) {
    out.errors++
    log('warn', 'UPS Track Alert subscription failed', { error: String(err) })
  }
  const byCarrier = new Map<CarrierName, ShipmentRow[]>()
  for (const s of due) byCarrier.set(s.carrier, [...(byCarrier.get(s.carrier) ?? []), s])
  const deliveredOrders = new Set<string>()

  for (const [carrier, rows] of byCarrier) {
    const adapter = carrierAdapter(env, carrier)
    if (!adapter.configured()) continue
    for (let i = 0; i < rows.length; i += adapter.maxBatch) {
      const chunk = rows.slice(i, i + adapter.maxBatch)
      let results: TrackingResult[]
      try {
        results = await adapter.track(chunk.map((s) => s.trackingNumber!))
      } catch (err) {
        out.errors++
        log('warn', 'tracking poll failed', { carrier, count: chunk.length, error: String(err) })
        continue
      }
      for (const s of chunk) {
        out.polled++
        const result = results.find((r) => r.tracking_number === s.trackingNumber)
        const now = nowIso()
        if (!result) {
          await db.update(shipments).set({ lastTrackedAt: now }).where(eq(shipments.id, s.id))
          continue
        }
        try {
          const fresh = await recordTracking(env, db, s, result)
          out.events += fresh
          if (s.kind === 'outbound' && result.status === 'delivered') deliveredOrders.add(s.orderId)
        } catch (err) {
          out.errors++
          log('error', 'recording tracking failed', { shipment_id: s.id, error: String(err) })
        }
      }
    }
  }
  for (const orderId of deliveredOrders) {
    try {
      if (await deliverIfComplete(env, db, orderId)) out.delivered_orders++
    } catch (err) {
      out.errors++
      log('error', 'delivering an order from tracking failed', { order_id: orderId, error: String(err) })
    }
  }
  return out
}

export interface PushResult {
  /** A live shipment of this carrier has this tracking number. */
  matched: boolean
  /** Scans this push added (0 when the cron, or an earlier push, already recorded it). */
  events: number
  delivered_order: boolean
}

/**
 * One scan pushed by a carrier (UPS Track Alert, src/modules/shipping/push-routes.ts): recorded and
 * applied exactly as the cron would, so the two are idempotent with each other. The scan is keyed
 * like the cron's (shipment, time, code: shipment_events is unique on them), so whichever of the
 * push and the poll sees it first records it, notes it on the order once, and the other adds
 * nothing. Pushes can arrive out of order: the shipment's status is its latest recorded scan's, not
 * the pushed one's. A delivered outbound parcel asks the OrderDO to deliver the order, which it
 * does once (a second request finds it no longer `shipped`).
 */
export async function applyCarrierPush(
  env: TrackEnv,
  carrier: CarrierName,
  trackingNumber: string,
  event: TrackingEvent,
): Promise<PushResult> {
  const db = getDb(env)
  const s = await db
    .select()
    .from(shipments)
    .where(and(eq(shipments.carrier, carrier), eq(shipments.trackingNumber, trackingNumber), ne(shipments.status, 'voided')))
    .orderBy(desc(shipments.createdAt))
    .get()
  if (!s) return { matched: false, events: 0, delivered_order: false }
  const stored = await db
    .select({ status: shipmentEvents.status, at: shipmentEvents.at })
    .from(shipmentEvents)
    .where(eq(shipmentEvents.shipmentId, s.id))
  const all = [...stored, { status: event.status, at: event.at }]
  const delivered = all.filter((e) => e.status === 'delivered').sort((a, b) => (a.at < b.at ? -1 : 1))[0]
  const latest = all.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).at(-1)!
  const result: TrackingResult = {
    tracking_number: trackingNumber,
    // Once delivered, a late in-transit scan does not move the parcel back.
    status: delivered ? 'delivered' : (latest.status as TrackingResult['status']),
    delivered_at: delivered?.at ?? null,
    events: [event],
  }
  const fresh = await recordTracking(env, db, s, result)
  const deliveredOrder = s.kind === 'outbound' && result.status === 'delivered' ? await deliverIfComplete(env, db, s.orderId) : false
  return { matched: true, events: fresh, delivered_order: deliveredOrder }
}

/** Store new scans (returns how many were new), note them on the order, update the shipment. */
async function recordTracking(env: TrackEnv, db: DB, s: ShipmentRow, result: TrackingResult): Promise<number> {
  const now = nowIso()
  let fresh: (typeof shipmentEvents.$inferSelect)[] = []
  if (result.events.length) {
    fresh = await db
      .insert(shipmentEvents)
      .values(
        result.events.map((e) => ({
          id: newId('sev'),
          shipmentId: s.id,
          orderId: s.orderId,
          code: e.code,
          status: e.status,
          description: e.description.slice(0, 500),
          location: e.location,
          at: e.at,
          createdAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning()
  }
  fresh.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
  // Only this run inserted these rows, so each scan reaches the timeline once.
  const stub = orderStub(env, s.orderId)
  for (const e of fresh) {
    await stub.note(s.orderId, {
      actor: { type: 'provider', id: s.carrier },
      reason: `${CARRIER_LABELS[s.carrier]}${s.kind === 'return' ? ' (return)' : ''}: ${e.description || e.status}`,
      meta: {
        carrier: CARRIER_LABELS[s.carrier],
        tracking_number: s.trackingNumber ?? undefined,
        shipment_id: s.id,
        event_code: e.code,
        tracking_status: e.status,
        location: e.location,
        scanned_at: e.at,
      },
    })
  }
  const status = toShipmentStatus(result.status, s.status)
  await db
    .update(shipments)
    .set({ status, lastTrackedAt: now, updatedAt: now, ...(status === 'delivered' ? { deliveredAt: result.delivered_at ?? now } : {}) })
    .where(and(eq(shipments.id, s.id), ne(shipments.status, 'voided')))
  return fresh.length
}

/**
 * Every line of the order is in a delivered outbound shipment: tell the OrderDO (shipped ->
 * delivered). Orders with a line shipped by hand (no carrier shipment) are left to staff.
 */
async function deliverIfComplete(env: TrackEnv, db: DB, orderId: string): Promise<boolean> {
  const stub = orderStub(env, orderId)
  const state = await stub.get(orderId)
  if (!state || state.status !== 'shipped') return false
  const carried = await db
    .select({
      lineId: shipmentLines.lineId,
      status: shipments.status,
      deliveredAt: shipments.deliveredAt,
      tracking: shipments.trackingNumber,
      carrier: shipments.carrier,
    })
    .from(shipmentLines)
    .innerJoin(shipments, eq(shipments.id, shipmentLines.shipmentId))
    .where(eq(shipmentLines.orderId, orderId))
  const byLine = new Map(carried.map((c) => [c.lineId, c]))
  if (!state.lines.every((l) => byLine.get(l.id)?.status === 'delivered')) return false
  const last = [...byLine.values()].sort((a, b) => ((a.deliveredAt ?? '') < (b.deliveredAt ?? '') ? 1 : -1))[0]!
  const result = await stub.transition(orderId, {
    to: 'delivered',
    actor: { type: 'system' },
    reason: 'delivered (carrier tracking)',
    meta: { carrier: CARRIER_LABELS[last.carrier], tracking_number: last.tracking ?? undefined, delivered_at: last.deliveredAt },
  })
  return result.ok
}

/** At most this many numbers per subscription request (UPSTrackAlert.yaml: trackingNumberList maxItems 100). */
export const TRACK_ALERT_BATCH = 100
/**
 * How long UPS keeps a subscription. UPSTrackAlert.yaml (UPS-API/api-documentation), FAQ: "Each 1Z
 * subscription is valid for 14 days. If the package has not been delivered within 14 days, you
 * must resubscribe to the 1Z to continue receiving updates/events."
 */
export const TRACK_ALERT_DAYS = 14
/** Renew this long before a subscription lapses, so a few failed cron runs (every 5 minutes) lose no push. */
export const TRACK_ALERT_RENEW_BEFORE_MS = 2 * 86_400_000
/** Numbers (re)subscribed per cron run at most. */
export const TRACK_ALERT_PER_RUN = 500

function trackAlertReady(env: CarrierEnv & UpsPushEnv): boolean {
  const base = env.APP_BASE_URL
  if (!env.UPS_TRACK_ALERT_CREDENTIAL || !base) return false
  if (!base.startsWith('https://') && env.ENVIRONMENT !== 'development') return false
  const adapter = carrierAdapter(env, 'ups')
  return adapter.configured() && Boolean(adapter.subscribeTracking)
}

/**
 * The cron's Track Alert upkeep: every UPS shipment still on its way whose subscription is missing or
 * lapses within TRACK_ALERT_RENEW_BEFORE_MS is (re)subscribed, and its `track_alert_until` moved 14
 * days on. Idempotent and safe under concurrent runs: the rows are claimed first by a conditional
 * UPDATE (a second run finds them renewed and sends nothing); numbers UPS refused, or a failed
 * request, get their previous value back, so the next run tries them again. Delivered, voided or
 * untracked shipments are never renewed. Returns how many numbers UPS accepted.
 */
export async function renewTrackAlerts(env: TrackEnv, opts: { now?: Date; limit?: number } = {}): Promise<number> {
  if (!trackAlertReady(env)) return 0
  const db = getDb(env)
  const now = opts.now ?? new Date()
  const threshold = new Date(now.getTime() + TRACK_ALERT_RENEW_BEFORE_MS).toISOString()
  const until = new Date(now.getTime() + TRACK_ALERT_DAYS * 86_400_000).toISOString()
  const lapsing = and(
    eq(shipments.carrier, 'ups'),
    inArray(shipments.status, [...TRACKED_STATUSES]),
    isNotNull(shipments.trackingNumber),
    or(isNull(shipments.trackAlertUntil), lt(shipments.trackAlertUntil, threshold)),
  )
  const due = await db
    .select({ id: shipments.id, before: shipments.trackAlertUntil })
    .from(shipments)
    .where(lapsing)
    .orderBy(asc(sql`coalesce(${shipments.trackAlertUntil}, '')`), asc(shipments.createdAt))
    .limit(opts.limit ?? TRACK_ALERT_PER_RUN)
  if (!due.length) return 0
  const claimed = await db
    .update(shipments)
    .set({ trackAlertUntil: until })
    .where(
      and(
        inArray(
          shipments.id,
          due.map((d) => d.id),
        ),
        lapsing,
      ),
    )
    .returning({ id: shipments.id, trackingNumber: shipments.trackingNumber })
  if (!claimed.length) return 0
  const before = new Map(due.map((d) => [d.id, d.before]))
  const release = async (ids: string[]) => {
    for (const id of ids)
      await db
        .update(shipments)
        .set({ trackAlertUntil: before.get(id) ?? null })
        .where(and(eq(shipments.id, id), eq(shipments.trackAlertUntil, until)))
  }
  const accepted = new Set<string>()
  try {
    for (const n of await subscribeTrackAlert(
      env,
      claimed.map((c) => c.trackingNumber!),
    ))
      accepted.add(n)
  } catch (err) {
    await release(claimed.filter((c) => !accepted.has(c.trackingNumber!)).map((c) => c.id))
    throw err
  }
  await release(claimed.filter((c) => !accepted.has(c.trackingNumber!)).map((c) => c.id))
  return claimed.filter((c) => accepted.has(c.trackingNumber!)).length
}

/**
 * Subscribe UPS tracking numbers to Track Alert (renewTrackAlerts calls it from the tracking cron).
 * Does nothing unless UPS_TRACK_ALERT_CREDENTIAL and an https APP_BASE_URL (or a development one)
 * are set. A subscription lasts 14 days, so the cron renews it while the parcel is on its way; it
 * keeps polling regardless, so a lost push is still tracked.
 * Returns the numbers UPS accepted (a failed request throws).
 */
export async function subscribeTrackAlert(env: CarrierEnv & UpsPushEnv, trackingNumbers: string[]): Promise<string[]> {
  if (!trackingNumbers.length || !trackAlertReady(env)) return []
  const adapter = carrierAdapter(env, 'ups')
  const url = `${config(env).APP_BASE_URL}${UPS_TRACK_ALERT_PATH}`
  const accepted: string[] = []
  for (let i = 0; i < trackingNumbers.length; i += TRACK_ALERT_BATCH) {
    const chunk = trackingNumbers.slice(i, i + TRACK_ALERT_BATCH)
    const res = await adapter.subscribeTracking!(chunk, { url, credential: env.UPS_TRACK_ALERT_CREDENTIAL! })
    accepted.push(...res.valid)
    if (res.invalid.length) log('warn', 'UPS Track Alert refused tracking numbers', { invalid: res.invalid })
  }
  return accepted
}
