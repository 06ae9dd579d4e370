// Names instead of ids, user search by a piece of the name, and the customer page (issue 13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, DEMO, openBrowser, screenshot, session, shippingMethod, signIn, someVariants, type Browser } from './harness'

let browser: Browser
let staff: { token: string; userId: string }
let staffName: string
const tag = crypto.randomUUID().slice(0, 6)
const customerName = `Ines Okafor ${tag}`
let orderId: string
let total: { amount: number; currency: string }

beforeAll(async () => {
  browser = await openBrowser()
  staff = await session(DEMO.staff)
  staffName = (await call('GET', '/api/v1/me', { token: staff.token })).body.name
  const email = `ines-${tag}@example.com`
  await call('POST', '/api/v1/auth/register', { body: { email, password: 'browser-test-pass-1', name: customerName } })
  const reg = await call('POST', '/api/v1/auth/login', { body: { email, password: 'browser-test-pass-1' } })
  const customer: string = reg.body.access_token
  await call('POST', '/api/v1/me/addresses', {
    token: customer,
    body: { label: 'Studio', name: customerName, line1: '9 Kiln Lane', city: 'Porto', country: 'PT' },
  })
  const [v] = await someVariants(1)
  await call('POST', '/api/v1/cart/items', { token: customer, body: { variant_id: v!.variantId, quantity: 1 } })
  const checkout = await call('POST', '/api/v1/checkout', {
    token: customer,
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    body: {
      address_id: (await call('GET', '/api/v1/me/addresses', { token: customer })).body.data[0].id,
      shipping_method_id: await shippingMethod(staff.token),
      payment_provider: 'manual',
    },
  })
  expect(checkout.status).toBe(201)
  orderId = checkout.body.order.id
  total = checkout.body.order.total
  expect((await call('POST', `/api/v1/admin/orders/${orderId}/confirm-payment`, { token: staff.token, body: {} })).status).toBe(200)
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

describe('customers and names', () => {
  it('finds an account by a piece of the name and opens the customer page with totals, address and orders', async () => {
    const { page } = browser
    await page.getByRole('link', { name: 'Customers & roles' }).click()
    await page.getByLabel('Email or name contains').fill(`okafor ${tag}`)
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('link', { name: customerName }).click()
    await page.getByRole('heading', { level: 1, name: customerName }).waitFor()
    const totals = page.getByRole('table', { name: 'Totals' })
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: total.currency }).format(total.amount / 100)
    await totals.getByRole('rowheader', { name: 'USD' }).waitFor()
    expect(await totals.getByText(money).count()).toBeGreaterThan(0)
    await page.getByText('Studio:').waitFor()
    await page.getByText('9 Kiln Lane', { exact: false }).waitFor()
    await page.getByRole('table', { name: 'Orders' }).getByRole('link', { name: orderId }).waitFor()
    await screenshot(page, 'customer-page')
  })

  it('the order page names the customer, the sellers and the staff in the timeline, never their ids', async () => {
    const { page } = browser
    await page.getByRole('table', { name: 'Orders' }).getByRole('link', { name: orderId }).click()
    await page.getByRole('heading', { name: `Order ${orderId}` }).waitFor()
    const timeline = page.getByRole('list').filter({ has: page.locator('time') })
    await timeline.getByText(`by ${staffName} (staff)`).first().waitFor()
    expect(await timeline.textContent()).not.toMatch(/usr_/)
    const detail = await call('GET', `/api/v1/admin/orders/${orderId}`, { token: staff.token })
    const lines = page.getByRole('region', { name: 'Lines' })
    await lines.getByRole('cell', { name: detail.body.lines[0].seller_name }).waitFor()
    expect(await lines.textContent()).not.toMatch(/usr_/)
    // The customer's name links back to the customer page.
    await page.getByRole('link', { name: customerName }).click()
    await page.getByRole('heading', { level: 1, name: customerName }).waitFor()
  })

  it('the orders list shows the customer by name', async () => {
    const { page } = browser
    await page.getByRole('link', { name: 'Orders', exact: true }).click()
    await page.getByLabel('Customer email or id').fill(`ines-${tag}@example.com`)
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('link', { name: orderId }).waitFor()
    await page.getByRole('link', { name: customerName }).waitFor()
    expect(browser.errors).toEqual([])
  })
})
