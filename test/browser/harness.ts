// Shared pieces of the browser tests: Debian's headless Chromium through playwright-core (never a
// downloaded browser), signing in through the dashboard, screenshots, and API calls that set up
// data (paid orders) the way a shop would: checkout with the manual provider, then staff confirms.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { inject } from 'vitest'

export const baseUrl = () => inject('baseUrl')

export interface SentEmail {
  to: string
  subject: string
  text: string
}

/**
 * Emails the store sent so far, oldest first: the notifications consumer's log provider prints each
 * one (full text in development) to the store's output, which global-setup writes to a file.
 */
export function sentEmails(to?: string): SentEmail[] {
  const file = inject('storeLog')
  if (!file || !existsSync(file)) return []
  const out: SentEmail[] = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const at = line.indexOf('{"level"')
    if (at < 0 || !line.includes('notification (log provider)')) continue
    try {
      const entry = JSON.parse(line.slice(at)) as { channel?: string; to?: string; subject?: string; text?: string }
      if (entry.channel === 'email' && (!to || entry.to === to))
        out.push({ to: entry.to ?? '', subject: entry.subject ?? '', text: entry.text ?? '' })
    } catch {
      // a line cut by the pipe's chunking: the next read sees it whole
    }
  }
  return out
}

/** Waits (polling the store's output) until an email to `to` whose subject matches arrives. */
export async function waitForEmail(to: string, subject: RegExp, timeoutMs = 60_000): Promise<SentEmail> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = sentEmails(to)
      .filter((m) => subject.test(m.subject))
      .at(-1)
    if (found) return found
    if (Date.now() > deadline)
      throw new Error(`no email to ${to} matching ${subject} (sent: ${JSON.stringify(sentEmails(to).map((m) => m.subject))})`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** The first link in an email that goes to `path`, moved onto the test store's origin (emails link to APP_BASE_URL). */
export function linkIn(email: SentEmail, path: string): string {
  const url = email.text
    .match(/https?:\/\/[^\s)>"]+/g)
    ?.map((u) => new URL(u))
    .find((u) => u.pathname.startsWith(path))
  if (!url) throw new Error(`no ${path} link in: ${email.text}`)
  return `${baseUrl()}${url.pathname}${url.search}`
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOTS = join(process.cwd(), 'artifacts', 'screenshots')

export const DEMO = {
  admin: { email: 'admin@example.com', password: 'admin-demo-pass' },
  staff: { email: 'staff@example.com', password: 'staff-demo-pass' },
  seller1: { email: 'seller1@example.com', password: 'seller-demo-pass' },
  seller2: { email: 'seller2@example.com', password: 'seller-demo-pass' },
} as const

export interface Browser {
  context: BrowserContext
  page: Page
  /** Page errors and console errors seen so far (a broken bundle shows up here). */
  errors: string[]
  close: () => Promise<void>
}

/** A fresh headless Chromium with its own temporary profile (English, light, laptop-sized unless told). */
export async function openBrowser(
  options: { locale?: string; colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'ec-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: options.viewport ?? { width: 1366, height: 860 },
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    timezoneId: 'UTC',
  })
  context.setDefaultTimeout(15_000)
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    // 4xx answers the tests provoke on purpose are logged by Chromium as failed resources.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(`console: ${msg.text()}`)
  })
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Signs in through the dashboard's login form and waits for the navigation to appear. */
export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto(`${baseUrl()}/admin/`)
  // Let the page's restore from the cookie finish first: its answer would set the cookie again.
  await page.waitForLoadState('networkidle')
  // Start signed out: the session lives in the HttpOnly refresh cookie, which a reload keeps.
  await page.context().clearCookies()
  await page.reload()
  await page.getByLabel('Email').fill(who.email)
  await page.getByLabel('Password').fill(who.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // Attached rather than visible: on a phone the navigation is folded behind the Menu button.
  await page.locator('nav[aria-label="Dashboard"]').waitFor({ state: 'attached' })
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const path = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

// ---------- API set-up

export interface ApiResult<T = any> {
  status: number
  body: T
}

export async function call<T = any>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  const res = await fetch(`${baseUrl()}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(opts.token ? { Authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

function expectOk<T>(what: string, res: ApiResult<T>): T {
  if (res.status >= 300) throw new Error(`${what} failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

let documentedPaths: Promise<Set<string>> | undefined

/** Whether the running API documents `path` in /openapi.json (e.g. '/api/v1/admin/marketplace/status'). */
export async function apiHas(path: string): Promise<boolean> {
  documentedPaths ??= call('GET', '/openapi.json').then((res) => new Set(Object.keys(res.body?.paths ?? {})))
  return (await documentedPaths).has(path)
}

export async function token(who: { email: string; password: string }): Promise<string> {
  return (await session(who)).token
}

export async function session(who: { email: string; password: string }): Promise<{ token: string; userId: string }> {
  const body = expectOk('login', await call('POST', '/api/v1/auth/login', { body: who }))
  return { token: body.access_token, userId: body.user.id }
}

/** A new customer account (each order gets its own, so carts never mix between tests). */
export async function newCustomer(): Promise<string> {
  const email = `browser-${crypto.randomUUID().slice(0, 8)}@example.com`
  expectOk(
    'register',
    await call('POST', '/api/v1/auth/register', { body: { email, password: 'browser-test-pass-1', name: 'Browser Test' } }),
  )
  return expectOk('sign in', await call('POST', '/api/v1/auth/login', { body: { email, password: 'browser-test-pass-1' } })).access_token
}

let shippingMethodId: string | undefined

/** A free, ship-everywhere USD method (created once per run). */
export async function shippingMethod(adminToken: string): Promise<string> {
  shippingMethodId ??= expectOk(
    'create shipping method',
    await call('POST', '/api/v1/admin/shipping-methods', {
      token: adminToken,
      body: { name: `Browser test courier ${Date.now()}`, kind: 'flat', currency: 'USD', amount: 0 },
    }),
  ).id
  return shippingMethodId!
}

export interface SeedVariant {
  productId: string
  productName: string
  slug: string
  variantId: string
  sellerId: string
}

/** In-stock USD variants of active seeded products (of one seller when `sellerId` is given). */
export async function someVariants(count: number, sellerId?: string): Promise<SeedVariant[]> {
  const list = expectOk('products', await call('GET', '/api/v1/products?limit=100&sort=newest'))
  const out: SeedVariant[] = []
  for (const p of list.data as { id: string; slug: string; currency: string; in_stock: boolean; seller_id: string }[]) {
    if (out.length >= count) break
    if (p.currency !== 'USD' || !p.in_stock || (sellerId && p.seller_id !== sellerId)) continue
    const detail = expectOk('product', await call('GET', `/api/v1/products/${p.slug}`))
    const variant = (detail.variants as { id: string; stock: number }[]).find((v) => v.stock >= 5)
    if (variant)
      out.push({ productId: detail.id, productName: detail.name, slug: detail.slug, variantId: variant.id, sellerId: detail.seller_id })
  }
  if (out.length < count) throw new Error(`only ${out.length} USD variants in stock`)
  return out
}

/** A paid order: a new customer checks out with the manual provider and staff confirms the payment. */
export async function paidOrder(staffToken: string, items: { variantId: string; quantity: number }[]) {
  const order = await placedOrder(staffToken, items)
  expectOk(
    'confirm payment',
    await call('POST', `/api/v1/admin/orders/${order.id}/confirm-payment`, { token: staffToken, body: { reference: 'browser-test' } }),
  )
  return order
}

/** An order awaiting its manual payment: a new customer checks out with the manual provider. */
export async function placedOrder(staffToken: string, items: { variantId: string; quantity: number }[]) {
  const customer = await newCustomer()
  for (const item of items) {
    expectOk(
      'add to cart',
      await call('POST', '/api/v1/cart/items', { token: customer, body: { variant_id: item.variantId, quantity: item.quantity } }),
    )
  }
  const checkout = expectOk(
    'checkout',
    await call('POST', '/api/v1/checkout', {
      token: customer,
      headers: { 'Idempotency-Key': crypto.randomUUID() },
      body: {
        shipping_address: { name: 'Grace Hopper', line1: '1 Compiler Way', city: 'Arlington', country: 'US', postal_code: '22201' },
        shipping_method_id: await shippingMethod(staffToken),
        payment_provider: 'manual',
      },
    }),
  )
  return { id: checkout.order.id as string, total: checkout.order.total as { amount: number; currency: string } }
}

function crc32(bytes: Buffer): number {
  let c = ~0
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** A small PNG with a diagonal two-colour pattern, encoded here so the tests need no image files. */
export function testPng(size = 48): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, no interlace
  const raw = Buffer.alloc(size * (1 + size * 3))
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3)
    for (let x = 0; x < size; x++) raw.set((x + y) % 16 < 8 ? [36, 87, 197] : [245, 166, 35], row + 1 + x * 3)
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}
