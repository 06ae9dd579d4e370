/**
 * Carrier tracking pushes. UPS Track Alert (UPS-API/api-documentation, UPSTrackAlert.yaml): after a
 * subscription (POST /api/track/v1/subscription/standard/package: ups.ts subscribeTracking, called by
 * subscribeTrackAlert in tracking.ts) UPS POSTs each new scan of the package for 14 days to our url, as a
 * `TrackingEventRequest` JSON body with the opaque `credential` we gave in the subscription in a
 * `credential` header and `User-Agent: UPSPubSubTrackingService`. UPS does not sign the body; the
 * credential is the documented authentication, so it is a long random secret
 * (UPS_TRACK_ALERT_CREDENTIAL) compared in constant time. The scan goes through the same path as the
 * cron (applyCarrierPush in tracking.ts), idempotent with it.
 *
 * FedEx's tracking webhooks (Advanced Integrated Visibility) are configured in the FedEx developer
 * portal, not by API, and the stored documentation does not describe how FedEx authenticates its
 * pushes, so FedEx stays poll-only (docs/shipping.md).
 */
import { createRoute, z } from '@hono/zod-openapi'
import { AppError } from '../../lib/errors'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { log } from '../../lib/observability'
import { createRouter } from '../../lib/router'
import { timingSafeEqual } from '../payments/providers/http'
import type { TrackingEvent, TrackingStatus } from './carriers/types'
import { applyCarrierPush, type UpsPushEnv } from './tracking'

const Location = z
  .object({ city: z.string().max(100), stateProvince: z.string().max(100), postalCode: z.string().max(20), country: z.string().max(3) })
  .partial()

/** UPSTrackAlert.yaml TrackingEventRequest (fields we use; the rest are accepted and ignored). */
export const UpsTrackAlertEventSchema = z
  .object({
    trackingNumber: z.string().trim().min(1).max(64),
    localActivityDate: z.string().regex(/^\d{8}$/, 'YYYYMMDD'),
    localActivityTime: z.string().regex(/^\d{6}$/, 'HHMMSS'),
    gmtActivityDate: z.string().max(8).optional(),
    gmtActivityTime: z.string().max(6).optional(),
    activityLocation: Location.optional(),
    activityStatus: z.object({
      type: z.string().min(1).max(4),
      code: z.string().max(8).optional(),
      description: z.string().max(500).optional(),
      descriptionCode: z.string().max(8).optional(),
    }),
    scheduledDeliveryDate: z.string().max(8).optional(),
    actualDeliveryDate: z.string().max(8).optional(),
    actualDeliveryTime: z.string().max(6).optional(),
  })
  .openapi('UpsTrackAlertEvent')

type UpsTrackAlertEvent = z.infer<typeof UpsTrackAlertEventSchema>

/**
 * Track Alert's status types (UPSTrackAlert.yaml FAQ): M/MV manifest, I in progress, X exception,
 * U update, D "delivery information (loaded on delivery vehicle, out for delivery, delivered)". So a
 * D scan is a delivery only when actualDeliveryDate is set ("blank until the delivery event occurs").
 */
function statusOf(e: UpsTrackAlertEvent): TrackingStatus {
  if (e.actualDeliveryDate) return 'delivered'
  switch (e.activityStatus.type) {
    case 'D':
      return 'out_for_delivery'
    case 'X':
      return 'exception'
    case 'M':
    case 'MV':
      return 'label_created'
    case 'I':
      return e.activityStatus.code === 'OT' ? 'out_for_delivery' : 'in_transit'
    default:
      return 'unknown'
  }
}

/**
 * The scan as the cron's UPS adapter records it: code = activity status code, time = the local
 * activity date and time read as UTC (as the Tracking API's activity date/time are), so a scan seen
 * by both the push and the poll has one key.
 */
export function trackAlertEvent(e: UpsTrackAlertEvent): TrackingEvent {
  const d = e.localActivityDate
  const t = e.localActivityTime
  const at = new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6)))
  const loc = e.activityLocation
  return {
    code: e.activityStatus.code || e.activityStatus.type,
    status: statusOf(e),
    description: e.activityStatus.description ?? '',
    location: loc ? [loc.city, loc.stateProvince, loc.country].filter(Boolean).join(', ') || null : null,
    at: Number.isNaN(at.getTime()) ? new Date(0).toISOString() : at.toISOString(),
  }
}

const PushResultSchema = z
  .object({ matched: z.boolean(), events: z.number().int(), delivered_order: z.boolean() })
  .openapi('CarrierPushResult')

/** Mounted at /api/v1: where carriers push tracking scans (no user auth: the carrier's own credential). */
export const carrierPushRoutes = createRouter().openapi(
  createRoute({
    tags: ['shipping'],
    method: 'post',
    path: '/carriers/ups/track-alert',
    summary: 'UPS Track Alert push receiver (called by UPS)',
    description:
      'UPS POSTs one tracking scan per request for packages we subscribed. Authenticated by the `credential` header, the ' +
      'UPS_TRACK_ALERT_CREDENTIAL given in the subscription (401 otherwise; 404 when not configured). The scan is recorded ' +
      'and applied like the tracking cron (idempotent with it); an unknown tracking number is acknowledged and ignored.',
    request: {
      headers: z.object({ credential: z.string().optional().openapi({ description: 'The opaque credential of the subscription' }) }),
      ...jsonBody(UpsTrackAlertEventSchema),
    },
    responses: { 200: jsonContent(PushResultSchema, 'Recorded (or ignored)'), ...errors(400, 401, 404) },
  }),
  async (c) => {
    const env = c.env as Env & UpsPushEnv
    const expected = env.UPS_TRACK_ALERT_CREDENTIAL
    if (!expected) throw new AppError('not_found', 'UPS Track Alert is not configured')
    if (!timingSafeEqual(c.req.valid('header').credential ?? '', expected))
      throw new AppError('unauthorized', 'Invalid Track Alert credential')
    const body = c.req.valid('json')
    const out = await applyCarrierPush(env, 'ups', body.trackingNumber, trackAlertEvent(body))
    log('info', 'carrier push', { carrier: 'ups', tracking_number: body.trackingNumber, ...out })
    return c.json(out, 200)
  },
)
