/**
 * What every provider callback shares once its authenticity is established:
 *   - the event is stored once in payment_events under `<provider>:<the provider's event or
 *     transaction id>` and claimed with a short lease, so a duplicate delivery is answered without
 *     being applied again, and a concurrent one is told to retry;
 *   - it is applied by asking the provider for the payment's current state (its status API) and
 *     applying that through applyProviderState: the callback only says "look at this payment", so
 *     callbacks arriving late, twice or in any order all converge on the provider's truth;
 *   - processed_at is set only after it was applied; a failure clears the lease so the provider's
 *     retry applies it.
 */
import { and, eq, sql } from 'drizzle-orm'
import { getDb, type DB } from '../../lib/db'
import { AppError } from '../../lib/errors'
import { log } from '../../lib/observability'
import { addSeconds, nowIso } from '../../lib/time'
import { getOrder, orderState, type OrderDetail } from '../../modules/orders/service'
import type { Actor } from '../../modules/orders/state-machine'
import { applyProviderState, type Outcome } from '../payment-outcomes'
import { getProvider } from '../../modules/payments/providers'
import type { PayableOrder } from '../../modules/payments/providers/types'
import { syncRefundsFromProvider } from '../refunds'
import { findPaymentByRef, raiseAlert, releaseLease, type PaymentRow, type PaymentsEnv } from '../../modules/payments/store'
import { paymentEvents } from '../../modules/payments/tables'

/** Seconds a worker holds an event while applying it; another delivery meanwhile gets 409 and retries. */
const LEASE_SECONDS = 60

export interface ProviderEvent {
  provider: string
  /** The provider's event id, or its transaction id plus the event name when it sends no event id. */
  id: string
  type: string
  objectId: string | null
  orderId: string | null
  payload: string
}

export type EventResult =
  | { kind: 'applied'; outcome: string }
  | { kind: 'duplicate'; outcome: string | null }
  | { kind: 'busy' }
  | { kind: 'failed' }

export type Claim = { kind: 'claimed'; attempts: number } | { kind: 'duplicate'; outcome: string | null } | { kind: 'busy' }

/**
 * Store the event in payment_events under `id` (once: a redelivery finds the row there) and claim it
 * with a LEASE_SECONDS lease. Not claimed: a duplicate when the row was processed, else busy (another
 * delivery holds the lease). D1 failures throw; the caller decides what they answer.
 */
export async function storeAndClaim(db: DB, id: string, event: Omit<ProviderEvent, 'id'>): Promise<Claim> {
  await db
    .insert(paymentEvents)
    .values({
      id,
      provider: event.provider,
      type: event.type,
      objectId: event.objectId,
      orderId: event.orderId,
      payload: event.payload,
      receivedAt: nowIso(),
    })
    .onConflictDoNothing()
  const now = nowIso()
  const [claimed] = await db
    .update(paymentEvents)
    .set({ attempts: sql`${paymentEvents.attempts} + 1`, lockedUntil: addSeconds(now, LEASE_SECONDS) })
    .where(
      and(
        eq(paymentEvents.id, id),
        sql`${paymentEvents.processedAt} IS NULL`,
        sql`(${paymentEvents.lockedUntil} IS NULL OR ${paymentEvents.lockedUntil} < ${now})`,
      ),
    )
    .returning({ attempts: paymentEvents.attempts })
  if (claimed) return { kind: 'claimed', attempts: claimed.attempts }
  const [row] = await db.select().from(paymentEvents).where(eq(paymentEvents.id, id)).limit(1)
  if (row?.processedAt) return { kind: 'duplicate', outcome: row.outcome }
  return { kind: 'busy' }
}

/** Store, claim and apply one authenticated event (see the file comment). Never throws. */
export async function processEvent(env: PaymentsEnv, event: ProviderEvent, apply: () => Promise<string>): Promise<EventResult> {
  const db = getDb(env)
  const id = `${event.provider}:${event.id}`.slice(0, 500)
  try {
    const claim = await storeAndClaim(db, id, event)
    if (claim.kind !== 'claimed') return claim
  } catch (err) {
    log('error', 'payment webhook: could not store the event', { provider: event.provider, event_id: id, error: String(err) })
    return { kind: 'failed' }
  }
  try {
    const outcome = await apply()
    // The provider did not confirm anything yet: leave the event open, so the same callback arriving
    // again (the genuine one, after a premature or unconfirmable copy) is applied, not skipped.
    const settled = outcome !== 'still_pending'
    await db
      .update(paymentEvents)
      .set({ processedAt: settled ? nowIso() : null, outcome, lockedUntil: null, lastError: null })
      .where(eq(paymentEvents.id, id))
    log('info', 'payment webhook: applied', { provider: event.provider, event_id: id, type: event.type, outcome })
    return { kind: 'applied', outcome }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    log('error', 'payment webhook: processing failed, the provider will retry', { provider: event.provider, event_id: id, error: message })
    // Releases the lease even if recording the error fails, so the retry is not met with 409.
    await releaseLease(env, id, message)
    return { kind: 'failed' }
  }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

/** The usual answer: 200 applied/duplicate, 409 being processed (retry), 500 failed (retry). */
export function eventResponse(result: EventResult): Response {
  if (result.kind === 'applied') return json({ received: true, outcome: result.outcome })
  if (result.kind === 'duplicate') return json({ received: true, duplicate: true, outcome: result.outcome })
  if (result.kind === 'busy') return json({ error: { code: 'conflict', message: 'This event is being processed; retry later' } }, 409)
  return json({ error: { code: 'internal_error', message: 'Processing failed; retry later' } }, 500)
}

/** A refused callback: bad or missing signature, stale, not JSON. Nothing was stored. */
export const refuse = (status: 400 | 401 | 403 | 404, code: string, message: string) => json({ error: { code, message } }, status)

export const payableOf = (order: OrderDetail, phone?: string | null): PayableOrder => ({
  id: order.id,
  user_id: order.user_id,
  amount: order.total.amount,
  currency: order.currency,
  email: order.email,
  phone: phone ?? null,
})

const UNPAID = ['pending', 'processing']

/**
 * Ask the provider what happened to `payment` and apply it. If the payer approved but the provider
 * waits for us to finish (PayPal capture), finish it first, but only while the order is unpaid.
 */
export async function applyFromProvider(env: PaymentsEnv, payment: PaymentRow, actor: Actor, eventId?: string | null): Promise<Outcome> {
  const provider = getProvider(payment.provider)
  const order = await getOrder(env, payment.orderId).catch((err) =>
    err instanceof AppError && err.code === 'not_found' ? null : Promise.reject(err),
  )
  if (!order) {
    await raiseAlert(env, 'unknown_order', {
      orderId: payment.orderId,
      paymentId: payment.id,
      eventId,
      details: { reason: 'payment references an order that does not exist' },
    })
    return 'unknown_order'
  }
  let truth = await provider.retrieve(env, payment.providerRef, payableOf(order))
  // Whether the order is still unpaid is the OrderDO's answer, not D1's copy (which may lag).
  const status = (await orderState(env, order.id))?.status ?? order.status
  if (truth.status === 'pending' && provider.complete && payment.providerRef && UNPAID.includes(status)) {
    truth = await provider.complete(env, payment.providerRef, payableOf(order))
  }
  return applyProviderState(env, payment, truth, { actor, eventId })
}

/** The payment row a provider reference belongs to; an unknown one raises an alert. */
export async function paymentOfRef(
  env: PaymentsEnv,
  provider: string,
  ref: string,
  eventId: string,
  details: Record<string, unknown> = {},
) {
  const payment = await findPaymentByRef(env, provider, ref)
  if (!payment) {
    await raiseAlert(env, 'unknown_order', {
      eventId,
      details: { reason: `${provider} callback for a payment we did not start`, provider_ref: ref, ...details },
    })
  }
  return payment ?? null
}

/** Copy the provider's refunds of `payment` to D1 and the order. */
export async function applyRefunds(env: PaymentsEnv, payment: PaymentRow, actor: Actor, eventId: string): Promise<Outcome> {
  await syncRefundsFromProvider(env, payment, actor, eventId)
  return 'refunds_synced'
}

/** Read a request body with a size cap (callbacks are small; anything big is not one). */
export async function readBody(request: Request, max = 256 * 1024): Promise<string | null> {
  const length = Number(request.headers.get('Content-Length') ?? 0)
  if (length > max) return null
  const text = await request.text()
  return text.length > max ? null : text
}

export function parseJson<T>(text: string): T | null {
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' ? (value as T) : null
  } catch {
    return null
  }
}
