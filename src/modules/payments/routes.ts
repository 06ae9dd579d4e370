import { createRoute } from '@hono/zod-openapi'
import { errors, ErrorSchema, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { refundOrder } from '../../workflows/refunds'
import {
  AlertPageSchema,
  AlertQuerySchema,
  ConfirmPaymentBodySchema,
  ConfirmPaymentResponseSchema,
  OrderPaymentsSchema,
  PayBodySchema,
  PaymentMethodsSchema,
  PaymentPageSchema,
  PaymentQuerySchema,
  RefundBodySchema,
  RefundHeaderSchema,
  RefundResponseSchema,
  StartedPaymentSchema,
} from './schema'
import { enabledProviders } from './providers'
import { confirmManualPayment, orderPayments, payOwnOrder } from '../../workflows/pay-order'
import { listAlerts, listPayments } from './service'

const customer = { tags: ['payments'], ...authRoute() }
const staff = { tags: ['admin'], ...authRoute({ roles: ['staff', 'admin'] }) }

export const paymentRoutes = createRouter()
  .openapi(
    createRoute({
      ...customer,
      method: 'post',
      path: '/orders/{id}/pay',
      summary: 'Start (or resume) paying one of my orders',
      description:
        "Creates the provider payment for the order's exact total (Stripe: a PaymentIntent with " +
        'metadata.order_id and an Idempotency-Key derived from the order) and moves the order to ' +
        'processing. Calling it again returns the same PaymentIntent and client_secret: a double ' +
        'click never creates a second charge. Manual orders get payment instructions. PayPal, ' +
        'Paystack, Chapa and Kaspi Pay answer with a redirect/approval URL in next_action; calling it ' +
        'again after the PayPal approval captures the payment. M-Pesa needs `phone` (a Kenyan number) ' +
        'and pushes the payment prompt to it.',
      request: { params: IdParamSchema, body: { content: { 'application/json': { schema: PayBodySchema } }, required: false } },
      responses: {
        200: jsonContent(StartedPaymentSchema, 'What the client needs to pay'),
        ...errors(400, 401, 404, 409),
        502: jsonContent(ErrorSchema, 'The provider could not be reached or refused the payment; retry'),
      },
    }),
    async (c) => c.json(await payOwnOrder(c.env, currentUser(c), c.req.valid('param').id, c.req.valid('json') ?? {}), 200),
  )
  .openapi(
    createRoute({
      tags: ['payments'],
      method: 'get',
      path: '/payment-methods',
      summary: 'The payment providers enabled on this store, with the currencies each can charge',
      responses: { 200: jsonContent(PaymentMethodsSchema, 'Enabled providers') },
    }),
    async (c) => c.json({ data: enabledProviders(c.env) }, 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/payments',
      summary: 'All payments, newest first, filterable by status, provider and order',
      request: { query: PaymentQuerySchema },
      responses: { 200: jsonContent(PaymentPageSchema, 'A page of payments'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listPayments(c.env, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/payment-alerts',
      summary: 'Payment alerts: amount/currency mismatches, payments for failed orders, unknown orders',
      request: { query: AlertQuerySchema },
      responses: { 200: jsonContent(AlertPageSchema, 'A page of alerts'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await listAlerts(c.env, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'get',
      path: '/admin/orders/{id}/payments',
      summary: "One order's payment attempts and refunds",
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(OrderPaymentsSchema, 'Payments and refunds of the order'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await orderPayments(c.env, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'post',
      path: '/admin/orders/{id}/confirm-payment',
      summary: 'Confirm a manual payment (bank transfer, cash on delivery) arrived: the order becomes paid',
      request: { params: IdParamSchema, ...jsonBody(ConfirmPaymentBodySchema) },
      responses: { 200: jsonContent(ConfirmPaymentResponseSchema, 'Payment recorded, order paid'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await confirmManualPayment(c.env, currentUser(c), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...staff,
      method: 'post',
      path: '/admin/orders/{id}/refunds',
      summary: 'Refund an order in full or in part (through the provider), optionally restocking',
      description:
        'Refunds can never exceed what was captured (enforced atomically in D1). The Stripe refund ' +
        'is made with an idempotency key; send an Idempotency-Key header to make the whole request ' +
        'safe to retry. The order becomes refunded or partially_refunded.',
      request: { params: IdParamSchema, headers: RefundHeaderSchema, ...jsonBody(RefundBodySchema) },
      responses: {
        201: jsonContent(RefundResponseSchema, 'Refund made'),
        ...errors(400, 401, 403, 404, 409),
        502: jsonContent(ErrorSchema, 'The provider could not be reached; retry with the same Idempotency-Key'),
      },
    }),
    async (c) => {
      const result = await refundOrder(
        c.env,
        currentUser(c),
        c.req.valid('param').id,
        c.req.valid('json'),
        c.req.valid('header')['idempotency-key'],
      )
      return c.json(result, 201)
    },
  )
