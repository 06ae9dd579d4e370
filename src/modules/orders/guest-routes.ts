import { createRoute, z } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { startPayment } from '../../workflows/pay-order'
import { PayBodySchema, StartedPaymentSchema } from '../payments/schema'
import { getOrderBySignature } from './guest'
import { OrderDetailSchema } from './schema'

const SigQuerySchema = z.object({
  sig: z.string().min(1).max(128).openapi({ description: 'The signature from the order link (order_link of the guest checkout)' }),
})

/** Read and pay an order through its signed link: no account needed. Mounted at /api/v1. */
export const guestOrderRoutes = createRouter()
  .openapi(
    createRoute({
      tags: ['orders'],
      method: 'get',
      path: '/guest-orders/{id}',
      summary: 'An order read through its signed link (guest checkout)',
      description: 'A wrong or tampered signature is 404, exactly like an order that does not exist.',
      request: { params: IdParamSchema, query: SigQuerySchema },
      responses: { 200: jsonContent(OrderDetailSchema, 'The order'), ...errors(400, 404) },
    }),
    async (c) => c.json(await getOrderBySignature(c.env, c.req.valid('param').id, c.req.valid('query').sig), 200),
  )
  .openapi(
    createRoute({
      tags: ['payments'],
      method: 'post',
      path: '/guest-orders/{id}/pay',
      summary: 'Start (or resume) paying an order through its signed link',
      description:
        'The same as POST /orders/{id}/pay for the holder of the order link: a failed payment can be retried. ' +
        'M-Pesa needs `phone` (a Kenyan number) when no payment prompt was sent yet (the push failed at checkout).',
      request: {
        params: IdParamSchema,
        query: SigQuerySchema,
        body: { content: { 'application/json': { schema: PayBodySchema } }, required: false },
      },
      responses: { 200: jsonContent(StartedPaymentSchema, 'What the client needs to pay'), ...errors(400, 404, 409) },
    }),
    async (c) => {
      const order = await getOrderBySignature(c.env, c.req.valid('param').id, c.req.valid('query').sig)
      return c.json(await startPayment(c.env, order, { type: 'customer' }, c.req.valid('json') ?? {}), 200)
    },
  )
