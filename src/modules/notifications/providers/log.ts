import { newId } from '../../../lib/ids'
import { log } from '../../../lib/observability'
import type { OutboundMessage, Provider } from './types'

/**
 * Local development: nothing leaves the machine. The consumer stores the rendered message on the
 * delivery row (GET /api/v1/admin/notifications/:id shows it). In development the full text is
 * also written to the log, because the stored copy has one-time links redacted.
 */
export function logProvider(options: { printFullText: boolean }): Provider {
  return {
    name: 'log',
    send: async (message: OutboundMessage) => {
      log('info', 'notification (log provider)', {
        channel: message.channel,
        to: message.to,
        subject: message.subject,
        ...(options.printFullText ? { text: message.text } : {}),
      })
      return { ok: true, providerMessageId: newId('logmsg') }
    },
  }
}
