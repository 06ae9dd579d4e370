import { Hono } from 'hono'

/**
 * One Worker serving every provider fake under a path prefix: /stripe, /sendgrid, /twilio,
 * /whatsapp, /telegram, /kaspi, /ozon. Each fake is a Hono app in fakes/<provider>.ts that mirrors
 * the real API's paths and JSON shapes; tests mount the same apps in-process (test/fakes.ts).
 */
const app = new Hono()

app.get('/', (c) => c.json({ fakes: app.routes.map((r) => r.path).filter((p) => p !== '/') }))

export default app
