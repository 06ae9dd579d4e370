import { newId } from '../../../lib/ids'
import { log } from '../../../lib/observability'
import type { OutboundMessage, Provider } from './types'

const URL_RE = /\bhttps?:\/\/[^\s<>"')]+/g

/**
 * The text with every link and every one-time value the message carries replaced: a password-reset
 * or verification link, a guest's signed order link. Whatever reaches a log is readable by anyone
 * with log access (Workers Logs, `wrangler tail`, a CI artifact), so it must not be a credential.
 */
export function redactForLog(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_RE, '[link redacted]')
  for (const secret of secrets) if (secret) out = out.split(secret).join('[one-time link redacted]')
  return out
}

/**
 * Local development and unconfigured channels: nothing leaves the machine. The consumer stores the
 * rendered message on the delivery row (GET /api/v1/admin/notifications/:id shows it, one-time
 * links redacted). The log line carries the text with every link and secret redacted, unless
 * `revealLinks`: the explicit development-only opt-in NOTIFICATIONS_LOG_REVEAL_LINKS (see providerFor),
 * so a developer can follow a reset link from `npm start`'s output.
 */
export function logProvider(options: { revealLinks: boolean } = { revealLinks: false }): Provider {
  return {
    name: 'log',
    send: async (message: OutboundMessage) => {
      log('info', 'notification (log provider)', {
        channel: message.channel,
        to: message.to,
        subject: message.subject,
        text: options.revealLinks ? message.text : redactForLog(message.text, message.secrets),
      })
      return { ok: true, providerMessageId: newId('logmsg') }
    },
  }
}
