// Integrations pages (admins): an outgoing-webhook endpoint registered in the dashboard receives a
// signed delivery from the real queue consumer, the delivery shows in the log and is replayed; an API
// key created in the dashboard calls the API, shows its last use, and answers 401 once revoked. Both
// pages fit a 390 px phone.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { baseUrl, call, DEMO, openBrowser, screenshot, signIn, someVariants, token, type Browser } from './harness'

interface Received {
  headers: IncomingHttpHeaders
  body: string
}

let browser: Browser
let receiver: Server
let receiverUrl: string
const received: Received[] = []

beforeAll(async () => {
  // The endpoint: a plain HTTP receiver on this machine (development accepts http://127.0.0.1).
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      received.push({ headers: req.headers, body })
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('received by the browser test')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  browser = await openBrowser()
})
afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => receiver?.close(resolve))
})

/** Standard Webhooks check written here from the spec: HMAC-SHA256 of `id.timestamp.body` with the secret's base64 key. */
function verifies(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id'] ?? '')
  const ts = String(r.headers['webhook-timestamp'] ?? '')
  const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
    .update(`${id}.${ts}.${r.body}`)
    .digest('base64')
  return String(r.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((entry) => entry === `v1,${expected}`)
}

/** How far the page is wider than the viewport (0 when nothing scrolls sideways). */
const overflow = (page: Page) => page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth)

async function waitLoaded(page: Page) {
  await expect.poll(() => page.getByText('Loading…').count(), { timeout: 15_000 }).toBe(0)
}

/** sRGB relative luminance of a computed `rgb(r, g, b)` colour (WCAG 2). */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const s = Number(c) / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

/** A badge's computed background, the background of the "bad" status colour, and its text contrast. */
async function badgeLook(badge: ReturnType<Page['locator']>) {
  const { background, color, badBackground } = await badge.evaluate((el) => {
    // The page's globals, typed here because the tests compile without the DOM library.
    type Styled = { backgroundColor: string; color: string }
    type Node = { className: string; remove(): void; parentElement: { append(n: Node): void } }
    const w = globalThis as unknown as { getComputedStyle(n: unknown): Styled; document: { createElement(tag: string): Node } }
    const style = w.getComputedStyle(el)
    // A probe with the failed-status class gives the red badge background of the current scheme.
    const probe = w.document.createElement('span')
    probe.className = 'badge badge-failed'
    ;(el as unknown as Node).parentElement.append(probe)
    const bad = w.getComputedStyle(probe).backgroundColor
    probe.remove()
    return { background: style.backgroundColor, color: style.color, badBackground: bad }
  })
  const [hi, lo] = [luminance(background), luminance(color)].sort((a, b) => b - a)
  return { background, badBackground, contrast: (hi! + 0.05) / (lo! + 0.05) }
}

async function confirm(page: Page, button: string) {
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  await dialog.getByRole('button', { name: button, exact: true }).click()
  await dialog.waitFor({ state: 'hidden' })
}

describe('webhooks page', () => {
  it('registers an endpoint, shows its delivery in the log, replays it and deletes the endpoint', async () => {
    const { page, errors } = browser
    await signIn(page, DEMO.admin)
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Webhooks', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor()
    await waitLoaded(page)

    await page.getByText('Add an endpoint').click()
    // No event chosen: refused on the page, nothing created.
    await page.getByLabel('URL', { exact: true }).fill(receiverUrl)
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    await page.getByRole('alert').filter({ hasText: 'Choose at least one event' }).waitFor()
    await page.getByRole('checkbox', { name: 'stock.changed' }).check()
    await page.getByRole('button', { name: 'Add endpoint' }).click()
    const secretBox = page.getByRole('region', { name: 'Signing secret' })
    await secretBox.waitFor()
    const secret = (await secretBox.locator('[data-secret]').textContent())!.trim()
    expect(secret).toMatch(/^whsec_/)
    const row = page.getByRole('table', { name: 'Endpoints' }).getByRole('row').filter({ hasText: receiverUrl })
    await row.waitFor()
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('None yet')
    await secretBox.getByRole('button', { name: 'I stored it' }).click()
    await secretBox.waitFor({ state: 'detached' })

    // A stock change through the API: the queue consumer delivers stock.changed, signed.
    const staff = await token(DEMO.staff)
    const [v] = await someVariants(1)
    const stock = await call('POST', `/api/v1/admin/products/${v!.productId}/variants/${v!.variantId}/stock`, {
      token: staff,
      body: { delta: 1 },
    })
    expect(stock.status).toBe(200)
    const mine = () => received.filter((r) => r.body.includes(v!.productId))
    await expect.poll(() => mine().length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1)
    const first = mine()[0]!
    expect(verifies(secret, first)).toBe(true)
    expect(JSON.parse(first.body)).toMatchObject({ type: 'stock.changed', data: { product_id: v!.productId } })
    const webhookId = String(first.headers['webhook-id'])

    // The delivery log: the delivery, succeeded, with the receiver's answer.
    await row.getByRole('button', { name: 'Delivery log' }).click()
    const log = page.getByRole('table', { name: 'Deliveries' })
    const delivery = log.getByRole('row').filter({ hasText: webhookId })
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh', exact: true }).click()
          return (await delivery.count()) ? delivery.textContent() : ''
        },
        { timeout: 30_000 },
      )
      .toContain('succeeded')
    await expect.poll(() => delivery.textContent(), { timeout: 20_000 }).toContain('received by the browser test')
    expect(await delivery.textContent()).toContain('HTTP 200')
    expect(await delivery.textContent()).toMatch(/\d+ ms/)
    expect(await row.textContent()).toContain('stock.changed')

    // Replay (confirmed): the receiver gets the same message again, the log counts two attempts.
    await delivery.getByRole('button', { name: 'Replay' }).click()
    await confirm(page, 'Replay')
    await page.getByRole('status').filter({ hasText: 'Replay queued' }).waitFor()
    await expect.poll(() => received.filter((r) => r.headers['webhook-id'] === webhookId).length, { timeout: 60_000 }).toBe(2)
    expect(verifies(secret, received.filter((r) => r.headers['webhook-id'] === webhookId)[1]!)).toBe(true)
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh', exact: true }).click()
          return delivery.locator('td').nth(2).textContent()
        },
        { timeout: 30_000 },
      )
      .toBe('2')
    await screenshot(page, 'webhooks')

    // Disable, then enable again.
    await row.getByRole('button', { name: 'Disable' }).click()
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('disabled by staff')
    await row.getByRole('button', { name: 'Enable' }).click()
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).not.toContain('disabled by staff')

    // Edit: subscribe to product.updated as well.
    await row.getByRole('button', { name: 'Edit' }).click()
    const edit = page.getByRole('form', { name: `Edit ${receiverUrl}` })
    await edit.getByRole('checkbox', { name: 'product.updated' }).check()
    await edit.getByRole('button', { name: 'Save' }).click()
    await edit.waitFor({ state: 'detached' })
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('product.updated')

    // Delete, confirmed: gone from the list (and the API).
    await row.getByRole('button', { name: 'Delete' }).click()
    await confirm(page, 'Delete endpoint')
    await row.waitFor({ state: 'detached' })
    const admin = await token(DEMO.admin)
    const left = await call('GET', '/api/v1/admin/webhooks/endpoints', { token: admin })
    expect(left.body.data.some((e: { url: string }) => e.url === receiverUrl)).toBe(false)
    expect(errors).toEqual([])
  })
})

describe('API keys page', () => {
  it('creates a key shown once, records its use, and revokes it (401 afterwards)', async () => {
    const { page, errors } = browser
    await page.goto(`${baseUrl()}/admin/#/api-keys`)
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor()
    await waitLoaded(page)
    const name = `Browser ERP ${Date.now()}`
    await page.getByText('Create a key').click()
    await page.getByLabel('Name').fill(name)
    await page.getByRole('checkbox', { name: 'orders:read' }).check()
    await page.getByRole('button', { name: 'Create key' }).click()
    const once = page.getByRole('region', { name: 'New API key' })
    await once.waitFor()
    expect(await once.textContent()).toContain('only time it is shown')
    const key = (await once.locator('[data-api-key]').textContent())!.trim()
    expect(key).toMatch(/^ec_test_[A-Za-z0-9_-]{43}$/)
    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: name })
    await row.waitFor()
    expect(await row.textContent()).toContain(key.slice(0, 12))
    expect(await row.textContent()).not.toContain(key)
    expect(await row.locator('[data-last-used]').textContent()).toBe('Never')

    // The key works within its scope, and its use shows after a reload; the full key is gone.
    const orders = await call('GET', '/api/v1/admin/orders?limit=1', { token: key })
    expect(orders.status).toBe(200)
    await page.reload()
    await row.waitFor()
    await expect.poll(() => row.locator('[data-last-used]').textContent(), { timeout: 20_000 }).not.toBe('Never')
    expect(await page.getByRole('region', { name: 'New API key' }).count()).toBe(0)
    expect(await page.content()).not.toContain(key)

    // Revoke, confirmed: the key answers 401.
    await row.getByRole('button', { name: 'Revoke' }).click()
    await confirm(page, 'Revoke key')
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain('revoked')
    expect(await row.getByRole('button', { name: 'Revoke' }).count()).toBe(0)
    expect((await call('GET', '/api/v1/admin/orders?limit=1', { token: key })).status).toBe(401)
    // The revoked badge has the red status colours, readable (WCAG AA, 4.5:1) in light and dark.
    const badge = row.locator('.badge', { hasText: 'revoked' })
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      const look = await badgeLook(badge)
      expect(look.background, colorScheme).toBe(look.badBackground)
      expect(look.contrast, colorScheme).toBeGreaterThanOrEqual(4.5)
    }
    await page.emulateMedia({ colorScheme: 'light' })
    await screenshot(page, 'api-keys')
    expect(errors).toEqual([])
  })

  it('staff see neither page in the navigation', async () => {
    const { page } = browser
    await signIn(page, DEMO.staff)
    const nav = page.getByRole('navigation', { name: 'Dashboard' })
    await nav.getByRole('link', { name: 'Orders', exact: true }).waitFor({ state: 'attached' })
    expect(await nav.getByRole('link', { name: 'Webhooks' }).count()).toBe(0)
    expect(await nav.getByRole('link', { name: 'API keys' }).count()).toBe(0)
  })
})

describe('integrations pages at 390 px', () => {
  it('neither page scrolls sideways, with an endpoint and its delivery log open', async () => {
    const { page } = browser
    const admin = await token(DEMO.admin)
    const long = `${receiverUrl}?${'x'.repeat(120)}`
    const ep = await call('POST', '/api/v1/admin/webhooks/endpoints', {
      token: admin,
      body: { url: long, events: ['order.paid', 'order.shipped', 'refund.created'] },
    })
    expect(ep.status).toBe(201)
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await signIn(page, DEMO.admin)
      for (const path of [`webhooks?endpoint=${ep.body.id}`, 'api-keys']) {
        await page.goto(`${baseUrl()}/admin/#/${path}`)
        await page.getByRole('heading', { level: 1 }).first().waitFor()
        await waitLoaded(page)
        expect(await overflow(page), `#/${path} is wider than the phone`).toBe(0)
      }
      await page.goto(`${baseUrl()}/admin/#/webhooks?endpoint=${ep.body.id}`)
      await page.getByRole('heading', { name: 'Delivery log' }).waitFor()
      await waitLoaded(page)
      expect(await overflow(page)).toBe(0)
      await screenshot(page, 'phone-webhooks')
    } finally {
      await page.setViewportSize({ width: 1366, height: 860 })
      await call('DELETE', `/api/v1/admin/webhooks/endpoints/${ep.body.id}`, { token: admin })
    }
  })
})
