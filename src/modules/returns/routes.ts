import { createRoute, z } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { signOrderId, verifyOrderSignature } from '../../lib/order-link'
import { notFound } from '../../lib/errors'
import {
  ApproveBodySchema,
  OptionalIdempotencySchema,
  OrderReturnsSchema,
  ReceiveBodySchema,
  RefuseBodySchema,
  ReturnActionResponseSchema,
  ReturnIdempotencySchema,
  ReturnIdParamSchema,
  ReturnPageSchema,
  ReturnQuerySchema,
  ReturnRequestBodySchema,
  ReturnSchema,
} from './schema'
import {
  approveReturn,
  assertOwnOrder,
  cancelOwnReturn,
  cancelReturn,
  getOwnReturn,
  getReturn,
  listReturns,
  orderReturns,
  refuseReturn,
  requestReturn,
  returnLabelFor,
} from './service'
import { receiveReturn, refundReturn } from '../../workflows/returns'

const customer = { tags: ['returns'], ...authRoute() }
const seller = { tags: ['returns', 'seller'], ...authRoute({ roles: ['seller'] }) }
const staffReading = { tags: ['returns', 'admin'], ...authRoute({ roles: ['staff', 'admin'], scopes: ['orders:read'] }) }
const staffWriting = { tags: ['returns', 'admin'], ...authRoute({ roles: ['staff', 'admin'], scopes: ['orders:write'] }) }

const SigQuerySchema = z.object({ sig: z.string().min(1).max(128).openapi({ description: 'The signature from the order link' }) })

const requestDescription =
  'Return delivered lines within RETURN_WINDOW_DAYS of delivery (422 after the deadline), at most the delivered ' +
  'quantity minus what other returns already hold (422 with the returnable quantity per line). The refund is fixed ' +
  "now: each line's total (its discount share and tax) pro rata; shipping is not refunded. With an Idempotency-Key " +
  'a repeated request answers the same return (200 instead of 201).'

const guestLabelUrl = async (env: Env, orderId: string) => {
  const sig = await signOrderId(env, orderId)
  return (returnId: string) => `/api/v1/guest-orders/${orderId}/returns/${returnId}/label?sig=${encodeURIComponent(sig)}`
}

async function verified(env: Env, orderId: string, sig: string) {
  if (!(await verifyOrderSignature(env, orderId, sig))) throw notFound('Order')
}

const labelResponse = {
  200: {
    description: 'The label (PDF or GIF as the carrier made it)',
    content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
  },
}

/** Mounted at /api/v1: returns (RMA) for customers, guests, sellers and staff (docs/returns.md). */
export const returnRoutes = createRouter()
  // ---- customers
  .openapi(
    createRoute({
      ...customer,
      method: 'get',
      path: '/orders/{id}/returns',
      summary: 'Returns of my order and what is still returnable',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(OrderReturnsSchema, 'Returns and returnable lines'), ...errors(401, 404) },
    }),
    async (c) => {
      const id = c.req.valid('param').id
      await assertOwnOrder(c.env, currentUser(c), id)
      return c.json(await orderReturns(c.env, id), 200)
    },
  )
  .openapi(
    createRoute({
      ...customer,
      method: 'post',
      path: '/orders/{id}/returns',
      summary: 'Ask to return delivered lines of my order',
      description: requestDescription,
      request: { params: IdParamSchema, headers: OptionalIdempotencySchema, ...jsonBody(ReturnRequestBodySchema) },
      responses: {
        201: jsonContent(ReturnActionResponseSchema, 'Return requested'),
        200: jsonContent(ReturnActionResponseSchema, 'The return this Idempotency-Key created earlier'),
        ...errors(400, 401, 404, 409, 422),
      },
    }),
    async (c) => {
      const user = currentUser(c)
      const id = c.req.valid('param').id
      await assertOwnOrder(c.env, user, id)
      const out = await requestReturn(
        c.env,
        id,
        { type: 'customer', id: user.id },
        c.req.valid('json'),
        c.req.valid('header')['idempotency-key'],
      )
      return out.changed ? c.json(out, 201) : c.json(out, 200)
    },
  )
  .openapi(
    createRoute({
      ...customer,
      method: 'get',
      path: '/returns',
      summary: 'My returns, newest first',
      request: { query: ReturnQuerySchema },
      responses: { 200: jsonContent(ReturnPageSchema, 'A page of returns'), ...errors(400, 401) },
    }),
    async (c) => c.json(await listReturns(c.env, c.req.valid('query'), { owner: currentUser(c).id }), 200),
  )
  .openapi(
    createRoute({
      ...customer,
      method: 'get',
      path: '/returns/{id}',
      summary: 'One of my returns',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ReturnSchema, 'The return'), ...errors(401, 404) },
    }),
    async (c) => c.json(await getOwnReturn(c.env, currentUser(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...customer,
      method: 'post',
      path: '/returns/{id}/cancel',
      summary: 'Withdraw my return before staff decide',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ReturnActionResponseSchema, 'Cancelled'), ...errors(401, 404, 409) },
    }),
    async (c) => c.json(await cancelOwnReturn(c.env, currentUser(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...customer,
      method: 'get',
      path: '/returns/{id}/label',
      summary: 'The return label of an approved return (its customer, staff, or a seller of its lines)',
      request: { params: IdParamSchema },
      responses: { ...labelResponse, ...errors(401, 404) },
    }),
    async (c) => {
      const file = await returnLabelFor(c.env, currentUser(c), c.req.valid('param').id)
      return c.body(file.body, 200, { 'Content-Type': file.contentType, 'Cache-Control': 'private, no-store' })
    },
  )
  // ---- guests (signed order link)
  .openapi(
    createRoute({
      tags: ['returns'],
      method: 'get',
      path: '/guest-orders/{id}/returns',
      summary: 'Returns of an order read through its signed link',
      request: { params: IdParamSchema, query: SigQuerySchema },
      responses: { 200: jsonContent(OrderReturnsSchema, 'Returns and returnable lines'), ...errors(400, 404) },
    }),
    async (c) => {
      const id = c.req.valid('param').id
      await verified(c.env, id, c.req.valid('query').sig)
      return c.json(await orderReturns(c.env, id, await guestLabelUrl(c.env, id)), 200)
    },
  )
  .openapi(
    createRoute({
      tags: ['returns'],
      method: 'post',
      path: '/guest-orders/{id}/returns',
      summary: 'Ask to return delivered lines through the signed order link',
      description: requestDescription,
      request: { params: IdParamSchema, query: SigQuerySchema, headers: OptionalIdempotencySchema, ...jsonBody(ReturnRequestBodySchema) },
      responses: {
        201: jsonContent(ReturnActionResponseSchema, 'Return requested'),
        200: jsonContent(ReturnActionResponseSchema, 'The return this Idempotency-Key created earlier'),
        ...errors(400, 404, 409, 422),
      },
    }),
    async (c) => {
      const id = c.req.valid('param').id
      await verified(c.env, id, c.req.valid('query').sig)
      const out = await requestReturn(
        c.env,
        id,
        { type: 'customer' },
        c.req.valid('json'),
        c.req.valid('header')['idempotency-key'],
        await guestLabelUrl(c.env, id),
      )
      return out.changed ? c.json(out, 201) : c.json(out, 200)
    },
  )
  .openapi(
    createRoute({
      tags: ['returns'],
      method: 'post',
      path: '/guest-orders/{id}/returns/{return_id}/cancel',
      summary: 'Withdraw a return through the signed order link',
      request: { params: ReturnIdParamSchema, query: SigQuerySchema },
      responses: { 200: jsonContent(ReturnActionResponseSchema, 'Cancelled'), ...errors(400, 404, 409) },
    }),
    async (c) => {
      const { id, return_id } = c.req.valid('param')
      await verified(c.env, id, c.req.valid('query').sig)
      return c.json(await cancelReturn(c.env, id, return_id, { type: 'customer' }, (await guestLabelUrl(c.env, id))(return_id)), 200)
    },
  )
  .openapi(
    createRoute({
      tags: ['returns'],
      method: 'get',
      path: '/guest-orders/{id}/returns/{return_id}/label',
      summary: 'The return label, through the signed order link',
      request: { params: ReturnIdParamSchema, query: SigQuerySchema },
      responses: { ...labelResponse, ...errors(400, 404) },
    }),
    async (c) => {
      const { id, return_id } = c.req.valid('param')
      await verified(c.env, id, c.req.valid('query').sig)
      const file = await returnLabelFor(c.env, null, return_id, id)
      return c.body(file.body, 200, { 'Content-Type': file.contentType, 'Cache-Control': 'private, no-store' })
    },
  )
  // ---- sellers
  .openapi(
    createRoute({
      ...seller,
      method: 'get',
      path: '/seller/returns',
      summary: "Returns of my lines (other sellers' lines of the same return are left out)",
      request: { query: ReturnQuerySchema },
      responses: { 200: jsonContent(ReturnPageSchema, 'A page of returns'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listReturns(c.env, c.req.valid('query'), { seller: currentUser(c).id }), 200),
  )
  // ---- staff
  .openapi(
    createRoute({
      ...staffReading,
      method: 'get',
      path: '/admin/returns',
      summary: 'Returns, newest first, filtered by status, order and creation time',
      request: { query: ReturnQuerySchema },
      responses: { 200: jsonContent(ReturnPageSchema, 'A page of returns'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listReturns(c.env, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...staffReading,
      method: 'get',
      path: '/admin/returns/{id}',
      summary: 'One return, as its order holds it',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(ReturnSchema, 'The return'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await getReturn(c.env, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...staffWriting,
      method: 'post',
      path: '/admin/returns/{id}/approve',
      summary: 'Approve a requested return: a carrier return label, or written instructions',
      description:
        'Orders that went out with a carrier label get a return label of the same carrier and service (shipper and ' +
        'recipient swapped; bought once per return, stored in R2); others get `instructions` (or a default text with ' +
        'the warehouse address). 502 when the carrier cannot be reached (nothing changes; approve again).',
      request: { params: IdParamSchema, body: { content: { 'application/json': { schema: ApproveBodySchema } }, required: false } },
      responses: { 200: jsonContent(ReturnActionResponseSchema, 'Approved'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {}
      return c.json(await approveReturn(c.env, currentUser(c), c.req.valid('param').id, body ?? {}), 200)
    },
  )
  .openapi(
    createRoute({
      ...staffWriting,
      method: 'post',
      path: '/admin/returns/{id}/refuse',
      summary: 'Refuse a requested return, with a note the customer reads',
      request: { params: IdParamSchema, ...jsonBody(RefuseBodySchema) },
      responses: { 200: jsonContent(ReturnActionResponseSchema, 'Refused'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await refuseReturn(c.env, currentUser(c), c.req.valid('param').id, c.req.valid('json').note), 200),
  )
  .openapi(
    createRoute({
      ...staffWriting,
      method: 'post',
      path: '/admin/returns/{id}/receive',
      summary: 'Mark an approved return received (restock per line) and refund it, once',
      description:
        "Received once (restocking the lines marked `restock`), then the refund of exactly the return's amount goes " +
        'out through the order\'s payment with the key "return:<id>": duplicated or concurrent requests refund once ' +
        'and restock once. If the provider cannot refund now the return stays `received` with `refund_error`; retry ' +
        'with POST /admin/returns/{id}/refund.',
      request: { params: IdParamSchema, headers: ReturnIdempotencySchema, ...jsonBody(ReceiveBodySchema) },
      responses: {
        200: jsonContent(ReturnActionResponseSchema, 'Received (and refunded unless refund_error)'),
        ...errors(400, 401, 403, 404, 409),
      },
    }),
    async (c) => c.json(await receiveReturn(c.env, currentUser(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...staffWriting,
      method: 'post',
      path: '/admin/returns/{id}/refund',
      summary: 'Retry the refund of a received return (a refunded one answers unchanged)',
      request: { params: IdParamSchema, headers: ReturnIdempotencySchema },
      responses: { 200: jsonContent(ReturnActionResponseSchema, 'Refunded'), ...errors(401, 403, 404, 409) },
    }),
    async (c) => c.json(await refundReturn(c.env, currentUser(c), c.req.valid('param').id), 200),
  )
