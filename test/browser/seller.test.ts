// Sellers see and change only their own products, and fulfil their own order lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, paidOrder, screenshot, session, signIn, someVariants, token, type Browser } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('seller dashboard', () => {
  it("a seller sees only their own products and cannot open another seller's product", async () => {
    const { page } = browser
    const seller1 = await session(DEMO.seller1)
    const seller2 = await session(DEMO.seller2)
    const own = (await call('GET', '/api/v1/seller/products?limit=100', { token: seller1.token })).body.data as {
      id: string
      name: string
      seller_id: string
    }[]
    const theirs = (await call('GET', '/api/v1/seller/products?limit=100', { token: seller2.token })).body.data as {
      id: string
      name: string
    }[]
    expect(own.length).toBeGreaterThan(0)
    expect(theirs.length).toBeGreaterThan(0)

    await signIn(page, DEMO.seller1)
    await page.getByRole('link', { name: 'My products' }).click()
    await page.getByRole('heading', { name: 'My products' }).waitFor()
    const rows = page.locator('main table tbody tr')
    await rows.first().waitFor()
    const names = await page.locator('main table tbody tr td:nth-child(3) a').allInnerTexts()
    expect(names.length).toBe(Math.min(own.length, 25))
    const ownNames = new Set(own.map((p) => p.name))
    for (const name of names) expect(ownNames.has(name), `${name} is seller1's`).toBe(true)
    for (const p of theirs) expect(names).not.toContain(p.name)
    await screenshot(page, 'seller-products')

    // Opening another seller's product by its id: the API answers 404 and the page says so.
    await page.goto(`${baseUrl()}/admin/#/products/${theirs[0]!.id}`)
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toMatch(/not found/i)
    await expect.poll(() => page.getByRole('heading', { name: theirs[0]!.name }).count()).toBe(0)
    await screenshot(page, 'seller-foreign-product')
  })

  it('a seller ships their own order line with a tracking number', async () => {
    const { page } = browser
    const seller1 = await session(DEMO.seller1)
    const staff = await token(DEMO.staff)
    const [variant] = await someVariants(1, seller1.userId)
    const order = await paidOrder(staff, [{ variantId: variant!.variantId, quantity: 1 }])

    await signIn(page, DEMO.seller1)
    await page.getByRole('link', { name: 'My order lines' }).click()
    const form = page.getByRole('form', { name: new RegExp(`of order ${order.id}$`) })
    await form.waitFor()
    await form.getByLabel('Carrier').fill('UPS')
    await form.getByLabel('Tracking number').fill('1Z-SELLER-001')
    await form.getByRole('button', { name: 'Ship' }).click()
    await page.getByRole('status').filter({ hasText: 'Line shipped.' }).waitFor()
    await screenshot(page, 'seller-lines')

    const after = await call('GET', `/api/v1/admin/orders/${order.id}`, { token: staff })
    expect(after.body.lines[0]).toMatchObject({ fulfilment_status: 'shipped', carrier: 'UPS', tracking_number: '1Z-SELLER-001' })
    // The order's only line shipped, so the order moved to shipped.
    expect(after.body.status).toBe('shipped')
    expect(browser.errors).toEqual([])
  })
})
