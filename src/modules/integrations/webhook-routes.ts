import { createRoute, z } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { WEBHOOK_EVENT_TYPES } from './webhook-events'
import {
  WebhookDeliveryDetailSchema,
  WebhookDeliveryListSchema,
  WebhookDeliveryQuerySchema,
  WebhookEndpointCreateSchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
  WebhookEndpointUpdateSchema,
  WebhookEndpointWithSecretSchema,
  WebhookEventTypeListSchema,
  WebhookReplayResultSchema,
  WebhookReplaySinceSchema,
} from './webhook-schema'
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  replayFailedSince,
  rotateSecret,
  updateEndpoint,
} from './webhooks'

const tags = ['admin: webhooks']
const reading = { tags, ...authRoute({ roles: ['staff', 'admin'], scopes: ['webhooks:read'] }) }
const writing = { tags, ...authRoute({ roles: ['staff', 'admin'], scopes: ['webhooks:write'] }) }

/** Mounted at /api/v1: outgoing-webhook endpoints, their delivery log and replays (docs/webhooks.md). */
export const webhookRoutes = createRouter()
  .openapi(
    createRoute({
      ...reading,
      method: 'get',
      path: '/admin/webhooks/event-types',
      summary: 'The event types an endpoint can subscribe to',
      responses: { 200: jsonContent(WebhookEventTypeListSchema, 'Event types'), ...errors(401, 403) },
    }),
    (c) => c.json({ data: [...WEBHOOK_EVENT_TYPES] }, 200),
  )
  .openapi(
    createRoute({
      ...reading,
      method: 'get',
      path: '/admin/webhooks/endpoints',
      summary: 'Registered endpoints (never their secrets)',
      responses: { 200: jsonContent(WebhookEndpointListSchema, 'Endpoints'), ...errors(401, 403) },
    }),
    async (c) => c.json({ data: await listEndpoints(c.get('db')) }, 200),
  )
  .openapi(
    createRoute({
      ...writing,
      method: 'post',
      path: '/admin/webhooks/endpoints',
      summary: 'Register an endpoint; its signing secret is in this answer only',
      description: 'https only (http://localhost in development). Deliveries are signed per Standard Webhooks with the secret.',
      request: jsonBody(WebhookEndpointCreateSchema),
      responses: { 201: jsonContent(WebhookEndpointWithSecretSchema, 'The endpoint and its secret'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await createEndpoint(c.env, c.get('db'), currentUser(c), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      ...reading,
      method: 'get',
      path: '/admin/webhooks/endpoints/{id}',
      summary: 'One endpoint',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(WebhookEndpointSchema, 'The endpoint'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await getEndpoint(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...writing,
      method: 'patch',
      path: '/admin/webhooks/endpoints/{id}',
      summary: 'Change url, description or events; enable or disable',
      request: { params: IdParamSchema, ...jsonBody(WebhookEndpointUpdateSchema) },
      responses: { 200: jsonContent(WebhookEndpointSchema, 'The endpoint'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => c.json(await updateEndpoint(c.env, c.get('db'), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...writing,
      method: 'delete',
      path: '/admin/webhooks/endpoints/{id}',
      summary: 'Delete an endpoint and its delivery log',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(z.object({ deleted: z.literal(true) }), 'Deleted'), ...errors(401, 403, 404) },
    }),
    async (c) => {
      await deleteEndpoint(c.get('db'), c.req.valid('param').id)
      return c.json({ deleted: true as const }, 200)
    },
  )
  .openapi(
    createRoute({
      ...writing,
      method: 'post',
      path: '/admin/webhooks/endpoints/{id}/rotate-secret',
      summary: 'Replace the signing secret (the new one is in this answer only)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(WebhookEndpointWithSecretSchema, 'The endpoint and its new secret'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await rotateSecret(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...reading,
      method: 'get',
      path: '/admin/webhooks/endpoints/{id}/deliveries',
      summary: "An endpoint's deliveries, newest first",
      request: { params: IdParamSchema, query: WebhookDeliveryQuerySchema },
      responses: { 200: jsonContent(WebhookDeliveryListSchema, 'Deliveries'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => c.json(await listDeliveries(c.get('db'), c.req.valid('param').id, c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      ...writing,
      method: 'post',
      path: '/admin/webhooks/endpoints/{id}/replay',
      summary: 'Replay every failed delivery (retrying or dead) created since a time',
      request: { params: IdParamSchema, ...jsonBody(WebhookReplaySinceSchema) },
      responses: { 200: jsonContent(WebhookReplayResultSchema, 'How many were queued'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await replayFailedSince(c.env, c.get('db'), c.req.valid('param').id, c.req.valid('json').since), 200),
  )
  .openapi(
    createRoute({
      ...reading,
      method: 'get',
      path: '/admin/webhooks/deliveries/{id}',
      summary: 'One delivery: payload and every attempt (status, latency, response excerpt)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(WebhookDeliveryDetailSchema, 'The delivery'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await getDelivery(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...writing,
      method: 'post',
      path: '/admin/webhooks/deliveries/{id}/replay',
      summary: 'Send one delivery again (same webhook-id)',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(WebhookReplayResultSchema, 'Queued'), ...errors(401, 403, 404, 409) },
    }),
    async (c) => c.json(await replayDelivery(c.env, c.get('db'), c.req.valid('param').id), 200),
  )
