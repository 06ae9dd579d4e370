// Product import from CSV: dry run with per-row errors, apply in chunks, idempotent re-run, the
// export's own file imported back, concurrent apply calls.
import { env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { APPLY_CHUNK } from '../../src/modules/admin-tools/imports'
import { api, BASE, createUser } from '../helpers'

type User = Awaited<ReturnType<typeof createUser>>

const HEADER = 'product_slug,product_name,status,currency,sku,variant_name,price,compare_at_price,stock,attributes'

async function dryRun(user: User, csv: string) {
  return api('POST', '/api/v1/admin/imports', { headers: user.auth, body: { csv, file_name: 'test.csv' } })
}

/** Apply until done, as the dashboard does; returns the final job and how many calls it took. */
async function applyAll(user: User, id: string) {
  let calls = 0
  for (;;) {
    const res = await api('POST', `/api/v1/admin/imports/${id}/apply`, { headers: user.auth })
    expect(res.status).toBe(200)
    calls++
    if (res.body.status === 'done') return { job: res.body, calls }
    expect(calls).toBeLessThan(1000)
  }
}

const productBySku = async (user: User, sku: string) => {
  const row = await env.DB.prepare('SELECT product_id FROM product_variants WHERE sku = ?').bind(sku).first<{ product_id: string }>()
  if (!row) return null
  return (await api('GET', `/api/v1/admin/products/${row.product_id}`, { headers: user.auth })).body
}

describe('product import', () => {
  let staff: User
  beforeAll(async () => {
    staff = await createUser('staff')
  })

  it('reports every bad row by line and column and writes nothing in the dry run', async () => {
    const csv = [
      HEADER,
      'imp-mug,Mug,active,USD,IMP-MUG-S,Small,9.99,,5,"{""size"":""S""}"',
      'imp-mug,Mug,active,USD,IMP-MUG-L,Large,12.5,,3,',
      ',No price,draft,USD,IMP-NOPRICE,,,,1,',
      ',Bad price,draft,USD,IMP-BADPRICE,,9.999,,1,',
      ',Bad stock,draft,USD,IMP-BADSTOCK,,1.00,,-2,',
      ',Bad sku,draft,USD,bad sku!,,1.00,,1,',
      ',Twice,draft,USD,IMP-MUG-S,,1.00,,1,',
      ',,draft,USD,IMP-NONAME,,1.00,,1,',
      ',Bad status,sold,USD,IMP-STATUS,,1.00,,1,',
      ',Bad currency,draft,usd1,IMP-CUR,,1.00,,1,',
    ].join('\n')
    const res = await dryRun(staff, csv)
    expect(res.status).toBe(201)
    const job = res.body
    expect(job).toMatchObject({
      status: 'ready',
      total_rows: 10,
      valid_rows: 2,
      error_rows: 8,
      planned: { create: 2, update: 0 },
      processed_rows: 0,
    })
    const at = (line: number) => job.errors.filter((e: { line: number }) => e.line === line).map((e: { column: string }) => e.column)
    expect(at(4)).toEqual(['price'])
    expect(at(5)).toEqual(['price'])
    expect(at(6)).toEqual(['stock'])
    expect(at(7)).toEqual(['sku'])
    expect(at(8)).toEqual(['sku'])
    expect(job.errors.find((e: { line: number }) => e.line === 8).message).toMatch(/line 2/)
    expect(at(9)).toEqual(['product_name'])
    expect(at(10)).toEqual(['status'])
    expect(at(11)).toContain('currency')
    expect(await productBySku(staff, 'IMP-MUG-S')).toBeNull()
    // The progress endpoint answers the same report.
    const again = await api('GET', `/api/v1/admin/imports/${job.id}`, { headers: staff.auth })
    expect(again.body).toMatchObject({ id: job.id, error_rows: 8, valid_rows: 2 })
  })

  it('refuses files it cannot read with 400', async () => {
    expect((await dryRun(staff, 'name,price\nx,1')).body.error.code).toBe('validation_error')
    expect((await dryRun(staff, 'sku\n"open')).status).toBe(400)
    expect((await dryRun(staff, HEADER)).status).toBe(400)
    expect((await api('POST', '/api/v1/admin/imports', { headers: staff.auth, body: {} })).status).toBe(400)
    const seller = await createUser('seller')
    expect((await dryRun(seller, `${HEADER}\n`)).status).toBe(403)
    expect((await api('GET', '/api/v1/admin/imports/imp_missing', { headers: staff.auth })).status).toBe(404)
  })

  it('applies valid rows (skipping bad ones), then a re-run of the same file changes nothing', async () => {
    const csv = [
      HEADER,
      'imp-cup,Cup,active,USD,IMP-CUP-S,Small,9.99,,5,"{""size"":""S""}"',
      'imp-cup,Cup,active,USD,IMP-CUP-L,Large,12.5,14.00,3,',
      ',Plate,draft,JPY,IMP-PLATE,,1500,,7,',
      ',Broken,draft,USD,IMP-BROKEN,,abc,,1,',
    ].join('\r\n')
    const first = (await dryRun(staff, csv)).body
    expect(first).toMatchObject({ valid_rows: 3, error_rows: 1, planned: { create: 3, update: 0 } })
    const { job } = await applyAll(staff, first.id)
    expect(job).toMatchObject({ status: 'done', processed_rows: 4, result: { created: 3, updated: 0, unchanged: 0, failed: 0 } })
    const cup = await productBySku(staff, 'IMP-CUP-S')
    expect(cup).toMatchObject({
      name: 'Cup',
      slug: 'imp-cup',
      status: 'active',
      currency: 'USD',
      price_min: 999,
      price_max: 1250,
      stock_total: 8,
    })
    expect(cup.variants).toEqual([
      expect.objectContaining({ sku: 'IMP-CUP-S', name: 'Small', price: 999, stock: 5, attributes: { size: 'S' } }),
      expect.objectContaining({ sku: 'IMP-CUP-L', name: 'Large', price: 1250, compare_at_price: 1400, stock: 3 }),
    ])
    expect(await productBySku(staff, 'IMP-PLATE')).toMatchObject({ currency: 'JPY', price_min: 1500 })
    expect(await productBySku(staff, 'IMP-BROKEN')).toBeNull()

    // The same file again: every row is an update, nothing is written, nothing duplicated.
    const second = (await dryRun(staff, csv)).body
    expect(second.planned).toEqual({ create: 0, update: 3 })
    const rerun = (await applyAll(staff, second.id)).job
    expect(rerun.result).toEqual({ created: 0, updated: 0, unchanged: 3, failed: 0 })
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM product_variants WHERE sku LIKE 'IMP-CUP-%'").first<{ n: number }>()
    expect(count!.n).toBe(2)
    const products = await env.DB.prepare("SELECT COUNT(*) AS n FROM products WHERE slug LIKE 'imp-cup%'").first<{ n: number }>()
    expect(products!.n).toBe(1)
    // No stock-history rows for a stock that did not change.
    const stockHistory = async () => {
      const res = await api('GET', `/api/v1/admin/products/${cup.id}/variants/${cup.variants[0].id}/stock`, { headers: staff.auth })
      expect(res.status).toBe(200)
      return res.body.data as { kind: string; quantity: number }[]
    }
    expect(await stockHistory()).toEqual([])

    // A changed price and stock update just those fields.
    const changed = (await dryRun(staff, `${HEADER}\nimp-cup,Cup,active,USD,IMP-CUP-S,Small,8.50,,9,"{""size"":""S""}"`)).body
    expect((await applyAll(staff, changed.id)).job.result).toEqual({ created: 0, updated: 1, unchanged: 0, failed: 0 })
    expect((await productBySku(staff, 'IMP-CUP-S')).variants[0]).toMatchObject({ price: 850, stock: 9 })
    expect(await stockHistory()).toEqual([expect.objectContaining({ kind: 'set', quantity: 9 })])
    // Applying a finished job again does nothing.
    const done = await api('POST', `/api/v1/admin/imports/${changed.id}/apply`, { headers: staff.auth })
    expect(done.body.result).toEqual({ created: 0, updated: 1, unchanged: 0, failed: 0 })
  })

  it('imports the product export back unchanged', async () => {
    await applyAll(staff, (await dryRun(staff, `${HEADER}\nimp-round,"=Round, ""trip""",active,USD,IMP-ROUND,,3.00,,2,`)).body.id)
    const res = await SELF.fetch(`${BASE}/api/v1/admin/exports/products?q=Round`, { headers: staff.auth })
    const exported = await res.text()
    expect(exported).toContain(`"'=Round, ""trip"""`)
    const job = (await dryRun(staff, exported)).body
    expect(job.error_rows).toBe(0)
    expect((await applyAll(staff, job.id)).job.result).toMatchObject({ created: 0, failed: 0, updated: 0 })
    expect((await productBySku(staff, 'IMP-ROUND')).name).toBe('=Round, "trip"')
  })

  it('applies a large file in chunks, and concurrent apply calls count each row once', async () => {
    const rows = Array.from(
      { length: APPLY_CHUNK * 2 + 30 },
      (_, i) => `imp-bulk-${Math.floor(i / 4)},Bulk ${Math.floor(i / 4)},draft,USD,IMP-BULK-${i},V${i % 4},1.00,,${i},`,
    )
    const job = (await dryRun(staff, [HEADER, ...rows].join('\n'))).body
    expect(job.valid_rows).toBe(rows.length)
    const racing = await Promise.all([1, 2, 3].map(() => api('POST', `/api/v1/admin/imports/${job.id}/apply`, { headers: staff.auth })))
    for (const r of racing) expect(r.status).toBe(200)
    const { job: done, calls } = await applyAll(staff, job.id)
    expect(calls).toBeGreaterThanOrEqual(1)
    expect(done.processed_rows).toBe(rows.length)
    expect(done.result.created + done.result.unchanged).toBe(rows.length)
    expect(done.result.failed).toBe(0)
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM product_variants WHERE sku LIKE 'IMP-BULK-%'").first<{ n: number }>()
    expect(n!.n).toBe(rows.length)
    const p = await env.DB.prepare("SELECT COUNT(*) AS n FROM products WHERE slug LIKE 'imp-bulk-%'").first<{ n: number }>()
    expect(p!.n).toBe(Math.ceil(rows.length / 4))
  })
})
