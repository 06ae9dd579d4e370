import { createRouter } from '../../lib/router'
import { accountFlowRoutes } from './account-flow-routes'
import { adminUserRoutes } from './admin-routes'
import { apiKeyRoutes } from './api-key-routes'
import { authRoutes } from './auth-routes'
import { meRoutes } from './me-routes'

/**
 * Mounted at /api/v1: /auth/*, /me, /me/addresses, /admin/users, /admin/api-keys, and the email
 * verification and password reset flows (tokens mailed by the notifications consumer).
 */
export const accountRoutes = createRouter()
  .route('/', authRoutes)
  .route('/', meRoutes)
  .route('/', adminUserRoutes)
  .route('/', accountFlowRoutes)
  .route('/', apiKeyRoutes)
