/**
 * The tracking cron: polls the carriers for shipments still on their way and records what they
 * say, bounded per run (TRACK_BATCH shipments, least recently polled first, numbers batched per
 * carrier call). New scans become shipment_events (unique per shipment, time and code, so a re-poll
 * or a concurrent run adds nothing) and notes in the order's timeline through its OrderDO. When
 * every line of an outbound order is in a delivered carrier shipment, the OrderDO moves the order
 * from `shipped` to `delivered` (the transition publishes order.delivered, which mails the customer).
 */
import { and, asc, desc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { orderStub } from '../orders/service'
import { carrierAdapter, type CarrierEnv } from './carriers'
import { CARRIER_LABELS, type CarrierName, type TrackingEvent, type TrackingResult } from './carriers/types'
import { shipmentEvents, shipmentLines, shipments, TRACKED_STATUSES, type ShipmentStatus } from './tables'

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
  // Shipments polled for the first time: ask UPS to push their scans too (the poll goes on regardless).
  const fresh = due.filter((s) => s.carrier === 'ups' && !s.lastTrackedAt).map((s) => s.trackingNumber!)
  try {
    out.subscribed = await subscribeTrackAlert(env, fresh)
  } catch (err) {
    out.errors++
    log('warn', 'UPS Track Alert subscription failed', { count: fresh.length, error: String(err) })
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
 * Subscribe UPS tracking numbers to Track Alert (called by the tracking cron for shipments it polls
 * for the first time). Does nothing unless UPS_TRACK_ALERT_CREDENTIAL and an https APP_BASE_URL (or
 * a development one) are set. A subscription lasts 14 days; the cron keeps polling regardless, so
 * a parcel slower than that, or a lost push, is still tracked.
 */
export async function subscribeTrackAlert(env: CarrierEnv & UpsPushEnv, trackingNumbers: string[]): Promise<number> {
  const credential = env.UPS_TRACK_ALERT_CREDENTIAL
  const base = env.APP_BASE_URL
  if (!credential || !base || !trackingNumbers.length) return 0
  if (!base.startsWith('https://') && env.ENVIRONMENT !== 'development') return 0
  const adapter = carrierAdapter(env, 'ups')
  if (!adapter.configured() || !adapter.subscribeTracking) return 0
  const url = `${base.replace(/\/+$/, '')}${UPS_TRACK_ALERT_PATH}`
  let subscribed = 0
  for (let i = 0; i < trackingNumbers.length; i += TRACK_ALERT_BATCH) {
    const chunk = trackingNumbers.slice(i, i + TRACK_ALERT_BATCH)
    const res = await adapter.subscribeTracking(chunk, { url, credential })
    subscribed += res.valid.length
    if (res.invalid.length) log('warn', 'UPS Track Alert refused tracking numbers', { invalid: res.invalid })
  }
  return subscribed
}
