/**
 * UPS adapter over the UPS REST APIs, as documented by UPS at https://developer.ups.com/api/reference
 * and in the OpenAPI files of https://github.com/UPS-API/api-documentation:
 * - OAuth Client Credentials (OAuthClientCredentials.yaml): POST /security/v1/oauth/token, HTTP Basic
 *   client_id:client_secret, form `grant_type=client_credentials`, answers
 *   `{token_type: "Bearer", access_token, expires_in: "14399", status: "approved", …}`.
 * - Rating (Rating.yaml): POST /api/rating/{version}/Rate with `{RateRequest: {Request, Shipment}}`,
 *   answers `{RateResponse: {Response: {ResponseStatus}, RatedShipment: {Service, TotalCharges:
 *   {CurrencyCode, MonetaryValue}}}}`.
 * - Shipping (Shipping.yaml): POST /api/shipments/{version}/ship with `{ShipmentRequest: {Request,
 *   Shipment, LabelSpecification}}`, answers `{ShipmentResponse: {ShipmentResults:
 *   {ShipmentIdentificationNumber, ShipmentCharges, PackageResults: [{TrackingNumber, ShippingLabel:
 *   {ImageFormat: {Code}, GraphicImage: base64}}]}}}`; void is DELETE
 *   /api/shipments/{version}/void/cancel/{ShipmentIdentificationNumber}.
 * - Tracking (Tracking.yaml): GET /api/track/v1/details/{inquiryNumber}, answers `{trackResponse:
 *   {shipment: [{package: [{trackingNumber, currentStatus, deliveryDate, activity: [{status: {type,
 *   code, description}, location, date: "YYYYMMDD", time: "HHMMSS"}]}]}]}}` (activity newest first).
 * Errors come as `{response: {errors: [{code, message}]}}`.
 * Labels: the Shipping API's label image formats are GIF, PNG, ZPL, EPL and SPL (no PDF); we ask for GIF,
 * the printable default, and store it with its content type.
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

export interface UpsEnv {
  UPS_API_BASE?: string
  UPS_CLIENT_ID?: string
  UPS_CLIENT_SECRET?: string
  UPS_ACCOUNT_NUMBER?: string
}

export const UPS_RATING_VERSION = 'v2409'
export const UPS_SHIPPING_VERSION = 'v2409'

/** UPS service codes we offer (Rating.yaml, Service.Code). */
export const UPS_SERVICES: Readonly<Record<string, string>> = {
  '01': 'UPS Next Day Air',
  '02': 'UPS 2nd Day Air',
  '03': 'UPS Ground',
  '07': 'UPS Worldwide Express',
  '08': 'UPS Worldwide Expedited',
  '11': 'UPS Standard',
  '12': 'UPS 3 Day Select',
  '65': 'UPS Worldwide Saver',
}

interface UpsError {
  response?: { errors?: { code?: string; message?: string }[] }
}
const upsError = (body: unknown) => {
  const e = (body as UpsError | null)?.response?.errors?.[0]
  return e ? `${e.code ?? ''} ${e.message ?? ''}`.trim() : undefined
}

const address = (a: CarrierAddress) => ({
  AddressLine: [a.line1, a.line2].filter((l): l is string => Boolean(l)),
  City: a.city ?? '',
  ...(a.region ? { StateProvinceCode: a.region } : {}),
  ...(a.postal_code ? { PostalCode: a.postal_code } : {}),
  CountryCode: a.country,
})

/** UPS activity status type → ours (Tracking.yaml: D delivered, X exception, M manifest, O out for delivery). */
function statusOf(type: string | undefined): TrackingStatus {
  switch (type) {
    case 'D':
      return 'delivered'
    case 'X':
      return 'exception'
    case 'M':
    case 'MV':
      return 'label_created'
    case 'O':
      return 'out_for_delivery'
    case 'I':
    case 'P':
      return 'in_transit'
    default:
      return 'unknown'
  }
}

/** "20261201" + "101500" → 2026-12-01T10:15:00.000Z (UPS gives local times; we treat them as UTC). */
function upsTime(date?: string, time?: string): string {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date ?? '')
  if (!d) return new Date(0).toISOString()
  const t = /^(\d{2})(\d{2})(\d{2})$/.exec(time ?? '') ?? [null, '00', '00', '00']
  return new Date(Date.UTC(+d[1]!, +d[2]! - 1, +d[3]!, +t[1]!, +t[2]!, +t[3]!)).toISOString()
}

interface UpsActivity {
  status?: { type?: string; code?: string; description?: string }
  location?: { address?: { city?: string; stateProvince?: string; countryCode?: string } }
  date?: string
  time?: string
}

export function createUpsAdapter(env: UpsEnv): CarrierAdapter {
  const base = config(env).UPS_API_BASE
  const creds = { clientId: env.UPS_CLIENT_ID, clientSecret: env.UPS_CLIENT_SECRET, accountNumber: env.UPS_ACCOUNT_NUMBER }
  const tokens = clientCredentialsTokens(
    'ups',
    base,
    creds,
    '/security/v1/oauth/token',
    () => ({
      headers: {
        Authorization: `Basic ${btoa(`${env.UPS_CLIENT_ID}:${env.UPS_CLIENT_SECRET}`)}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'x-merchant-id': env.UPS_ACCOUNT_NUMBER ?? '',
      },
      body: 'grant_type=client_credentials',
    }),
    async (res) => {
      const body = await carrierJson<{ access_token: string; expires_in: string }>('ups', res, upsError)
      return { access_token: body.access_token, expires_in: Number(body.expires_in) || 3600 }
    },
  )
  const headers = (transId: string) => ({ 'Content-Type': 'application/json', transId, transactionSrc: 'edge-commerce' })
  const shipper = (origin: CarrierAddress) => ({
    Name: origin.name ?? 'Shipper',
    ShipperNumber: env.UPS_ACCOUNT_NUMBER ?? '',
    ...(origin.phone ? { Phone: { Number: origin.phone } } : {}),
    Address: address(origin),
  })

  return {
    name: 'ups',
    maxBatch: 1,
    configured: () => credentialsSet(creds),

    async rate(req, signal) {
      const res = await authorizedFetch(
        'ups',
        tokens,
        `${base}/api/rating/${UPS_RATING_VERSION}/Rate`,
        {
          method: 'POST',
          headers: headers(crypto.randomUUID().replace(/-/g, '').slice(0, 32)),
          body: JSON.stringify({
            RateRequest: {
              Request: { TransactionReference: { CustomerContext: 'checkout rate' } },
              Shipment: {
                Shipper: shipper(req.origin),
                ShipFrom: { Name: req.origin.name ?? 'Shipper', Address: address(req.origin) },
                ShipTo: { Name: req.destination.name ?? 'Customer', Address: address(req.destination) },
                Service: { Code: req.service_code },
                Package: {
                  PackagingType: { Code: '02' },
                  PackageWeight: { UnitOfMeasurement: { Code: 'KGS' }, Weight: kilograms(req.weight_grams) },
                },
              },
            },
          }),
        },
        signal,
      )
      const body = await carrierJson<{
        RateResponse?: { RatedShipment?: RatedShipment | RatedShipment[] }
      }>('ups', res, upsError)
      const rated = [body.RateResponse?.RatedShipment ?? []].flat()
      const match = rated.find((r) => r.Service?.Code === req.service_code) ?? rated[0]
      const charges = match?.TotalCharges
      const amount = charges ? decimalToMinor(charges.MonetaryValue, charges.CurrencyCode) : null
      if (!charges || amount === null) throw new CarrierError('ups', 502, 'rate response without TotalCharges')
      return { service_code: req.service_code, amount, currency: charges.CurrencyCode }
    },

    async createLabel(req) {
      const res = await authorizedFetch('ups', tokens, `${base}/api/shipments/${UPS_SHIPPING_VERSION}/ship`, {
        method: 'POST',
        headers: headers(req.reference.replace(/[^A-Za-z0-9]/g, '').slice(0, 32)),
        body: JSON.stringify({
          ShipmentRequest: {
            Request: { RequestOption: 'nonvalidate', TransactionReference: { CustomerContext: req.reference } },
            Shipment: {
              Description: req.reference,
              // A return: UPS Print Return Label (ReturnService 9); the shipper is still our account (the warehouse).
              ...(req.return ? { ReturnService: { Code: '9' } } : {}),
              Shipper: shipper(req.return ? req.destination : req.origin),
              ShipFrom: { Name: req.origin.name ?? 'Shipper', Address: address(req.origin) },
              ShipTo: {
                Name: req.destination.name ?? 'Customer',
                ...(req.destination.phone ? { Phone: { Number: req.destination.phone } } : {}),
                Address: address(req.destination),
              },
              PaymentInformation: { ShipmentCharge: { Type: '01', BillShipper: { AccountNumber: env.UPS_ACCOUNT_NUMBER ?? '' } } },
              Service: { Code: req.service_code },
              ReferenceNumber: { Value: req.reference.slice(0, 35) },
              Package: {
                Packaging: { Code: '02' },
                PackageWeight: { UnitOfMeasurement: { Code: 'KGS' }, Weight: kilograms(req.weight_grams) },
              },
            },
            LabelSpecification: { LabelImageFormat: { Code: 'GIF' }, HTTPUserAgent: 'edge-commerce' },
          },
        }),
      })
      const body = await carrierJson<{
        ShipmentResponse?: {
          ShipmentResults?: {
            ShipmentIdentificationNumber?: string
            ShipmentCharges?: { TotalCharges?: { CurrencyCode: string; MonetaryValue: string } }
            PackageResults?: UpsPackageResult | UpsPackageResult[]
          }
        }
      }>('ups', res, upsError)
      const results = body.ShipmentResponse?.ShipmentResults
      const pkg = [results?.PackageResults ?? []].flat()[0]
      if (!results?.ShipmentIdentificationNumber || !pkg?.TrackingNumber || !pkg.ShippingLabel?.GraphicImage) {
        throw new CarrierError('ups', 502, 'ship response without tracking number or label')
      }
      const charges = results.ShipmentCharges?.TotalCharges
      const amount = charges ? decimalToMinor(charges.MonetaryValue, charges.CurrencyCode) : null
      const format = (pkg.ShippingLabel.ImageFormat?.Code ?? 'GIF').toUpperCase()
      return {
        tracking_number: pkg.TrackingNumber,
        carrier_shipment_id: results.ShipmentIdentificationNumber,
        label: base64ToBytes(pkg.ShippingLabel.GraphicImage),
        label_content_type:
          format === 'PDF'
            ? 'application/pdf'
            : format === 'PNG'
              ? 'image/png'
              : format === 'GIF'
                ? 'image/gif'
                : 'application/octet-stream',
        cost: charges && amount !== null ? { amount, currency: charges.CurrencyCode } : null,
      }
    },

    async track(numbers) {
      const out: TrackingResult[] = []
      for (const n of numbers) {
        const res = await authorizedFetch('ups', tokens, `${base}/api/track/v1/details/${encodeURIComponent(n)}?locale=en_US`, {
          method: 'GET',
          headers: headers(crypto.randomUUID().replace(/-/g, '').slice(0, 32)),
        })
        if (res.status === 404) {
          await res.body?.cancel()
          continue
        }
        const body = await carrierJson<{
          trackResponse?: { shipment?: { package?: { trackingNumber?: string; activity?: UpsActivity[] }[] }[] }
        }>('ups', res, upsError)
        const pkg = body.trackResponse?.shipment?.[0]?.package?.[0]
        if (!pkg) continue
        const events: TrackingEvent[] = (pkg.activity ?? [])
          .map((a) => {
            const loc = a.location?.address
            return {
              code: a.status?.code ?? a.status?.type ?? '',
              status: statusOf(a.status?.type),
              description: a.status?.description ?? '',
              location: loc ? [loc.city, loc.stateProvince, loc.countryCode].filter(Boolean).join(', ') || null : null,
              at: upsTime(a.date, a.time),
            }
          })
          .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
        const latest = events.at(-1)
        const delivered = events.find((e) => e.status === 'delivered')
        out.push({
          tracking_number: pkg.trackingNumber ?? n,
          status: delivered ? 'delivered' : (latest?.status ?? 'unknown'),
          delivered_at: delivered?.at ?? null,
          events,
        })
      }
      return out
    },

    /**
     * UPS Track Alert (UPSTrackAlert.yaml): POST /api/track/v1/subscription/standard/package with
     * `{locale, countryCode, trackingNumberList (≤ 100), destination: {url, credentialType,
     * credential}}`, answers `{validTrackingNumbers, invalidTrackingNumbers}`. For 14 days UPS POSTs
     * each new scan to the url with the credential in a `credential` header.
     */
    async subscribeTracking(numbers, destination) {
      const res = await authorizedFetch('ups', tokens, `${base}/api/track/v1/subscription/standard/package`, {
        method: 'POST',
        headers: headers(crypto.randomUUID().replace(/-/g, '').slice(0, 32)),
        body: JSON.stringify({
          locale: 'en_US',
          countryCode: 'US',
          trackingNumberList: numbers,
          destination: { url: destination.url, credentialType: 'Bearer', credential: destination.credential },
        }),
      })
      const body = await carrierJson<{ validTrackingNumbers?: string[]; invalidTrackingNumbers?: string[] }>('ups', res, upsError)
      return { valid: body.validTrackingNumbers ?? [], invalid: body.invalidTrackingNumbers ?? [] }
    },

    async voidLabel(shipmentId) {
      const res = await authorizedFetch(
        'ups',
        tokens,
        `${base}/api/shipments/${UPS_SHIPPING_VERSION}/void/cancel/${encodeURIComponent(shipmentId)}`,
        { method: 'DELETE', headers: headers(crypto.randomUUID().replace(/-/g, '').slice(0, 32)) },
      )
      await carrierJson('ups', res, upsError)
    },
  }
}

interface RatedShipment {
  Service?: { Code?: string }
  TotalCharges?: { CurrencyCode: string; MonetaryValue: string }
}

interface UpsPackageResult {
  TrackingNumber?: string
  ShippingLabel?: { ImageFormat?: { Code?: string }; GraphicImage?: string }
}
