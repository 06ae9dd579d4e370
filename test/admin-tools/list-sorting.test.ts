// Column sorting of the staff lists: GET /admin/orders?sort= and GET /admin/users?sort= walk every
// row once in the asked order (ties broken by id), page by page, even when rows arrive in between;
// a cursor belongs to its sort; an unknown sort is a 400.
import { describe, expect, it } from 'vitest'
import { createProduct } from '../fixtures/catalog'
import { api, createUser } from '../helpers'
import { flatShipping, placeOrder } from '../orders/fixtures'

type Page = { data: Record<string, any>[]; next_cursor: string | null }

async function walk(path: string, auth: Record<string, string>, limit = 2, between?: (pageNo: number) => Promise<void>) {
  const seen: Record<string, any>[] = []
  let cursor: string | null = null
  for (let pageNo = 0; pageNo < 50; pageNo++) {
    const res: { status: number; body: Page } = await api<Page>(
      'GET',
      `${path}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: auth },
    )
    expect(res.status).toBe(200)
    seen.push(...res.body.data)
    cursor = res.body.next_cursor
    if (!cursor) return seen
    await between?.(pageNo)
  }
  throw new Error('too many pages')
}

const byKeyThenId =
  (key: (r: Record<string, any>) => string | number, desc: boolean) => (a: Record<string, any>, b: Record<string, any>) => {
    const [x, y] = [key(a), key(b)]
    const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
    return desc ? -c : c
  }

describe('sorting the staff order list', () => {
  it('sorts by total both ways and by age, keyset pages never repeat or skip a row', async () => {
    const staff = await createUser('staff')
    const ship = await flatShipping(0)
    const p = await createProduct({ variants: [{ price: 1000, stock: 100 }] })
    const customer = await createUser('customer')
    // Totals 30, 10, 20, 10, 40 (two equal totals: the id breaks the tie).
    for (const qty of [3, 1, 2, 1, 4]) await placeOrder(p.variants[0]!.id, ship, qty, customer)
    const base = `/api/v1/admin/orders?user_id=${customer.id}`

    const asc = await walk(`${base}&sort=total_asc`, staff.auth)
    expect(asc.map((o) => o.total.amount)).toEqual([1000, 1000, 2000, 3000, 4000])
    expect(asc).toEqual([...asc].sort(byKeyThenId((o) => o.total.amount, false)))
    const desc = await walk(`${base}&sort=total_desc`, staff.auth)
    expect(desc.map((o) => o.id)).toEqual(asc.map((o) => o.id).reverse())
    expect(desc[0]!.customer_name).toBe('Test customer')

    const oldest = await walk(`${base}&sort=oldest`, staff.auth)
    const newest = await walk(`${base}&sort=newest`, staff.auth)
    expect(oldest.map((o) => o.id)).toEqual(newest.map((o) => o.id).reverse())
    expect(oldest.map((o) => o.created_at)).toEqual([...oldest.map((o) => o.created_at)].sort())
    // No sort at all is newest first, as before.
    expect((await walk(base, staff.auth)).map((o) => o.id)).toEqual(newest.map((o) => o.id))
  })

  it('an order placed while staff pages through the totals lands once, in its place', async () => {
    const staff = await createUser('staff')
    const ship = await flatShipping(0)
    const p = await createProduct({ variants: [{ price: 1000, stock: 100 }] })
    const customer = await createUser('customer')
    for (const qty of [1, 2, 5, 6]) await placeOrder(p.variants[0]!.id, ship, qty, customer)
    // After the first page (10, 20), orders of 15 (before the cursor) and 30 (after it) arrive.
    const p15 = await createProduct({ variants: [{ price: 1500, stock: 10 }] })
    const seen = await walk(`/api/v1/admin/orders?user_id=${customer.id}&sort=total_asc`, staff.auth, 2, async (pageNo) => {
      if (pageNo === 0) {
        await placeOrder(p15.variants[0]!.id, ship, 1, customer)
        await placeOrder(p.variants[0]!.id, ship, 3, customer)
      }
    })
    expect(seen.map((o) => o.total.amount)).toEqual([1000, 2000, 3000, 5000, 6000])
    expect(new Set(seen.map((o) => o.id)).size).toBe(seen.length)
  })

  it('refuses an unknown sort and a cursor from another sort', async () => {
    const staff = await createUser('staff')
    const bad = await api('GET', '/api/v1/admin/orders?sort=total', { headers: staff.auth })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('validation_error')
    const ship = await flatShipping(0)
    const p = await createProduct({ variants: [{ price: 1000, stock: 100 }] })
    const customer = await createUser('customer')
    for (let i = 0; i < 2; i++) await placeOrder(p.variants[0]!.id, ship, 1, customer)
    const first = await api<Page>('GET', `/api/v1/admin/orders?user_id=${customer.id}&sort=total_asc&limit=1`, { headers: staff.auth })
    const mixed = await api('GET', `/api/v1/admin/orders?user_id=${customer.id}&sort=total_desc&cursor=${first.body.next_cursor}`, {
      headers: staff.auth,
    })
    expect(mixed.status).toBe(400)
    expect(mixed.body.error.code).toBe('invalid_cursor')
    const plain = await api('GET', `/api/v1/admin/orders?user_id=${customer.id}&cursor=${first.body.next_cursor}`, { headers: staff.auth })
    expect(plain.status).toBe(400)
  })
})

describe('sorting the account list', () => {
  it('sorts by name (case-insensitive), email and age, page by page', async () => {
    const admin = await createUser('admin')
    const tag = `srt${crypto.randomUUID().slice(0, 6)}`
    const names = ['delta', 'Alpha', 'charlie', 'Bravo', 'alpha']
    for (const [i, name] of names.entries())
      await createUser('customer', { name: `${name} ${tag}`, email: `${String.fromCharCode(122 - i)}-${tag}@example.test` })
    const base = `/api/v1/admin/users?q=${tag}`

    const byName = await walk(`${base}&sort=name_asc`, admin.auth)
    expect(byName.map((u) => u.name.split(' ')[0]!.toLowerCase())).toEqual(['alpha', 'alpha', 'bravo', 'charlie', 'delta'])
    expect(byName).toEqual([...byName].sort(byKeyThenId((u) => u.name.toLowerCase(), false)))
    const byNameDesc = await walk(`${base}&sort=name_desc`, admin.auth)
    expect(byNameDesc.map((u) => u.id)).toEqual(byName.map((u) => u.id).reverse())

    const byEmail = await walk(`${base}&sort=email_asc`, admin.auth)
    expect(byEmail.map((u) => u.email)).toEqual(byEmail.map((u) => u.email).sort())
    expect(byEmail[0]!.email.startsWith('v-')).toBe(true)
    const byEmailDesc = await walk(`${base}&sort=email_desc`, admin.auth)
    expect(byEmailDesc.map((u) => u.id)).toEqual(byEmail.map((u) => u.id).reverse())

    const oldest = await walk(`${base}&sort=oldest`, admin.auth)
    expect(oldest.map((u) => u.id)).toEqual((await walk(base, admin.auth)).map((u) => u.id).reverse())

    expect((await api('GET', `${base}&sort=name`, { headers: admin.auth })).status).toBe(400)
  })
})
