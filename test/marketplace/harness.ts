import { createExecutionContext, createMessageBatch, env, getQueueResult, SELF } from 'cloudflare:test'
import { vi } from 'vitest'
import { fakeKaspi, kaspiState, pullPriceList, resetKaspi } from '../../fakes/kaspi'
import { fakeOzon, ozonState, resetOzon } from '../../fakes/ozon'
import type { CatalogChangeMessage } from '../../src/lib/events'
import worker from '../../workers/marketplace-sync/index'
import { makeProduct } from '../catalog/fixtures'
import { BASE, type createUser } from '../helpers'
import { routeFetch } from '../fakes'

export { kaspiState, ozonState }

/** Both marketplace fakes, reached at the real origins through routeFetch, with fresh state. */
export function installMarketplaceFakes() {
  resetKaspi()
  resetOzon()
  return routeFetch({
    'https://kaspi.kz': (r) => fakeKaspi.fetch(r),
    'https://api-seller.ozon.ru': (r) => fakeOzon.fetch(r),
  })
}

/** Every message the API Worker sends to the marketplace-sync queue from now on. */
export function captureSyncMessages() {
  const send = vi.spyOn(env.MARKETPLACE_QUEUE, 'send')
  const sendBatch = vi.spyOn(env.MARKETPLACE_QUEUE, 'sendBatch')
  return () =>
    [...send.mock.calls.map((call) => call[0]), ...sendBatch.mock.calls.flatMap((call) => [...call[0]].map((m) => m.body))] as (
      | CatalogChangeMessage
      | Record<string, unknown>
    )[]
}

let seq = 0

/** Hand messages to the real marketplace-sync Worker as one batch; returns what it did with each. */
export async function deliver(bodies: unknown[], opts: { attempts?: number; queue?: string; env?: Record<string, unknown> } = {}) {
  const batch = createMessageBatch<unknown>(
    opts.queue ?? 'marketplace-sync',
    bodies.map((body) => ({ id: `mkt-${++seq}`, timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  )
  // The pool's queue result records retries but not their delay, so read the delay off retry().
  const retrySpies = batch.messages.map((m) => vi.spyOn(m, 'retry'))
  const ctx = createExecutionContext()
  const queue = worker.queue as ExportedHandlerQueueHandler<Env>
  await queue(batch, { ...env, ...opts.env } as Env, ctx)
  const result = await getQueueResult(batch, ctx)
  const delays = retrySpies.map((spy) => spy.mock.calls[0]?.[0]?.delaySeconds)
  return { ...result, delays }
}

/** A catalog change message as the catalog publishes it. */
export function changeMessage(productIds: string[], occurredAt = new Date().toISOString()): CatalogChangeMessage {
  return { id: `msg_test_${++seq}`, type: 'catalog.products_changed', occurred_at: occurredAt, product_ids: productIds, reason: 'test' }
}

/** An active KZT product with two variants, created through the admin API. */
export async function kztProduct(admin: Awaited<ReturnType<typeof createUser>>, opts: { stock?: number; price?: number } = {}) {
  const suffix = `${Date.now().toString(36)}${++seq}`
  return makeProduct(admin, {
    name: `Chapan ${suffix}`,
    description: 'Hand-stitched velvet chapan',
    currency: 'KZT',
    variants: [
      { sku: `CH-${suffix}-M`, name: 'M', price: opts.price ?? 1_999_900, stock: opts.stock ?? 4, attributes: { brand: 'Alasha' } },
      { sku: `CH-${suffix}-L`, name: 'L', price: (opts.price ?? 1_999_900) + 50_000, stock: 2, attributes: { brand: 'Alasha' } },
    ],
  })
}

/** What Kaspi would download from our price list URL right now. */
export async function kaspiPulls() {
  const url = `${BASE}/api/v1/marketplace/kaspi/price-list/${env.KASPI_PRICE_LIST_TOKEN}.xml`
  return pullPriceList(url, (u) => SELF.fetch(u))
}
