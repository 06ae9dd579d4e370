import { api, type createUser } from '../helpers'

type User = Awaited<ReturnType<typeof createUser>>

let counter = 0
/** A SKU unique within the test file. */
export const sku = (prefix = 'SKU') => `${prefix}-${Date.now().toString(36)}-${++counter}`

/** A word FTS has never seen in this test file, so searches on it see only this test's products. */
export const uniqueWord = (prefix = 'zq') => `${prefix}${Math.random().toString(36).slice(2, 10).replace(/[0-9]/g, 'x')}`

export interface ProductInput {
  name?: string
  description?: string
  status?: 'draft' | 'active' | 'archived'
  category_id?: string | null
  currency?: string
  slug?: string
  seller_id?: string
  variants?: { sku: string; price: number; stock?: number; name?: string; attributes?: Record<string, string | number | boolean> }[]
}

/** Create a product through the seller API (or the admin API for a staff/admin user); asserts 201. */
export async function makeProduct(user: User, input: ProductInput = {}) {
  const base = user.role === 'seller' ? '/api/v1/seller/products' : '/api/v1/admin/products'
  const res = await api('POST', base, {
    headers: user.auth,
    body: {
      name: input.name ?? `Product ${sku('n')}`,
      description: input.description ?? '',
      status: input.status ?? 'active',
      currency: input.currency ?? 'USD',
      ...(input.category_id !== undefined ? { category_id: input.category_id } : {}),
      ...(input.slug ? { slug: input.slug } : {}),
      ...(input.seller_id ? { seller_id: input.seller_id } : {}),
      variants: input.variants ?? [{ sku: sku(), price: 1000, stock: 5 }],
    },
  })
  if (res.status !== 201) throw new Error(`makeProduct: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as {
    id: string
    slug: string
    variants: { id: string; sku: string; price: number; stock: number }[]
    [k: string]: unknown
  }
}

export async function makeCategory(admin: User, name: string, parentId?: string) {
  const res = await api('POST', '/api/v1/admin/categories', {
    headers: admin.auth,
    body: { name, ...(parentId ? { parent_id: parentId } : {}) },
  })
  if (res.status !== 201) throw new Error(`makeCategory: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { id: string; slug: string; parent_id: string | null }
}
