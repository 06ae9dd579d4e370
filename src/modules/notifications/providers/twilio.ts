import type { OutboundMessage, Provider } from './types'
import { callProvider, joinUrl } from './http'

export interface TwilioConfig {
  baseUrl: string
  accountSid: string
  authToken: string
  fromNumber: string
}

/**
 * Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic
 * auth (Account SID : Auth Token), form-encoded To/From/Body; 201 with the message `sid`.
 */
export function twilioProvider(config: TwilioConfig): Provider {
  return {
    name: 'twilio',
    send: (message: OutboundMessage) => {
      const path = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`
      const request = new Request(joinUrl(config.baseUrl, path), {
        method: 'POST',
        headers: {
          Authorization: `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ To: message.to, From: config.fromNumber, Body: message.text }).toString(),
      })
      return callProvider('twilio', request, async (res) => ((await res.json()) as { sid?: string }).sid ?? null)
    },
  }
}
