/**
 * Shipments and their labels: the read side (views, an order's shipments, a label's file) and the
 * pieces a label purchase is built from. Buying a label for order lines (the OrderDO ships them) is
 * the line-shipping flow, src/workflows/line-shipping.ts.
 */
import { eq, inArray } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import type { ShippingAddress } from '../orders/schema'
import { orderState } from '../orders/service'
import type { Actor } from '../orders/state-machine'
import { orders } from '../orders/tables'
import type { CarrierEnv } from './carriers'
import {
  CARRIER_LABELS,
  type CarrierAdapter,
  type CarrierAddress,
  CarrierError,
  type CarrierName,
  type LabelRequest,
  type LabelResult,
} from './carriers/types'
import type { ShippingEnv } from './config'
import { shipmentEvents, shipmentLines, shipments } from './tables'

export type LabelsEnv = CarrierEnv & ShippingEnv & Pick<Env, 'DB' | 'ORDER' | 'SHIPPING_DOCS'>
type ShipmentRow = typeof shipments.$inferSelect

export function shipmentView(s: ShipmentRow, lineIds: string[], events: (typeof shipmentEvents.$inferSelect)[] = []) {
  return {
    id: s.id,
    order_id: s.orderId,
    kind: s.kind,
    return_id: s.returnId,
    carrier: s.carrier,
    carrier_name: CARRIER_LABELS[s.carrier],
    service_code: s.serviceCode,
    status: s.status,
    tracking_number: s.trackingNumber,
    label_url: s.labelKey ? `/api/v1/shipments/${s.id}/label` : null,
    label_content_type: s.labelContentType,
    cost: s.costAmount !== null && s.costCurrency ? { amount: s.costAmount, currency: s.costCurrency } : null,
    weight_grams: s.weightGrams,
    line_ids: lineIds,
    created_by: { type: s.createdByType, id: s.createdById },
    delivered_at: s.deliveredAt,
    last_tracked_at: s.lastTrackedAt,
    created_at: s.createdAt,
    events: events.map((e) => ({ code: e.code, status: e.status, description: e.description, location: e.location, at: e.at })),
  }
}
export type ShipmentView = ReturnType<typeof shipmentView>

/** One shipment with its lines and events (null if missing). */
export async function loadShipment(db: DB, id: string): Promise<ShipmentView | null> {
  const [[row], lines, events] = await db.batch([
    db.select().from(shipments).where(eq(shipments.id, id)).limit(1),
    db.select({ lineId: shipmentLines.lineId }).from(shipmentLines).where(eq(shipmentLines.shipmentId, id)),
    db.select().from(shipmentEvents).where(eq(shipmentEvents.shipmentId, id)).orderBy(shipmentEvents.at),
  ])
  return row
    ? shipmentView(
        row,
        lines.map((l) => l.lineId),
        events,
      )
    : null
}

/** The shipments of an order, oldest first, with lines and events. */
export async function orderShipments(db: DB, orderId: string): Promise<ShipmentView[]> {
  const rows = await db.select().from(shipments).where(eq(shipments.orderId, orderId)).orderBy(shipments.createdAt)
  if (!rows.length) return []
  const ids = rows.map((r) => r.id)
  const [lines, events] = await db.batch([
    db.select().from(shipmentLines).where(inArray(shipmentLines.shipmentId, ids)),
    db.select().from(shipmentEvents).where(inArray(shipmentEvents.shipmentId, ids)).orderBy(shipmentEvents.at),
  ])
  return rows.map((r) =>
    shipmentView(
      r,
      lines.filter((l) => l.shipmentId === r.id).map((l) => l.lineId),
      events.filter((e) => e.shipmentId === r.id),
    ),
  )
}

/** The destination of an order's parcels: its shipping address snapshot (never changes after checkout). */
export async function orderAddress(db: DB, orderId: string): Promise<{ address: ShippingAddress; shippingMethodId: string | null } | null> {
  const [row] = await db
    .select({ a: orders.shippingAddress, m: orders.shippingMethodId })
    .from(orders)
    .where(eq(orders.id, orderId))
    .limit(1)
  return row ? { address: JSON.parse(row.a) as ShippingAddress, shippingMethodId: row.m } : null
}

export const toCarrierAddress = (a: ShippingAddress): CarrierAddress => ({
  name: a.name,
  line1: a.line1,
  line2: a.line2,
  city: a.city,
  region: a.region,
  postal_code: a.postal_code,
  country: a.country,
  phone: a.phone,
})

/** The shipment row's columns once its label is bought and stored at `labelKey` (sales and return labels). */
export function labelCreated(label: LabelResult, labelKey: string) {
  return {
    status: 'label_created' as const,
    trackingNumber: label.tracking_number,
    carrierShipmentId: label.carrier_shipment_id,
    labelKey,
    labelContentType: label.label_content_type,
    costAmount: label.cost?.amount ?? null,
    costCurrency: label.cost?.currency ?? null,
    updatedAt: nowIso(),
  }
}

/** The `purchasing` claim row of a label about to be bought (a sales label for order lines, or a return label). */
export function purchasingShipment(claim: {
  id: string
  orderId: string
  kind: 'outbound' | 'return'
  returnId: string | null
  carrier: CarrierName
  service: string
  weight: number
  idempotencyKey: string
  actor: Actor
}): typeof shipments.$inferInsert {
  const now = nowIso()
  return {
    id: claim.id,
    orderId: claim.orderId,
    kind: claim.kind,
    returnId: claim.returnId,
    carrier: claim.carrier,
    serviceCode: claim.service,
    status: 'purchasing',
    trackingNumber: null,
    carrierShipmentId: null,
    labelKey: null,
    labelContentType: null,
    costAmount: null,
    costCurrency: null,
    weightGrams: claim.weight,
    idempotencyKey: claim.idempotencyKey,
    createdByType: claim.actor.type,
    createdById: claim.actor.id ?? null,
    lastTrackedAt: null,
    deliveredAt: null,
    createdAt: now,
    updatedAt: now,
  }
}

/**
 * Buy the label of the claimed shipment `failure.shipmentId`. When the carrier fails, the claim is
 * released (`failure.release`; a failed release is logged) and the purchase answers 422 when the
 * carrier refused the request (a 4xx other than 401), else 502 ending with `failure.retry`.
 * `failure.what` names the label in logs and messages ("label", "return label").
 */
export async function purchaseLabel(
  adapter: CarrierAdapter,
  req: LabelRequest,
  failure: { shipmentId: string; what: string; retry: string; release: () => Promise<unknown>; logFields: Record<string, unknown> },
): Promise<LabelResult> {
  try {
    return await adapter.createLabel(req)
  } catch (err) {
    await failure
      .release()
      .catch((e: unknown) =>
        log('error', `could not release a failed ${failure.what} claim`, { shipment_id: failure.shipmentId, error: String(e) }),
      )
    log('warn', `${failure.what} purchase failed`, { ...failure.logFields, carrier: adapter.name, error: String(err) })
    const carrier = CARRIER_LABELS[adapter.name]
    if (err instanceof CarrierError && err.status < 500 && err.status !== 401) {
      throw new AppError('unprocessable', `${carrier} refused the ${failure.what}: ${err.message}`)
    }
    throw new AppError('upstream_error', `${carrier} could not be reached; ${failure.retry}`)
  }
}

/** Put a bought label's file in R2 (SHIPPING_DOCS) under the order; returns its key. */
export async function storeLabel(
  env: Pick<Env, 'SHIPPING_DOCS'>,
  orderId: string,
  shipmentId: string,
  label: LabelResult,
): Promise<string> {
  const labelKey = `labels/${orderId}/${shipmentId}`
  await env.SHIPPING_DOCS.put(labelKey, label.label, { httpMetadata: { contentType: label.label_content_type } })
  return labelKey
}

/** The label file of a shipment, for staff or a seller whose lines it carries (others: 404). */
export async function getLabel(env: LabelsEnv, user: { id: string; role: string }, shipmentId: string) {
  const db = getDb(env)
  const s = await loadShipment(db, shipmentId)
  if (!s || !s.label_url) throw notFound('Label')
  if (user.role === 'seller') {
    const state = await orderState(env, s.order_id)
    const own = state?.lines.filter((l) => s.line_ids.includes(l.id)) ?? []
    if (!own.length || own.some((l) => l.seller_id !== user.id)) throw notFound('Label')
  }
  const [row] = await db.select({ key: shipments.labelKey }).from(shipments).where(eq(shipments.id, shipmentId)).limit(1)
  const object = row?.key ? await env.SHIPPING_DOCS.get(row.key) : null
  if (!object) throw notFound('Label')
  return { body: object.body, contentType: object.httpMetadata?.contentType ?? 'application/octet-stream', shipment: s }
}
