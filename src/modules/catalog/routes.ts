import { createRouter } from '../../lib/router'
import { categoryAdminRoutes } from './category-admin-routes'
import { adminProductRoutes, sellerProductRoutes } from './manage-routes'
import { publicCatalogRoutes } from './public-routes'

/** Mounted at /api/v1: /categories, /products, /seller/products, /admin/products, /admin/categories. */
export const catalogRoutes = createRouter()
  .route('/', publicCatalogRoutes)
  .route('/', sellerProductRoutes)
  .route('/', adminProductRoutes)
  .route('/', categoryAdminRoutes)
