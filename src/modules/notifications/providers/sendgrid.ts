import type { OutboundMessage, Provider } from './types'
import { callProvider, joinUrl } from './http'

export interface SendgridConfig {
  baseUrl: string
  apiKey: string
  fromEmail: string
  fromName: string
}

/** SendGrid v3 Mail Send: POST /v3/mail/send with a Bearer API key; 202 with X-Message-Id on success. */
export function sendgridProvider(config: SendgridConfig): Provider {
  return {
    name: 'sendgrid',
    send: (message: OutboundMessage) => {
      const content = [{ type: 'text/plain', value: message.text }]
      if (message.html) content.push({ type: 'text/html', value: message.html })
      const request = new Request(joinUrl(config.baseUrl, '/v3/mail/send'), {
        method: 'POST',
        headers: { Authorization: `Bearer ${config.apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          personalizations: [{ to: [{ email: message.to, ...(message.toName ? { name: message.toName } : {}) }] }],
          from: { email: config.fromEmail, name: config.fromName },
          subject: message.subject,
          content,
        }),
      })
      return callProvider('sendgrid', request, async (res) => res.headers.get('X-Message-Id'))
    },
  }
}
