import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { getCartLines, mergeGuestCart, newCartToken } from '../../src/modules/cart/service'
import { createProduct, setProductStatus, updateVariant } from '../fixtures/catalog'
import { api, createUser } from '../helpers'

const add = (headers: Record<string, string>, variant_id: string, quantity: number) =>
  api('POST', '/api/v1/cart/items', { headers, body: { variant_id, quantity } })

describe('guest carts', () => {
  it('a first write creates a token (header and body); the token brings the cart back', async () => {
    const p = await createProduct({ variants: [{ price: 1500 }] })
    const v = p.variants[0]!.id
    expect(await api('GET', '/api/v1/cart')).toMatchObject({ status: 200, body: { items: [], total: 0 } })

    const first = await add({}, v, 1)
    expect(first.status).toBe(200)
    const token = first.headers.get('X-Cart-Token')
    expect(token).toMatch(/^cart_[A-Za-z0-9_-]{43}$/)
    expect(first.body.token).toBe(token)

    const again = await add({ 'X-Cart-Token': token! }, v, 2)
    expect(again.headers.get('X-Cart-Token')).toBe(token)
    expect(again.body.items[0].quantity).toBe(3)
    const cart = await api('GET', '/api/v1/cart', { headers: { 'X-Cart-Token': token! } })
    expect(cart.body).toMatchObject({ token, subtotal: 4500, items: [{ variant_id: v, quantity: 3 }] })

    // a second guest without the token gets a different, empty cart
    const other = await add({}, v, 1)
    expect(other.body.token).not.toBe(token)
    expect(other.body.items[0].quantity).toBe(1)
  })

  it('an unknown (well-formed) token is an empty cart', async () => {
    const token = newCartToken()
    const r = await api('GET', '/api/v1/cart', { headers: { 'X-Cart-Token': token } })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ items: [], token })
    expect((await api('DELETE', '/api/v1/cart/items/var_x', { headers: { 'X-Cart-Token': token } })).status).toBe(404)
    expect((await api('DELETE', '/api/v1/cart/items/var_x')).status).toBe(404)
  })
})

describe('guest → user merge', () => {
  it('POST /cart/merge adds quantities up, capped by stock, drops unavailable lines, empties the guest cart', async () => {
    const user = await createUser()
    const capped = await createProduct({ variants: [{ price: 1000, stock: 5 }] })
    const plain = await createProduct({ variants: [{ price: 200, stock: 50 }] })
    const gone = await createProduct({ variants: [{ price: 300, stock: 50 }] })
    const a = capped.variants[0]!.id
    const b = plain.variants[0]!.id
    const c = gone.variants[0]!.id

    await add(user.auth, a, 4)
    await add(user.auth, b, 1)
    const g = await add({}, a, 3)
    const token = g.body.token as string
    await add({ 'X-Cart-Token': token }, b, 2)
    await add({ 'X-Cart-Token': token }, c, 1)
    await setProductStatus(gone.id, 'draft')

    const merged = await api('POST', '/api/v1/cart/merge', { headers: { ...user.auth, 'X-Cart-Token': token } })
    expect(merged.status).toBe(200)
    expect(merged.body.merged.sort()).toEqual([a, b].sort())
    expect(merged.body.dropped).toEqual([c])
    const qty = Object.fromEntries(merged.body.items.map((i: { variant_id: string; quantity: number }) => [i.variant_id, i.quantity]))
    expect(qty).toEqual({ [a]: 5, [b]: 3 }) // 4+3 capped at stock 5; 1+2
    expect(merged.body.token).toBeUndefined()

    const guestAfter = await api('GET', '/api/v1/cart', { headers: { 'X-Cart-Token': token } })
    expect(guestAfter.body.items).toEqual([])

    // merging again is a no-op: nothing is added twice
    const again = await api('POST', '/api/v1/cart/merge', { headers: { ...user.auth, 'X-Cart-Token': token } })
    expect(again.body.merged).toEqual([])
    expect(await getCartLines(env, { userId: user.id })).toEqual([
      { variant_id: a, quantity: 5 },
      { variant_id: b, quantity: 3 },
    ])
  })

  it('keeps the guest’s reference price so a price change is still flagged after the merge', async () => {
    const user = await createUser()
    const p = await createProduct({ variants: [{ price: 800 }] })
    const v = p.variants[0]!.id
    const token = (await add({}, v, 1)).body.token as string
    await updateVariant(v, { price: 900 })
    const res = await mergeGuestCart(env, token, user.id)
    expect(res).toEqual({ merged: [v], dropped: [] })
    const cart = await api('GET', '/api/v1/cart', { headers: user.auth })
    expect(cart.body.items[0]).toMatchObject({ unit_price: 900, price_changed: { old: 800, new: 900 } })
  })

  it('merge needs a signed-in user and a well-formed token', async () => {
    const user = await createUser()
    expect((await api('POST', '/api/v1/cart/merge', { headers: { 'X-Cart-Token': newCartToken() } })).status).toBe(401)
    expect((await api('POST', '/api/v1/cart/merge', { headers: user.auth })).status).toBe(400)
    expect((await api('POST', '/api/v1/cart/merge', { headers: { ...user.auth, 'X-Cart-Token': 'bad' } })).status).toBe(400)
    expect(await mergeGuestCart(env, 'not-a-token', user.id)).toEqual({ merged: [], dropped: [] })
  })
})

describe('merge on sign-in', () => {
  it('sign-in after sign-up, and every later sign-in, carrying X-Cart-Token merges the guest cart automatically', async () => {
    const p = await createProduct({ variants: [{ price: 1200, stock: 10 }] })
    const v = p.variants[0]!.id
    const email = `shopper-${Date.now()}@example.test`
    const password = 'correct horse battery staple'

    const t1 = (await add({}, v, 2)).body.token as string
    expect((await api('POST', '/api/v1/auth/register', { body: { email, password, name: 'Shopper' } })).status).toBe(202)
    const reg = await api('POST', '/api/v1/auth/login', { headers: { 'X-Cart-Token': t1 }, body: { email, password } })
    expect(reg.status).toBe(200)
    const auth = { Authorization: `Bearer ${reg.body.access_token}` }
    expect((await api('GET', '/api/v1/cart', { headers: auth })).body.items).toMatchObject([{ variant_id: v, quantity: 2 }])
    expect((await api('GET', '/api/v1/cart', { headers: { 'X-Cart-Token': t1 } })).body.items).toEqual([])

    const t2 = (await add({}, v, 3)).body.token as string
    const login = await api('POST', '/api/v1/auth/login', { headers: { 'X-Cart-Token': t2 }, body: { email, password } })
    expect(login.status).toBe(200)
    expect((await api('GET', '/api/v1/cart', { headers: auth })).body.items).toMatchObject([{ variant_id: v, quantity: 5 }])

    // a malformed token never breaks signing in
    const bad = await api('POST', '/api/v1/auth/login', { headers: { 'X-Cart-Token': 'junk' }, body: { email, password } })
    expect(bad.status).toBe(200)
  })
})

describe('guest cart expiry', () => {
  it('a guest write arms an idle alarm that deletes the cart; user carts get none', async () => {
    const p = await createProduct({ variants: [{ price: 100 }] })
    const token = (await add({}, p.variants[0]!.id, 1)).body.token as string
    const stub = env.CART.get(env.CART.idFromName(`guest:${token}`))
    const alarm = await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())
    expect(alarm).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    expect((await api('GET', '/api/v1/cart', { headers: { 'X-Cart-Token': token } })).body.items).toEqual([])
    // the object still works after being wiped
    expect((await add({ 'X-Cart-Token': token }, p.variants[0]!.id, 1)).body.items).toHaveLength(1)

    const user = await createUser()
    await add(user.auth, p.variants[0]!.id, 1)
    const userStub = env.CART.get(env.CART.idFromName(`user:${user.id}`))
    expect(await runInDurableObject(userStub, (_o, state) => state.storage.getAlarm())).toBeNull()
  })
})
