// Reviews from buyers only, marked "Verified purchase" on the storefront, and staff moderation on the
// dashboard's Reviews page: hide with a reason (confirmed), restore, the product's rating following.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  baseUrl,
  call,
  DEMO,
  newCustomer,
  openBrowser,
  screenshot,
  session,
  shippingMethod,
  signIn,
  someVariants,
  type Browser,
  type SeedVariant,
} from './harness'

let browser: Browser
let staff: { token: string; userId: string }
let product: SeedVariant
let reviewId: string
const tag = crypto.randomUUID().slice(0, 6)
const title = `Sturdy and quiet ${tag}`

const publicReviewIds = async () =>
  ((await call('GET', `/api/v1/products/${product.productId}/reviews?limit=100`)).body.data as { id: string }[]).map((r) => r.id)
const ratingCount = async () => (await call('GET', `/api/v1/products/${product.productId}`)).body.rating.count as number

beforeAll(async () => {
  browser = await openBrowser()
  staff = await session(DEMO.staff)
  product = (await someVariants(1))[0]!
  // A customer who has not bought the product is refused.
  const stranger = await newCustomer()
  const refused = await call('POST', `/api/v1/products/${product.productId}/reviews`, { token: stranger, body: { rating: 5 } })
  expect(refused.status).toBe(403)
  expect(refused.body.error.code).toBe('purchase_required')
  // A buyer: checkout with the manual provider, staff confirm the payment, then the review.
  const buyer = await newCustomer()
  expect((await call('POST', '/api/v1/cart/items', { token: buyer, body: { variant_id: product.variantId, quantity: 1 } })).status).toBe(
    200,
  )
  const checkout = await call('POST', '/api/v1/checkout', {
    token: buyer,
    headers: { 'Idempotency-Key': crypto.randomUUID() },
    body: {
      shipping_address: { name: 'Ada Byron', line1: '2 Engine Row', city: 'London', country: 'GB', postal_code: 'N1 1AA' },
      shipping_method_id: await shippingMethod(staff.token),
      payment_provider: 'manual',
    },
  })
  expect(checkout.status).toBe(201)
  expect(
    (await call('POST', `/api/v1/admin/orders/${checkout.body.order.id}/confirm-payment`, { token: staff.token, body: {} })).status,
  ).toBe(200)
  const review = await call('POST', `/api/v1/products/${product.productId}/reviews`, {
    token: buyer,
    body: { rating: 4, title, body: 'Does what it says.' },
  })
  expect(review.status).toBe(201)
  expect(review.body.verified_purchase).toBe(true)
  reviewId = review.body.id
})
afterAll(async () => {
  await browser?.close()
})

describe('reviews', () => {
  it('the storefront marks a buyer’s review "Verified purchase"', async () => {
    const { page } = browser
    await page.goto(`${baseUrl()}/p/${product.slug}`)
    const item = page.locator('section.reviews li', { hasText: title })
    await item.waitFor()
    expect(await item.getByText('Verified purchase').count()).toBe(1)
  })

  it('staff hide a review with a reason after confirming, and restore it; the rating follows', async () => {
    const { page } = browser
    await signIn(page, DEMO.staff)
    const before = await ratingCount()
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Reviews', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Reviews' }).waitFor()

    // Filter to the product, then find the review (newest first: it is on the first page).
    await page.getByLabel('Product id').fill(product.productId)
    await page.getByRole('button', { name: 'Filter' }).click()
    const row = page.locator(`tr[data-review="${reviewId}"]`)
    await row.waitFor()
    expect(await row.innerText()).toContain(product.productName)
    expect(await row.innerText()).toContain('Browser Test')
    expect(await row.getByText('Verified purchase').count()).toBe(1)
    expect(await row.getByText('published').count()).toBe(1)

    // Hiding without a reason is refused before anything is sent.
    await row.getByRole('button', { name: 'Hide' }).click()
    await row.getByText('Give a reason for hiding the review.').first().waitFor()
    expect(await publicReviewIds()).toContain(reviewId)

    await row.getByLabel('Reason for hiding').fill('Mentions a competitor by name')
    await row.getByRole('button', { name: 'Hide' }).click()
    const dialog = page.getByRole('dialog', { name: 'Hide this review?' })
    await dialog.waitFor()
    expect(await dialog.innerText()).toContain('Mentions a competitor by name')
    // Cancelling changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await publicReviewIds()).toContain(reviewId)

    await row.getByRole('button', { name: 'Hide' }).click()
    await dialog.getByRole('button', { name: 'Hide review' }).click()
    await page.getByText('Review hidden.').waitFor()
    await row.getByText('hidden', { exact: true }).waitFor()
    expect(await row.innerText()).toContain('Mentions a competitor by name')
    expect(await publicReviewIds()).not.toContain(reviewId)
    expect(await ratingCount()).toBe(before - 1)
    await screenshot(page, 'reviews-hidden')

    // The state filter shows it among the hidden ones.
    await page.getByLabel('State').selectOption('hidden')
    await page.getByRole('button', { name: 'Filter' }).click()
    await row.waitFor()

    await row.getByRole('button', { name: 'Restore' }).click()
    const restoreDialog = page.getByRole('dialog', { name: 'Restore this review?' })
    await restoreDialog.getByRole('button', { name: 'Restore review' }).click()
    await page.getByText('Review restored.').waitFor()
    // Published again, so it leaves the "hidden" list.
    await row.waitFor({ state: 'detached' })
    expect(await publicReviewIds()).toContain(reviewId)
    expect(await ratingCount()).toBe(before)
    expect(browser.errors).toEqual([])
  })
})
