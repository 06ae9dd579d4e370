import { createRouter } from '../../lib/router'
import { invalidateCatalogAfterWrite } from './cache'
import { categoryAdminRoutes } from './category-admin-routes'
import { imageRoutes } from './images-routes'
import { adminProductRoutes, sellerProductRoutes } from './manage-routes'
import { publicCatalogRoutes } from './public-routes'
import { reviewAdminRoutes } from './review-admin-routes'

/** Under /api/v1: /categories, /products, /seller/products, /admin/products, /admin/categories, /admin/reviews. */
const catalogApiRoutes = createRouter()
  // Every successful catalog write (reviews included) invalidates the cached pages it changes.
  .use('/products/*', invalidateCatalogAfterWrite)
  .use('/seller/products/*', invalidateCatalogAfterWrite)
  .use('/admin/products/*', invalidateCatalogAfterWrite)
  .use('/admin/categories/*', invalidateCatalogAfterWrite)
  .route('/', publicCatalogRoutes)
  .route('/', sellerProductRoutes)
  .route('/', adminProductRoutes)
  .route('/', categoryAdminRoutes)
  .route('/', reviewAdminRoutes)

/** The catalog module, mounted at the root: its API under /api/v1 and the product images at /images/{key}. */
export const catalogRoutes = createRouter().route('/api/v1', catalogApiRoutes).route('/', imageRoutes)
