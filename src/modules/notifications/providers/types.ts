import type { Channel } from '../schema'

/** A rendered message for one channel and one recipient. */
export interface OutboundMessage {
  channel: Channel
  /** Email address, E.164 phone number, or Telegram chat id. */
  to: string
  toName?: string
  subject: string
  text: string
  html?: string
  /** One-time values in the text (a reset or verification link): never logged or stored. */
  secrets?: string[]
}

/**
 * What a provider call came to. `retryable` failures (5xx, 429, timeouts, network) go back to the
 * queue with backoff; anything else (4xx) is final and recorded as failed.
 */
export type SendResult =
  | { ok: true; providerMessageId: string | null }
  | { ok: false; retryable: boolean; error: string; retryAfterSeconds?: number }

export interface Provider {
  /** Recorded on the delivery row: sendgrid, twilio, whatsapp, telegram or log. */
  readonly name: string
  send(message: OutboundMessage): Promise<SendResult>
}
