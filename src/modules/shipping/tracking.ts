/**
 * The tracking cron: polls the carriers for shipments still on their way and records what they
 * say, bounded per run (TRACK_BATCH shipments, least recently polled first, numbers batched per
 * carrier call). New scans become shipment_events (unique per shipment, time and code, so a re-poll
 * or a concurrent run adds nothing) and notes in the order's timeline through its OrderDO. When
 * every line of an outbound order is in a delivered carrier shipment, the OrderDO moves the order
 * from `shipped` to `delivered` (the transition publishes order.delivered, which mails the customer).
 */
import { and, asc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { orderStub } from '../orders/service'
import { carrierAdapter, type CarrierEnv } from './carriers'
import { CARRIER_LABELS, type CarrierName, type TrackingResult } from './carriers/types'
import { shipmentEvents, shipmentLines, shipments, TRACKED_STATUSES, type ShipmentStatus } from './tables'

export const TRACK_BATCH = 50

type TrackEnv = CarrierEnv & Pick<Env, 'DB' | 'ORDER'>
type ShipmentRow = typeof shipments.$inferSelect

const toShipmentStatus = (s: TrackingResult['status'], current: ShipmentStatus): ShipmentStatus =>
  s === 'unknown' ? current : s === 'label_created' ? 'label_created' : s

export interface TrackRunResult {
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
  const out: TrackRunResult = { polled: 0, events: 0, delivered_orders: 0, errors: 0 }
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
      meta: { carrier: CARRIER_LABELS[s.carrier], tracking_number: s.trackingNumber ?? undefined, shipment_id: s.id, event_code: e.code, tracking_status: e.status, location: e.location, scanned_at: e.at },
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
    .select({ lineId: shipmentLines.lineId, status: shipments.status, deliveredAt: shipments.deliveredAt, tracking: shipments.trackingNumber, carrier: shipments.carrier })
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
