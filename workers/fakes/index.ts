import { Hono } from 'hono'
import stripeFake from '../../fakes/stripe'
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

/**
 * One Worker serving every provider fake under a path prefix: /stripe, /sendgrid, /twilio,
 * /whatsapp, /telegram, /kaspi, /ozon, /turnstile-fake (Turnstile siteverify), /paypal, /paystack,
 * /chapa, /mpesa, /kaspi-pay. Each fake
 * is a Hono app in fakes/<provider>.ts that mirrors the real API's paths and JSON shapes; tests
 * mount the same apps in-process (test/fakes.ts).
 */
const app = new Hono()

app.route('/stripe', stripeFake)
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

app.get('/', (c) => c.json({ fakes: app.routes.map((r) => r.path).filter((p) => p !== '/') }))

export default app
