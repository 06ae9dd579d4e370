import { createRoute, z } from '@hono/zod-openapi'
import { unauthorized } from '../../lib/errors'
import { bearerSecurity, errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { PageQuerySchema } from '../../lib/pagination'
import { createRouter } from '../../lib/router'
import { requireTurnstile } from '../../lib/turnstile'
import { CartTokenHeaderSchema } from '../cart/schema'
import { authRoute, currentUser, optionalAuth } from '../accounts/middleware'
import { checkout, guestCheckout } from '../../workflows/checkout'
import { guestOrderRoutes } from './guest-routes'
import {
  AdminOrderDetailSchema,
  AdminOrderPageSchema,
  AdminOrderQuerySchema,
  allowedActions,
  AdminTransitionBodySchema,
  CancelBodySchema,
  CheckoutBodySchema,
  OrderNoteBodySchema,
  GuestCheckoutResponseSchema,
  IdempotencyHeaderSchema,
  OrderDetailSchema,
  OrderPageSchema,
  SellerLineQuerySchema,
  SellerLineSchema,
  ShipLineBodySchema,
} from './schema'
import {
  addStaffNote,
  adminTransition,
  cancelOwnOrder,
  getOrder,
  getOwnOrder,
  listOrders,
  listOrdersWithNames,
  listSellerLines,
  shipSellerLine,
  withNames,
} from './service'

const customer = authRoute()
const seller = { tags: ['seller'], ...authRoute({ roles: ['seller'] }) }
// Admin order routes integrators call with an API key (scopes) as well as staff tokens.
const staffReading = { tags: ['admin'], ...authRoute({ roles: ['staff', 'admin'], scopes: ['orders:read'] }) }
const staffWriting = { tags: ['admin'], ...authRoute({ roles: ['staff', 'admin'], scopes: ['orders:write'] }) }

const checkoutRoutes = createRouter().openapi(
  createRoute({
    tags: ['checkout'],
    method: 'post',
    path: '/checkout',
    // Signed in (Bearer) buys the user's cart; a guest buys the X-Cart-Token cart with an email.
    // A guest (no valid Bearer token) passes Turnstile first when it is on.
    middleware: [optionalAuth, requireTurnstile({ guestsOnly: true })] as const,
    security: [...bearerSecurity, {}],
    summary: 'Turn the cart into an order, reserving stock atomically (signed in, or as a guest)',
    description:
      'Prices are re-read now (the cart never sets a price); pass `expected_total` to get 409 price_changed ' +
      'if it moved. Stock for every line is reserved in the same atomic step that creates the order: ' +
      'either everything happens or nothing (409 out_of_stock). The same Idempotency-Key replays the ' +
      'first response (200); with a different body it is 409 idempotency_conflict.\n\n' +
      "**Guest checkout**: without a Bearer token, send the guest cart's `X-Cart-Token` and an `email` " +
      '(and a `shipping_address`; saved addresses need an account). The response adds `order_link`, a ' +
      'signed, unguessable URL of the order page (also mailed with the order confirmation); the order ' +
      'is readable through GET /guest-orders/{id}?sig=…. Guest orders move to the account that later ' +
      'verifies (or signs in with) the same email. When Turnstile is on, a guest sends a token in the ' +
      'CF-Turnstile-Response header (403 challenge_required otherwise).',
    request: { headers: IdempotencyHeaderSchema.merge(CartTokenHeaderSchema), ...jsonBody(CheckoutBodySchema) },
    responses: {
      201: jsonContent(GuestCheckoutResponseSchema, 'Order created'),
      200: jsonContent(GuestCheckoutResponseSchema, 'Replay of the order created earlier with this Idempotency-Key'),
      ...errors(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const headers = c.req.valid('header')
    const user = c.get('user')
    let outcome: Awaited<ReturnType<typeof checkout>> & { link?: string }
    if (user) outcome = await checkout(c.env, user, headers['idempotency-key'], c.req.valid('json'))
    else if (headers['x-cart-token'])
      outcome = await guestCheckout(c.env, c.get('db'), headers['x-cart-token'], headers['idempotency-key'], c.req.valid('json'))
    else throw unauthorized("Sign in, or send the guest cart's X-Cart-Token and an email to check out as a guest")
    if (outcome.replayed) c.header('Idempotent-Replayed', 'true')
    const body = outcome.link ? { ...outcome.body, order_link: outcome.link } : outcome.body
    return outcome.status === 201 ? c.json(body, 201) : c.json(body, 200)
  },
)

const customerOrderRoutes = createRouter()
  .openapi(
    createRoute({
      ...customer,
      tags: ['orders'],
      method: 'get',
      path: '/orders',
      summary: 'My orders, newest first',
      request: { query: PageQuerySchema },
      responses: { 200: jsonContent(OrderPageSchema, 'A page of orders'), ...errors(400, 401) },
    }),
    async (c) => c.json(await listOrders(c.env, { ...c.req.valid('query'), user_id: currentUser(c).id }), 200),
  )
  .openapi(
    createRoute({
      ...customer,
      tags: ['orders'],
      method: 'get',
      path: '/orders/{id}',
      summary: 'One of my orders with its lines and status timeline',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(OrderDetailSchema, 'The order'), ...errors(401, 404) },
    }),
    async (c) => c.json(await getOwnOrder(c.env, currentUser(c), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...customer,
      tags: ['orders'],
      method: 'post',
      path: '/orders/{id}/cancel',
      summary: 'Cancel my order while it is pending or processing; its stock goes back on sale',
      request: {
        params: IdParamSchema,
        body: { content: { 'application/json': { schema: CancelBodySchema } }, required: false },
      },
      responses: { 200: jsonContent(OrderDetailSchema, 'The cancelled order'), ...errors(400, 401, 404, 409) },
    }),
    async (c) => {
      const body = c.req.header('content-type')?.includes('application/json') ? c.req.valid('json') : {}
      return c.json(await cancelOwnOrder(c.env, currentUser(c), c.req.valid('param').id, body?.reason), 200)
    },
  )

const sellerRoutes = createRouter()
  .openapi(
    createRoute({
      ...seller,
      method: 'get',
      path: '/seller/order-lines',
      summary: 'Order lines of my products, newest first',
      request: { query: SellerLineQuerySchema },
      responses: {
        200: jsonContent(z.object({ data: z.array(SellerLineSchema), next_cursor: z.string().nullable() }), 'A page of lines'),
        ...errors(400, 401, 403),
      },
    }),
    async (c) => c.json(await listSellerLines(c.env, currentUser(c).id, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...seller,
      method: 'post',
      path: '/seller/order-lines/{id}/ship',
      summary: 'Mark one of my lines shipped with carrier and tracking number',
      description:
        'Allowed while the order is paid (or partially refunded) and the line is unfulfilled. When the ' +
        'last unfulfilled line of the order ships, the order moves to shipped (order.shipped is published).',
      request: { params: IdParamSchema, ...jsonBody(ShipLineBodySchema) },
      responses: { 200: jsonContent(SellerLineSchema, 'The shipped line'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await shipSellerLine(c.env, currentUser(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )

const adminRoutes = createRouter()
  .openapi(
    createRoute({
      ...staffReading,
      method: 'get',
      path: '/admin/orders',
      summary: 'All orders, filtered by status, customer and creation time, sorted by time or total',
      request: { query: AdminOrderQuerySchema },
      responses: { 200: jsonContent(AdminOrderPageSchema, 'A page of orders with the customers’ names'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listOrdersWithNames(c.env, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...staffReading,
      method: 'get',
      path: '/admin/orders/{id}',
      summary: 'Any order with lines, timeline, the actions it allows and the names of the people involved',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(AdminOrderDetailSchema, 'The order'), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const order = await withNames(c.env, await getOrder(c.env, c.req.valid('param').id, { staffNotes: true }))
      return c.json({ ...order, allowed_actions: allowedActions(order) }, 200)
    },
  )
  .openapi(
    createRoute({
      ...staffWriting,
      method: 'post',
      path: '/admin/orders/{id}/transition',
      summary: 'Move an order through its state machine',
      description:
        'Illegal transitions answer 409 invalid_transition. shipped needs carrier and tracking_number ' +
        '(lines not yet shipped by their seller take them). refunded/partially_refunded answer 409: ' +
        'they come only from a refund that moved money (POST /admin/orders/{id}/refunds). ' +
        'failed/cancelled release the stock and cancel the open provider payment.',
      request: { params: IdParamSchema, ...jsonBody(AdminTransitionBodySchema) },
      responses: { 200: jsonContent(OrderDetailSchema, 'The order after the transition'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await adminTransition(c.env, currentUser(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...staffWriting,
      method: 'post',
      path: '/admin/orders/{id}/notes',
      summary: 'Add a staff-only note to the order’s timeline',
      description:
        'Recorded by the order’s OrderDO like every timeline entry (timestamped, by the signed-in staff member) with ' +
        'kind "note". Only the admin order view shows notes: the customer’s, guest’s and seller’s views never do.',
      request: { params: IdParamSchema, ...jsonBody(OrderNoteBodySchema) },
      responses: { 201: jsonContent(AdminOrderDetailSchema, 'The order with the note in its timeline'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const order = await withNames(c.env, await addStaffNote(c.env, currentUser(c), c.req.valid('param').id, c.req.valid('json').text))
      return c.json({ ...order, allowed_actions: allowedActions(order) }, 201)
    },
  )

/** Mounted at /api/v1. */
export const orderRoutes = createRouter()
  .route('/', checkoutRoutes)
  .route('/', guestOrderRoutes)
  .route('/', customerOrderRoutes)
  .route('/', sellerRoutes)
  .route('/', adminRoutes)
