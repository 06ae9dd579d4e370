import type { Channel } from '../schema'
import { log } from '../../../lib/observability'
import { logProvider } from './log'
import { sendgridProvider } from './sendgrid'
import { telegramProvider } from './telegram'
import { twilioProvider } from './twilio'
import type { Provider } from './types'
import { whatsappProvider } from './whatsapp'
import { config } from '../../../lib/config'

/**
 * The vars and secrets the adapters read (wrangler.toml [vars] and secrets); the API Worker's and
 * the consumer Worker's Env both satisfy it. Plain strings, so tests can pass other values.
 */
export interface ProviderEnv {
  ENVIRONMENT: string
  NOTIFICATIONS_PROVIDER_MODE?: string
  /** "true" prints the log provider's links and tokens; honoured only with ENVIRONMENT=development. */
  NOTIFICATIONS_LOG_REVEAL_LINKS?: string
  NOTIFICATIONS_FROM_EMAIL: string
  NOTIFICATIONS_FROM_NAME: string
  SENDGRID_BASE_URL: string
  SENDGRID_API_KEY?: string
  TWILIO_BASE_URL: string
  TWILIO_ACCOUNT_SID?: string
  TWILIO_AUTH_TOKEN?: string
  TWILIO_FROM_NUMBER: string
  WHATSAPP_BASE_URL: string
  WHATSAPP_API_VERSION: string
  WHATSAPP_PHONE_NUMBER_ID: string
  WHATSAPP_ACCESS_TOKEN?: string
  TELEGRAM_BASE_URL: string
  TELEGRAM_BOT_TOKEN?: string
}

let refusedWarned = false

/**
 * The development-only opt-in to print whole messages (links included) from the log provider. Set
 * anywhere but ENVIRONMENT=development it is refused: links stay redacted and a warning says so.
 */
export function revealLinks(env: Pick<ProviderEnv, 'ENVIRONMENT' | 'NOTIFICATIONS_LOG_REVEAL_LINKS'>): boolean {
  if (!config(env).NOTIFICATIONS_LOG_REVEAL_LINKS) return false
  if (env.ENVIRONMENT === 'development') return true
  if (!refusedWarned) {
    refusedWarned = true
    log('warn', 'NOTIFICATIONS_LOG_REVEAL_LINKS refused outside ENVIRONMENT=development; links stay redacted', {
      environment: env.ENVIRONMENT,
    })
  }
  return false
}

/**
 * The adapter for a channel. NOTIFICATIONS_PROVIDER_MODE=log, or a channel whose credentials are
 * not configured, uses the log provider, so a fresh checkout sends nothing anywhere.
 */
export function providerFor(env: ProviderEnv, channel: Channel): Provider {
  const fallback = logProvider({ revealLinks: revealLinks(env) })
  if (config(env).NOTIFICATIONS_PROVIDER_MODE === 'log') return fallback
  switch (channel) {
    case 'email':
      return env.SENDGRID_API_KEY
        ? sendgridProvider({
            baseUrl: config(env).SENDGRID_BASE_URL,
            apiKey: env.SENDGRID_API_KEY,
            fromEmail: env.NOTIFICATIONS_FROM_EMAIL,
            fromName: env.NOTIFICATIONS_FROM_NAME,
          })
        : fallback
    case 'sms':
      return env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER
        ? twilioProvider({
            baseUrl: config(env).TWILIO_BASE_URL,
            accountSid: env.TWILIO_ACCOUNT_SID,
            authToken: env.TWILIO_AUTH_TOKEN,
            fromNumber: env.TWILIO_FROM_NUMBER,
          })
        : fallback
    case 'whatsapp':
      return env.WHATSAPP_ACCESS_TOKEN && env.WHATSAPP_PHONE_NUMBER_ID
        ? whatsappProvider({
            baseUrl: config(env).WHATSAPP_BASE_URL,
            apiVersion: env.WHATSAPP_API_VERSION,
            phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
            accessToken: env.WHATSAPP_ACCESS_TOKEN,
          })
        : fallback
    case 'telegram':
      return env.TELEGRAM_BOT_TOKEN
        ? telegramProvider({ baseUrl: config(env).TELEGRAM_BASE_URL, botToken: env.TELEGRAM_BOT_TOKEN })
        : fallback
  }
}
