import { Hono } from 'hono'
import type { Address } from '../../accounts/schema'
import type { PaymentProviderName } from '../../payments/providers/names'
import { getCookie } from 'hono/cookie'
import type { OrderDetail } from '../../orders/service'
import { signOrderId } from '../../../lib/order-link'
import { callApi, errorMessages, type ApiResult } from '../api'
import { CountrySelect, Field } from '../components/forms'
import { Messages } from '../components/layout'
import { COOKIES, clearShopCookie, visitorHeaders, withCustomer, type ShopContext, type ShopEnv } from '../context'
import { flash } from '../flash'
import { t } from '../i18n'
import { mpesaPhone, mpesaPhoneError } from '../mpesa-phone'
import { turnstileHeader, TurnstileWidget } from '../turnstile'
import { privatePage } from '../render'
import { Totals, loadCart } from './cart'

interface ShippingMethod {
  id: string
  name: string
  kind: string
  amount: number
  currency: string
  free_over_amount: number | null
}

// Keyed by the provider names themselves, so a provider without a label (or a misspelt key) fails to compile.
const PROVIDER_LABELS: Record<PaymentProviderName, string> = {
  stripe: 'Card (Stripe)',
  manual: 'Bank transfer / pay later',
  paypal: 'PayPal',
  paystack: 'Paystack',
  chapa: 'Chapa',
  mpesa: 'M-Pesa',
  kaspi: 'Kaspi Pay',
}

/** Payment options: the providers GET /payment-methods lists for this currency (Stripe and manual if it is absent). */
async function paymentMethods(c: ShopContext, currency: string | null): Promise<{ id: string; label: string }[]> {
  const l = c.get('locale')
  const res = await callApi<{ data: { provider: string; currencies: string[] | null }[] }>(c, 'GET', '/api/v1/payment-methods')
  const label = (id: string) =>
    t(l, (PROVIDER_LABELS as Record<string, string | undefined>)[id] ?? id.replace(/_/g, ' ').replace(/^\w/, (ch) => ch.toUpperCase()))
  if (res.status === 200 && Array.isArray(res.body?.data) && res.body.data.length) {
    return res.body.data
      .filter((m) => !m.currencies || !currency || m.currencies.includes(currency))
      .map((m) => ({ id: m.provider, label: label(m.provider) }))
  }
  return ['stripe', 'manual'].map((id) => ({ id, label: label(id) }))
}

/** Where the order page lives: the signed link works for guests and signed-in customers alike. */
export async function orderPath(env: Env, orderId: string) {
  return `/orders/${encodeURIComponent(orderId)}?sig=${await signOrderId(env, orderId)}`
}

type Values = Record<string, string>

async function checkoutPage(c: ShopContext, values: Values, errors: string[] = [], status: 200 | 400 | 409 | 422 = 200) {
  const l = c.get('locale')
  const customer = c.get('customer')
  const country = (values.country || c.get('country')).toUpperCase()
  const cart = await loadCart(c, { country })
  if (!cart.items.length) {
    if (errors.length) flash(c, 'error', errors)
    return c.redirect('/cart', 303)
  }
  const [methods, addresses, providers] = await Promise.all([
    callApi<{ data: ShippingMethod[] }>(
      c,
      'GET',
      `/api/v1/shipping-methods?${new URLSearchParams({ country, ...(cart.currency ? { currency: cart.currency } : {}) })}`,
    ),
    customer ? callApi<{ data: Address[] }>(c, 'GET', '/api/v1/me/addresses', { headers: visitorHeaders(c) }) : Promise.resolve(null),
    paymentMethods(c, cart.currency),
  ])
  const shipping = methods.status === 200 ? methods.body.data : []
  const saved = addresses?.status === 200 ? addresses.body.data : []
  const chosenMethod = values.shipping_method_id || cart.shipping_method?.id || shipping[0]?.id
  const useSaved = values.address_id ?? (saved.find((a) => a.is_default) ?? saved[0])?.id ?? ''
  const key = values.idempotency_key || crypto.randomUUID()
  return privatePage(
    c,
    { title: t(l, 'Checkout'), turnstile: !customer },
    <>
      <h1>{t(l, 'Checkout')}</h1>
      <Messages errors={errors} locale={l} />
      <div class="checkout">
        <form method="post" action="/checkout" class="checkout-form" novalidate>
          <input type="hidden" name="idempotency_key" value={key} />
          <input type="hidden" name="discount_code" value={values.discount_code ?? getCookie(c, COOKIES.discount) ?? ''} />
          <Field
            label={t(l, 'Email')}
            name="email"
            type="email"
            value={values.email ?? customer?.email ?? ''}
            required
            autocomplete="email"
            maxlength={254}
          />
          <fieldset>
            <legend>{t(l, 'Shipping address')}</legend>
            {saved.length ? (
              <>
                {saved.map((a) => (
                  <label class="choice">
                    <input type="radio" name="address_id" value={a.id} checked={useSaved === a.id} />
                    {a.label ? <strong>{a.label}: </strong> : null}
                    {a.name}, {a.line1}, {a.city}, {a.country}
                  </label>
                ))}
                <label class="choice">
                  <input type="radio" name="address_id" value="" checked={useSaved === ''} /> {t(l, 'A new address')}
                </label>
              </>
            ) : null}
            <div class="address-fields">
              <Field label={t(l, 'Full name')} name="name" value={values.name} autocomplete="name" maxlength={200} />
              <Field label={t(l, 'Address line 1')} name="line1" value={values.line1} autocomplete="address-line1" maxlength={200} />
              <Field
                label={t(l, 'Address line 2 (optional)')}
                name="line2"
                value={values.line2}
                autocomplete="address-line2"
                maxlength={200}
              />
              <Field label={t(l, 'City')} name="city" value={values.city} autocomplete="address-level2" maxlength={100} />
              <Field label={t(l, 'Region (optional)')} name="region" value={values.region} autocomplete="address-level1" maxlength={100} />
              <Field label={t(l, 'Postal code')} name="postal_code" value={values.postal_code} autocomplete="postal-code" maxlength={20} />
              <p class="field">
                <label for="f-country">{t(l, 'Country')}</label>
                <CountrySelect name="country" id="f-country" value={country} locale={l} />
              </p>
              <Field label={t(l, 'Phone (optional)')} name="phone" type="tel" value={values.phone} autocomplete="tel" maxlength={40} />
            </div>
          </fieldset>
          <fieldset>
            <legend>{t(l, 'Shipping method')}</legend>
            {shipping.length ? (
              shipping.map((m) => (
                <label class="choice">
                  <input type="radio" name="shipping_method_id" value={m.id} checked={m.id === chosenMethod} required /> {m.name}
                </label>
              ))
            ) : (
              <p class="field-error">{t(l, 'No shipping method delivers to this country.')}</p>
            )}
          </fieldset>
          <fieldset>
            <legend>{t(l, 'Payment')}</legend>
            {providers.map((p, i) => (
              <label class="choice">
                <input
                  type="radio"
                  name="payment_provider"
                  value={p.id}
                  checked={values.payment_provider ? values.payment_provider === p.id : i === 0}
                  required
                />{' '}
                {p.label}
              </label>
            ))}
            {providers.some((p) => p.id === 'mpesa') ? (
              // M-Pesa sends its payment prompt to a phone: asked here, used only when M-Pesa is chosen.
              <Field
                label={t(l, 'M-Pesa phone number (for M-Pesa only)')}
                name="payment_phone"
                type="tel"
                value={values.payment_phone}
                autocomplete="tel"
                inputmode="tel"
                maxlength={20}
              />
            ) : null}
          </fieldset>
          {customer ? null : <TurnstileWidget c={c} />}
          <button type="submit" class="primary">
            {t(l, 'Place order')}
          </button>
        </form>
        <aside class="summary" aria-label={t(l, 'Items')}>
          <ul>
            {cart.items.map((it) => (
              <li>
                {it.product_name} <span class="muted">{it.variant_name}</span> × {it.quantity}
              </li>
            ))}
          </ul>
          {cart.currency ? <Totals cart={cart} currency={cart.currency} locale={l} /> : null}
        </aside>
      </div>
    </>,
    status,
  )
}

export const checkoutPages = new Hono<ShopEnv>()
checkoutPages.use('/checkout', withCustomer)

checkoutPages.get('/checkout', (c) => checkoutPage(c, {}))

checkoutPages.post('/checkout', async (c) => {
  const l = c.get('locale')
  const raw = await c.req.parseBody()
  const v: Values = {}
  for (const [k, val] of Object.entries(raw)) if (typeof val === 'string') v[k] = val.trim()
  const errors: string[] = []
  const ru = l === 'ru'
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email ?? ''))
    errors.push(
      ru ? 'Укажите адрес электронной почты, например anna@example.com.' : 'Enter your email address, for example anna@example.com.',
    )
  const saved = Boolean(v.address_id && c.get('customer'))
  if (!saved) {
    if (!v.name) errors.push(ru ? 'Укажите имя получателя.' : 'Enter the name of the recipient.')
    if (!v.line1) errors.push(ru ? 'Укажите адрес.' : 'Enter the street address.')
    if (!v.city) errors.push(ru ? 'Укажите город.' : 'Enter the city.')
    if (!/^[A-Z]{2}$/.test(v.country ?? '')) errors.push(ru ? 'Выберите страну.' : 'Choose a country.')
  }
  if (!v.shipping_method_id) errors.push(ru ? 'Выберите способ доставки.' : 'Choose a shipping method.')
  if (!v.payment_provider) errors.push(ru ? 'Выберите способ оплаты.' : 'Choose how to pay.')
  const phone = v.payment_provider === 'mpesa' ? mpesaPhone(v.payment_phone) : null
  if (v.payment_provider === 'mpesa' && !phone) errors.push(mpesaPhoneError(l))
  if (errors.length) return checkoutPage(c, v, errors, 400)

  // From the form, not the cookie: a resubmitted form (double click, retry) has the same body.
  const discount = v.discount_code
  const body: Record<string, unknown> = {
    email: v.email,
    shipping_method_id: v.shipping_method_id,
    payment_provider: v.payment_provider,
    ...(phone ? { payment_phone: phone } : {}),
    ...(discount ? { discount_code: discount } : {}),
    ...(saved
      ? { address_id: v.address_id }
      : {
          shipping_address: {
            name: v.name,
            line1: v.line1,
            ...(v.line2 ? { line2: v.line2 } : {}),
            city: v.city,
            ...(v.region ? { region: v.region } : {}),
            ...(v.postal_code ? { postal_code: v.postal_code } : {}),
            country: v.country,
            ...(v.phone ? { phone: v.phone } : {}),
          },
        }),
  }
  const headers = visitorHeaders(c)
  if (!headers.Authorization && !headers['X-Cart-Token']) return c.redirect('/cart', 303)
  const res: ApiResult<{ order: OrderDetail; error?: unknown }> = await callApi(c, 'POST', '/api/v1/checkout', {
    headers: {
      ...headers,
      ...(headers.Authorization ? {} : turnstileHeader(v)),
      'Idempotency-Key': v.idempotency_key || crypto.randomUUID(),
    },
    body,
  })
  if (res.status !== 201 && res.status !== 200) {
    const status = res.status === 409 ? 409 : res.status === 422 ? 422 : 400
    // A new attempt after a refusal: a fresh key, so the corrected form is evaluated again.
    return checkoutPage(c, { ...v, idempotency_key: '' }, errorMessages(res, t(l, 'Something went wrong. Please try again.')), status)
  }
  clearShopCookie(c, COOKIES.discount)
  return c.redirect(await orderPath(c.env, res.body.order.id), 303)
})
