// First usable dashboard page on a throttled CPU: loads /admin/ in headless Chromium with the CPU
// slowed 4× (CDP Emulation.setCPUThrottlingRate) and prints, per run and as medians,
//   - sign-in form: navigation start → the sign-in form is on screen;
//   - orders after sign-in: the Sign in click → the orders table has its rows;
//   - signed-in reload: navigation start → the orders table (session restored from the cookie).
// Times are taken inside the page (performance.now() from a MutationObserver), not by polling.
// Usage: npm run dashboard:first-paint -- [--url http://localhost:8787] [--runs 5] [--rate 4]
// against a running store with the demo accounts (`npm start`), or EC_FIRST_PAINT_URL.
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright-core'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const base = arg('url', process.env.EC_FIRST_PAINT_URL ?? 'http://localhost:8787').replace(/\/$/, '')
const runs = Number(arg('runs', '5'))
const rate = Number(arg('rate', '4'))
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ADMIN = { email: 'admin@example.com', password: 'admin-demo-pass' }

// Records when the sign-in form and the orders table's first row first appear.
const OBSERVE = () => {
  const marks = {}
  window.__marks = marks
  const check = () => {
    if (!marks.form && document.querySelector('input[autocomplete="username"]')) marks.form = performance.now()
    if (!marks.orders && document.querySelector('main table tbody tr')) marks.orders = performance.now()
  }
  new MutationObserver(check).observe(document, { childList: true, subtree: true })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
const results = { form: [], signIn: [], reload: [] }
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    await context.addInitScript(OBSERVE)
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate })
    await page.goto(`${base}/admin/#/orders`)
    await page.waitForFunction(() => window.__marks.form)
    results.form.push(await page.evaluate(() => window.__marks.form))

    await page.locator('input[autocomplete="username"]').fill(ADMIN.email)
    await page.locator('input[autocomplete="current-password"]').fill(ADMIN.password)
    const clicked = await page.evaluate(() => {
      const t = performance.now()
      document.querySelector('form button[type="submit"]').click()
      return t
    })
    await page.waitForFunction(() => window.__marks.orders, undefined, { timeout: 60_000 })
    results.signIn.push((await page.evaluate(() => window.__marks.orders)) - clicked)

    await page.reload()
    await page.waitForFunction(() => window.__marks.orders, undefined, { timeout: 60_000 })
    results.reload.push(await page.evaluate(() => window.__marks.orders))
    await context.close()
    console.log(
      `run ${i + 1}: sign-in form ${results.form[i].toFixed(0)} ms · orders after sign-in ${results.signIn[i].toFixed(0)} ms · signed-in reload to orders ${results.reload[i].toFixed(0)} ms`,
    )
  }
} finally {
  await browser.close()
}

// What the sign-in page loads: app.js and the chunks it imports statically (page chunks and the
// Russian dictionary come later, on demand).
const loaded = new Map()
const load = async (url) => {
  if (loaded.has(url)) return
  const bytes = Buffer.from(await (await fetch(url)).arrayBuffer())
  loaded.set(url, bytes)
  const text = bytes.toString('utf8')
  for (const m of text.matchAll(/(?:^|[;}])\s*import\s*(?:[^"'(]*?from\s*)?["'](\.\/[^"']+\.js)["']/g)) await load(new URL(m[1], url).href)
}
await load(`${base}/admin/app.js`)
const js = Buffer.concat([...loaded.values()])
const css = Buffer.from(await (await fetch(`${base}/admin/styles.css`)).arrayBuffer())
const kib = (n) => (n / 1024).toFixed(1)
console.log(`\nCPU throttled ${rate}×, ${runs} runs, medians:`)
console.log(`  sign-in form visible:            ${median(results.form).toFixed(0)} ms`)
console.log(`  orders table after Sign in:      ${median(results.signIn).toFixed(0)} ms`)
console.log(`  signed-in reload to orders:      ${median(results.reload).toFixed(0)} ms`)
console.log(
  `first load: app.js + ${loaded.size - 1} static chunks ${kib(js.length)} KiB (${kib(gzipSync(js, { level: 9 }).length)} KiB gz), styles.css ${kib(css.length)} KiB (${kib(gzipSync(css, { level: 9 }).length)} KiB gz)`,
)
