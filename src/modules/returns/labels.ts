/**
 * Return labels: when the order went out with a carrier label, the approved return comes back
 * with a label of the same carrier and service, bought through the carrier adapter as a return
 * shipment (the customer's address is the origin, our warehouse the destination). One label per
 * return: the claim row is keyed by (order, "return:<id>"), so a repeated or concurrent approval
 * buys once, and the file goes to R2 like any label.
 */
import { and, eq, inArray } from 'drizzle-orm'
import { getDb } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import type { Actor } from '../orders/state-machine'
import type { OrderState, ReturnState } from '../orders/model'
import { carrierAdapter } from '../shipping/carriers'
import { CARRIER_LABELS, type CarrierName } from '../shipping/carriers/types'
import { shipFrom } from '../shipping/config'
import {
  labelCreated,
  type LabelsEnv,
  orderAddress,
  purchaseLabel,
  purchasingShipment,
  storeLabel,
  toCarrierAddress,
} from '../shipping/labels'
import { shipments } from '../shipping/tables'
import { productVariants } from '../catalog/tables'

export interface ReturnLabel {
  shipment_id: string
  carrier: string
  tracking_number: string
}

/** The carrier and service the order went out with (its first outbound label), or null. */
export async function outboundCarrier(env: Pick<Env, 'DB'>, orderId: string): Promise<{ carrier: CarrierName; service: string } | null> {
  const rows = await getDb(env)
    .select({ carrier: shipments.carrier, service: shipments.serviceCode, status: shipments.status })
    .from(shipments)
    .where(and(eq(shipments.orderId, orderId), eq(shipments.kind, 'outbound')))
    .orderBy(shipments.createdAt)
  const used = rows.find((r) => r.status !== 'voided' && r.status !== 'purchasing')
  return used ? { carrier: used.carrier, service: used.service } : null
}

const WAIT_MS = 15_000

/**
 * Buy (or find) the return label of `ret`. Returns null when the order did not ship with a carrier
 * (the customer gets written instructions instead). Throws 502 when the carrier cannot be reached
 * (nothing is kept; approving again retries).
 */
export async function buyReturnLabel(env: LabelsEnv, actor: Actor, state: OrderState, ret: ReturnState): Promise<ReturnLabel | null> {
  const via = await outboundCarrier(env, state.id)
  if (!via) return null
  const db = getDb(env)
  const key = `return:${ret.id}`
  const find = async () => {
    const [row] = await db
      .select()
      .from(shipments)
      .where(and(eq(shipments.orderId, state.id), eq(shipments.idempotencyKey, key)))
      .limit(1)
    return row
  }
  const done = (row: typeof shipments.$inferSelect): ReturnLabel => ({
    shipment_id: row.id,
    carrier: CARRIER_LABELS[row.carrier],
    tracking_number: row.trackingNumber!,
  })
  const existing = await find()
  if (existing) return waitFor(existing.id)

  async function waitFor(id: string): Promise<ReturnLabel> {
    const deadline = Date.now() + WAIT_MS
    for (;;) {
      const [row] = await db.select().from(shipments).where(eq(shipments.id, id)).limit(1)
      if (!row) throw new AppError('conflict', 'The return label purchase failed; approve again')
      if (row.status !== 'purchasing') return done(row)
      if (Date.now() > deadline) throw new AppError('conflict', 'The return label is still being bought; retry shortly')
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  const order = await orderAddress(db, state.id)
  if (!order) throw new AppError('not_found', 'Order not found')
  const adapter = carrierAdapter(env, via.carrier)
  if (!adapter.configured()) throw new AppError('unprocessable', `${CARRIER_LABELS[via.carrier]} is not configured (credentials missing)`)
  const id = newId('shp')
  const weight = await returnWeight(env, state, ret)
  try {
    await db.insert(shipments).values(
      purchasingShipment({
        id,
        orderId: state.id,
        kind: 'return',
        returnId: ret.id,
        carrier: via.carrier,
        service: via.service,
        weight,
        idempotencyKey: key,
        actor,
      }),
    )
  } catch (err) {
    const raced = await find()
    if (raced) return waitFor(raced.id)
    throw err
  }
  const label = await purchaseLabel(
    adapter,
    {
      origin: toCarrierAddress(order.address),
      destination: shipFrom(env),
      weight_grams: weight,
      service_code: via.service,
      reference: ret.id,
      return: true,
    },
    {
      shipmentId: id,
      what: 'return label',
      retry: 'approve again to retry',
      release: () => db.delete(shipments).where(eq(shipments.id, id)),
      logFields: { order_id: state.id, return_id: ret.id },
    },
  )
  const labelKey = await storeLabel(env, state.id, id, label)
  await db.update(shipments).set(labelCreated(label, labelKey)).where(eq(shipments.id, id))
  return { shipment_id: id, carrier: CARRIER_LABELS[via.carrier], tracking_number: label.tracking_number }
}

/** The label file of a return's shipment, or null. */
export async function returnLabelFile(env: Pick<Env, 'DB' | 'SHIPPING_DOCS'>, shipmentId: string) {
  const [row] = await getDb(env).select({ key: shipments.labelKey }).from(shipments).where(eq(shipments.id, shipmentId)).limit(1)
  const object = row?.key ? await env.SHIPPING_DOCS.get(row.key) : null
  return object ? { body: object.body, contentType: object.httpMetadata?.contentType ?? 'application/octet-stream' } : null
}

/** The returned units' catalog weight, at least 100 g. */
async function returnWeight(env: Pick<Env, 'DB'>, state: OrderState, ret: ReturnState): Promise<number> {
  const variantOf = new Map(state.lines.map((l) => [l.id, l.variant_id]))
  const ids = ret.lines.map((l) => variantOf.get(l.line_id)!).filter(Boolean)
  const rows = ids.length
    ? await getDb(env)
        .select({ id: productVariants.id, g: productVariants.weightGrams })
        .from(productVariants)
        .where(inArray(productVariants.id, ids))
    : []
  const grams = new Map(rows.map((r) => [r.id, r.g ?? 0]))
  return Math.max(
    100,
    ret.lines.reduce((a, l) => a + (grams.get(variantOf.get(l.line_id) ?? '') ?? 0) * l.quantity, 0),
  )
}
