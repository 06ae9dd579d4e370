// Money safety on the order page (issue 13): a page for another order starts fresh, refunds and
// other irreversible actions are confirmed with the amount and order number spelled out, and only
// the transitions the order can make are offered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, paidOrder, placedOrder, signIn, someVariants, testPng, token, type Browser } from './harness'

let browser: Browser
let staff: string
let first: { id: string; total: { amount: number; currency: string } }
let second: { id: string; total: { amount: number; currency: string } }
let unpaid: { id: string }

const usd = (minor: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(minor / 100)

beforeAll(async () => {
  browser = await openBrowser()
  staff = await token(DEMO.staff)
  const [a, b] = await someVariants(2)
  first = await paidOrder(staff, [{ variantId: a!.variantId, quantity: 1 }])
  second = await paidOrder(staff, [{ variantId: b!.variantId, quantity: 1 }])
  unpaid = await placedOrder(staff, [{ variantId: a!.variantId, quantity: 1 }])
  await signIn(browser.page, DEMO.staff)
})
afterAll(async () => {
  await browser?.close()
})

const open = async (id: string) => {
  const { page } = browser
  await page.goto(`${baseUrl()}/admin/#/orders/${id}`)
  await page.getByRole('heading', { name: `Order ${id}` }).waitFor()
}

describe('order page money safety', () => {
  it('going straight from one order to another keeps nothing typed or said on the first', async () => {
    const { page } = browser
    await open(first.id)
    const refund = page.getByRole('form', { name: 'Refund' })
    await refund.getByLabel('Amount (USD)').fill('5')
    await refund.getByLabel('Reason').fill('meant for the first order')
    await page.getByRole('form', { name: 'Ship' }).getByLabel('Carrier').fill('DHL')
    // An edited URL / pasted link: only the hash changes, the app stays loaded.
    await page.evaluate((id) => ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/orders/${id}`), second.id)
    await page.getByRole('heading', { name: `Order ${second.id}` }).waitFor()
    await expect.poll(() => page.getByRole('form', { name: 'Refund' }).getByLabel('Amount (USD)').inputValue()).toBe('')
    expect(await page.getByRole('form', { name: 'Refund' }).getByLabel('Reason').inputValue()).toBe('')
    expect(await page.getByRole('form', { name: 'Ship' }).getByLabel('Carrier').inputValue()).toBe('')
    expect(await page.locator('.messages').innerText()).toBe('')
  })

  it('a refund with an empty amount says "everything left" with the amount and order number, and Cancel refunds nothing', async () => {
    const { page } = browser
    await open(second.id)
    await page.getByRole('form', { name: 'Refund' }).getByRole('button', { name: 'Refund' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    const text = await dialog.innerText()
    expect(text).toContain(`Refund order ${second.id}?`)
    expect(text).toContain(`everything left, ${usd(second.total.amount)}`)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const after = await call('GET', `/api/v1/admin/orders/${second.id}`, { token: staff })
    expect(after.body.refunded.amount).toBe(0)
  })

  it('an amount above what is left is refused beside the field, in the order currency, before any call', async () => {
    const { page } = browser
    const form = page.getByRole('form', { name: 'Refund' })
    await form.getByLabel('Amount (USD)').fill('99999')
    await form.getByRole('button', { name: 'Refund' }).click()
    await form
      .locator('.field-error')
      .getByText(`Amount (USD) can be at most ${usd(second.total.amount)}`)
      .waitFor()
    expect(await form.getByLabel('Amount (USD)').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByRole('dialog').isVisible()).toBe(false)
  })

  it('a partial refund is confirmed with its amount and reported in money, not cents', async () => {
    const { page } = browser
    const form = page.getByRole('form', { name: 'Refund' })
    await form.getByLabel('Amount (USD)').fill('1.00')
    await form.getByRole('button', { name: 'Refund' }).click()
    const dialog = page.getByRole('dialog')
    expect(await dialog.innerText()).toContain(`$1.00 of the ${usd(second.total.amount)} left on order ${second.id}`)
    await dialog.getByRole('button', { name: 'Refund $1.00' }).click()
    await page
      .locator('.messages')
      .getByText(`Refunded $1.00 through Manual (bank transfer, cash) on order ${second.id}; it is now partially refunded.`)
      .waitFor()
    const after = await call('GET', `/api/v1/admin/orders/${second.id}`, { token: staff })
    expect(after.body.refunded.amount).toBe(100)
    // The timeline shows the refund in dollars too.
    await page.locator('.timeline').getByText('Refund amount: $1.00').waitFor()
  })

  it('offers only the actions the order can take: a paid order ships (with carrier and tracking) and refunds', async () => {
    const { page } = browser
    await open(first.id)
    expect(await page.getByRole('combobox', { name: 'New status' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Mark as delivered' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0)
    const ship = page.getByRole('form', { name: 'Ship' })
    await ship.getByRole('button', { name: 'Ship' }).click()
    await ship.locator('.field-error').getByText('Carrier is required').waitFor()
    await ship.locator('.field-error').getByText('Tracking number is required').waitFor()
    await ship.getByLabel('Carrier').fill('DHL')
    await ship.getByLabel('Tracking number').fill('JD0001')
    await ship.getByRole('button', { name: 'Ship' }).click()
    const dialog = page.getByRole('dialog')
    expect(await dialog.innerText()).toContain(`Ship order ${first.id}?`)
    expect(await dialog.innerText()).toContain('DHL, tracking number JD0001')
    await dialog.getByRole('button', { name: 'Mark as shipped' }).click()
    await page.getByRole('button', { name: 'Mark as delivered' }).waitFor()
    expect(await page.getByRole('form', { name: 'Ship' }).count()).toBe(0)
    expect((await call('GET', `/api/v1/admin/orders/${first.id}`, { token: staff })).body.status).toBe('shipped')
  })

  it('a cancelled order shows no Ship form and no pending payment, and a paid one no payment due date', async () => {
    const { page } = browser
    await open(unpaid.id)
    expect(await page.getByText(/· due /).count()).toBe(1)
    expect(await page.getByRole('form', { name: 'Ship' }).count()).toBe(0)
    await page.getByRole('form', { name: 'Cancel' }).getByRole('button', { name: 'Cancel order' }).click()
    const dialog = page.getByRole('dialog')
    expect(await dialog.innerText()).toContain(`Cancel order ${unpaid.id}?`)
    await dialog.getByRole('button', { name: 'Cancel the order' }).click()
    await page.getByText('Nothing more can be done with a cancelled order.').waitFor()
    expect(await page.getByRole('form', { name: 'Ship' }).count()).toBe(0)
    expect(await page.getByText(/· due /).count()).toBe(0)
    // Its manual payment was never made: it is cancelled with the order, not left "pending".
    const payments = page.getByRole('region', { name: 'Payments and refunds' })
    await payments.getByRole('cell', { name: 'cancelled' }).waitFor()
    expect(await payments.getByRole('cell', { name: 'pending' }).count()).toBe(0)

    await open(first.id)
    expect(await page.getByText(/· due /).count()).toBe(0)
  })

  it('disabling an account asks first', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    const email = `disable-${crypto.randomUUID().slice(0, 8)}@example.com`
    expect(
      (await call('POST', '/api/v1/auth/register', { body: { email, password: 'browser-test-pass-1', name: 'Dee Sable' } })).status,
    ).toBe(202)
    await page.goto(`${baseUrl()}/admin/#/customers?q=${encodeURIComponent(email)}`)
    const row = page.getByRole('row').filter({ hasText: email })
    await row.getByRole('button', { name: 'Disable' }).click()
    const dialog = page.getByRole('dialog')
    expect(await dialog.innerText()).toContain('Disable Dee Sable?')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await row.getByText('active').count()).toBe(1)
    await row.getByRole('button', { name: 'Disable' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Disable account' }).click()
    await page.getByRole('row').filter({ hasText: email }).getByRole('button', { name: 'Enable' }).waitFor()
  })

  it('removing a product image asks first', async () => {
    const { page } = browser
    const admin = await token(DEMO.admin)
    const [v] = await someVariants(1)
    const form = new FormData()
    form.set('file', new Blob([testPng()], { type: 'image/png' }), 'pattern.png')
    form.set('alt', 'Blue pattern')
    const up = await fetch(`${baseUrl()}/api/v1/admin/products/${v!.productId}/images`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}` },
      body: form,
    })
    expect(up.status).toBe(201)
    await page.goto(`${baseUrl()}/admin/#/products/${v!.productId}`)
    await page.getByRole('button', { name: 'Remove image Blue pattern' }).click()
    const dialog = page.getByRole('dialog')
    expect(await dialog.innerText()).toContain('Remove this image?')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await page.getByRole('button', { name: 'Remove image Blue pattern' }).count()).toBe(1)
    await page.getByRole('button', { name: 'Remove image Blue pattern' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Remove image' }).click()
    await page.getByRole('button', { name: 'Remove image Blue pattern' }).waitFor({ state: 'detached' })
    expect(browser.errors).toEqual([])
  })
})
