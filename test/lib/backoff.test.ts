import { describe, expect, it } from 'vitest'
import { backoffDelay } from '../../src/lib/backoff'
import { backoffSeconds as webhookBackoff } from '../../src/modules/integrations/webhook-consumer'
import { backoffSeconds as marketplaceBackoff } from '../../src/modules/marketplace/consumer'
import { backoffSeconds as notificationBackoff } from '../../src/modules/notifications/consumer'
import { backoffMs as writeThroughBackoff } from '../../src/modules/orders/order-do'

describe('backoffDelay', () => {
  it('starts at the base on the first delivery, multiplies per delivery, stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 8, 50].map((n) => backoffDelay(n, { base: 30, max: 3600 }))).toEqual([30, 60, 120, 240, 480, 3600, 3600])
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, { base: 30, max: 86_400, factor: 4 }))).toEqual([30, 30, 120, 480])
  })

  it('is what the consumers retry with', () => {
    expect([1, 2, 3, 6].map(marketplaceBackoff)).toEqual([30, 60, 120, 960])
    expect([1, 2, 3, 6].map((n) => notificationBackoff(n))).toEqual([30, 60, 120, 960])
    expect(notificationBackoff(3, 5)).toBe(20)
    expect([1, 2, 3].map(webhookBackoff)).toEqual([30, 120, 480])
  })

  it('is what the OrderDO retries a failed write-through with (milliseconds: 2 s doubling, at most 10 min)', () => {
    expect([0, 1, 2, 3, 9, 10, 30].map(writeThroughBackoff)).toEqual([2_000, 2_000, 4_000, 8_000, 512_000, 600_000, 600_000])
  })
})
