import { describe, expect, it } from 'vitest'
import { queueKind } from '../../src/lib/queue-names'

describe('queueKind', () => {
  it('knows the queue and its dead-letter queue, in every environment', () => {
    expect(queueKind('notifications', 'notifications')).toBe('main')
    expect(queueKind('notifications-dlq', 'notifications')).toBe('dlq')
    expect(queueKind('notifications-staging', 'notifications')).toBe('main')
    expect(queueKind('notifications-staging-dlq', 'notifications')).toBe('dlq')
  })

  it('refuses another consumer’s queue', () => {
    expect(queueKind('marketplace-sync', 'notifications')).toBeNull()
    expect(queueKind('notifications-production', 'notifications')).toBeNull()
  })
})
