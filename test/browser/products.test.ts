// An admin creates a product with an image in the dashboard and it is live in the public API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, screenshot, signIn, testPng, type Browser } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('products in the dashboard', () => {
  it('an admin creates an active product with an image and sees it in the public API', async () => {
    const { page } = browser
    const name = `Browser Lamp ${Date.now().toString(36)}`
    const sku = `BRW-${Date.now().toString(36).toUpperCase()}`
    await signIn(page, DEMO.admin)
    await page.getByRole('link', { name: 'Products' }).click()
    await page.getByRole('link', { name: 'New product' }).click()
    await page.getByRole('heading', { name: 'New product' }).waitFor()

    await page.getByLabel('Name', { exact: true }).fill(name)
    await page.getByLabel('Status').selectOption('active')
    await page.getByLabel('Description', { exact: true }).fill('A lamp made by the browser test.')
    await page.getByLabel('SKU').fill(sku)
    await page.getByLabel('Price').fill('24.50')
    await page.getByLabel('Stock').fill('7')
    await page.getByLabel('Image', { exact: true }).setInputFiles({ name: 'lamp.png', mimeType: 'image/png', buffer: testPng() })
    await page.getByLabel('Image description (alt text)').fill('The browser lamp')
    // The chosen file is previewed before anything is uploaded.
    await expect
      .poll(() =>
        page.getByAltText('Preview of the chosen file').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(48)
    await screenshot(page, 'product-new')
    await page.getByRole('button', { name: 'Create product' }).click()

    // The editor of the new product, with the uploaded image served from R2.
    await page.getByRole('heading', { name }).waitFor()
    const img = page.getByRole('img', { name: 'The browser lamp' })
    await img.waitFor()
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(48)
    await screenshot(page, 'product-edit')

    expect(await page.getByLabel('Status').inputValue()).toBe('active')
    const slug = await page.getByLabel('Slug').inputValue()
    const pub = await call('GET', `/api/v1/products/${slug}`)
    expect(pub.status).toBe(200)
    expect(pub.body).toMatchObject({ name, status: 'active', currency: 'USD', description: 'A lamp made by the browser test.' })
    expect(pub.body.variants).toEqual([expect.objectContaining({ sku, price: 2450, stock: 7 })])
    expect(pub.body.images).toEqual([expect.objectContaining({ alt: 'The browser lamp', content_type: 'image/png' })])
    const image = await fetch(`${baseUrl()}${pub.body.images[0].url}`)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/png')

    // Editing stock in the variant row goes through the API too.
    await page.getByLabel(`Stock of variant ${sku}`).fill('11')
    const variantForm = page.getByRole('form', { name: `Edit variant ${sku}` })
    // A stock change must say why: refused at the Reason field until one is chosen.
    await variantForm.getByRole('button', { name: 'Save' }).click()
    await page.locator('.field-error').getByText('Reason is required').waitFor()
    await variantForm.getByLabel('Reason').selectOption('recount')
    await variantForm.getByRole('button', { name: 'Save' }).click()
    await page.locator('.messages').getByText('Saved.').waitFor()
    expect((await call('GET', `/api/v1/products/${slug}`)).body.variants[0].stock).toBe(11)
    await page.getByText(`Stock history of ${sku}`).click()
    await page.getByText(/set to 11, recount by Ada Admin/).waitFor()
    expect(browser.errors).toEqual([])
  })

  it("shows the API's own error message when it refuses a change", async () => {
    const { page } = browser
    const taken = await call('GET', '/api/v1/products?limit=1')
    const existing = await call('GET', `/api/v1/products/${taken.body.data[0].slug}`)
    await signIn(page, DEMO.admin)
    await page.goto(`${baseUrl()}/admin/#/products/new`)
    await page.getByLabel('Name', { exact: true }).fill('Duplicate SKU product')
    await page.getByLabel('SKU').fill(existing.body.variants[0].sku)
    await page.getByLabel('Price').fill('5')
    await page.getByRole('button', { name: 'Create product' }).click()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    // The envelope's message and code, as the API wrote them.
    const text = await alert.innerText()
    expect(text).toContain('sku_taken')
    await screenshot(page, 'product-error')
  })

  it('a refused image upload is explained on the new product page instead of creating a duplicate', async () => {
    const { page } = browser
    const name = `Bad Image Product ${Date.now().toString(36)}`
    await page.goto(page.url().replace(/#.*$/, '#/products/new'))
    await page.getByLabel('Name', { exact: true }).fill(name)
    await page.getByLabel('SKU').fill(`BAD-${Date.now().toString(36).toUpperCase()}`)
    await page.getByLabel('Price').fill('3')
    await page
      .getByLabel('Image', { exact: true })
      .setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('this is not a PNG') })
    await page.getByRole('button', { name: 'Create product' }).click()
    await page.getByRole('heading', { name }).waitFor()
    await page.getByText('Product created, but the image was not uploaded:').waitFor()
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toContain('unsupported_media_type')
  })
})
