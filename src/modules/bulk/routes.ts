import { createRoute } from '@hono/zod-openapi'
import type { Role } from '../../lib/context'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser } from '../accounts/middleware'
import { invalidateCatalogTags, LIST_TAG, productTags } from '../catalog/cache'
import { notifyCatalogChange } from '../catalog/notify'
import { BulkActionSchema, BulkResultSchema } from './schema'
import { runBulkAction } from './service'

const description =
  'One call for up to 100 selected products, one result per product (a failure — unknown product, another ' +
  'seller’s, a price in another currency — does not stop the others). archive: status archived. change_price: every ' +
  'variant’s price plus a signed amount (minor units, products in that currency only) or plus price × basis_points / ' +
  '10000 rounded half away from zero; never below 0. set_stock: every variant’s stock (recorded in the stock history).'

function bulkRoute(kind: 'admin' | 'seller') {
  const roles: Role[] = kind === 'admin' ? ['staff', 'admin'] : ['seller', 'admin']
  const auth = authRoute({ roles, scopes: kind === 'admin' ? ['products:write'] : [] })
  return createRouter().openapi(
    createRoute({
      ...auth,
      tags: [kind === 'admin' ? 'admin products' : 'seller products'],
      method: 'post',
      path: `/${kind}/bulk/products`,
      summary: kind === 'admin' ? 'Bulk action on any products' : 'Bulk action on your products',
      description,
      request: jsonBody(BulkActionSchema),
      responses: { 200: jsonContent(BulkResultSchema, 'One result per product'), ...errors(400, 401, 403) },
    }),
    async (c) => {
      const action = c.req.valid('json')
      const actorId = currentUser(c).id
      const db = c.get('db')
      const result = await runBulkAction(db, kind === 'seller' ? { actorId, sellerId: actorId } : { actorId }, action)
      const changed = result.results.filter((r) => r.ok).map((r) => r.product_id)
      if (changed.length) {
        await invalidateCatalogTags(c.env, [LIST_TAG, ...(await productTags(db, changed))])
        notifyCatalogChange(c, changed, `product.bulk_${action.action}`)
      }
      return c.json(result, 200)
    },
  )
}

/** Mounted at /api/v1: /admin/bulk/products (staff, admin) and /seller/bulk/products (a seller's own). */
export const bulkRoutes = createRouter().route('/', bulkRoute('admin')).route('/', bulkRoute('seller'))
