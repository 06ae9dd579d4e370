import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { signStripePayload, stripeEvent } from '../../fakes/stripe'
import worker from '../../workers/payment-webhooks/index'
import { FUTURE_TOLERANCE_SECONDS, WEBHOOK_BODY_LIMIT } from '../../workers/payment-webhooks/limits'
import { eventRow } from '../payments/harness'

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  worker.fetch!(
    new Request(`http://webhooks.test${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body }),
    env as never,
  )

/** A body that arrives in 8 KB chunks with no Content-Length, and counts how much of it was pulled. */
function stream(totalBytes: number) {
  const chunk = new Uint8Array(8 * 1024).fill(0x20)
  const state = { pulled: 0 }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= totalBytes) return controller.close()
      state.pulled += chunk.byteLength
      controller.enqueue(chunk)
    },
  })
  return { body, state }
}

describe('payment webhook Worker: body limit', () => {
  it('refuses a body declared larger than 64 KB with 413 in the common envelope, for every provider route', async () => {
    for (const path of [
      '/webhooks/stripe',
      '/webhooks/paypal',
      '/webhooks/paystack',
      '/webhooks/chapa',
      '/webhooks/kaspi',
      '/webhooks/mpesa/tok_1',
    ]) {
      const res = await post(path, 'x'.repeat(WEBHOOK_BODY_LIMIT + 1))
      expect(res.status, path).toBe(413)
      expect(await res.json(), path).toMatchObject({ error: { code: 'payload_too_large' } })
    }
  })

  it('stops reading a streamed body (no Content-Length) at the limit instead of buffering 50 MB', async () => {
    const { body, state } = stream(50 * 1024 * 1024)
    const res = await post('/webhooks/stripe', body)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large' } })
    expect(state.pulled).toBeLessThan(WEBHOOK_BODY_LIMIT + 64 * 1024)
  })

  it('passes a body at the limit on to the provider handler (which judges its signature)', async () => {
    const res = await post('/webhooks/stripe', 'x'.repeat(WEBHOOK_BODY_LIMIT), { 'Stripe-Signature': 't=1,v1=00' })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } })
  })
})

describe('payment webhook Worker: signed timestamps in the future', () => {
  const deliverAt = async (offsetSeconds: number) => {
    const event = stripeEvent('customer.created', { id: `cus_${crypto.randomUUID().slice(0, 8)}`, object: 'customer' })
    const body = JSON.stringify(event)
    const signature = await signStripePayload(body, env.STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000) + offsetSeconds)
    const res = await post('/webhooks/stripe', body, { 'Stripe-Signature': signature })
    return { res, id: event.id as string }
  }

  it('refuses a correctly signed Stripe delivery stamped more than 5 minutes ahead: 400, nothing stored', async () => {
    const { res, id } = await deliverAt(FUTURE_TOLERANCE_SECONDS + 120)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature' } })
    expect(await eventRow(id)).toBeUndefined()
  })

  it('accepts one stamped a little ahead (clock skew inside the tolerance)', async () => {
    const { res, id } = await deliverAt(60)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ received: true, outcome: 'ignored_type' })
    expect(await eventRow(id)).toMatchObject({ type: 'customer.created' })
  })
})
