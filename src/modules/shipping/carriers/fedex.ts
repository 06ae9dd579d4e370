/**
 * FedEx adapter over the FedEx REST APIs, as documented at https://developer.fedex.com/api/en-us/catalog.html:
 * - Authorization (catalog/authorization/v1): POST /oauth/token, form `grant_type=client_credentials
 *   &client_id&client_secret`, answers `{access_token, token_type: "bearer", expires_in, scope}`.
 * - Rate (catalog/rate/v1): POST /rate/v1/rates/quotes with `{accountNumber: {value}, requestedShipment:
 *   {shipper, recipient, pickupType, serviceType, rateRequestType, requestedPackageLineItems}}`, answers
 *   `{transactionId, output: {rateReplyDetails: [{serviceType, ratedShipmentDetails: [{rateType,
 *   totalNetCharge, currency}]}]}}`.
 * - Ship (catalog/ship/v1): POST /ship/v1/shipments with `{labelResponseOptions: "LABEL",
 *   requestedShipment: {…, labelSpecification: {imageType: "PDF"}}, accountNumber}`, answers
 *   `{output: {transactionShipments: [{masterTrackingNumber, pieceResponses: [{trackingNumber,
 *   packageDocuments: [{contentType: "LABEL", docType: "PDF", encodedLabel}]}], completedShipmentDetail}]}}`;
 *   cancel is PUT /ship/v1/shipments/cancel `{accountNumber, trackingNumber}`.
 * - Track (catalog/track/v1): POST /track/v1/trackingnumbers with `{includeDetailedScans, trackingInfo:
 *   [{trackingNumberInfo: {trackingNumber}}]}` (up to 30 numbers), answers `{output:
 *   {completeTrackResults: [{trackingNumber, trackResults: [{latestStatusDetail: {code, description},
 *   dateAndTimes, scanEvents: [{date, eventType, eventDescription, scanLocation}]}]}]}}`.
 * Errors come as `{transactionId, errors: [{code, message}]}`.
 */
import { authorizedFetch, base64ToBytes, carrierJson, clientCredentialsTokens, credentialsSet, decimalToMinor, kilograms } from './http'
import {
  CarrierError,
  type CarrierAdapter,
  type CarrierAddress,
  type TrackingEvent,
  type TrackingResult,
  type TrackingStatus,
} from './types'
import { config } from '../../../lib/config'

export interface FedexEnv {
  FEDEX_API_BASE?: string
  FEDEX_CLIENT_ID?: string
  FEDEX_CLIENT_SECRET?: string
  FEDEX_ACCOUNT_NUMBER?: string
}

/** FedEx service types we offer (Rate API serviceType). */
export const FEDEX_SERVICES: Readonly<Record<string, string>> = {
  FEDEX_GROUND: 'FedEx Ground',
  GROUND_HOME_DELIVERY: 'FedEx Home Delivery',
  FEDEX_2_DAY: 'FedEx 2Day',
  FEDEX_EXPRESS_SAVER: 'FedEx Express Saver',
  STANDARD_OVERNIGHT: 'FedEx Standard Overnight',
  PRIORITY_OVERNIGHT: 'FedEx Priority Overnight',
  INTERNATIONAL_ECONOMY: 'FedEx International Economy',
  INTERNATIONAL_PRIORITY: 'FedEx International Priority',
}

const fedexError = (body: unknown) => {
  const e = (body as { errors?: { code?: string; message?: string }[] } | null)?.errors?.[0]
  return e ? `${e.code ?? ''} ${e.message ?? ''}`.trim() : undefined
}

const address = (a: CarrierAddress) => ({
  ...(a.line1 ? { streetLines: [a.line1, a.line2].filter((l): l is string => Boolean(l)) } : {}),
  ...(a.city ? { city: a.city } : {}),
  ...(a.region ? { stateOrProvinceCode: a.region } : {}),
  ...(a.postal_code ? { postalCode: a.postal_code } : {}),
  countryCode: a.country,
})
const party = (a: CarrierAddress, fallbackName: string) => ({
  contact: { personName: a.name ?? fallbackName, phoneNumber: a.phone ?? '0000000000' },
  address: address(a),
})

/** FedEx scan event / status code → ours (DL delivered, OD out for delivery, OC label created, DE/SE exceptions). */
function statusOf(code: string | undefined): TrackingStatus {
  switch (code) {
    case 'DL':
      return 'delivered'
    case 'OD':
      return 'out_for_delivery'
    case 'OC':
      return 'label_created'
    case 'DE':
    case 'SE':
    case 'CA':
      return 'exception'
    case 'PU':
    case 'IT':
    case 'AR':
    case 'DP':
    case 'AF':
      return 'in_transit'
    default:
      return 'unknown'
  }
}

const iso = (t: string | undefined) => {
  const ms = t ? Date.parse(t) : NaN
  return new Date(Number.isNaN(ms) ? 0 : ms).toISOString()
}

interface ScanEvent {
  date?: string
  eventType?: string
  derivedStatusCode?: string
  eventDescription?: string
  scanLocation?: { city?: string; stateOrProvinceCode?: string; countryCode?: string }
}

export function createFedexAdapter(env: FedexEnv): CarrierAdapter {
  const base = config(env).FEDEX_API_BASE
  const creds = { clientId: env.FEDEX_CLIENT_ID, clientSecret: env.FEDEX_CLIENT_SECRET, accountNumber: env.FEDEX_ACCOUNT_NUMBER }
  const tokens = clientCredentialsTokens(
    'fedex',
    base,
    creds,
    '/oauth/token',
    () => ({
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: env.FEDEX_CLIENT_ID ?? '',
        client_secret: env.FEDEX_CLIENT_SECRET ?? '',
      }).toString(),
    }),
    (res) => carrierJson<{ access_token: string; expires_in: number }>('fedex', res, fedexError),
  )
  const headers = { 'Content-Type': 'application/json', 'X-locale': 'en_US' }
  const account = () => ({ value: env.FEDEX_ACCOUNT_NUMBER ?? '' })

  return {
    name: 'fedex',
    maxBatch: 30,
    configured: () => credentialsSet(creds),

    async rate(req, signal) {
      const res = await authorizedFetch(
        'fedex',
        tokens,
        `${base}/rate/v1/rates/quotes`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({
            accountNumber: account(),
            requestedShipment: {
              shipper: { address: address(req.origin) },
              recipient: { address: address(req.destination) },
              pickupType: 'DROPOFF_AT_FEDEX_LOCATION',
              serviceType: req.service_code,
              rateRequestType: ['ACCOUNT'],
              requestedPackageLineItems: [{ weight: { units: 'KG', value: Number(kilograms(req.weight_grams)) } }],
            },
          }),
        },
        signal,
      )
      const body = await carrierJson<{
        output?: {
          rateReplyDetails?: {
            serviceType?: string
            ratedShipmentDetails?: { rateType?: string; totalNetCharge?: number; currency?: string }[]
          }[]
        }
      }>('fedex', res, fedexError)
      const replies = body.output?.rateReplyDetails ?? []
      const reply = replies.find((r) => r.serviceType === req.service_code) ?? replies[0]
      const detail = reply?.ratedShipmentDetails?.find((d) => d.rateType === 'ACCOUNT') ?? reply?.ratedShipmentDetails?.[0]
      const amount = detail?.currency && detail.totalNetCharge !== undefined ? decimalToMinor(detail.totalNetCharge, detail.currency) : null
      if (!detail?.currency || amount === null) throw new CarrierError('fedex', 502, 'rate response without totalNetCharge')
      return { service_code: req.service_code, amount, currency: detail.currency }
    },

    async createLabel(req) {
      const res = await authorizedFetch('fedex', tokens, `${base}/ship/v1/shipments`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          labelResponseOptions: 'LABEL',
          accountNumber: account(),
          requestedShipment: {
            shipper: party(req.origin, 'Shipper'),
            recipients: [party(req.destination, 'Customer')],
            pickupType: 'DROPOFF_AT_FEDEX_LOCATION',
            serviceType: req.service_code,
            // A return: FedEx print return label (shipmentSpecialServices RETURN_SHIPMENT, returnType PRINT_RETURN_LABEL).
            ...(req.return
              ? {
                  shipmentSpecialServices: {
                    specialServiceTypes: ['RETURN_SHIPMENT'],
                    returnShipmentDetail: { returnType: 'PRINT_RETURN_LABEL' },
                  },
                }
              : {}),
            packagingType: 'YOUR_PACKAGING',
            shippingChargesPayment: { paymentType: 'SENDER' },
            labelSpecification: { imageType: 'PDF', labelStockType: 'PAPER_85X11_TOP_HALF_LABEL' },
            requestedPackageLineItems: [
              {
                weight: { units: 'KG', value: Number(kilograms(req.weight_grams)) },
                customerReferences: [{ customerReferenceType: 'CUSTOMER_REFERENCE', value: req.reference.slice(0, 30) }],
              },
            ],
          },
        }),
      })
      const body = await carrierJson<{
        output?: {
          transactionShipments?: {
            masterTrackingNumber?: string
            pieceResponses?: {
              trackingNumber?: string
              packageDocuments?: { contentType?: string; docType?: string; encodedLabel?: string }[]
            }[]
            completedShipmentDetail?: { shipmentRating?: { shipmentRateDetails?: { totalNetCharge?: number; currency?: string }[] } }
          }[]
        }
      }>('fedex', res, fedexError)
      const shipment = body.output?.transactionShipments?.[0]
      const piece = shipment?.pieceResponses?.[0]
      const doc = piece?.packageDocuments?.find((d) => d.contentType === 'LABEL') ?? piece?.packageDocuments?.[0]
      const tracking = piece?.trackingNumber ?? shipment?.masterTrackingNumber
      if (!tracking || !doc?.encodedLabel) throw new CarrierError('fedex', 502, 'ship response without tracking number or label')
      const rate = shipment?.completedShipmentDetail?.shipmentRating?.shipmentRateDetails?.[0]
      const amount = rate?.currency && rate.totalNetCharge !== undefined ? decimalToMinor(rate.totalNetCharge, rate.currency) : null
      return {
        tracking_number: tracking,
        carrier_shipment_id: shipment?.masterTrackingNumber ?? tracking,
        label: base64ToBytes(doc.encodedLabel),
        label_content_type: (doc.docType ?? 'PDF').toUpperCase() === 'PDF' ? 'application/pdf' : 'application/octet-stream',
        cost: rate?.currency && amount !== null ? { amount, currency: rate.currency } : null,
      }
    },

    async track(numbers) {
      if (!numbers.length) return []
      const res = await authorizedFetch('fedex', tokens, `${base}/track/v1/trackingnumbers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          includeDetailedScans: true,
          trackingInfo: numbers.slice(0, 30).map((trackingNumber) => ({ trackingNumberInfo: { trackingNumber } })),
        }),
      })
      const body = await carrierJson<{
        output?: {
          completeTrackResults?: {
            trackingNumber?: string
            trackResults?: {
              latestStatusDetail?: { code?: string; derivedCode?: string }
              dateAndTimes?: { type?: string; dateTime?: string }[]
              scanEvents?: ScanEvent[]
              error?: { code?: string }
            }[]
          }[]
        }
      }>('fedex', res, fedexError)
      const out: TrackingResult[] = []
      for (const r of body.output?.completeTrackResults ?? []) {
        const t = r.trackResults?.[0]
        if (!r.trackingNumber || !t || t.error) continue
        const events: TrackingEvent[] = (t.scanEvents ?? [])
          .map((e) => {
            const loc = e.scanLocation
            return {
              code: e.eventType ?? '',
              status: statusOf(e.derivedStatusCode ?? e.eventType),
              description: e.eventDescription ?? '',
              location: loc ? [loc.city, loc.stateOrProvinceCode, loc.countryCode].filter(Boolean).join(', ') || null : null,
              at: iso(e.date),
            }
          })
          .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
        const status = statusOf(t.latestStatusDetail?.derivedCode ?? t.latestStatusDetail?.code)
        const deliveredAt = t.dateAndTimes?.find((d) => d.type === 'ACTUAL_DELIVERY')?.dateTime
        out.push({
          tracking_number: r.trackingNumber,
          status,
          delivered_at: status === 'delivered' ? iso(deliveredAt ?? events.at(-1)?.at) : null,
          events,
        })
      }
      return out
    },

    async voidLabel(_shipmentId, trackingNumber) {
      const res = await authorizedFetch('fedex', tokens, `${base}/ship/v1/shipments/cancel`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ accountNumber: account(), trackingNumber, deletionControl: 'DELETE_ALL_PACKAGES' }),
      })
      await carrierJson('fedex', res, fedexError)
    },
  }
}
