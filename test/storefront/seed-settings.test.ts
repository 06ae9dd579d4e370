import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SEED_SHIPPING_METHODS, SEED_TAX_RATES, seedStoreSettings } from '../../src/seed'

describe('seed store settings', () => {
  it('adds shipping methods, tax rates and discount codes once, and keeps what an admin changed', async () => {
    expect(await seedStoreSettings(env.DB)).toBe(SEED_SHIPPING_METHODS.length + SEED_TAX_RATES.length + 2)
    await env.DB.prepare("UPDATE shipping_methods SET amount = 1 WHERE id = 'shp_seed_flat'").run()
    expect(await seedStoreSettings(env.DB)).toBe(0)
    const row = await env.DB.prepare("SELECT amount FROM shipping_methods WHERE id = 'shp_seed_flat'").first<{ amount: number }>()
    expect(row!.amount).toBe(1)
    const kinds = await env.DB.prepare('SELECT DISTINCT kind FROM shipping_methods').all<{ kind: string }>()
    expect(kinds.results.map((k) => k.kind).sort()).toEqual(['flat', 'free_over', 'per_weight'])
    for (const c of ['US', 'DE', 'GB', 'KZ', 'KE', 'NG']) expect(SEED_TAX_RATES.some((t) => t.country === c)).toBe(true)
  })
})
