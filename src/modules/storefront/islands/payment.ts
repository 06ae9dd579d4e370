/**
 * Payment island: loads Stripe.js from the configured URL (STRIPE_JS_URL: js.stripe.com in
 * production, the fakes Worker's stand-in offline), mounts the Payment Element for the order's
 * PaymentIntent and confirms it. Stripe redirects to return_url after 3-D Secure or success; a
 * declined card shows Stripe's message here and the shopper can try another card.
 */
interface StripeError {
  message?: string
}
interface StripeElements {
  create(type: 'payment', options?: Record<string, unknown>): { mount(el: string | HTMLElement): void }
}
interface StripeInstance {
  elements(options: { clientSecret: string; locale?: string }): StripeElements
  confirmPayment(options: { elements: StripeElements; confirmParams: { return_url: string } }): Promise<{ error?: StripeError }>
}
declare global {
  interface Window {
    Stripe?: (publishableKey: string, options?: Record<string, unknown>) => StripeInstance
  }
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (window.Stripe) return resolve()
    const s = document.createElement('script')
    s.src = src
    s.async = true
    s.onload = () => resolve()
    s.onerror = () => reject(new Error(`could not load ${src}`))
    document.head.appendChild(s)
  })
}

const form = document.getElementById('payment-form') as HTMLFormElement | null
if (form) {
  const message = document.getElementById('payment-message')
  const button = document.getElementById('pay-button') as HTMLButtonElement | null
  const { stripeJs, publishableKey, clientSecret, returnUrl, locale } = form.dataset
  const say = (text: string) => {
    if (message) message.textContent = text
  }
  if (button) button.disabled = true
  loadScript(stripeJs!)
    .then(() => {
      const stripe = window.Stripe!(publishableKey!)
      const elements = stripe.elements({ clientSecret: clientSecret!, locale })
      elements.create('payment').mount('#payment-element')
      if (button) button.disabled = false
      form.addEventListener('submit', async (event) => {
        event.preventDefault()
        if (button) button.disabled = true
        say('')
        const { error } = await stripe.confirmPayment({ elements, confirmParams: { return_url: returnUrl! } })
        // Only reached when there is no redirect: the card was declined or the details are incomplete.
        if (error && (error as { type?: string }).type === 'card_error') {
          // A declined card may have ended this payment attempt: the order page shows what is possible next.
          const back = new URL(returnUrl!)
          back.searchParams.set('redirect_status', 'failed')
          back.searchParams.set('decline', error.message ?? '')
          window.location.assign(back.toString())
          return
        }
        say(
          error?.message ??
            (locale === 'ru' ? 'Оплата не прошла. Попробуйте ещё раз.' : 'The payment did not go through. Please try again.'),
        )
        if (button) button.disabled = false
      })
    })
    .catch(() =>
      say(
        locale === 'ru'
          ? 'Не удалось загрузить форму оплаты. Обновите страницу.'
          : 'The payment form could not be loaded. Reload the page to try again.',
      ),
    )
}

export {}
