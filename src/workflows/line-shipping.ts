/**
 * Line shipping: buying a carrier label for order lines, across shipping, orders (the OrderDO ships
 * each line and notifies the customer), pricing (the order's carrier method) and catalog (weights).
 * Staff (any lines) or a seller (their own lines) buy one label for a shipment of one or more
 * unfulfilled lines of a paid order:
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
import { isUniqueViolation } from '../lib/d1'
import { getDb, type DB } from '../lib/db'
import { AppError, badRequest, notFound } from '../lib/errors'
import { newId } from '../lib/ids'
import { log } from '../lib/observability'
import { nowIso } from '../lib/time'
import { productVariants } from '../modules/catalog/tables'
import { orderState, orderStub } from '../modules/orders/service'
import { SHIPPABLE, type Actor } from '../modules/orders/state-machine'
import { shippingMethods } from '../modules/pricing/tables'
import { carrierAdapter } from '../modules/shipping/carriers'
import { CARRIER_LABELS, type CarrierName } from '../modules/shipping/carriers/types'
import { shipFrom } from '../modules/shipping/config'
import {
  labelCreated,
  type LabelsEnv,
  loadShipment,
  orderAddress,
  purchaseLabel,
  purchasingShipment,
  type ShipmentView,
  storeLabel,
  toCarrierAddress,
} from '../modules/shipping/labels'
import { shipmentLines, shipments } from '../modules/shipping/tables'

export interface BuyLabelInput {
  line_ids: string[]
  carrier?: CarrierName
  service_code?: string
  weight_grams?: number
}

/** How long a second click waits for the first purchase of the same key to finish before answering 409. */
const WAIT_FOR_PURCHASE_MS = 15_000

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

  const id = newId('shp')
  try {
    await db.batch([
      db
        .insert(shipments)
        .values(purchasingShipment({ id, orderId, kind: 'outbound', returnId: null, carrier, service, weight, idempotencyKey, actor })),
      ...lines.map((l) => db.insert(shipmentLines).values({ lineId: l.id, shipmentId: id, orderId })),
    ])
  } catch (err) {
    if (isUniqueViolation(err, 'shipments')) return { shipment: await waitForPurchase(db, orderId, idempotencyKey), replayed: true }
    if (isUniqueViolation(err, 'shipment_lines'))
      throw new AppError('conflict', 'A label is already being bought (or was bought) for one of these lines')
    throw err
  }

  const label = await purchaseLabel(
    adapter,
    { origin: shipFrom(env), destination: toCarrierAddress(order.address), weight_grams: weight, service_code: service, reference: id },
    {
      shipmentId: id,
      what: 'label',
      retry: 'retry with the same Idempotency-Key',
      release: () =>
        db.batch([db.delete(shipmentLines).where(eq(shipmentLines.shipmentId, id)), db.delete(shipments).where(eq(shipments.id, id))]),
      logFields: { order_id: orderId },
    },
  )
  const labelKey = await storeLabel(env, orderId, id, label)

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
