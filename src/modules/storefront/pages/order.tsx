import { Hono } from 'hono'
import { config } from '../../../lib/config'
import { log } from '../../../lib/observability'
import type { OrderDetail } from '../../orders/service'
import { hostedPaymentUrl } from '../../payments/hosted-page'
import { callApi, errorMessages } from '../api'
import { Field } from '../components/forms'
import { Messages } from '../components/layout'
import { COOKIES, setShopCookie, visitorHeaders, withCustomer, type ShopContext, type ShopEnv } from '../context'
import { flash, takeFlash } from '../flash'
import { dateTime, price } from '../format'
import { t, type Locale } from '../i18n'
import { mpesaPhone, mpesaPhoneError } from '../mpesa-phone'
import { originOf, privatePage } from '../render'
import { CART_COOKIE_MAX_AGE } from './cart'

interface StartedPayment {
  provider: string
  status: string
  next_action: Record<string, unknown> | null
}

const UNPAID = new Set(['pending', 'processing'])

/**
 * Stripe.js settings, or null when the publishable key is missing: the card form is then replaced
 * by an error (and an error log), never rendered with a made-up key. scripts/deploy.mjs refuses a
 * deploy without it.
 */
function stripeConfig(env: Env): { publishableKey: string; jsUrl: string } | null {
  const publishableKey = env.STRIPE_PUBLISHABLE_KEY?.trim()
  if (!publishableKey || !/^pk_(test|live)_/.test(publishableKey)) return null
  return { publishableKey, jsUrl: config(env).STRIPE_JS_URL }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/** Instructions and redirect links a provider returned, shown as text and links (never executed). */
function PaymentInstructions(props: { action: Record<string, unknown>; locale: Locale }) {
  const entries = Object.entries(props.action).filter(([k]) => k !== 'type')
  const url = hostedPaymentUrl(props.action)
  return (
    <section class="instructions" aria-labelledby="pay-instr">
      <h2 id="pay-instr">{t(props.locale, 'Payment instructions')}</h2>
      {url ? (
        <p>
          <a class="button primary" href={url}>
            {t(props.locale, 'Pay now')}
          </a>
        </p>
      ) : null}
      <dl>
        {entries
          .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
          .map(([k, v]) => (
            <>
              <dt>{t(props.locale, k.replace(/_/g, ' '))}</dt>
              {/* A deadline such as pay_before reads as a date in the shopper's language, not as ISO text. */}
              <dd>{typeof v === 'string' && ISO_TIME.test(v) ? dateTime(v, props.locale) : String(v)}</dd>
            </>
          ))}
      </dl>
    </section>
  )
}

interface OrderReturns {
  data: {
    id: string
    status: string
    reason: string
    note: string | null
    instructions: string | null
    refund: { amount: number; currency: string }
    label: { carrier: string; tracking_number: string; label_url: string } | null
    lines: { line_id: string; product_name: string | null; quantity: number }[]
    created_at: string
  }[]
  deadline: string | null
  returnable: { line_id: string; product_name: string; quantity: number; returnable_quantity: number }[]
}

/** Returns of a delivered order: the "Return items" form (while the window is open) and each return's state. */
function Returns(props: { returns: OrderReturns; base: string; sig: string; locale: Locale; currency: string }) {
  const l = props.locale
  const r = props.returns
  const open = r.returnable.filter((x) => x.returnable_quantity > 0)
  const q = `?sig=${encodeURIComponent(props.sig)}`
  if (!open.length && !r.data.length) return null
  return (
    <section aria-labelledby="returns-h" class="returns">
      <h2 id="returns-h">{t(l, 'Returns')}</h2>
      {r.data.map((ret) => (
        <div class="return" data-return={ret.id} data-status={ret.status}>
          <p>
            {t(l, 'Return {id}', { id: ret.id })}: <strong>{t(l, `return ${ret.status}`)}</strong> · {t(l, 'Refund')}{' '}
            {price(ret.refund.amount, ret.refund.currency, l)}
          </p>
          <p class="muted">{ret.lines.map((x) => `${x.product_name ?? x.line_id} × ${x.quantity}`).join(', ')}</p>
          {ret.note ? (
            <p>
              {t(l, 'Note from the shop')}: {ret.note}
            </p>
          ) : null}
          {ret.instructions && ret.status === 'approved' ? <p>{ret.instructions}</p> : null}
          {ret.label && ret.status === 'approved' ? (
            <p>
              <a href={ret.label.label_url}>{t(l, 'Download the {carrier} return label', { carrier: ret.label.carrier })}</a> (
              {t(l, 'Tracking number')} {ret.label.tracking_number})
            </p>
          ) : null}
          {ret.status === 'requested' ? (
            <form method="post" action={`${props.base}/returns/${encodeURIComponent(ret.id)}/cancel${q}`}>
              <button type="submit">{t(l, 'Cancel this return')}</button>
            </form>
          ) : null}
        </div>
      ))}
      {open.length ? (
        <form method="post" action={`${props.base}/returns${q}`} class="return-form">
          <h3>{t(l, 'Return items')}</h3>
          {r.deadline ? (
            <p class="muted">
              {t(l, 'You can return delivered items until {date}. Shipping is not refunded.', { date: dateTime(r.deadline, l) })}
            </p>
          ) : null}
          {open.map((x) => (
            <p>
              <label>
                {x.product_name} — {t(l, 'quantity to return (up to {n})', { n: x.returnable_quantity })}{' '}
                <input type="number" name={`qty-${x.line_id}`} min={0} max={x.returnable_quantity} value={0} inputmode="numeric" />
              </label>
            </p>
          ))}
          <p>
            <label>
              {t(l, 'Reason')} <input name="reason" required maxlength={500} />
            </label>
          </p>
          <p>
            <label>
              {t(l, 'Comment (optional)')} <textarea name="comment" maxlength={2000} rows={2}></textarea>
            </label>
          </p>
          <button type="submit" class="primary">
            {t(l, 'Return items')}
          </button>
        </form>
      ) : null}
    </section>
  )
}

function Timeline(props: { order: OrderDetail; locale: Locale }) {
  const l = props.locale
  return (
    <ol class="timeline">
      {props.order.timeline.map((e) => (
        <li>
          <strong>{t(l, e.to)}</strong> <time datetime={e.at}>{dateTime(e.at, l)}</time>
          {typeof e.meta?.tracking_number === 'string' ? (
            <span>
              {' '}
              · {t(l, 'Tracking number')}: {e.meta.tracking_number}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  )
}

/**
 * The page when the order could not be read: a wrong link is "not found"; anything else (the
 * database busy, a 5xx) is temporary, so the page says so and reloads itself, keeping the URL (and
 * with it the payment return state). Never "not found" for an order that exists.
 */
function orderUnavailable(c: ShopContext, status: number) {
  const l = c.get('locale')
  if (status === 400 || status === 404) return privatePage(c, { title: t(l, 'Page not found') }, <h1>{t(l, 'Page not found')}</h1>, 404)
  const url = new URL(c.req.url)
  return privatePage(
    c,
    { title: t(l, 'Your order'), refreshSeconds: 3, refreshUrl: url.pathname + url.search },
    <>
      <h1>{t(l, 'Your order')}</h1>
      <p class="alert error" role="alert" data-error="order-unavailable">
        {t(l, 'We could not load your order just now. This page tries again in a few seconds.')}
      </p>
    </>,
    503,
  )
}

async function orderPage(c: ShopContext, id: string, sig: string) {
  const l = c.get('locale')
  const res = await callApi<OrderDetail>(c, 'GET', `/api/v1/guest-orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`)
  if (res.status !== 200) return orderUnavailable(c, res.status)
  let order = res.body
  const flashed = takeFlash(c)
  const redirectStatus = c.req.query('redirect_status')
  const returning = redirectStatus === 'succeeded' || redirectStatus === 'processing'
  // Back from the payment page: the webhook normally marks the order paid within seconds, so the
  // page waits for it (re-rendering itself); after ~20 s it asks the provider directly instead.
  const waited = Math.min(99, Number(c.req.query('wait')) || 0)
  const waitForWebhook = returning && UNPAID.has(order.status) && waited < 10
  let payment: StartedPayment | null = null
  let payErrors: string[] = []
  if (UNPAID.has(order.status) && !waitForWebhook) {
    const started = await callApi<StartedPayment>(
      c,
      'POST',
      `/api/v1/guest-orders/${encodeURIComponent(id)}/pay?sig=${encodeURIComponent(sig)}`,
    )
    if (started.status === 200) payment = started.body
    // M-Pesa with no prompt sent yet (the push failed at checkout) needs the phone again: the form
    // below asks for it, so the API's "phone required" is not shown as an error.
    else if (!(started.status === 400 && order.payment_provider === 'mpesa' && order.status === 'pending'))
      payErrors = errorMessages(started, t(l, 'Something went wrong. Please try again.'))
    if (payment?.status === 'succeeded') {
      const again = await callApi<OrderDetail>(c, 'GET', `/api/v1/guest-orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`)
      if (again.status === 200) order = again.body
    }
  }
  const m = (amount: number) => price(amount, order.currency, l)
  const self = `/orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`
  const waiting = waitForWebhook
  const declined = redirectStatus === 'failed' && UNPAID.has(order.status)
  const secret = payment?.next_action?.type === 'stripe_payment_intent' ? String(payment.next_action.client_secret ?? '') : ''
  const stripe = stripeConfig(c.env)
  const misconfigured = Boolean(secret) && !stripe
  if (misconfigured) log('error', 'storefront: STRIPE_PUBLISHABLE_KEY is not set; card payments cannot be taken', { order_id: order.id })
  // An M-Pesa order still pending has no prompt on any phone (a sent one moves it to processing).
  const askPhone = order.payment_provider === 'mpesa' && order.status === 'pending' && !payment && !waiting
  const tracking = order.lines.filter((ln) => ln.tracking_number)
  const returns = await callApi<OrderReturns>(
    c,
    'GET',
    `/api/v1/guest-orders/${encodeURIComponent(id)}/returns?sig=${encodeURIComponent(sig)}`,
  )
  return privatePage(
    c,
    {
      title: t(l, 'Order {id}', { id: order.id }),
      islands: secret && stripe && !waiting ? ['payment'] : [],
      refreshSeconds: waiting ? 2 : undefined,
      refreshUrl: waiting ? `${self}&redirect_status=${redirectStatus}&wait=${waited + 1}` : undefined,
    },
    <>
      <h1>{t(l, 'Order {id}', { id: order.id })}</h1>
      <Messages
        errors={[
          ...(flashed.errors ?? []),
          ...payErrors,
          ...(declined
            ? [
                t(l, 'The payment did not go through. Your order is kept: try again.'),
                ...(c.req.query('decline') ? [c.req.query('decline')!.slice(0, 200)] : []),
              ]
            : []),
        ]}
        notice={flashed.notice}
        locale={l}
      />
      <p class="status" data-status={order.status}>
        {t(l, 'Status')}: <strong>{t(l, order.status)}</strong>
      </p>
      {order.status === 'paid' || order.status === 'shipped' || order.status === 'delivered' ? (
        <p class="alert notice" role="status">
          {t(l, 'Thank you! Your order is paid.')}
        </p>
      ) : null}
      {waiting ? (
        <p class="alert notice" role="status">
          {t(l, 'We are confirming your payment…')}
        </p>
      ) : null}
      {misconfigured && !waiting ? (
        <p class="alert error" role="alert" data-error="payments-not-configured">
          {t(l, 'Card payments are not available right now. Your order is kept; please try again later or contact the shop.')}
        </p>
      ) : null}
      {secret && stripe && !waiting ? (
        <section class="pay" aria-labelledby="pay-h">
          <h2 id="pay-h">{t(l, 'Pay for your order')}</h2>
          <form
            id="payment-form"
            data-stripe-js={stripe.jsUrl}
            data-publishable-key={stripe.publishableKey}
            data-client-secret={secret}
            data-return-url={`${originOf(c)}${self}`}
            data-locale={l}
          >
            <div id="payment-element"></div>
            <p id="payment-message" role="alert" class="field-error"></p>
            <button type="submit" class="primary" id="pay-button">
              {t(l, 'Pay now')} {m(order.total.amount)}
            </button>
          </form>
          <noscript>
            <p>{l === 'ru' ? 'Для оплаты картой включите JavaScript.' : 'Paying by card needs JavaScript.'}</p>
          </noscript>
        </section>
      ) : null}
      {payment && payment.next_action && !secret ? <PaymentInstructions action={payment.next_action} locale={l} /> : null}
      {askPhone ? (
        <section class="pay" aria-labelledby="mpesa-h" data-retry="mpesa">
          <h2 id="mpesa-h">{t(l, 'Pay with M-Pesa')}</h2>
          <p>{t(l, 'The payment prompt did not reach a phone. Enter the M-Pesa number to send it again; your order is kept.')}</p>
          <form method="post" action={`/orders/${encodeURIComponent(id)}/pay?sig=${encodeURIComponent(sig)}`} novalidate>
            <Field
              label={t(l, 'M-Pesa phone number')}
              name="payment_phone"
              type="tel"
              autocomplete="tel"
              inputmode="tel"
              maxlength={20}
              required
            />
            <button type="submit" class="primary">
              {t(l, 'Send the payment prompt')}
            </button>
          </form>
        </section>
      ) : null}
      {order.status === 'failed' || order.status === 'cancelled' ? (
        <form method="post" action={`/orders/${encodeURIComponent(id)}/reorder?sig=${encodeURIComponent(sig)}`}>
          <p>{t(l, 'This order was not paid in time or the payment failed. Put its items back in your cart to try again.')}</p>
          <button type="submit" class="primary">
            {t(l, 'Put the items back in my cart')}
          </button>
        </form>
      ) : null}
      <section aria-labelledby="items-h">
        <h2 id="items-h">{t(l, 'Items')}</h2>
        <ul class="order-lines">
          {order.lines.map((ln) => (
            <li>
              {ln.product_name} <span class="muted">{ln.variant_name}</span> × {ln.quantity} — {m(ln.total.amount)}
            </li>
          ))}
        </ul>
        <dl class="totals">
          <dt>{t(l, 'Subtotal')}</dt>
          <dd>{m(order.subtotal.amount)}</dd>
          {order.discount.amount ? (
            <>
              <dt>{t(l, 'Discount')}</dt>
              <dd>−{m(order.discount.amount)}</dd>
            </>
          ) : null}
          <dt>{t(l, 'Shipping')}</dt>
          <dd>{m(order.shipping.amount)}</dd>
          <dt>{order.tax_inclusive ? t(l, 'Tax (included)') : t(l, 'Tax')}</dt>
          <dd>{m(order.tax.amount)}</dd>
          <dt class="grand">{t(l, 'Total')}</dt>
          <dd class="grand">{m(order.total.amount)}</dd>
        </dl>
      </section>
      {tracking.length ? (
        <section aria-labelledby="track-h">
          <h2 id="track-h">{t(l, 'Tracking number')}</h2>
          <ul>
            {tracking.map((ln) => (
              <li>
                {ln.product_name}: {t(l, 'Carrier')} {ln.carrier ?? '—'}, {t(l, 'Tracking number')} <strong>{ln.tracking_number}</strong>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {returns.status === 200 ? (
        <Returns returns={returns.body} base={`/orders/${encodeURIComponent(id)}`} sig={sig} locale={l} currency={order.currency} />
      ) : null}
      <section aria-labelledby="tl-h">
        <h2 id="tl-h">{t(l, 'Timeline')}</h2>
        <Timeline order={order} locale={l} />
      </section>
      {!c.get('customer') ? (
        <p class="muted">
          {t(l, 'Keep this link to follow your order:')} <a href={self}>{`${originOf(c)}${self}`}</a>
        </p>
      ) : null}
    </>,
  )
}

export const orderPages = new Hono<ShopEnv>()
orderPages.use('/orders/*', withCustomer)

orderPages.get('/orders/:id', (c) => orderPage(c, c.req.param('id'), c.req.query('sig') ?? ''))

/**
 * Where PayPal, Paystack and Chapa send the shopper back (src/modules/payments/providers/http.ts
 * paymentReturnUrl). The provider's webhook is what marks the order paid, so this only takes the
 * shopper to their order page, with the order link's signature the return URL carries.
 */
orderPages.get('/orders/:id/payment-return', (c) => {
  const sig = c.req.query('sig') ?? ''
  if (c.req.query('cancelled') === '1')
    flash(c, 'notice', [t(c.get('locale'), 'Payment cancelled. Your order is kept: you can pay for it from this page.')])
  const query = sig ? `?sig=${encodeURIComponent(sig)}` : ''
  return c.redirect(`/orders/${encodeURIComponent(c.req.param('id'))}${query}`, 303)
})

/**
 * The order page's M-Pesa retry: the phone (checked like checkout's) goes to the same payment retry
 * path as every provider, POST /guest-orders/{id}/pay, which sends a new prompt to it.
 */
orderPages.post('/orders/:id/pay', async (c) => {
  const l = c.get('locale')
  const id = c.req.param('id')
  const sig = c.req.query('sig') ?? ''
  const back = `/orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`
  const form = await c.req.parseBody()
  const phone = mpesaPhone(typeof form.payment_phone === 'string' ? form.payment_phone : '')
  if (!phone) {
    flash(c, 'error', [mpesaPhoneError(l)])
    return c.redirect(back, 303)
  }
  const res = await callApi<StartedPayment>(
    c,
    'POST',
    `/api/v1/guest-orders/${encodeURIComponent(id)}/pay?sig=${encodeURIComponent(sig)}`,
    {
      body: { phone },
    },
  )
  if (res.status === 404) return privatePage(c, { title: t(l, 'Page not found') }, <h1>{t(l, 'Page not found')}</h1>, 404)
  if (res.status === 200) flash(c, 'notice', [t(l, 'The payment prompt is on its way to {phone}: approve it on your phone.', { phone })])
  else if (res.status >= 500)
    flash(c, 'error', [t(l, 'The payment prompt could not be sent just now. Check the number and try again; your order is kept.')])
  else flash(c, 'error', errorMessages(res, t(l, 'Something went wrong. Please try again.')))
  return c.redirect(back, 303)
})

/** A failed or cancelled order's items go back into the visitor's cart, to check out again. */
orderPages.post('/orders/:id/reorder', async (c) => {
  const l = c.get('locale')
  const id = c.req.param('id')
  const sig = c.req.query('sig') ?? ''
  const res = await callApi<OrderDetail>(c, 'GET', `/api/v1/guest-orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`)
  if (res.status === 400 || res.status === 404)
    return privatePage(c, { title: t(l, 'Page not found') }, <h1>{t(l, 'Page not found')}</h1>, 404)
  if (res.status !== 200) {
    flash(c, 'error', [t(l, 'We could not load your order just now. Please try again.')])
    return c.redirect(`/orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`, 303)
  }
  const problems: string[] = []
  for (const line of res.body.lines) {
    const added = await callApi(c, 'POST', '/api/v1/cart/items', {
      headers: visitorHeaders(c),
      body: { variant_id: line.variant_id, quantity: line.quantity },
    })
    const token = added.headers.get('X-Cart-Token')
    if (token && !c.get('customer') && token !== c.get('cartToken')) {
      setShopCookie(c, COOKIES.cart, token, CART_COOKIE_MAX_AGE)
      c.set('cartToken', token)
    }
    if (added.status !== 200)
      problems.push(`${line.product_name}: ${errorMessages(added, t(l, 'Something went wrong. Please try again.')).join(' ')}`)
  }
  if (problems.length) flash(c, 'error', problems)
  return c.redirect('/cart', 303)
})

/** The "Return items" form: quantities per line (0 = keep), a reason, through the signed order link. */
orderPages.post('/orders/:id/returns', async (c) => {
  const l = c.get('locale')
  const id = c.req.param('id')
  const sig = c.req.query('sig') ?? ''
  const form = await c.req.parseBody()
  const lines = Object.entries(form)
    .filter(([k]) => k.startsWith('qty-'))
    .map(([k, v]) => ({ line_id: k.slice(4), quantity: Number(v) }))
    .filter((x) => Number.isFinite(x.quantity) && x.quantity !== 0)
  const back = `/orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`
  if (!lines.length) {
    flash(c, 'error', [t(l, 'Choose how many of which items to return.')])
    return c.redirect(back, 303)
  }
  const comment = String(form.comment ?? '').trim()
  const res = await callApi<{ return: { id: string } }>(
    c,
    'POST',
    `/api/v1/guest-orders/${encodeURIComponent(id)}/returns?sig=${encodeURIComponent(sig)}`,
    {
      body: { lines, reason: String(form.reason ?? '').trim(), ...(comment ? { comment } : {}) },
    },
  )
  if (res.status === 201 || res.status === 200)
    flash(c, 'notice', [t(l, 'Return {id} requested. We will email you when it is reviewed.', { id: res.body.return.id })])
  else flash(c, 'error', errorMessages(res, t(l, 'Something went wrong. Please try again.')))
  return c.redirect(back, 303)
})

/** Withdraw a return not yet reviewed. */
orderPages.post('/orders/:id/returns/:rid/cancel', async (c) => {
  const l = c.get('locale')
  const id = c.req.param('id')
  const sig = c.req.query('sig') ?? ''
  const res = await callApi(
    c,
    'POST',
    `/api/v1/guest-orders/${encodeURIComponent(id)}/returns/${encodeURIComponent(c.req.param('rid'))}/cancel?sig=${encodeURIComponent(sig)}`,
  )
  if (res.status === 200) flash(c, 'notice', [t(l, 'The return was cancelled.')])
  else flash(c, 'error', errorMessages(res, t(l, 'Something went wrong. Please try again.')))
  return c.redirect(`/orders/${encodeURIComponent(id)}?sig=${encodeURIComponent(sig)}`, 303)
})
