// CSV in the dashboard: the product list downloads what its filters select, and the import page
// checks a file (per-row errors), imports it with progress, and a second import changes nothing.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, DEMO, openBrowser, screenshot, signIn, token, type Browser } from './harness'

let browser: Browser

beforeAll(async () => {
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
})

describe('CSV export and import in the dashboard', () => {
  const tag = Date.now().toString(36).toUpperCase()
  const csv = [
    'product_slug,product_name,status,currency,sku,variant_name,price,stock',
    `csv-kettle-${tag.toLowerCase()},Kettle ${tag},active,USD,CSV-${tag}-1,Steel,24.90,4`,
    `csv-kettle-${tag.toLowerCase()},Kettle ${tag},active,USD,CSV-${tag}-2,Copper,31.00,2`,
    `,Broken ${tag},draft,USD,CSV-${tag}-3,,12.345,1`,
  ].join('\n')

  it('an admin checks a file, sees the bad row, imports the rest with progress; the same file again changes nothing', async () => {
    const { page } = browser
    await signIn(page, DEMO.admin)
    await page.getByRole('link', { name: 'Products' }).click()
    await page.getByRole('link', { name: 'Import CSV' }).click()
    await page.getByRole('heading', { name: 'Import products' }).waitFor()

    const importOnce = async () => {
      await page
        .getByLabel('CSV file', { exact: true })
        .setInputFiles({ name: 'kettles.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
      await page.getByRole('button', { name: 'Check file' }).click()
      await page.getByRole('heading', { name: 'Check of kettles.csv' }).waitFor()
    }
    await importOnce()
    const errors = page.getByRole('table', { name: 'Rows with errors' })
    await expect.poll(() => errors.getByRole('row').count()).toBe(2)
    const bad = errors.getByRole('row').nth(1)
    expect(await bad.getByRole('cell').nth(0).textContent()).toBe('4')
    expect(await bad.getByRole('cell').nth(2).textContent()).toBe('price')
    await screenshot(page, 'import-check')

    await page.getByRole('button', { name: 'Import 2 valid rows' }).click()
    const dialog = page.getByRole('dialog', { name: 'Import 2 rows?' })
    await dialog.getByText('2 will be created and 0 updated (by SKU).').waitFor()
    await dialog.getByRole('button', { name: 'Import' }).click()
    await page.getByRole('heading', { name: 'Import finished' }).waitFor()
    await page.getByText('Applied 3 of 3 rows: 2 created, 0 updated, 0 unchanged, 0 failed.').waitFor()
    expect(await page.locator('progress').getAttribute('value')).toBe('3')
    await screenshot(page, 'import-done')

    const pub = await call('GET', `/api/v1/products/csv-kettle-${tag.toLowerCase()}`)
    expect(pub.status).toBe(200)
    expect(pub.body.variants.map((v: { sku: string; price: number }) => [v.sku, v.price])).toEqual([
      [`CSV-${tag}-1`, 2490],
      [`CSV-${tag}-2`, 3100],
    ])

    // The same file again: a fresh check plans updates, and importing them changes nothing.
    await page.reload()
    await page.getByRole('heading', { name: 'Import products' }).waitFor()
    await importOnce()
    await page.getByRole('button', { name: 'Import 2 valid rows' }).click()
    await page.getByRole('dialog').getByText('0 will be created and 2 updated (by SKU).').waitFor()
    await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click()
    await page.getByText('Applied 3 of 3 rows: 0 created, 0 updated, 2 unchanged, 0 failed.').waitFor()
    const admin = await token(DEMO.admin)
    const list = await call('GET', `/api/v1/admin/products?q=${encodeURIComponent(`Kettle ${tag}`)}&limit=10`, { token: admin })
    expect(list.body.data).toHaveLength(1)
    expect(browser.errors).toEqual([])
  })

  it('the product list downloads its filtered rows as CSV', async () => {
    const { page } = browser
    const name = `Teapot ${tag}`
    const admin = await token(DEMO.admin)
    const file = [
      'product_name,status,currency,sku,price,stock',
      `${name},active,USD,TEA-${tag}-1,24.90,4`,
      `${name},active,USD,TEA-${tag}-2,31.00,2`,
    ].join('\n')
    const job = await call('POST', '/api/v1/admin/imports', { token: admin, body: { csv: file } })
    expect(job.status).toBe(201)
    expect((await call('POST', `/api/v1/admin/imports/${job.body.id}/apply`, { token: admin })).body.status).toBe('done')
    await signIn(page, DEMO.admin)
    await page.goto(page.url().replace(/#.*$/, '') + `#/products?q=${encodeURIComponent(name)}`)
    await page.getByRole('heading', { name: 'Products' }).waitFor()
    await page.getByRole('link', { name }).waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^products-\d{4}-\d{2}-\d{2}\.csv$/)
    const text = readFileSync((await download.path())!, 'utf8')
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toMatch(/^product_id,product_slug,product_name,/)
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[7])
        .sort(),
    ).toEqual([`TEA-${tag}-1`, `TEA-${tag}-2`])
    expect(text).toContain(',USD,24.90,')
  })

  it('the download takes every filter the list shows: SKU, category and price range too', async () => {
    const { page } = browser
    const admin = await token(DEMO.admin)
    const file = [
      'product_name,status,currency,sku,price,stock,category',
      `Mug ${tag} red,active,USD,MUG-${tag}-RED,8.00,3,audio`,
      `Mug ${tag} big,active,USD,MUG-${tag}-BIG,30.00,3,audio`,
      `Mug ${tag} cup,active,USD,CUP-${tag}-1,30.00,3,audio`,
      `Mug ${tag} plain,active,USD,MUG-${tag}-XL,30.00,3,`,
    ].join('\n')
    const job = await call('POST', '/api/v1/admin/imports', { token: admin, body: { csv: file } })
    expect(job.status).toBe(201)
    expect((await call('POST', `/api/v1/admin/imports/${job.body.id}/apply`, { token: admin })).body.status).toBe('done')
    await signIn(page, DEMO.admin)
    // Only "big" passes all four: a SKU piece, the category, at least $10 and the text search.
    const filters = `q=${encodeURIComponent(`Mug ${tag}`)}&sku=${encodeURIComponent(`mug-${tag}`)}&category=audio&min_price=10`
    await page.goto(page.url().replace(/#.*$/, '') + `#/products?${filters}`)
    await page.getByRole('heading', { name: 'Products' }).waitFor()
    await page.getByRole('link', { name: `Mug ${tag} big` }).waitFor()
    expect(await page.getByRole('link', { name: new RegExp(`^Mug ${tag}`) }).count()).toBe(1)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()])
    const lines = readFileSync((await download.path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines.slice(1).map((l) => l.split(',')[7])).toEqual([`MUG-${tag}-BIG`])
    expect(browser.errors).toEqual([])
  })
})
