import { afterEach, describe, expect, it, vi } from 'vitest'
import turnstileFake, { TURNSTILE_DUMMY_TOKEN, TURNSTILE_TEST_SECRETS } from '../../fakes/turnstile'
import { routeFetch } from '../fakes'
import { api, createUser } from '../helpers'
import { createProduct } from '../fixtures/catalog'
import { ADDRESS, addToCart, checkoutBody, flatShipping } from '../orders/fixtures'
import { PASSWORD, uniqueEmail, uniqueIp } from '../accounts/util'
import { apiWith } from './util'

const on = (secret: string) => ({ TURNSTILE_SECRET_KEY: secret, TURNSTILE_BASE_URL: 'https://challenges.cloudflare.com' })
const fake = () => routeFetch({ 'https://challenges.cloudflare.com': (r) => turnstileFake.fetch(r) })
const token = { 'CF-Turnstile-Response': TURNSTILE_DUMMY_TOKEN }
const registration = () => ({ email: uniqueEmail('ts'), password: PASSWORD, name: 'Tia' })

afterEach(() => vi.restoreAllMocks())

describe('Turnstile', () => {
  it('is off by default: registration needs no token', async () => {
    expect((await api('POST', '/api/v1/auth/register', { body: registration() })).status).toBe(202)
  })

  it('refuses registration with the always-fail test secret (403 challenge_required)', async () => {
    const spy = fake()
    const res = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysFail), 'POST', '/api/v1/auth/register', {
      body: registration(),
      headers: token,
    })
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('challenge_required')
    expect(res.body.error.details[0].error_codes).toEqual(['invalid-input-response'])
    expect(spy).toHaveBeenCalledTimes(1)
  })

  it('accepts registration with the always-pass test secret and a token, refuses it without one', async () => {
    fake()
    const env = on(TURNSTILE_TEST_SECRETS.alwaysPass)
    expect((await apiWith(env, 'POST', '/api/v1/auth/register', { body: registration(), headers: token })).status).toBe(202)
    const missing = await apiWith(env, 'POST', '/api/v1/auth/register', { body: registration() })
    expect(missing.status).toBe(403)
    expect(missing.body.error.code).toBe('challenge_required')
  })

  it('refuses a spent token (the token-already-spent test secret)', async () => {
    fake()
    const res = await apiWith(on(TURNSTILE_TEST_SECRETS.tokenSpent), 'POST', '/api/v1/auth/register', {
      body: registration(),
      headers: token,
    })
    expect(res.status).toBe(403)
    expect(res.body.error.details[0].error_codes).toEqual(['timeout-or-duplicate'])
  })

  it('guards password reset requests', async () => {
    fake()
    const body = { email: uniqueEmail('reset') }
    expect(
      (await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysFail), 'POST', '/api/v1/auth/password-reset/request', { body, headers: token }))
        .status,
    ).toBe(403)
    expect(
      (await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/auth/password-reset/request', { body, headers: token }))
        .status,
    ).toBe(202)
  })

  it('fails closed when siteverify is unreachable', async () => {
    routeFetch({ 'https://challenges.cloudflare.com': () => Promise.reject(new Error('network down')) })
    const res = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/auth/register', {
      body: registration(),
      headers: token,
    })
    expect(res.status).toBe(403)
  })

  it('sign-in asks for a challenge only after many failures for the account, then a passed one lets the owner in', async () => {
    fake()
    const email = uniqueEmail('owner')
    expect((await api('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'O' } })).status).toBe(202)
    const fail = on(TURNSTILE_TEST_SECRETS.alwaysFail)
    // Without failures: no challenge is needed even with a failing key.
    expect(
      (
        await apiWith(fail, 'POST', '/api/v1/auth/login', {
          body: { email, password: 'wrong one' },
          headers: { 'CF-Connecting-IP': uniqueIp() },
        })
      ).status,
    ).toBe(401)
    for (let i = 0; i < 10; i++) {
      await apiWith(fail, 'POST', '/api/v1/auth/login', {
        body: { email, password: 'wrong one' },
        headers: { 'CF-Connecting-IP': uniqueIp() },
      })
    }
    const owner = { body: { email, password: PASSWORD }, headers: { 'CF-Connecting-IP': uniqueIp(), ...token } }
    const refused = await apiWith(fail, 'POST', '/api/v1/auth/login', owner)
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('challenge_required')
    const passed = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/auth/login', owner)
    expect(passed.status).toBe(200)
  })
})

describe('Turnstile on guest checkout', () => {
  const setup = async () => {
    const ship = await flatShipping(0)
    const seller = await createUser('seller')
    const p = await createProduct({
      sellerId: seller.id,
      name: 'Kettle',
      variants: [{ price: 2000, stock: 50, sku: `TS-${crypto.randomUUID().slice(0, 8)}` }],
    })
    return { ship, variantId: p.variants[0]!.id }
  }
  const guestCart = async (variantId: string) => {
    const res = await api('POST', '/api/v1/cart/items', { body: { variant_id: variantId, quantity: 1 } })
    expect(res.status).toBe(200)
    return res.headers.get('X-Cart-Token')!
  }
  const body = (ship: string) => ({
    shipping_address: ADDRESS,
    shipping_method_id: ship,
    payment_provider: 'manual',
    email: uniqueEmail('guest-ts'),
  })

  it('refuses a guest checkout with the always-fail key or without a token, accepts it with the always-pass key', async () => {
    const spy = fake()
    const { ship, variantId } = await setup()
    const cart = await guestCart(variantId)
    const failed = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysFail), 'POST', '/api/v1/checkout', {
      body: body(ship),
      headers: { ...token, 'X-Cart-Token': cart, 'Idempotency-Key': 'ts-guest-1' },
    })
    expect(failed.status).toBe(403)
    expect(failed.body.error.code).toBe('challenge_required')
    expect(spy).toHaveBeenCalledTimes(1)
    const missing = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/checkout', {
      body: body(ship),
      headers: { 'X-Cart-Token': cart, 'Idempotency-Key': 'ts-guest-2' },
    })
    expect(missing.status).toBe(403)
    // A made-up bearer token does not make a guest a signed-in customer: it is refused outright.
    const forged = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysFail), 'POST', '/api/v1/checkout', {
      body: body(ship),
      headers: { ...token, Authorization: 'Bearer not-a-token', 'X-Cart-Token': cart, 'Idempotency-Key': 'ts-guest-3' },
    })
    expect(forged.status).toBe(401)
    const passed = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysPass), 'POST', '/api/v1/checkout', {
      body: body(ship),
      headers: { ...token, 'X-Cart-Token': cart, 'Idempotency-Key': 'ts-guest-4' },
    })
    expect(passed.status).toBe(201)
    expect(passed.body.order_link).toBeTruthy()
  })

  it('does not challenge a signed-in customer, even with the always-fail key', async () => {
    const spy = fake()
    const { ship, variantId } = await setup()
    const customer = await createUser('customer')
    await addToCart(customer, variantId, 1)
    const res = await apiWith(on(TURNSTILE_TEST_SECRETS.alwaysFail), 'POST', '/api/v1/checkout', {
      body: checkoutBody(ship),
      headers: { ...customer.auth, 'Idempotency-Key': 'ts-user-1' },
    })
    expect(res.status).toBe(201)
    expect(spy).not.toHaveBeenCalled()
  })
})
