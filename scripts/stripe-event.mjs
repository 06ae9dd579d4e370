#!/usr/bin/env node
// Send a correctly signed Stripe event to the local webhook Worker (http://localhost:8787 under
// `npm start`), exactly as Stripe would: `Stripe-Signature: t=<unix>,v1=<HMAC-SHA256 hex of
// "<t>.<raw body>" keyed by STRIPE_WEBHOOK_SECRET>`.
//
//   node scripts/stripe-event.mjs pay <pi_id> [--decline]
//        confirm the PaymentIntent at Stripe (the local fake, or real Stripe in test mode, with
//        pm_card_visa / pm_card_chargeDeclined) and forward the event that produced
//   node scripts/stripe-event.mjs send <event_type> --pi <pi_id> [--amount N] [--currency usd] [--id evt_…]
//        build an event around the PaymentIntent as Stripe has it now (overrides for mismatch demos)
//   node scripts/stripe-event.mjs forward <evt_id>
//        fetch an event from Stripe's /v1/events/:id and deliver it (again: duplicates are no-ops)
//
// Options: --url <webhook url> (default http://localhost:8787/webhooks/stripe), --secret <whsec_…>,
// --age <seconds> (sign as if sent that long ago: over 300 s is rejected as a replay),
// --bad-signature (sign with a wrong secret). STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and
// STRIPE_API_BASE come from the environment or .dev.vars.
import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

function devVars() {
  const file = join(ROOT, '.dev.vars')
  if (!existsSync(file)) return {}
  const out = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1')
  }
  return out
}

function parseArgs(argv) {
  const positional = []
  const flags = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a.startsWith('--')) {
      const name = a.slice(2)
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('--')) flags[name] = true
      else {
        flags[name] = next
        i++
      }
    } else positional.push(a)
  }
  return { positional, flags }
}

const vars = { ...devVars(), ...process.env }
const { positional, flags } = parseArgs(process.argv.slice(2))
const [command, arg] = positional
const apiBase = (vars.STRIPE_API_BASE || 'https://api.stripe.com').replace(/\/+$/, '')
const secretKey = vars.STRIPE_SECRET_KEY
const webhookSecret = flags.secret || vars.STRIPE_WEBHOOK_SECRET
const url = flags.url || 'http://localhost:8787/webhooks/stripe'

function usage(message) {
  if (message) console.error(message)
  console.error(
    'usage: node scripts/stripe-event.mjs pay <pi_id> [--decline] | send <type> --pi <pi_id> [--amount N] [--currency c] | forward <evt_id>',
  )
  process.exit(2)
}

async function stripe(method, path, form) {
  if (!secretKey) usage('STRIPE_SECRET_KEY is not set (.dev.vars)')
  const res = await fetch(`${apiBase}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${secretKey}`,
      ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  })
  const body = await res.json()
  if (!res.ok) throw new Error(`Stripe ${method} ${path}: ${res.status} ${JSON.stringify(body.error ?? body)}`)
  return body
}

function sign(payload, secret, timestamp = Math.floor(Date.now() / 1000)) {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')
  return `t=${timestamp},v1=${v1}`
}

async function deliver(event) {
  if (!webhookSecret) usage('STRIPE_WEBHOOK_SECRET is not set (.dev.vars or --secret)')
  const payload = JSON.stringify(event)
  const timestamp = Math.floor(Date.now() / 1000) - Number(flags.age ?? 0)
  const signature = sign(payload, flags['bad-signature'] ? `${webhookSecret}-wrong` : webhookSecret, timestamp)
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature },
    body: payload,
  })
  const text = await res.text()
  console.log(`${event.type} ${event.id} -> ${res.status} ${text}`)
  if (res.status === 409) {
    // Another delivery of this event is being applied right now (the local fake pushes its events
    // itself when STRIPE_FAKE_WEBHOOK_URL is set); Stripe would simply retry later.
    console.log('(already being delivered, e.g. by the fake itself: nothing to do)')
    return true
  }
  return res.ok
}

function wrap(type, object) {
  return {
    id: flags.id || `evt_local_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  }
}

let ok
if (command === 'pay') {
  if (!arg) usage('pay needs a PaymentIntent id (see GET /api/v1/admin/payments or the checkout response)')
  const method = flags.decline ? 'pm_card_chargeDeclined' : 'pm_card_visa'
  const pi = await stripe('POST', `/v1/payment_intents/${arg}/confirm`, { payment_method: method })
  const wanted = pi.status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed'
  const events = await stripe('GET', `/v1/events?type=${wanted}&limit=20`)
  const event = events.data.find((e) => e.data.object.id === arg) ?? wrap(wanted, pi)
  ok = await deliver(event)
} else if (command === 'send') {
  if (!arg || !flags.pi) usage('send needs an event type and --pi <pi_id>')
  const pi = await stripe('GET', `/v1/payment_intents/${flags.pi}`)
  if (flags.amount !== undefined) pi.amount = pi.amount_received = Number(flags.amount)
  if (flags.currency) pi.currency = String(flags.currency).toLowerCase()
  ok = await deliver(wrap(arg, pi))
} else if (command === 'forward') {
  if (!arg) usage('forward needs an event id')
  ok = await deliver(await stripe('GET', `/v1/events/${arg}`))
} else {
  usage()
}
process.exit(ok ? 0 : 1)
