import { createRouter } from '../../lib/router'
import { invalidateCatalogAfterWrite } from './cache'
import { categoryAdminRoutes } from './category-admin-routes'
import { adminProductRoutes, sellerProductRoutes } from './manage-routes'
import { publicCatalogRoutes } from './public-routes'
import { reviewAdminRoutes } from './review-admin-routes'

/** Mounted at /api/v1: /categories, /products, /seller/products, /admin/products, /admin/categories, /admin/reviews. */
export const catalogRoutes = createRouter()
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
