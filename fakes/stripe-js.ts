/**
 * An offline stand-in for Stripe.js (https://js.stripe.com/v3) with the same surface the
 * storefront uses: `Stripe(pk).elements({ clientSecret })`, `elements.create('payment').mount()`,
 * `stripe.confirmPayment({ elements, confirmParams: { return_url } })`. It confirms the
 * PaymentIntent through the Stripe fake's own API (fakes/stripe.ts), so the fake sends the signed
 * webhooks to the webhook Worker exactly as Stripe would. Stripe's test cards decide the outcome:
 *   4242 4242 4242 4242  succeeds, then redirects to return_url (redirect_status=succeeded)
 *   4000 0000 0000 0002  declined: confirmPayment resolves { error: { code: 'card_declined' } }
 *   4000 0025 0000 3155  3-D Secure: a fake authentication page, then back to return_url
 * Served by the fakes Worker at /stripe-js/v3; STRIPE_JS_URL points the storefront at it.
 */
import { Hono, type Context } from 'hono'

type Confirm = (request: Request, env: unknown, ctx?: ExecutionContext) => Response | Promise<Response>

const DECLINED = '4000000000000002'
const THREE_DS = '4000002500003155'

const SCRIPT = String.raw`(function () {
  // Where this script was served from, minus its /v3: http://localhost:8787/__fakes/stripe-js locally.
  var src = new URL(document.currentScript ? document.currentScript.src : location.href);
  var base = src.origin + src.pathname.replace(/\/v3\/?$/, '');
  function field(id, label, autocomplete, placeholder) {
    var p = document.createElement('p'); p.className = 'field';
    var l = document.createElement('label'); l.htmlFor = id; l.textContent = label;
    var i = document.createElement('input'); i.id = id; i.name = id; i.autocomplete = autocomplete; i.inputMode = 'numeric'; i.placeholder = placeholder;
    p.appendChild(l); p.appendChild(i); return p;
  }
  function Elements(clientSecret) { this.clientSecret = clientSecret; this.root = null; }
  Elements.prototype.create = function (type) {
    var self = this;
    return { mount: function (target) {
      var el = typeof target === 'string' ? document.querySelector(target) : target;
      var box = document.createElement('div'); box.setAttribute('data-fake-stripe', 'payment-element');
      box.appendChild(field('fake-card-number', 'Card number', 'cc-number', '4242 4242 4242 4242'));
      box.appendChild(field('fake-card-expiry', 'Expiry (MM / YY)', 'cc-exp', '12 / 34'));
      box.appendChild(field('fake-card-cvc', 'Security code', 'cc-csc', '123'));
      el.appendChild(box); self.root = box;
    } };
  };
  window.Stripe = function (publishableKey) {
    if (!/^pk_(test|live)_/.test(publishableKey || '')) throw new Error('Invalid publishable key');
    return {
      elements: function (opts) { return new Elements(opts && opts.clientSecret); },
      confirmPayment: function (opts) {
        var els = opts.elements, root = els.root;
        var val = function (id) { var i = root && root.querySelector('#' + id); return i ? i.value.replace(/\s+/g, '') : ''; };
        var card = val('fake-card-number');
        if (!/^\d{16}$/.test(card)) return Promise.resolve({ error: { type: 'validation_error', code: 'incomplete_number', message: 'Your card number is incomplete.' } });
        return fetch(base + '/confirm', { method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ client_secret: els.clientSecret, card: card, return_url: opts.confirmParams && opts.confirmParams.return_url }) })
          .then(function (r) { return r.json(); })
          .then(function (out) {
            if (out.redirect) { location.assign(out.redirect); return new Promise(function () {}); }
            return { error: out.error };
          });
      }
    };
  };
})();`

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url)
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
  return u.toString()
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The stand-in, confirming intents through `confirm` (the Stripe fake's app.request). */
export function createStripeJsFake(confirmThroughFake: Confirm) {
  const app = new Hono()
  app.use('*', async (c, next) => {
    await next()
    c.header('Access-Control-Allow-Origin', '*')
    c.header('Access-Control-Allow-Headers', 'Content-Type')
  })
  app.options('*', (c) => c.body(null, 204))

  app.get('/v3', (c) => c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }))

  async function confirm(c: Context, piId: string, paymentMethod: string) {
    const req = new Request(`http://stripe.fake/v1/payment_intents/${encodeURIComponent(piId)}/confirm`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk_test_stripe_js_fake', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_method: paymentMethod }).toString(),
    })
    let ctx: ExecutionContext | undefined
    try {
      ctx = c.executionCtx as ExecutionContext
    } catch {
      ctx = undefined
    }
    const res = await confirmThroughFake(req, c.env, ctx)
    return {
      status: res.status,
      body: (await res.json()) as {
        status?: string
        last_payment_error?: { message?: string; code?: string }
        error?: { message?: string }
      },
    }
  }

  const intentOf = (clientSecret: unknown) =>
    typeof clientSecret === 'string' ? /^(pi_[A-Za-z0-9]+)_secret_/.exec(clientSecret)?.[1] : undefined

  app.post('/confirm', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { client_secret?: string; card?: string; return_url?: string }
    const pi = intentOf(body.client_secret)
    if (!pi || typeof body.return_url !== 'string' || !/^https?:\/\//.test(body.return_url)) {
      return c.json({ error: { type: 'invalid_request_error', message: 'Invalid client secret or return_url.' } }, 400)
    }
    const back = (status: string) =>
      withQuery(body.return_url!, { payment_intent: pi, payment_intent_client_secret: body.client_secret!, redirect_status: status })
    if (body.card === THREE_DS) {
      // Relative to this request (…/stripe-js/confirm), so a prefix such as /__fakes is kept.
      const page = new URL('3ds', c.req.url)
      page.searchParams.set('client_secret', body.client_secret!)
      page.searchParams.set('return_url', body.return_url)
      return c.json({ redirect: page.toString() })
    }
    const result = await confirm(c, pi, body.card === DECLINED ? 'pm_card_chargeDeclined' : 'pm_card_visa')
    if (result.status >= 400)
      return c.json({
        error: { type: 'invalid_request_error', message: result.body.error?.message ?? 'This payment cannot be confirmed.' },
      })
    if (result.body.status === 'succeeded') return c.json({ redirect: back('succeeded') })
    const e = result.body.last_payment_error
    return c.json({ error: { type: 'card_error', code: e?.code ?? 'card_declined', message: e?.message ?? 'Your card was declined.' } })
  })

  // The bank's 3-D Secure page, Stripe-test-mode style: complete or fail the authentication.
  app.get('/3ds', (c) => {
    const secret = c.req.query('client_secret') ?? ''
    const ret = c.req.query('return_url') ?? ''
    const form = (outcome: string, label: string) =>
      `<form method="post" action="3ds"><input type="hidden" name="client_secret" value="${escapeHtml(secret)}"><input type="hidden" name="return_url" value="${escapeHtml(ret)}"><input type="hidden" name="outcome" value="${outcome}"><button type="submit">${label}</button></form>`
    return c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>3D Secure test page</title></head><body><main><h1>3D Secure 2 test page</h1><p>This is the offline stand-in for your bank's authentication.</p>${form('complete', 'Complete authentication')}${form('fail', 'Fail authentication')}</main></body></html>`,
    )
  })

  app.post('/3ds', async (c) => {
    const f = await c.req.parseBody()
    const secret = String(f.client_secret ?? '')
    const ret = String(f.return_url ?? '')
    const pi = intentOf(secret)
    if (!pi || !/^https?:\/\//.test(ret)) return c.text('Invalid request', 400)
    const ok = f.outcome === 'complete'
    const result = await confirm(c, pi, ok ? 'pm_card_visa' : 'pm_card_authenticationFailed_declined')
    const status = result.body.status === 'succeeded' ? 'succeeded' : 'failed'
    return c.redirect(withQuery(ret, { payment_intent: pi, payment_intent_client_secret: secret, redirect_status: status }), 303)
  })

  return app
}
