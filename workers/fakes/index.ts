import { Hono } from 'hono'
import stripeFake, { stripeFake as stripeFakeInstance } from '../../fakes/stripe'
import { createStripeJsFake } from '../../fakes/stripe-js'
import sendgridFake from '../../fakes/sendgrid'
import twilioFake from '../../fakes/twilio'
import whatsappFake from '../../fakes/whatsapp'
import telegramFake from '../../fakes/telegram'
import { fakeKaspi } from '../../fakes/kaspi'
import { fakeOzon } from '../../fakes/ozon'
import turnstileFake from '../../fakes/turnstile'
import chapaFake from '../../fakes/chapa'
import kaspiPayFake from '../../fakes/kaspi-pay'
import mpesaFake from '../../fakes/mpesa'
import paypalFake from '../../fakes/paypal'
import paystackFake from '../../fakes/paystack'
import upsFake from '../../fakes/ups'
import fedexFake from '../../fakes/fedex'

/**
 * One Worker serving every provider fake under a path prefix: /stripe, /sendgrid, /twilio,
 * /whatsapp, /telegram, /kaspi, /ozon, /turnstile-fake (Turnstile siteverify), /paypal, /paystack,
 * /chapa, /mpesa, /kaspi-pay, /ups, /fedex. Each fake
 * is a Hono app in fakes/<provider>.ts that mirrors the real API's paths and JSON shapes; tests
 * mount the same apps in-process (test/fakes.ts).
 */
const app = new Hono()

app.route('/stripe', stripeFake)
// Stripe.js stand-in for the storefront's payment form; confirms through the Stripe fake above.
app.route(
  '/stripe-js',
  createStripeJsFake((req, env, ctx) => stripeFakeInstance.app.fetch(req, env as never, ctx)),
)
app.route('/sendgrid', sendgridFake)
app.route('/twilio', twilioFake)
app.route('/whatsapp', whatsappFake)
app.route('/telegram', telegramFake)
app.route('/kaspi', fakeKaspi)
app.route('/ozon', fakeOzon)
app.route('/turnstile-fake', turnstileFake)
app.route('/paypal', paypalFake)
app.route('/paystack', paystackFake)
app.route('/chapa', chapaFake)
app.route('/mpesa', mpesaFake)
app.route('/kaspi-pay', kaspiPayFake)
app.route('/ups', upsFake)
app.route('/fedex', fedexFake)

app.get('/', (c) => c.json({ fakes: app.routes.map((r) => r.path).filter((p) => p !== '/') }))

// `npm start` reaches this Worker through the API Worker's /__fakes/* (src/lib/dev-forward.ts), which
// forwards the request unchanged: the same fakes answer under that prefix, and the links they build
// from the request URL (hosted pages, Stripe.js) keep it.
const root = new Hono<{ Bindings: FakesWorkerEnv }>()
root.route('/__fakes', app)
root.route('/', app)

export default root
