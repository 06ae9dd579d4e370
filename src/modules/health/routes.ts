import { createRoute, z } from '@hono/zod-openapi'
import { prometheusText } from '../../lib/metrics'
import { errors, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute } from '../accounts/middleware'

const HealthSchema = z.object({ status: z.literal('ok'), time: z.string(), database: z.literal('ok') }).openapi('Health')

/** Liveness (`/health`) and this instance's Prometheus metrics (`/metrics`, staff and admins). */
export const healthRoutes = createRouter()
  .openapi(
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
  .openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['ops'],
      summary: 'Prometheus metrics of this Worker instance (staff, admin)',
      description:
        'Requests by route template, method and status, latency histograms and business events seen by the ' +
        'instance that answers (text format 0.0.4). Store-wide figures are in Analytics Engine (docs/observability.md).',
      ...authRoute({ roles: ['staff', 'admin'] }),
      responses: {
        200: { description: 'Prometheus text', content: { 'text/plain': { schema: z.string() } } },
        ...errors(401, 403),
      },
    }),
    (c) => c.text(prometheusText(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }),
  )
