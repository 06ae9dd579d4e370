import { createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { desc, eq, inArray } from 'drizzle-orm'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import type { AppEnv } from '../../lib/context'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { getLabel, orderShipments, shipmentView } from './labels'
import { buyLabel, type BuyLabelInput } from '../../workflows/line-shipping'
import { BuyLabelBodySchema, LabelIdempotencySchema, ShipmentQuerySchema, ShipmentSchema } from './schema'
import { shipmentLines, shipments } from './tables'
import { orderState } from '../orders/service'
import { notFound } from '../../lib/errors'
import { carrierPushRoutes } from './push-routes'

const staff = { tags: ['shipping'], ...authRoute({ roles: ['staff', 'admin'] }) }
const seller = { tags: ['shipping', 'seller'], ...authRoute({ roles: ['seller'] }) }

const buyDescription =
  'Buys one carrier label for a parcel of unfulfilled lines of a paid order (carrier and service from the body, or ' +
  "the order's carrier shipping method). The label is stored (download at label_url) and the lines ship through " +
  'the order exactly like a manual shipment (the last one moves the order to shipped and notifies the customer). ' +
  'The same Idempotency-Key returns the first purchase (200, Idempotent-Replayed); a line already in another ' +
  'shipment is 409. 502 when the carrier cannot be reached (nothing is bought; retry with the same key).'

const buyRequest = { params: IdParamSchema, headers: LabelIdempotencySchema, ...jsonBody(BuyLabelBodySchema) }
const buyResponses = {
  201: jsonContent(ShipmentSchema, 'Label bought; lines shipped'),
  200: jsonContent(ShipmentSchema, 'Replay of the purchase made earlier with this Idempotency-Key'),
  ...errors(400, 401, 403, 404, 409, 422),
}

/** Both purchase routes: buy as the signed-in staff member or seller; a replay answers 200 with Idempotent-Replayed. */
async function buyLabelAnswer(c: Context<AppEnv>, type: 'staff' | 'seller', orderId: string, input: BuyLabelInput, key: string) {
  const out = await buyLabel(c.env, { type, id: currentUser(c).id }, orderId, input, key)
  if (out.replayed) c.header('Idempotent-Replayed', 'true')
  return out.replayed ? c.json(out.shipment, 200) : c.json(out.shipment, 201)
}

/** Mounted at /api/v1: labels, shipments and their tracking (docs/shipping.md). */
export const shippingRoutes = createRouter()
  .openapi(
    createRoute({
      ...staff,
      method: 'post',
      path: '/admin/orders/{id}/shipments',
      summary: 'Buy a carrier label for lines of an order (staff)',
      description: buyDescription,
      request: buyRequest,
      responses: buyResponses,
    }),
    async (c) => buyLabelAnswer(c, 'staff', c.req.valid('param').id, c.req.valid('json'), c.req.valid('header')['idempotency-key']),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/orders/{id}/shipments',
      summary: 'Shipments of an order with their labels and tracking events (staff)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(z.object({ data: z.array(ShipmentSchema) }), 'Shipments, oldest first'), ...errors(401, 403) },
    }),
    async (c) => c.json({ data: await orderShipments(c.get('db'), c.req.valid('param').id) }, 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/shipments',
      summary: 'Recent shipments, newest first, optionally by status (staff)',
      request: { query: ShipmentQuerySchema },
      responses: { 200: jsonContent(z.object({ data: z.array(ShipmentSchema) }), 'Shipments (without events)'), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const db = c.get('db')
      const rows = await db
        .select()
        .from(shipments)
        .where(q.status ? eq(shipments.status, q.status) : undefined)
        .orderBy(desc(shipments.createdAt), desc(shipments.id))
        .limit(q.limit)
      const lines = rows.length
        ? await db
            .select()
            .from(shipmentLines)
            .where(
              inArray(
                shipmentLines.shipmentId,
                rows.map((r) => r.id),
              ),
            )
        : []
      return c.json(
        {
          data: rows.map((r) =>
            shipmentView(
              r,
              lines.filter((l) => l.shipmentId === r.id).map((l) => l.lineId),
            ),
          ),
        },
        200,
      )
    },
  )
  .openapi(
    createRoute({
      ...seller,
      method: 'post',
      path: '/seller/orders/{id}/shipments',
      summary: 'Buy a carrier label for my lines of an order (seller)',
      description: `${buyDescription} A seller may only put their own lines in the parcel (others are 404).`,
      request: buyRequest,
      responses: buyResponses,
    }),
    async (c) => buyLabelAnswer(c, 'seller', c.req.valid('param').id, c.req.valid('json'), c.req.valid('header')['idempotency-key']),
  )
  .openapi(
    createRoute({
      ...seller,
      method: 'get',
      path: '/seller/orders/{id}/shipments',
      summary: 'Shipments of an order that carry my lines (seller)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(z.object({ data: z.array(ShipmentSchema) }), 'Shipments, oldest first'), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const user = currentUser(c)
      const id = c.req.valid('param').id
      const state = await orderState(c.env, id)
      const mine = new Set(state?.lines.filter((l) => l.seller_id === user.id).map((l) => l.id) ?? [])
      if (!mine.size) throw notFound('Order')
      const all = await orderShipments(c.get('db'), id)
      return c.json({ data: all.filter((s) => s.line_ids.some((l) => mine.has(l))) }, 200)
    },
  )
  .openapi(
    createRoute({
      tags: ['shipping'],
      ...authRoute({ roles: ['staff', 'admin', 'seller'] }),
      method: 'get',
      path: '/shipments/{id}/label',
      summary: "Download a shipment's label (staff, or the seller whose lines it carries)",
      request: { params: IdParamSchema },
      responses: {
        200: {
          description: 'The label as the carrier made it (PDF for FedEx, GIF for UPS)',
          content: { 'application/pdf': { schema: z.string() }, 'image/gif': { schema: z.string() } },
        },
        ...errors(401, 403, 404),
      },
    }),
    async (c) => {
      const label = await getLabel(c.env, currentUser(c), c.req.valid('param').id)
      const ext = label.contentType === 'application/pdf' ? 'pdf' : label.contentType === 'image/gif' ? 'gif' : 'bin'
      return c.body(label.body, 200, {
        'Content-Type': label.contentType,
        'Content-Disposition': `inline; filename="label-${label.shipment.tracking_number ?? label.shipment.id}.${ext}"`,
        'Cache-Control': 'private, no-store',
      })
    },
  )
  // Carrier tracking pushes (UPS Track Alert): no user auth, a shared credential.
  .route('/', carrierPushRoutes)
