import { describe, expect, it } from 'vitest'
import { api, createUser } from '../helpers'
import { makeCategory, makeProduct } from './fixtures'

describe('categories', () => {
  it('builds a tree, serves one category with breadcrumb, and edits it', async () => {
    const admin = await createUser('staff')
    const root = await makeCategory(admin, 'Одежда')
    expect(root.slug).toBe('odezhda')
    const child = await makeCategory(admin, 'Shoes', root.id)
    const again = await makeCategory(admin, 'Shoes')
    expect(again.slug).toBe('shoes-2')

    const tree = await api('GET', '/api/v1/categories')
    const node = tree.body.data.find((c: { id: string }) => c.id === root.id)
    expect(node.children.map((c: { id: string }) => c.id)).toEqual([child.id])
    const flat = await api('GET', '/api/v1/categories?format=flat')
    expect(flat.body.data.find((c: { id: string }) => c.id === child.id).parent_id).toBe(root.id)

    const detail = await api('GET', `/api/v1/categories/${child.slug}`)
    expect(detail.status).toBe(200)
    expect(detail.body.ancestors).toEqual([{ id: root.id, name: 'Одежда', slug: 'odezhda' }])
    expect((await api('GET', '/api/v1/categories/nope')).status).toBe(404)

    const renamed = await api('PATCH', `/api/v1/admin/categories/${child.id}`, {
      headers: admin.auth,
      body: { name: 'Footwear', slug: 'footwear' },
    })
    expect(renamed.body).toMatchObject({ name: 'Footwear', slug: 'footwear' })
    const taken = await api('PATCH', `/api/v1/admin/categories/${again.id}`, { headers: admin.auth, body: { slug: 'footwear' } })
    expect(taken.status).toBe(409)
    expect(taken.body.error.code).toBe('slug_taken')
  })

  it('refuses cycles', async () => {
    const admin = await createUser('admin')
    const a = await makeCategory(admin, 'A')
    const b = await makeCategory(admin, 'B', a.id)
    const c = await makeCategory(admin, 'C', b.id)
    for (const parent of [a.id, c.id]) {
      const res = await api('PATCH', `/api/v1/admin/categories/${a.id}`, { headers: admin.auth, body: { parent_id: parent } })
      expect(res.status).toBe(409)
    }
    const unknownParent = await api('PATCH', `/api/v1/admin/categories/${a.id}`, { headers: admin.auth, body: { parent_id: 'cat_nope' } })
    expect(unknownParent.status).toBe(422)
    const moved = await api('PATCH', `/api/v1/admin/categories/${c.id}`, { headers: admin.auth, body: { parent_id: null } })
    expect(moved.body.parent_id).toBeNull()
  })

  it('refuses to delete a category with children or products', async () => {
    const admin = await createUser('admin')
    const seller = await createUser('seller')
    const parent = await makeCategory(admin, 'Parent')
    const child = await makeCategory(admin, 'Child', parent.id)
    const p = await makeProduct(seller, { category_id: child.id, status: 'draft' })

    const withChildren = await api('DELETE', `/api/v1/admin/categories/${parent.id}`, { headers: admin.auth })
    expect(withChildren.status).toBe(409)
    const withProducts = await api('DELETE', `/api/v1/admin/categories/${child.id}`, { headers: admin.auth })
    expect(withProducts.status).toBe(409)

    await api('PATCH', `/api/v1/seller/products/${p.id}`, { headers: seller.auth, body: { category_id: null } })
    expect((await api('DELETE', `/api/v1/admin/categories/${child.id}`, { headers: admin.auth })).status).toBe(200)
    expect((await api('DELETE', `/api/v1/admin/categories/${parent.id}`, { headers: admin.auth })).status).toBe(200)
    expect((await api('GET', `/api/v1/categories/${parent.id}`)).status).toBe(404)
    expect((await api('DELETE', `/api/v1/admin/categories/${parent.id}`, { headers: admin.auth })).status).toBe(404)
  })

  it('validates category input', async () => {
    const admin = await createUser('admin')
    for (const body of [{}, { name: '' }, { name: 'x', slug: 'Bad Slug' }, { name: 'x', position: -1 }]) {
      const res = await api('POST', '/api/v1/admin/categories', { headers: admin.auth, body })
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('validation_error')
    }
  })
})
