import { createRoute, z } from '@hono/zod-openapi'
import { createRouter } from '../../lib/router'
import { jsonContent } from '../../lib/openapi-schemas'

const HealthSchema = z.object({ status: z.literal('ok'), time: z.string(), database: z.literal('ok') }).openapi('Health')

export const healthRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/health',
    tags: ['meta'],
    summary: 'Liveness and database reachability',
    responses: { 200: jsonContent(HealthSchema, 'The store is up') },
  }),
  async (c) => {
    await c.env.DB.prepare('SELECT 1').first()
    return c.json({ status: 'ok' as const, time: new Date().toISOString(), database: 'ok' as const }, 200)
  },
)
