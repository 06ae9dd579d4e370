import { createRouter } from '../../lib/router'

export const imageRoutes = createRouter()
