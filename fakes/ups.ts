import { Hono, type Context } from 'hono'
import {
  carrierFakeState,
  deliveredScript,
  fakeRateMinor,
  minorToDecimal,
  SAMPLE_GIF_BASE64,
  type FakeTrackingEvent,
} from './carrier-common'
import { randomHex } from './failures'

/**
 * A local fake of the UPS REST APIs, at UPS's paths with its JSON shapes (UPS-API/api-documentation:
 * OAuthClientCredentials.yaml, Rating.yaml, Shipping.yaml, Tracking.yaml):
 *
 *   POST   /security/v1/oauth/token                       Basic client_id:secret, grant_type=client_credentials
 *   POST   /api/rating/:version/Rate                      {RateRequest} → {RateResponse: {RatedShipment}}
 *   POST   /api/shipments/:version/ship                   {ShipmentRequest} → {ShipmentResponse: {ShipmentResults}}
 *   DELETE /api/shipments/:version/void/cancel/:id        → {VoidShipmentResponse}
 *   GET    /api/track/v1/details/:inquiryNumber           → {trackResponse: {shipment: [{package: [{activity}]}]}}
 *   POST   /api/track/v1/subscription/standard/package    Track Alert (UPSTrackAlert.yaml): {trackingNumberList, destination}
 *                                                          → {validTrackingNumbers, invalidTrackingNumbers}
 *
 * `push(trackingNumber, send)` then plays UPS's side of Track Alert (for 14 days; `lapse(n)` ends one
 * early, as time would): one POST per scan to the
 * subscription's url, a TrackingEventRequest body with the subscription's `credential` header.
 * Every API call needs a Bearer token this fake issued (`state.calls` counts the authorized ones; else 401 with UPS's error envelope
 * `{response: {errors: [{code, message}]}}`). Rates come from fakeRateMinor (USD). `failNext(500)`
 * scripts an outage, `hangNext()` a rate request that never answers (until aborted), and
 * `deliver(trackingNumber)` / `setEvents()` script what tracking reports.
 */
export interface UpsFakeOptions {
  clientId?: string
  clientSecret?: string
}

const upsError = (code: string, message: string) => ({ response: { errors: [{ code, message }] } })

const STATUS_TYPE: Record<FakeTrackingEvent['status'], string> = {
  label_created: 'M',
  in_transit: 'I',
  out_for_delivery: 'O',
  delivered: 'D',
  exception: 'X',
}

export function createUpsFake(opts: UpsFakeOptions = {}) {
  const clientId = opts.clientId ?? 'ups-fake-client'
  const clientSecret = opts.clientSecret ?? 'ups-fake-secret'
  const state = carrierFakeState()
  const app = new Hono()

  const authorized = (c: Context) => {
    const token = /^Bearer (.+)$/.exec(c.req.header('Authorization') ?? '')?.[1]
    return token !== undefined && state.tokens.has(token)
  }
  const scripted = (c: Context) => {
    const f = state.failures.take()
    return f
      ? c.json(upsError(f.status >= 500 ? '9999' : '120500', f.status >= 500 ? 'Service unavailable' : 'Invalid request'), f.status as 500)
      : null
  }

  app.post('/security/v1/oauth/token', async (c) => {
    state.calls.token++
    const basic = /^Basic (.+)$/.exec(c.req.header('Authorization') ?? '')?.[1]
    const [id, secret] = basic ? atob(basic).split(':') : []
    const form = new URLSearchParams(await c.req.text())
    if (id !== clientId || secret !== clientSecret) return c.json(upsError('10401', 'ClientId is Invalid'), 401)
    if (form.get('grant_type') !== 'client_credentials') return c.json(upsError('10400', 'Invalid grant_type'), 400)
    const token = state.newToken()
    state.tokens.add(token)
    return c.json({
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      client_id: id,
      access_token: token,
      expires_in: '14399',
      status: 'approved',
    })
  })

  app.post('/api/rating/:version/:option', async (c) => {
    if (!authorized(c)) return c.json(upsError('250002', 'Invalid Authentication Information.'), 401)
    state.calls.rate++
    if (await state.maybeHang(c.req.path, c.req.raw.signal)) return c.json(upsError('9999', 'aborted'), 504)
    const failed = scripted(c)
    if (failed) return failed
    const body = (await c.req.json().catch(() => null)) as { RateRequest?: { Shipment?: Record<string, any> } } | null
    const s = body?.RateRequest?.Shipment
    const service = s?.Service?.Code
    const weight = Number(s?.Package?.PackageWeight?.Weight)
    const from = s?.Shipper?.Address?.CountryCode
    const to = s?.ShipTo?.Address?.CountryCode
    if (!service || !Number.isFinite(weight) || weight <= 0 || !from || !to) {
      return c.json(upsError('111210', 'The requested service is unavailable between the selected locations.'), 400)
    }
    const amount = fakeRateMinor(service, weight, from !== to)
    return c.json({
      RateResponse: {
        Response: { ResponseStatus: { Code: '1', Description: 'Success' } },
        RatedShipment: {
          Service: { Code: service, Description: '' },
          BillingWeight: { UnitOfMeasurement: { Code: 'KGS', Description: 'Kilograms' }, Weight: String(weight) },
          TransportationCharges: { CurrencyCode: 'USD', MonetaryValue: minorToDecimal(amount) },
          ServiceOptionsCharges: { CurrencyCode: 'USD', MonetaryValue: '0.00' },
          TotalCharges: { CurrencyCode: 'USD', MonetaryValue: minorToDecimal(amount) },
        },
      },
    })
  })

  app.post('/api/shipments/:version/ship', async (c) => {
    if (!authorized(c)) return c.json(upsError('250002', 'Invalid Authentication Information.'), 401)
    state.calls.ship++
    const failed = scripted(c)
    if (failed) return failed
    const body = (await c.req.json().catch(() => null)) as { ShipmentRequest?: { Shipment?: Record<string, any> } } | null
    const s = body?.ShipmentRequest?.Shipment
    const service = s?.Service?.Code
    const weight = Number(s?.Package?.PackageWeight?.Weight)
    if (!service || !Number.isFinite(weight) || weight <= 0 || !s?.ShipTo?.Address?.CountryCode) {
      return c.json(upsError('120100', 'Missing or invalid shipment data'), 400)
    }
    const trackingNumber = `1Z${randomHex(8).toUpperCase()}`
    const shipmentId = trackingNumber
    state.shipments.set(trackingNumber, {
      shipmentId,
      trackingNumber,
      service,
      weightKg: weight,
      reference: s?.ReferenceNumber?.Value ?? '',
      voided: false,
      isReturn: s?.ReturnService?.Code === '9',
      fromCountry: s?.ShipFrom?.Address?.CountryCode,
      toCountry: s?.ShipTo?.Address?.CountryCode,
      events: [
        {
          status: 'label_created',
          description: 'Shipper created a label, UPS has not received the package yet.',
          at: new Date().toISOString(),
        },
      ],
    })
    const amount = fakeRateMinor(service, weight, s.Shipper?.Address?.CountryCode !== s.ShipTo.Address.CountryCode)
    return c.json({
      ShipmentResponse: {
        Response: { ResponseStatus: { Code: '1', Description: 'Success' } },
        ShipmentResults: {
          ShipmentCharges: { TotalCharges: { CurrencyCode: 'USD', MonetaryValue: minorToDecimal(amount) } },
          BillingWeight: { UnitOfMeasurement: { Code: 'KGS' }, Weight: String(weight) },
          ShipmentIdentificationNumber: shipmentId,
          PackageResults: [
            { TrackingNumber: trackingNumber, ShippingLabel: { ImageFormat: { Code: 'GIF' }, GraphicImage: SAMPLE_GIF_BASE64 } },
          ],
        },
      },
    })
  })

  app.delete('/api/shipments/:version/void/cancel/:id', (c) => {
    if (!authorized(c)) return c.json(upsError('250002', 'Invalid Authentication Information.'), 401)
    state.calls.void++
    const shipment = [...state.shipments.values()].find((s) => s.shipmentId === c.req.param('id'))
    if (!shipment) return c.json(upsError('190117', 'No shipment found within the allowed void period'), 400)
    shipment.voided = true
    return c.json({
      VoidShipmentResponse: {
        Response: { ResponseStatus: { Code: '1', Description: 'Success' } },
        SummaryResult: { Status: { Code: '1', Description: 'Voided' } },
      },
    })
  })

  app.get('/api/track/v1/details/:number', (c) => {
    if (!authorized(c)) return c.json(upsError('250002', 'Invalid Authentication Information.'), 401)
    state.calls.track++
    const failed = scripted(c)
    if (failed) return failed
    const shipment = state.shipments.get(c.req.param('number'))
    if (!shipment) return c.json(upsError('TW0001', 'Tracking Information Not Found'), 404)
    const ymd = (iso: string) => iso.slice(0, 10).replace(/-/g, '')
    const hms = (iso: string) => iso.slice(11, 19).replace(/:/g, '')
    const activity = [...shipment.events].reverse().map((e) => ({
      location: { address: { city: e.city ?? '', stateProvince: '', countryCode: e.country ?? '', country: e.country ?? '' } },
      status: { type: STATUS_TYPE[e.status], description: e.description, code: STATUS_TYPE[e.status] + 'X', statusCode: '000' },
      date: ymd(e.at),
      time: hms(e.at),
    }))
    const latest = activity[0]
    return c.json({
      trackResponse: {
        shipment: [
          {
            inquiryNumber: shipment.trackingNumber,
            package: [
              {
                trackingNumber: shipment.trackingNumber,
                currentStatus: latest ? { description: latest.status.description, code: latest.status.code } : undefined,
                activity,
              },
            ],
          },
        ],
      },
    })
  })

  /** Track Alert subscriptions: tracking number → where and how to push. */
  const subscriptions = new Map<string, { url: string; credentialType: string; credential: string }>()
  /**
   * When each subscription lapses (ms since epoch): UPSTrackAlert.yaml FAQ, "Each 1Z subscription is
   * valid for 14 days"; subscribing again starts 14 new days. `push` refuses a lapsed one, as UPS stops sending.
   */
  const subscriptionExpiry = new Map<string, number>()
  /** The tracking numbers of each subscription request UPS accepted, in order. */
  const subscriptionRequests: string[][] = []
  app.post('/api/track/v1/subscription/standard/package', async (c) => {
    if (!authorized(c)) return c.json({ errors: [{ code: 'UJ0001', message: 'Invalid token or token is not present.' }] }, 401)
    if (!c.req.header('transId')) return c.json(upsError('VSS002', 'Missing transId.'), 400)
    if (!c.req.header('transactionSrc')) return c.json(upsError('VSS004', 'Missing transactionSrc.'), 400)
    const failed = scripted(c)
    if (failed) return failed
    const body = (await c.req.json().catch(() => null)) as {
      locale?: string
      trackingNumberList?: string[]
      destination?: { url?: string; credentialType?: string; credential?: string }
    } | null
    if (!body)
      return c.json(upsError('VSS110', 'Subscription request is empty or not present. The Subscription request has been rejected.'), 400)
    if (!body.locale) return c.json(upsError('VSS300', 'Locale is required. The Subscription request has been rejected.'), 400)
    const list = body.trackingNumberList
    if (!Array.isArray(list) || !list.length)
      return c.json(upsError('VSS200', 'Tracking Number List is required. The Subscription request has been rejected.'), 400)
    if (list.length > 100) return c.json(upsError('VSS220', 'You have submitted over 100 1Z numbers which is not allowed.'), 400)
    const d = body.destination
    if (!d) return c.json(upsError('VSS500', 'Destination is required. The Subscription request has been rejected.'), 400)
    if (!d.url) return c.json(upsError('VSS600', 'URL is empty or not present. The Subscription request has been rejected.'), 400)
    if (!d.credential)
      return c.json(upsError('VSS700', 'Credential is empty or not present. The Subscription request has been rejected.'), 400)
    if (!d.credentialType)
      return c.json(upsError('VSS800', 'CredentialType is empty or not present. The Subscription request has been rejected.'), 400)
    const valid = list.filter((n) => state.shipments.has(n))
    const invalid = list.filter((n) => !state.shipments.has(n))
    if (!valid.length)
      return c.json(
        {
          ...upsError('VSS210', 'The Subscription request should have at least one valid tracking number.'),
          invalidTrackingNumbers: invalid,
        },
        400,
      )
    for (const n of valid) {
      subscriptions.set(n, { url: d.url, credentialType: d.credentialType, credential: d.credential })
      subscriptionExpiry.set(n, Date.now() + 14 * 86_400_000)
    }
    subscriptionRequests.push(valid)
    return c.json({ validTrackingNumbers: valid, ...(invalid.length ? { invalidTrackingNumbers: invalid } : {}) })
  })

  /** A scan as Track Alert's TrackingEventRequest; out-for-delivery is a D scan without a delivery date, as UPS sends it. */
  const trackAlertBody = (trackingNumber: string, e: FakeTrackingEvent) => {
    const ymd = e.at.slice(0, 10).replace(/-/g, '')
    const hms = e.at.slice(11, 19).replace(/:/g, '')
    const delivered = e.status === 'delivered'
    return {
      trackingNumber,
      localActivityDate: ymd,
      localActivityTime: hms,
      gmtActivityDate: ymd,
      gmtActivityTime: hms,
      activityLocation: { city: e.city ?? '', stateProvince: '', postalCode: '', country: e.country ?? '' },
      activityStatus: {
        type: e.status === 'out_for_delivery' ? 'D' : STATUS_TYPE[e.status],
        code: STATUS_TYPE[e.status] + 'X',
        description: e.description,
        descriptionCode: '000',
      },
      scheduledDeliveryDate: '',
      actualDeliveryDate: delivered ? ymd : '',
      actualDeliveryTime: delivered ? hms : '',
      deliveryStartTime: '',
      deliveryEndTime: '',
      deliveryTimeDescription: '',
    }
  }

  return {
    app,
    fetch: (req: Request) => app.fetch(req),
    subscriptions,
    subscriptionExpiry,
    subscriptionRequests,
    /** Let `trackingNumber`'s subscription run out now (as 14 days later at UPS). */
    lapse(trackingNumber: string) {
      subscriptionExpiry.set(trackingNumber, Date.now() - 1)
    },
    /**
     * UPS Track Alert pushing the scans of a subscribed package (all scripted ones, or `events`):
     * one POST per scan through `send`, oldest first. Returns the receiver's answers.
     */
    async push(trackingNumber: string, send: (req: Request) => Promise<Response>, events?: FakeTrackingEvent[]) {
      const sub = subscriptions.get(trackingNumber)
      if (!sub) throw new Error(`UPS Track Alert: ${trackingNumber} is not subscribed`)
      if ((subscriptionExpiry.get(trackingNumber) ?? 0) <= Date.now())
        throw new Error(`UPS Track Alert: the subscription of ${trackingNumber} has lapsed`)
      const scans = events ?? state.shipments.get(trackingNumber)?.events ?? []
      const answers: Response[] = []
      for (const e of scans) {
        answers.push(
          await send(
            new Request(sub.url, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', credential: sub.credential, 'User-Agent': 'UPSPubSubTrackingService' },
              body: JSON.stringify(trackAlertBody(trackingNumber, e)),
            }),
          ),
        )
      }
      return answers
    },
    state,
    failNext: state.failures.failNext,
    hangNext: state.hangNext,
    /** Replace what tracking reports for a shipment. */
    setEvents(trackingNumber: string, events: FakeTrackingEvent[]) {
      const s = state.shipments.get(trackingNumber)
      if (!s) throw new Error(`no UPS shipment ${trackingNumber}`)
      s.events = events
    },
    /** The parcel arrives: tracking now ends with a delivery scan. */
    deliver(trackingNumber: string, at = new Date()) {
      this.setEvents(trackingNumber, deliveredScript(at))
    },
  }
}

export default createUpsFake().app
