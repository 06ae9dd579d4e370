/**
 * One interface over every carrier (UPS and FedEx today): rates for checkout, labels for
 * shipments and returns, tracking for the cron. Adapters speak the carrier's own HTTP API (see
 * ups.ts, fedex.ts); money leaves them in integer minor units and weights enter them in grams.
 */

export const CARRIERS = ['ups', 'fedex'] as const
export type CarrierName = (typeof CARRIERS)[number]

/** How a carrier is shown to people (order timeline, emails, dashboard). */
export const CARRIER_LABELS: Readonly<Record<CarrierName, string>> = { ups: 'UPS', fedex: 'FedEx' }

export interface CarrierAddress {
  name?: string
  line1?: string
  line2?: string
  city?: string
  region?: string
  postal_code?: string
  /** ISO 3166-1 alpha-2, upper case. */
  country: string
  phone?: string
}

export interface RateRequest {
  origin: CarrierAddress
  destination: CarrierAddress
  weight_grams: number
  service_code: string
}

export interface RateResult {
  service_code: string
  /** Integer minor units of `currency`. */
  amount: number
  currency: string
}

export interface LabelRequest {
  /** Who sends the parcel (our warehouse for shipments; the customer for return labels). */
  origin: CarrierAddress
  destination: CarrierAddress
  weight_grams: number
  service_code: string
  /** Our reference printed on the label (shipment or return id). */
  reference: string
  /** A return shipment (the customer sends it back to `destination`, our warehouse, on our account). */
  return?: boolean
}

export interface LabelResult {
  tracking_number: string
  /** The carrier's id of the shipment, for voiding it. */
  carrier_shipment_id: string
  label: Uint8Array
  /** application/pdf, image/gif… as the carrier returned it. */
  label_content_type: string
  cost: { amount: number; currency: string } | null
}

export const TRACKING_STATUSES = ['label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'unknown'] as const
export type TrackingStatus = (typeof TRACKING_STATUSES)[number]

export interface TrackingEvent {
  /** The carrier's own status/event code (UPS activity status code, FedEx eventType). */
  code: string
  status: TrackingStatus
  description: string
  location: string | null
  /** UTC ISO time of the scan. */
  at: string
}

export interface TrackingResult {
  tracking_number: string
  status: TrackingStatus
  delivered_at: string | null
  /** Oldest first. */
  events: TrackingEvent[]
}

export interface CarrierAdapter {
  name: CarrierName
  /** Credentials are set; without them the carrier is not offered (rates fall back, labels refuse). */
  configured(): boolean
  rate(req: RateRequest, signal?: AbortSignal): Promise<RateResult>
  createLabel(req: LabelRequest): Promise<LabelResult>
  /** Tracking for up to `maxBatch` numbers; unknown numbers are left out of the answer. */
  track(trackingNumbers: string[]): Promise<TrackingResult[]>
  /** How many numbers one track() call may carry. */
  maxBatch: number
  voidLabel?(carrierShipmentId: string, trackingNumber: string): Promise<void>
  /**
   * Ask the carrier to push tracking scans of these numbers to `url`, authenticated with
   * `credential` (carriers with a push API only: UPS Track Alert). Answers the numbers it took.
   */
  subscribeTracking?(
    trackingNumbers: string[],
    destination: { url: string; credential: string },
  ): Promise<{ valid: string[]; invalid: string[] }>
}

/** A carrier answered with an error (HTTP status and the carrier's message), or could not be reached. */
export class CarrierError extends Error {
  constructor(
    readonly carrier: CarrierName,
    readonly status: number,
    message: string,
  ) {
    super(`${carrier}: ${message}`)
    this.name = 'CarrierError'
  }
}
