import type { OutboundMessage, Provider } from './types'
import { callProvider, joinUrl } from './http'

export interface TelegramConfig {
  baseUrl: string
  botToken: string
}

/**
 * Telegram Bot API: POST /bot{token}/sendMessage with JSON {chat_id, text}; the answer is
 * `{ok: true, result: {message_id, ...}}`. Plain text (no parse_mode), so nothing needs escaping.
 */
export function telegramProvider(config: TelegramConfig): Provider {
  return {
    name: 'telegram',
    send: (message: OutboundMessage) => {
      const request = new Request(joinUrl(config.baseUrl, `/bot${config.botToken}/sendMessage`), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ chat_id: message.to, text: message.text, link_preview_options: { is_disabled: true } }),
      })
      return callProvider('telegram', request, async (res) => {
        const body = (await res.json()) as { result?: { message_id?: number } }
        const id = body.result?.message_id
        return id === undefined ? null : String(id)
      })
    },
  }
}
