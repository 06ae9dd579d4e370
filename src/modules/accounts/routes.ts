import { createRouter } from '../../lib/router'
import { adminUserRoutes } from './admin-routes'
import { authRoutes } from './auth-routes'
import { meRoutes } from './me-routes'

/** Mounted at /api/v1: /auth/*, /me, /me/addresses, /admin/users. */
export const accountRoutes = createRouter().route('/', authRoutes).route('/', meRoutes).route('/', adminUserRoutes)
