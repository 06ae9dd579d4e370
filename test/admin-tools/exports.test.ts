// CSV exports: escaping, the formula guard, money in major units, filters, roles, and a 50,000-row
// export streamed page by page.
import { env, SELF } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { csvCell, parseCsv, parseMajorUnits, unguard } from '../../src/modules/admin-tools/exports-csv'
import { EXPORT_PAGE, PRODUCT_COLUMNS } from '../../src/modules/admin-tools/exports'
import { createProduct } from '../fixtures/catalog'
import { api, BASE, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'

type User = Awaited<ReturnType<typeof createUser>>

async function download(path: string, user: User) {
  const res = await SELF.fetch(`${BASE}${path}`, { headers: user.auth })
  // ignoreBOM keeps the byte-order mark, which Response.text() would strip.
  return {
    res,
    text: res.status === 200 ? new TextDecoder('utf-8', { ignoreBOM: true, fatal: false }).decode(await res.arrayBuffer()) : '',
  }
}

/** Header-keyed rows of a CSV text. */
function rowsOf(text: string) {
  const [header, ...records] = parseCsv(text)
  return records.map((r) => Object.fromEntries(header!.fields.map((h, i) => [h, r.fields[i]!])))
}

describe('csv cells', () => {
  it('quotes commas, quotes and line breaks, and guards formulas', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`)
    for (const s of ['+1', '-2', '@SUM(A1)', '\tcmd']) expect(csvCell(s)).toBe(`'${s}`)
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell(null)).toBe('')
    expect(unguard("'=1+1")).toBe('=1+1')
    expect(unguard("'quoted")).toBe("'quoted")
  })

  it('parses what it writes, BOM and CRLF included', () => {
    const values = ['x,y', 'q"uote', 'multi\r\nline', '', '=cmd', 'Кофе']
    const text = `\uFEFF${values.map(csvCell).join(',')}\r\nlast,row\n`
    const [a, b] = parseCsv(text)
    expect(a!.fields.map(unguard)).toEqual(values)
    expect(b).toEqual({ line: 3, fields: ['last', 'row'] })
    expect(() => parseCsv('"open')).toThrow(/unterminated/)
    expect(() => parseCsv('"a"b')).toThrow(/closing quote/)
  })

  it('reads major units exactly, per currency, never rounding', () => {
    expect(parseMajorUnits('19.99', 'USD')).toBe(1999)
    expect(parseMajorUnits('19.9', 'USD')).toBe(1990)
    expect(parseMajorUnits('20', 'USD')).toBe(2000)
    expect(parseMajorUnits('1999', 'JPY')).toBe(1999)
    expect(parseMajorUnits('1.5', 'JPY')).toBeNull()
    expect(parseMajorUnits('1.999', 'KWD')).toBe(1999)
    expect(parseMajorUnits('19.999', 'USD')).toBeNull()
    expect(parseMajorUnits('-1', 'USD')).toBeNull()
    expect(parseMajorUnits('1e3', 'USD')).toBeNull()
  })
})

describe('product and order exports', () => {
  let staff: User
  let seller: User
  let productId: string
  beforeAll(async () => {
    staff = await createUser('staff')
    seller = await createUser('seller')
    const p = await createProduct({
      sellerId: seller.id,
      name: '=cmd|calc, "quoted"',
      currency: 'JPY',
      variants: [
        { price: 1999, stock: 3, sku: 'EXP-JPY-1' },
        { price: 500, stock: 0, sku: 'EXP-JPY-2' },
      ],
    })
    productId = p.id
    await createProduct({ sellerId: seller.id, name: 'Archived lamp', status: 'archived', variants: [{ price: 1250, sku: 'EXP-USD-1' }] })
  })

  it('exports one row per variant, escaped, money in major units beside the currency', async () => {
    const { res, text } = await download(`/api/v1/admin/exports/products?seller_id=${seller.id}`, staff)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="products-\d{4}-\d{2}-\d{2}\.csv"$/)
    expect(text.startsWith('\uFEFF' + PRODUCT_COLUMNS.join(',') + '\r\n')).toBe(true)
    const rows = rowsOf(text)
    expect(rows.map((r) => r.sku).sort()).toEqual(['EXP-JPY-1', 'EXP-JPY-2', 'EXP-USD-1'])
    const jpy = rows.find((r) => r.sku === 'EXP-JPY-1')!
    expect(jpy).toMatchObject({ product_id: productId, product_name: `'=cmd|calc, "quoted"`, currency: 'JPY', price: '1999', stock: '3' })
    expect(text).toContain(`"'=cmd|calc, ""quoted"""`)
    expect(rows.find((r) => r.sku === 'EXP-USD-1')).toMatchObject({ price: '12.50', currency: 'USD', status: 'archived' })
  })

  it('respects the filters', async () => {
    const active = rowsOf((await download(`/api/v1/admin/exports/products?seller_id=${seller.id}&status=active`, staff)).text)
    expect(active.map((r) => r.sku).sort()).toEqual(['EXP-JPY-1', 'EXP-JPY-2'])
    const lamp = rowsOf((await download(`/api/v1/admin/exports/products?seller_id=${seller.id}&q=lamp`, staff)).text)
    expect(lamp.map((r) => r.sku)).toEqual(['EXP-USD-1'])
    const none = await download(`/api/v1/admin/exports/products?seller_id=${seller.id}&q=%22(*`, staff)
    expect(rowsOf(none.text)).toEqual([])
  })

  it('takes the product list’s SKU and price filters: a matching product with all its variants', async () => {
    const bySku = rowsOf((await download(`/api/v1/admin/exports/products?seller_id=${seller.id}&sku=jpy-2`, staff)).text)
    expect(bySku.map((r) => r.sku).sort()).toEqual(['EXP-JPY-1', 'EXP-JPY-2'])
    const literal = rowsOf((await download(`/api/v1/admin/exports/products?seller_id=${seller.id}&sku=EXP%25`, staff)).text)
    expect(literal).toEqual([])
    // price_min of the JPY product is 500 (yen), of the USD lamp 1250 (cents), each in its own currency.
    const dear = rowsOf((await download(`/api/v1/admin/exports/products?seller_id=${seller.id}&min_price=1000`, staff)).text)
    expect(dear.map((r) => r.sku)).toEqual(['EXP-USD-1'])
    const cheap = rowsOf((await download(`/api/v1/admin/exports/products?seller_id=${seller.id}&min_price=500&max_price=600`, staff)).text)
    expect(cheap.map((r) => r.sku).sort()).toEqual(['EXP-JPY-1', 'EXP-JPY-2'])
    const crossed = await api('GET', '/api/v1/admin/exports/products?min_price=600&max_price=500', { headers: staff.auth })
    expect(crossed.status).toBe(400)
    expect((await api('GET', '/api/v1/admin/exports/products?min_price=-1', { headers: staff.auth })).status).toBe(400)
  })

  it('refuses bad filters with a 4xx and non-staff with 401/403', async () => {
    expect((await api('GET', '/api/v1/admin/exports/products?status=gone', { headers: staff.auth })).status).toBe(400)
    const unknownCategory = await api('GET', '/api/v1/admin/exports/products?category=no-such-category', { headers: staff.auth })
    expect(unknownCategory.status).toBe(404)
    expect(unknownCategory.body.error.code).toBe('not_found')
    expect((await api('GET', '/api/v1/admin/exports/orders?from=yesterday', { headers: staff.auth })).status).toBe(400)
    expect((await api('GET', '/api/v1/admin/exports/orders')).status).toBe(401)
    expect((await api('GET', '/api/v1/admin/exports/products', { headers: seller.auth })).status).toBe(403)
  })

  it('exports orders with the list filters and totals in major units', async () => {
    const ship = await flatShipping(500)
    const p = await createProduct({ variants: [{ price: 1999, stock: 10 }] })
    const customer = await createUser('customer')
    const { order } = await placeOrder(p.variants[0]!.id, ship, 2, customer)
    const other = await placeOrder(p.variants[0]!.id, ship, 1)
    const { res, text } = await download(`/api/v1/admin/exports/orders?user_id=${customer.id}`, staff)
    expect(res.status).toBe(200)
    const rows = rowsOf(text)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({
      order_id: order.id,
      currency: 'USD',
      subtotal: '39.98',
      shipping: '5.00',
      status: 'pending',
      customer_name: 'Ada Lovelace',
    })
    const byEmail = rowsOf(
      (await download(`/api/v1/admin/exports/orders?email=${encodeURIComponent(customer.email.toUpperCase())}`, staff)).text,
    )
    expect(byEmail.map((r) => r.order_id)).toEqual([order.id])
    const byStatus = rowsOf((await download('/api/v1/admin/exports/orders?status=pending', staff)).text)
    expect(byStatus.map((r) => r.order_id)).toEqual(expect.arrayContaining([order.id, other.order.id]))
    const future = rowsOf((await download(`/api/v1/admin/exports/orders?from=${encodeURIComponent('2999-01-01T00:00:00Z')}`, staff)).text)
    expect(future).toEqual([])
  })
})

describe('a 50,000-row export', () => {
  it('streams every row, in pages, each row once', async () => {
    const staff = await createUser('staff')
    const seller = await createUser('seller')
    const now = new Date().toISOString()
    // 10,000 products × 5 variants, generated inside D1.
    await env.DB.prepare(
      `INSERT INTO products (id, seller_id, name, slug, description, status, currency, created_at, updated_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
       SELECT printf('prd_big%05d', i), ?1, 'Bulk ' || i, 'bulk-' || i, '', 'active', 'USD', ?2, ?2 FROM n`,
    )
      .bind(seller.id, now)
      .run()
    await env.DB.prepare(
      `INSERT INTO product_variants (id, product_id, sku, name, price, stock, position, created_at, updated_at)
       WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49999)
       SELECT printf('var_big%05d', i), printf('prd_big%05d', i / 5 + 1), printf('BIG-%05d', i), 'V' || (i % 5), 100 + i, i % 7, i % 5, ?1, ?1 FROM n`,
    )
      .bind(now)
      .run()

    const res = await SELF.fetch(`${BASE}/api/v1/admin/exports/products?seller_id=${seller.id}`, { headers: staff.auth })
    expect(res.status).toBe(200)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let chunks = 0
    let lines = 0
    let tail = ''
    const skus = new Set<string>()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks++
      const text = tail + value
      const parts = text.split('\r\n')
      tail = parts.pop()!
      for (const line of parts) {
        lines++
        if (lines > 1) skus.add(line.split(',')[7]!)
      }
    }
    expect(tail).toBe('')
    expect(lines).toBe(50_001)
    expect(skus.size).toBe(50_000)
    expect(skus.has('BIG-00000') && skus.has('BIG-49999')).toBe(true)
    // The header plus at least one chunk per page: the body was produced page by page.
    expect(chunks).toBeGreaterThanOrEqual(50_000 / EXPORT_PAGE)
  })
})
