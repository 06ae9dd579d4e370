/**
 * What the UPS and FedEx fakes share: scripted failures and hangs, tracking scripts, a tiny PDF,
 * and the made-up but deterministic rate table (so tests can predict a quote).
 */
import { failureScript, randomHex } from './failures'

export interface FakeTrackingEvent {
  /** delivered | in_transit | out_for_delivery | label_created | exception */
  status: 'label_created' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'exception'
  description: string
  city?: string
  country?: string
  /** UTC ISO. */
  at: string
}

export interface FakeShipment {
  shipmentId: string
  trackingNumber: string
  service: string
  weightKg: number
  reference: string
  voided: boolean
  /** Bought as a return label (UPS ReturnService / FedEx RETURN_SHIPMENT); its from/to countries as sent. */
  isReturn?: boolean
  fromCountry?: string
  toCountry?: string
  events: FakeTrackingEvent[]
}

/** A valid one-page PDF, so a stored label opens in a viewer. */
export const SAMPLE_PDF = `%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 288 432]>>endobj
trailer<</Root 1 0 R>>
%%EOF
`
/** A 1×1 GIF (UPS labels are GIF). */
export const SAMPLE_GIF_BASE64 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'

export function carrierFakeState() {
  const failures = failureScript()
  const hangs: { path: RegExp }[] = []
  const waiting = new Set<() => void>()
  return {
    failures,
    tokens: new Set<string>(),
    shipments: new Map<string, FakeShipment>(),
    calls: { token: 0, rate: 0, ship: 0, track: 0, void: 0 },
    /** The next request to a path matching `path` (default: any rate request) never answers until aborted or released. */
    hangNext(path: RegExp = /rate/i) {
      hangs.push({ path })
    },
    /** Wait here if a hang is scripted for this path; resolves when the caller aborts or releaseHangs() runs. */
    async maybeHang(path: string, signal: AbortSignal): Promise<boolean> {
      const i = hangs.findIndex((h) => h.path.test(path))
      if (i < 0) return false
      hangs.splice(i, 1)
      await new Promise<void>((resolve) => {
        const done = () => {
          waiting.delete(done)
          resolve()
        }
        waiting.add(done)
        signal.addEventListener('abort', done, { once: true })
      })
      return true
    },
    releaseHangs() {
      for (const done of [...waiting]) done()
    },
    newToken: () => randomHex(24),
  }
}

/**
 * Rates of the fakes, in minor units: a base price per service plus a price per started kilogram,
 * doubled across borders. Shared by both fakes so a test reads the expected figure from here.
 */
export function fakeRateMinor(service: string, weightKg: number, international: boolean): number {
  const base: Record<string, number> = {
    '01': 3500,
    '02': 1800,
    '03': 850,
    '11': 1200,
    FEDEX_GROUND: 900,
    GROUND_HOME_DELIVERY: 950,
    FEDEX_2_DAY: 1900,
    PRIORITY_OVERNIGHT: 4200,
  }
  const price = (base[service] ?? 2500) + 150 * Math.ceil(weightKg)
  return international ? price * 2 : price
}

export const minorToDecimal = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`

/** Events for a shipment that goes label → pickup → transit → delivered, ending `doneAt`. */
export function deliveredScript(doneAt = new Date()): FakeTrackingEvent[] {
  const t = (h: number) => new Date(doneAt.getTime() - h * 3_600_000).toISOString()
  return [
    { status: 'label_created', description: 'Shipment information sent', at: t(48) },
    { status: 'in_transit', description: 'Picked up', city: 'Louisville', country: 'US', at: t(40) },
    { status: 'out_for_delivery', description: 'Out for delivery', city: 'London', country: 'GB', at: t(4) },
    { status: 'delivered', description: 'Delivered', city: 'London', country: 'GB', at: t(0) },
  ]
}
