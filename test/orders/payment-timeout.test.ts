import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { paymentTimeoutSeconds } from '../../src/modules/orders/checkout'
import { createProduct } from '../fixtures/catalog'
import { flatShipping, placeOrder } from './fixtures'

describe('payment deadline', () => {
  it('gives card payments 30 minutes and manual payments 3 days by default, both configurable', () => {
    expect(paymentTimeoutSeconds({})).toBe(1800)
    expect(paymentTimeoutSeconds({}, 'manual')).toBe(259_200)
    expect(paymentTimeoutSeconds({ ORDER_PAYMENT_TIMEOUT_SECONDS: '60' }, 'stripe')).toBe(60)
    expect(paymentTimeoutSeconds({ MANUAL_PAYMENT_TIMEOUT_SECONDS: '7200' }, 'manual')).toBe(7200)
    expect(paymentTimeoutSeconds({ ORDER_PAYMENT_TIMEOUT_SECONDS: 'nonsense' })).toBe(1800)
  })

  it('stamps a manual order with the manual deadline', async () => {
    const p = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const { order } = await placeOrder(p.variants[0]!.id, await flatShipping(), 1)
    const window = Date.parse(order.payment_due_at) - Date.parse(order.created_at)
    expect(window).toBe(Number(env.MANUAL_PAYMENT_TIMEOUT_SECONDS) * 1000)
  })
})
