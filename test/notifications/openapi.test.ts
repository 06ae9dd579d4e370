import { describe, expect, it } from 'vitest'
import { createRouter } from '../../src/lib/router'
import { accountFlowRoutes } from '../../src/modules/accounts/account-flow-routes'
import { notificationRoutes } from '../../src/modules/notifications/routes'

describe('OpenAPI', () => {
  // Built from these routers alone, so a schema problem elsewhere in the app does not hide one here.
  it('documents the notification admin and account-flow endpoints', () => {
    const app = createRouter().route('/api/v1', notificationRoutes).route('/api/v1', accountFlowRoutes)
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } })
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual([
      '/api/v1/admin/notifications',
      '/api/v1/admin/notifications/dead-letters',
      '/api/v1/admin/notifications/{id}',
      '/api/v1/auth/password-reset/confirm',
      '/api/v1/auth/password-reset/request',
      '/api/v1/auth/verify-email/confirm',
      '/api/v1/auth/verify-email/request',
    ])
    const list = doc.paths!['/api/v1/admin/notifications']!.get!
    expect(list.parameters?.map((p) => ('name' in p ? p.name : '')).sort()).toEqual(
      ['channel', 'cursor', 'event_id', 'event_type', 'limit', 'provider', 'status', 'template', 'user_id'],
    )
  })
})
