import { describe, expect, it } from 'vitest'
import {
  allocateProportionally,
  calculate,
  discountAmount,
  lineTax,
  shippingAmount,
  type CalcLineInput,
  type CalcShipping,
} from '../../src/modules/pricing/calculate'

const line = (key: string, unit_price: number, quantity = 1, weight_grams = 0): CalcLineInput => ({
  key,
  unit_price,
  quantity,
  weight_grams,
})

const flat = (amount: number, free_over_amount: number | null = null): CalcShipping => ({
  kind: free_over_amount === null ? 'flat' : 'free_over',
  amount,
  free_over_amount,
  per_kg_amount: null,
})

describe('discountAmount', () => {
  it('percentage rounds half away from zero', () => {
    expect(discountAmount(1999, { kind: 'percentage', value: 1000 })).toBe(200) // 199.9
    expect(discountAmount(1005, { kind: 'percentage', value: 1000 })).toBe(101) // 100.5 -> 101
    expect(discountAmount(1004, { kind: 'percentage', value: 1000 })).toBe(100) // 100.4 -> 100
    expect(discountAmount(1, { kind: 'percentage', value: 5000 })).toBe(1) // 0.5 -> 1
    expect(discountAmount(1, { kind: 'percentage', value: 4999 })).toBe(0)
  })

  it('fixed and percentage are clamped to the subtotal', () => {
    expect(discountAmount(500, { kind: 'fixed', value: 800 })).toBe(500)
    expect(discountAmount(500, { kind: 'percentage', value: 15000 })).toBe(500)
    expect(discountAmount(500, { kind: 'fixed', value: 0 })).toBe(0)
    expect(discountAmount(0, { kind: 'fixed', value: 100 })).toBe(0)
    expect(discountAmount(500, null)).toBe(0)
  })
})

describe('allocateProportionally', () => {
  it('splits exactly and gives the remainder to the largest line', () => {
    // 100 over 1:1:1 -> 33 each by floor, the leftover cent to the first largest
    expect(allocateProportionally(100, [300, 300, 300])).toEqual([34, 33, 33])
    // 10 over 100/200/700: exact 1, 2, 7
    expect(allocateProportionally(10, [100, 200, 700])).toEqual([1, 2, 7])
    // 7 over 333/333/334: floor 2,2,2 -> leftover 1 to 334
    expect(allocateProportionally(7, [333, 333, 334])).toEqual([2, 2, 3])
  })

  it('always adds up to the total and never exceeds a line', () => {
    const weights = [1, 1, 1]
    const got = allocateProportionally(2, weights)
    expect(got.reduce((a, b) => a + b, 0)).toBe(2)
    got.forEach((g, i) => expect(g).toBeLessThanOrEqual(weights[i]!))
    expect(got).toEqual([1, 1, 0])

    for (const [total, ws] of [
      [999, [1, 2, 3, 997]],
      [1, [5, 5]],
      [12345, [9999, 1, 2345]],
      [3, [1, 1, 1]],
    ] as const) {
      const res = allocateProportionally(total, [...ws])
      expect(res.reduce((a, b) => a + b, 0)).toBe(total)
      res.forEach((r, i) => {
        expect(r).toBeGreaterThanOrEqual(0)
        expect(r).toBeLessThanOrEqual(ws[i]!)
      })
    }
  })

  it('handles zero and refuses impossible allocations', () => {
    expect(allocateProportionally(0, [10, 20])).toEqual([0, 0])
    expect(allocateProportionally(0, [])).toEqual([])
    expect(() => allocateProportionally(31, [10, 20])).toThrow()
  })

  it('stays exact for amounts whose products exceed 2^53', () => {
    const big = 90_000_000_000_000 // 9e13 each
    const res = allocateProportionally(big, [big, big])
    expect(res).toEqual([big / 2, big / 2])
  })
})

describe('lineTax', () => {
  it('exclusive adds rate on top, rounded half away from zero', () => {
    expect(lineTax(1000, { rate_bps: 2000, inclusive: false })).toBe(200)
    expect(lineTax(1999, { rate_bps: 825, inclusive: false })).toBe(165) // 164.9175
    expect(lineTax(1000, { rate_bps: 825, inclusive: false })).toBe(83) // 82.5 -> 83
    expect(lineTax(0, { rate_bps: 2000, inclusive: false })).toBe(0)
  })

  it('inclusive extracts amount*rate/(10000+rate)', () => {
    expect(lineTax(1200, { rate_bps: 2000, inclusive: true })).toBe(200) // exact
    expect(lineTax(1000, { rate_bps: 2000, inclusive: true })).toBe(167) // 166.67
    expect(lineTax(1999, { rate_bps: 1200, inclusive: true })).toBe(214) // 214.18
    expect(lineTax(105, { rate_bps: 500, inclusive: true })).toBe(5) // exact 5
    expect(lineTax(21, { rate_bps: 2000, inclusive: true })).toBe(4) // 3.5 -> 4
  })

  it('no rate or a zero rate is no tax', () => {
    expect(lineTax(1000, null)).toBe(0)
    expect(lineTax(1000, { rate_bps: 0, inclusive: false })).toBe(0)
  })
})

describe('shippingAmount', () => {
  it('flat charges the amount', () => {
    expect(shippingAmount(flat(499), 100, 0)).toBe(499)
    expect(shippingAmount(null, 100, 0)).toBe(0)
  })

  it('free over a threshold: at the threshold it is free, one cent below it is not', () => {
    expect(shippingAmount(flat(499, 5000), 5000, 0)).toBe(0)
    expect(shippingAmount(flat(499, 5000), 4999, 0)).toBe(499)
    expect(shippingAmount(flat(499, 5000), 9000, 0)).toBe(0)
  })

  it('per weight charges base plus every started kilogram', () => {
    const m: CalcShipping = { kind: 'per_weight', amount: 300, free_over_amount: null, per_kg_amount: 150 }
    expect(shippingAmount(m, 0, 0)).toBe(300)
    expect(shippingAmount(m, 0, 1)).toBe(450)
    expect(shippingAmount(m, 0, 1000)).toBe(450)
    expect(shippingAmount(m, 0, 1001)).toBe(600)
    expect(shippingAmount(m, 0, 2500)).toBe(750)
    expect(shippingAmount({ ...m, free_over_amount: 10_000 }, 10_000, 2500)).toBe(0)
  })
})

describe('calculate', () => {
  it('no discount, no tax, no shipping', () => {
    const r = calculate({ lines: [line('a', 1999, 2), line('b', 500)], discount: null, tax: null, shipping: null })
    expect(r).toMatchObject({ subtotal: 4498, discount: 0, tax: 0, shipping: 0, total: 4498 })
    expect(r.lines).toEqual([
      { key: 'a', subtotal: 3998, discount: 0, tax: 0, total: 3998 },
      { key: 'b', subtotal: 500, discount: 0, tax: 0, total: 500 },
    ])
  })

  it('exclusive tax on the discounted line amounts, sums of lines equal the order', () => {
    const r = calculate({
      lines: [line('a', 1000, 3), line('b', 333)],
      discount: { kind: 'percentage', value: 1000 }, // 10% of 3333 = 333.3 -> 333
      tax: { rate_bps: 825, inclusive: false },
      shipping: flat(500),
    })
    expect(r.subtotal).toBe(3333)
    expect(r.discount).toBe(333)
    // allocation: a 333*3000/3333 = 299.73 -> 299 (+1 leftover, largest) = 300; b 333*333/3333 = 33.27 -> 33
    expect(r.lines.map((l) => l.discount)).toEqual([300, 33])
    // tax: a 2700 * 8.25% = 222.75 -> 223; b 300 * 8.25% = 24.75 -> 25
    expect(r.lines.map((l) => l.tax)).toEqual([223, 25])
    expect(r.tax).toBe(248)
    expect(r.lines.map((l) => l.total)).toEqual([2923, 325])
    expect(r.shipping).toBe(500)
    expect(r.total).toBe(3333 - 333 + 248 + 500)
    expect(r.total).toBe(r.lines.reduce((a, l) => a + l.total, 0) + r.shipping)
  })

  it('inclusive tax is extracted, not added', () => {
    const r = calculate({
      lines: [line('a', 1200, 1), line('b', 1000, 1)],
      discount: null,
      tax: { rate_bps: 2000, inclusive: true },
      shipping: null,
    })
    expect(r.lines.map((l) => l.tax)).toEqual([200, 167])
    expect(r.tax).toBe(367)
    expect(r.total).toBe(2200)
    expect(r.lines.map((l) => l.total)).toEqual([1200, 1000])
  })

  it('inclusive vs exclusive on the same numbers differ only by whether tax is added', () => {
    const base = { lines: [line('a', 2500, 2)], discount: { kind: 'fixed' as const, value: 1000 }, shipping: null }
    const ex = calculate({ ...base, tax: { rate_bps: 2000, inclusive: false } })
    const inc = calculate({ ...base, tax: { rate_bps: 2000, inclusive: true } })
    expect(ex).toMatchObject({ subtotal: 5000, discount: 1000, tax: 800, total: 4800 })
    expect(inc).toMatchObject({ subtotal: 5000, discount: 1000, tax: 667, total: 4000 })
  })

  it('a discount bigger than the subtotal clamps merchandise to zero, shipping still charged', () => {
    const r = calculate({
      lines: [line('a', 300), line('b', 200)],
      discount: { kind: 'fixed', value: 10_000 },
      tax: { rate_bps: 2000, inclusive: false },
      shipping: flat(499),
    })
    expect(r).toMatchObject({ subtotal: 500, discount: 500, tax: 0, shipping: 499, total: 499 })
    expect(r.lines.map((l) => l.discount)).toEqual([300, 200])
    expect(r.lines.every((l) => l.total === 0)).toBe(true)
  })

  it('free-shipping threshold uses the discounted merchandise amount', () => {
    const lines = [line('a', 2600, 2)] // 5200
    expect(calculate({ lines, discount: null, tax: null, shipping: flat(499, 5000) }).shipping).toBe(0)
    // 10% off -> 4680 < 5000, shipping is charged again
    const r = calculate({ lines, discount: { kind: 'percentage', value: 1000 }, tax: null, shipping: flat(499, 5000) })
    expect(r.shipping).toBe(499)
    expect(r.total).toBe(4680 + 499)
  })

  it('per-weight shipping sums variant weight × quantity', () => {
    const m: CalcShipping = { kind: 'per_weight', amount: 500, free_over_amount: null, per_kg_amount: 200 }
    const r = calculate({ lines: [line('a', 1000, 3, 400), line('b', 1000, 1, 250)], discount: null, tax: null, shipping: m })
    expect(r.weight_grams).toBe(1450)
    expect(r.shipping).toBe(500 + 2 * 200)
  })

  it('an empty set of lines costs nothing, not even shipping', () => {
    expect(calculate({ lines: [], discount: { kind: 'fixed', value: 100 }, tax: null, shipping: flat(499) })).toMatchObject({
      subtotal: 0,
      discount: 0,
      tax: 0,
      shipping: 0,
      total: 0,
    })
  })

  it('line discounts always add up exactly over many random carts', () => {
    let seed = 42
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    for (let k = 0; k < 300; k++) {
      const lines = Array.from({ length: 1 + rand(6) }, (_, i) => line(`l${i}`, 1 + rand(5000), 1 + rand(5)))
      const discount = rand(2) ? { kind: 'percentage' as const, value: rand(10001) } : { kind: 'fixed' as const, value: rand(20000) }
      const tax = { rate_bps: rand(3000), inclusive: rand(2) === 1 }
      const r = calculate({ lines, discount, tax, shipping: null })
      expect(r.lines.reduce((a, l) => a + l.discount, 0)).toBe(r.discount)
      expect(r.lines.reduce((a, l) => a + l.tax, 0)).toBe(r.tax)
      expect(r.lines.reduce((a, l) => a + l.total, 0)).toBe(r.total)
      for (const l of r.lines) {
        expect(l.discount).toBeGreaterThanOrEqual(0)
        expect(l.discount).toBeLessThanOrEqual(l.subtotal)
        expect(Number.isInteger(l.tax)).toBe(true)
      }
    }
  })
})
