/**
 * Buying labels. Staff (any lines) or a seller (their own lines) buy one label for a shipment of
 * one or more unfulfilled lines of a paid order:
 *
 * 1. The OrderDO's state decides whether the lines can ship (the read model never does).
 * 2. A `purchasing` row is claimed in one D1 batch with one shipment_lines row per line. The
 *    (order, Idempotency-Key) UNIQUE index makes a repeated click replay the first purchase, and the
 *    UNIQUE line_id makes two purchases for the same line (racing, different keys) buy one label.
 * 3. The carrier sells the label; it goes to R2 (SHIPPING_DOCS).
 * 4. Each line ships through the OrderDO exactly as a manual shipment does (OrderDO.shipLine), with
 *    the carrier and tracking number: the last line moves the order to `shipped` and the customer gets
 *    the shipped notification.
 * A carrier failure deletes the claim (the lines are free again, 502); an OrderDO refusal after the
 * purchase (the order was refunded meanwhile) voids the label and frees the lines (409).
 */
import { and, eq, inArray } from 'drizzle-orm'
import { isUniqueViolation } from '../../lib/d1'
import { getDb, type DB } from '../../lib/db'
import { AppError, badRequest, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { productVariants } from '../catalog/tables'
import type { ShippingAddress } from '../orders/schema'
import { orderState, orderStub } from '../orders/service'
import { SHIPPABLE, type Actor } from '../orders/state-machine'
import { orders } from '../orders/tables'
import { shippingMethods } from '../pricing/tables'
import { carrierAdapter, type CarrierEnv } from './carriers'
import { CARRIER_LABELS, CarrierError, type CarrierAddress, type CarrierName, type LabelResult } from './carriers/types'
import { shipFrom, type ShippingEnv } from './config'
import { shipmentEvents, shipmentLines, shipments } from './tables'

export type LabelsEnv = CarrierEnv & ShippingEnv & Pick<Env, 'DB' | 'ORDER' | 'SHIPPING_DOCS'>
type ShipmentRow = typeof shipments.$inferSelect

export interface BuyLabelInput {
  line_ids: string[]
  carrier?: CarrierName
  service_code?: string
  weight_grams?: number
}

/** How long a second click waits for the first purchase of the same key to finish before answering 409. */
const WAIT_FOR_PURCHASE_MS = 15_000

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

/** The carrier and service: given, or the order's own carrier shipping method. */
async function chooseService(db: DB, methodId: string | null, input: BuyLabelInput): Promise<{ carrier: CarrierName; service: string }> {
  if (input.carrier && input.service_code) return { carrier: input.carrier, service: input.service_code }
  if (input.carrier || input.service_code)
    throw badRequest("Give both carrier and service_code, or neither to use the order's carrier method")
  const [m] = methodId ? await db.select().from(shippingMethods).where(eq(shippingMethods.id, methodId)).limit(1) : []
  if (m?.kind === 'carrier' && m.carrier && m.serviceCode) return { carrier: m.carrier, service: m.serviceCode }
  throw badRequest('This order was not shipped with a carrier method: give carrier and service_code', [
    { path: 'carrier', message: 'Required' },
  ])
}

/** Total weight of the lines (catalog weights × quantities), at least 100 g. */
async function linesWeight(db: DB, lines: { variant_id: string; quantity: number }[]): Promise<number> {
  const rows = await db
    .select({ id: productVariants.id, g: productVariants.weightGrams })
    .from(productVariants)
    .where(
      inArray(
        productVariants.id,
        lines.map((l) => l.variant_id),
      ),
    )
  const weight = new Map(rows.map((r) => [r.id, r.g]))
  return Math.max(
    100,
    lines.reduce((a, l) => a + (weight.get(l.variant_id) ?? 0) * l.quantity, 0),
  )
}

async function waitForPurchase(db: DB, orderId: string, key: string): Promise<ShipmentView> {
  const deadline = Date.now() + WAIT_FOR_PURCHASE_MS
  for (;;) {
    const [row] = await db
      .select()
      .from(shipments)
      .where(and(eq(shipments.orderId, orderId), eq(shipments.idempotencyKey, key)))
      .limit(1)
    if (!row) throw new AppError('conflict', 'The first purchase with this Idempotency-Key failed; retry')
    if (row.status !== 'purchasing') return (await loadShipment(db, row.id))!
    if (Date.now() > deadline)
      throw new AppError('conflict', 'A label purchase with this Idempotency-Key is still in progress; retry shortly')
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * Buy one label for `line_ids` of the order (see the module comment). `actor.type === 'seller'`
 * restricts the lines to that seller's. Returns the shipment and whether it was a replay.
 */
export async function buyLabel(
  env: LabelsEnv,
  actor: Actor,
  orderId: string,
  input: BuyLabelInput,
  idempotencyKey: string,
): Promise<{ shipment: ShipmentView; replayed: boolean }> {
  const db = getDb(env)
  const [earlier] = await db
    .select({ id: shipments.id })
    .from(shipments)
    .where(and(eq(shipments.orderId, orderId), eq(shipments.idempotencyKey, idempotencyKey)))
    .limit(1)
  if (earlier) return { shipment: await waitForPurchase(db, orderId, idempotencyKey), replayed: true }

  const state = await orderState(env, orderId)
  const sellerId = actor.type === 'seller' ? actor.id : undefined
  if (!state || (sellerId && !state.lines.some((l) => l.seller_id === sellerId))) throw notFound('Order')
  const lineIds = [...new Set(input.line_ids)]
  const lines = lineIds.map((id) => {
    const line = state.lines.find((l) => l.id === id && (!sellerId || l.seller_id === sellerId))
    if (!line) throw new AppError('not_found', `Order line ${id} not found`)
    if ((line.fulfilment_status ?? 'unfulfilled') !== 'unfulfilled')
      throw new AppError('invalid_transition', `Line ${id} has already shipped`)
    return line
  })
  if (!SHIPPABLE.includes(state.status)) throw new AppError('invalid_transition', `Lines of a ${state.status} order cannot be shipped`)
  const order = await orderAddress(db, orderId)
  if (!order) throw notFound('Order')
  const { carrier, service } = await chooseService(db, order.shippingMethodId, input)
  const adapter = carrierAdapter(env, carrier)
  if (!adapter.configured()) throw new AppError('unprocessable', `${CARRIER_LABELS[carrier]} is not configured (credentials missing)`)
  const weight = input.weight_grams ?? (await linesWeight(db, lines))

  const now = nowIso()
  const id = newId('shp')
  try {
    await db.batch([
      db.insert(shipments).values({
        id,
        orderId,
        kind: 'outbound',
        returnId: null,
        carrier,
        serviceCode: service,
        status: 'purchasing',
        trackingNumber: null,
        carrierShipmentId: null,
        labelKey: null,
        labelContentType: null,
        costAmount: null,
        costCurrency: null,
        weightGrams: weight,
        idempotencyKey,
        createdByType: actor.type,
        createdById: actor.id ?? null,
        lastTrackedAt: null,
        deliveredAt: null,
        createdAt: now,
        updatedAt: now,
      }),
      ...lines.map((l) => db.insert(shipmentLines).values({ lineId: l.id, shipmentId: id, orderId })),
    ])
  } catch (err) {
    if (isUniqueViolation(err, 'shipments')) return { shipment: await waitForPurchase(db, orderId, idempotencyKey), replayed: true }
    if (isUniqueViolation(err, 'shipment_lines'))
      throw new AppError('conflict', 'A label is already being bought (or was bought) for one of these lines')
    throw err
  }

  const release = () =>
    db.batch([db.delete(shipmentLines).where(eq(shipmentLines.shipmentId, id)), db.delete(shipments).where(eq(shipments.id, id))])
  let label
  try {
    label = await adapter.createLabel({
      origin: shipFrom(env),
      destination: toCarrierAddress(order.address),
      weight_grams: weight,
      service_code: service,
      reference: id,
    })
  } catch (err) {
    await release().catch((e: unknown) => log('error', 'could not release a failed label claim', { shipment_id: id, error: String(e) }))
    log('warn', 'label purchase failed', { order_id: orderId, carrier, error: String(err) })
    if (err instanceof CarrierError && err.status < 500 && err.status !== 401) {
      throw new AppError('unprocessable', `${CARRIER_LABELS[carrier]} refused the label: ${err.message}`)
    }
    throw new AppError('upstream_error', `${CARRIER_LABELS[carrier]} could not be reached; retry with the same Idempotency-Key`)
  }

  const labelKey = `labels/${orderId}/${id}`
  await env.SHIPPING_DOCS.put(labelKey, label.label, { httpMetadata: { contentType: label.label_content_type } })

  // The lines ship through the OrderDO exactly like a manual shipment.
  const stub = orderStub(env, orderId)
  let refusal: string | null = null
  for (const l of lines) {
    const result = await stub.shipLine(orderId, {
      line_id: l.id,
      ...(sellerId ? { seller_id: sellerId } : {}),
      carrier: CARRIER_LABELS[carrier],
      tracking_number: label.tracking_number,
      actor,
    })
    if (!result.ok) {
      refusal = result.message
      break
    }
  }
  if (refusal) {
    // Bought, but the order can no longer ship (refunded meanwhile): void it and free the lines it did not ship.
    await adapter
      .voidLabel?.(label.carrier_shipment_id, label.tracking_number)
      .catch((e: unknown) => log('error', 'could not void a label the order no longer needs', { shipment_id: id, error: String(e) }))
    await db.batch([
      db
        .update(shipments)
        .set({
          status: 'voided',
          trackingNumber: label.tracking_number,
          carrierShipmentId: label.carrier_shipment_id,
          labelKey,
          labelContentType: label.label_content_type,
          updatedAt: nowIso(),
        })
        .where(eq(shipments.id, id)),
      db.delete(shipmentLines).where(eq(shipmentLines.shipmentId, id)),
    ])
    throw new AppError('invalid_transition', `The label was voided: ${refusal}`)
  }
  await db.update(shipments).set(labelCreated(label, labelKey)).where(eq(shipments.id, id))
  return { shipment: (await loadShipment(db, id))!, replayed: false }
}

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
