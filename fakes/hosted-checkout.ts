/**
 * The provider's hosted payment page, for the fakes served by the fakes Worker under `npm start`:
 * the storefront's "Pay now" link (PayPal approve_url, Paystack authorization_url, Chapa
 * checkout_url, Kaspi Pay PaymentLink) opens this page on the fakes Worker instead of the real
 * provider's site, and its buttons do what the shopper does there; the fake then sends its signed
 * callback to the payment webhooks Worker (see `webhookTarget`).
 */
import type { Context } from 'hono'

/** Where this fake is mounted, e.g. http://localhost:8787/__fakes/paystack, from a request to `apiPath`. */
export function mountOf(c: Context, apiPath: string): string {
  const url = new URL(c.req.url)
  const at = url.pathname.lastIndexOf(apiPath)
  return `${url.origin}${at >= 0 ? url.pathname.slice(0, at) : ''}`
}

/**
 * Where a fake POSTs its callbacks: an explicit URL (tests), else `<PROVIDER>_FAKE_WEBHOOK_URL`,
 * else FAKE_WEBHOOKS_BASE_URL + /webhooks/<provider> (workers/fakes/wrangler.toml sets the base to
 * the local payment webhooks Worker). Undefined: record the delivery only.
 */
export function webhookTarget(c: Context, provider: string, explicit?: string): string | undefined {
  if (explicit) return explicit
  const env = (c.env ?? {}) as Record<string, unknown>
  const own = env[`${provider.toUpperCase().replace(/-/g, '_')}_FAKE_WEBHOOK_URL`]
  if (typeof own === 'string' && own) return own
  const base = env.FAKE_WEBHOOKS_BASE_URL
  return typeof base === 'string' && base ? `${base.replace(/\/+$/, '')}/webhooks/${provider}` : undefined
}

/** POST `body` to `url` without holding up the answer when the runtime lets us. */
export async function post(c: Context, url: string, body: string, headers: Record<string, string>) {
  const delivery = fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body }).then(
    () => undefined,
    () => undefined,
  )
  try {
    c.executionCtx.waitUntil(delivery)
  } catch {
    await delivery
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** The page with one button per outcome (each POSTs `outcome` back to the same URL). */
export function hostedPage(c: Context, opts: { provider: string; what: string; outcomes: [value: string, label: string][] }) {
  const buttons = opts.outcomes.map(([value, label]) => `<button name="outcome" value="${esc(value)}">${esc(label)}</button>`).join(' ')
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(opts.provider)} (local fake)</title></head>` +
      `<body><h1>${esc(opts.provider)} — local fake</h1><p>${esc(opts.what)}</p>` +
      `<form method="post">${buttons}</form><p><small>No money moves: this page stands in for ${esc(opts.provider)} under npm start.</small></p></body></html>`,
  )
}

/** What the shopper sees after choosing: the outcome and the way back to the shop. */
export function hostedResult(c: Context, opts: { provider: string; outcome: string; returnUrl?: string | null }) {
  const back = opts.returnUrl
    ? `<a href="${esc(opts.returnUrl)}">Return to the shop</a>`
    : `<a href="javascript:history.go(-2)">Return to the shop</a>`
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(opts.provider)} (local fake)</title></head>` +
      `<body><h1>${esc(opts.provider)} — ${esc(opts.outcome)}</h1><p>The callback was sent to the shop.</p><p>${back}</p></body></html>`,
  )
}

/** The outcome a hosted-page form posted. */
export async function postedOutcome(c: Context): Promise<string> {
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
  return String((form as Record<string, unknown>).outcome ?? '')
}
