import type { OutboundMessage, Provider } from './types'
import { callProvider, joinUrl } from './http'

export interface WhatsappConfig {
  baseUrl: string
  apiVersion: string
  phoneNumberId: string
  accessToken: string
}

/**
 * WhatsApp Cloud API: POST /{version}/{phone-number-id}/messages with a Bearer system-user token;
 * the answer lists `messages[0].id` (a wamid). Recipients are digits only, no leading +.
 */
export function whatsappProvider(config: WhatsappConfig): Provider {
  return {
    name: 'whatsapp',
    send: (message: OutboundMessage) => {
      const path = `/${encodeURIComponent(config.apiVersion)}/${encodeURIComponent(config.phoneNumberId)}/messages`
      const request = new Request(joinUrl(config.baseUrl, path), {
        method: 'POST',
        headers: { Authorization: `Bearer ${config.accessToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: message.to.replace(/^\+/, ''),
          type: 'text',
          text: { preview_url: false, body: message.text },
        }),
      })
      return callProvider('whatsapp', request, async (res) => {
        const body = (await res.json()) as { messages?: { id?: string }[] }
        return body.messages?.[0]?.id ?? null
      })
    },
  }
}
