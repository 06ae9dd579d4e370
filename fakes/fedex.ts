import { Hono, type Context } from 'hono'
import { carrierFakeState, deliveredScript, fakeRateMinor, SAMPLE_PDF, type FakeTrackingEvent } from './carrier-common'

/**
 * A local fake of the FedEx REST APIs, at FedEx's paths with its JSON shapes
 * (developer.fedex.com: Authorization, Rate, Ship and Track APIs):
 *
 *   POST /oauth/token                  form grant_type=client_credentials&client_id&client_secret
 *   POST /rate/v1/rates/quotes         → {transactionId, output: {rateReplyDetails}}
 *   POST /ship/v1/shipments            → {transactionId, output: {transactionShipments: [{pieceResponses}]}} (PDF label)
 *   PUT  /ship/v1/shipments/cancel     → {output: {cancelledShipment: true}}
 *   POST /track/v1/trackingnumbers     → {output: {completeTrackResults: [{trackResults: [{scanEvents}]}]}}
 *
 * Every API call needs a Bearer token this fake issued (else 401 `{errors: [{code:
 * "NOT.AUTHORIZED.ERROR"}]}`). Rates come from fakeRateMinor (USD). `failNext(500)` scripts an
 * outage, `hangNext()` a rate request that never answers (until aborted), and `deliver()` /
 * `setEvents()` script tracking.
 */
export interface FedexFakeOptions {
  clientId?: string
  clientSecret?: string
}

const fedexError = (code: string, message: string) => ({ transactionId: crypto.randomUUID(), errors: [{ code, message }] })

const EVENT_TYPE: Record<FakeTrackingEvent['status'], string> = {
  label_created: 'OC',
  in_transit: 'IT',
  out_for_delivery: 'OD',
  delivered: 'DL',
  exception: 'DE',
}

export function createFedexFake(opts: FedexFakeOptions = {}) {
  const clientId = opts.clientId ?? 'fedex-fake-client'
  const clientSecret = opts.clientSecret ?? 'fedex-fake-secret'
  const state = carrierFakeState()
  const app = new Hono()

  const authorized = (c: Context) => {
    const token = /^Bearer (.+)$/.exec(c.req.header('Authorization') ?? '')?.[1]
    return token !== undefined && state.tokens.has(token)
  }
  const unauthorized = (c: Context) => c.json(fedexError('NOT.AUTHORIZED.ERROR', 'The given client credentials were not valid.'), 401)
  const scripted = (c: Context) => {
    const f = state.failures.take()
    return f
      ? c.json(
          fedexError(f.status >= 500 ? 'SYSTEM.UNAVAILABLE.EXCEPTION' : 'INVALID.INPUT.EXCEPTION', 'Scripted failure'),
          f.status as 500,
        )
      : null
  }

  app.post('/oauth/token', async (c) => {
    state.calls.token++
    const form = new URLSearchParams(await c.req.text())
    if (form.get('grant_type') !== 'client_credentials') return c.json(fedexError('BAD.REQUEST.ERROR', 'Invalid grant_type'), 400)
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return unauthorized(c)
    const token = state.newToken()
    state.tokens.add(token)
    return c.json({ access_token: token, token_type: 'bearer', expires_in: 3599, scope: 'CXS' })
  })

  app.post('/rate/v1/rates/quotes', async (c) => {
    if (!authorized(c)) return unauthorized(c)
    state.calls.rate++
    if (await state.maybeHang(c.req.path, c.req.raw.signal)) return c.json(fedexError('SYSTEM.UNAVAILABLE.EXCEPTION', 'aborted'), 504)
    const failed = scripted(c)
    if (failed) return failed
    const body = (await c.req.json().catch(() => null)) as {
      accountNumber?: { value?: string }
      requestedShipment?: Record<string, any>
    } | null
    const s = body?.requestedShipment
    const service = s?.serviceType ?? 'FEDEX_GROUND'
    const weight = Number(s?.requestedPackageLineItems?.[0]?.weight?.value)
    const from = s?.shipper?.address?.countryCode
    const to = s?.recipient?.address?.countryCode
    if (!body?.accountNumber?.value || !Number.isFinite(weight) || weight <= 0 || !from || !to) {
      return c.json(fedexError('INVALID.INPUT.EXCEPTION', 'Invalid field value in the input'), 400)
    }
    const amount = fakeRateMinor(service, weight, from !== to)
    return c.json({
      transactionId: crypto.randomUUID(),
      output: {
        rateReplyDetails: [
          {
            serviceType: service,
            serviceName: service,
            packagingType: 'YOUR_PACKAGING',
            ratedShipmentDetails: [
              {
                rateType: 'ACCOUNT',
                ratedWeightMethod: 'ACTUAL',
                totalNetCharge: amount / 100,
                totalBaseCharge: amount / 100,
                currency: 'USD',
              },
            ],
          },
        ],
      },
    })
  })

  app.post('/ship/v1/shipments', async (c) => {
    if (!authorized(c)) return unauthorized(c)
    state.calls.ship++
    const failed = scripted(c)
    if (failed) return failed
    const body = (await c.req.json().catch(() => null)) as { requestedShipment?: Record<string, any>; labelResponseOptions?: string } | null
    const s = body?.requestedShipment
    const weight = Number(s?.requestedPackageLineItems?.[0]?.weight?.value)
    if (!s?.serviceType || !Number.isFinite(weight) || weight <= 0 || !s.recipients?.[0]?.address?.countryCode) {
      return c.json(fedexError('INVALID.INPUT.EXCEPTION', 'Invalid field value in the input'), 400)
    }
    const trackingNumber = String(100000000000 + Math.floor(Math.random() * 899999999999))
    state.shipments.set(trackingNumber, {
      shipmentId: trackingNumber,
      trackingNumber,
      service: s.serviceType,
      weightKg: weight,
      reference: s.requestedPackageLineItems?.[0]?.customerReferences?.[0]?.value ?? '',
      voided: false,
      isReturn:
        Array.isArray(s.shipmentSpecialServices?.specialServiceTypes) &&
        s.shipmentSpecialServices.specialServiceTypes.includes('RETURN_SHIPMENT'),
      fromCountry: s.shipper?.address?.countryCode,
      toCountry: s.recipients[0].address.countryCode,
      events: [{ status: 'label_created', description: 'Shipment information sent to FedEx', at: new Date().toISOString() }],
    })
    const amount = fakeRateMinor(s.serviceType, weight, s.shipper?.address?.countryCode !== s.recipients[0].address.countryCode)
    return c.json({
      transactionId: crypto.randomUUID(),
      output: {
        transactionShipments: [
          {
            masterTrackingNumber: trackingNumber,
            serviceType: s.serviceType,
            shipDatestamp: new Date().toISOString().slice(0, 10),
            pieceResponses: [
              {
                masterTrackingNumber: trackingNumber,
                trackingNumber,
                packageDocuments: [{ contentType: 'LABEL', copiesToPrint: 1, docType: 'PDF', encodedLabel: btoa(SAMPLE_PDF) }],
              },
            ],
            completedShipmentDetail: {
              shipmentRating: {
                shipmentRateDetails: [{ rateType: 'PAYOR_ACCOUNT_SHIPMENT', totalNetCharge: amount / 100, currency: 'USD' }],
              },
            },
          },
        ],
      },
    })
  })

  app.put('/ship/v1/shipments/cancel', async (c) => {
    if (!authorized(c)) return unauthorized(c)
    state.calls.void++
    const body = (await c.req.json().catch(() => null)) as { trackingNumber?: string } | null
    const shipment = body?.trackingNumber ? state.shipments.get(body.trackingNumber) : undefined
    if (!shipment) return c.json(fedexError('TRACKINGNUMBER.NOT.FOUND', 'Tracking number not found'), 404)
    shipment.voided = true
    return c.json({ transactionId: crypto.randomUUID(), output: { cancelledShipment: true, successMessage: 'Success' } })
  })

  app.post('/track/v1/trackingnumbers', async (c) => {
    if (!authorized(c)) return unauthorized(c)
    state.calls.track++
    const failed = scripted(c)
    if (failed) return failed
    const body = (await c.req.json().catch(() => null)) as { trackingInfo?: { trackingNumberInfo?: { trackingNumber?: string } }[] } | null
    const numbers = (body?.trackingInfo ?? []).map((t) => t.trackingNumberInfo?.trackingNumber ?? '')
    if (!numbers.length || numbers.length > 30)
      return c.json(fedexError('TRACKING.TRACKINGNUMBER.EMPTY', 'Please provide 1 to 30 tracking numbers'), 400)
    return c.json({
      transactionId: crypto.randomUUID(),
      output: {
        completeTrackResults: numbers.map((n) => {
          const s = state.shipments.get(n)
          if (!s) {
            return {
              trackingNumber: n,
              trackResults: [
                {
                  trackingNumberInfo: { trackingNumber: n },
                  error: { code: 'TRACKING.TRACKINGNUMBER.NOTFOUND', message: 'Tracking number cannot be found.' },
                },
              ],
            }
          }
          const latest = s.events.at(-1)
          const delivered = s.events.find((e) => e.status === 'delivered')
          return {
            trackingNumber: n,
            trackResults: [
              {
                trackingNumberInfo: { trackingNumber: n, carrierCode: 'FDXE' },
                latestStatusDetail: latest
                  ? {
                      code: EVENT_TYPE[latest.status],
                      derivedCode: EVENT_TYPE[latest.status],
                      statusByLocale: latest.description,
                      description: latest.description,
                    }
                  : undefined,
                dateAndTimes: delivered ? [{ type: 'ACTUAL_DELIVERY', dateTime: delivered.at }] : [],
                scanEvents: [...s.events].reverse().map((e) => ({
                  date: e.at,
                  eventType: EVENT_TYPE[e.status],
                  eventDescription: e.description,
                  derivedStatusCode: EVENT_TYPE[e.status],
                  scanLocation: { city: e.city ?? '', countryCode: e.country ?? '' },
                })),
              },
            ],
          }
        }),
      },
    })
  })

  return {
    app,
    fetch: (req: Request) => app.fetch(req),
    state,
    failNext: state.failures.failNext,
    hangNext: state.hangNext,
    setEvents(trackingNumber: string, events: FakeTrackingEvent[]) {
      const s = state.shipments.get(trackingNumber)
      if (!s) throw new Error(`no FedEx shipment ${trackingNumber}`)
      s.events = events
    },
    deliver(trackingNumber: string, at = new Date()) {
      this.setEvents(trackingNumber, deliveredScript(at))
    },
  }
}

export default createFedexFake().app
