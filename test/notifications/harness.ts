import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test'
import { vi } from 'vitest'
import { createSendgridFake } from '../../fakes/sendgrid'
import { createTelegramFake } from '../../fakes/telegram'
import { createTwilioFake } from '../../fakes/twilio'
import { createWhatsappFake } from '../../fakes/whatsapp'
import { domainEvent, type DomainEvent } from '../../src/lib/events'
import worker from '../../workers/notifications/index'
import { api } from '../helpers'
import { routeFetch } from '../fakes'

/** All four provider fakes, reached at the providers' real origins through routeFetch. */
export function installProviderFakes() {
  const sendgrid = createSendgridFake()
  const twilio = createTwilioFake()
  const whatsapp = createWhatsappFake()
  const telegram = createTelegramFake()
  const fetchSpy = routeFetch({
    'https://api.sendgrid.com': (r) => sendgrid.app.fetch(r),
    'https://api.twilio.com': (r) => twilio.app.fetch(r),
    'https://graph.facebook.com': (r) => whatsapp.app.fetch(r),
    'https://api.telegram.org': (r) => telegram.app.fetch(r),
  })
  return { sendgrid, twilio, whatsapp, telegram, fetchSpy }
}

/** Every event the API Worker publishes to the notifications queue from now on. */
export function captureEvents() {
  const spy = vi.spyOn(env.NOTIFICATIONS_QUEUE, 'send')
  return () => spy.mock.calls.map((call) => call[0] as DomainEvent)
}

let seq = 0

/**
 * Hand events to the real consumer Worker (workers/notifications) as one queue batch and return
 * what it did with each message (ack / retry with delay).
 */
export async function deliver(events: DomainEvent[], opts: { attempts?: number; queue?: string; env?: Partial<Env>; ids?: string[] } = {}) {
  const batch = createMessageBatch<DomainEvent>(
    opts.queue ?? 'notifications',
    events.map((body, i) => ({ id: opts.ids?.[i] ?? `msg-${++seq}`, timestamp: new Date(), attempts: opts.attempts ?? 1, body })),
  )
  // getQueueResult() reports which messages were retried but drops the delay; record it here.
  const delays = new Map<string, number | undefined>()
  for (const message of batch.messages) {
    const retry = message.retry.bind(message)
    vi.spyOn(message, 'retry').mockImplementation((options?: QueueRetryOptions) => {
      delays.set(message.id, options?.delaySeconds)
      retry(options)
    })
  }
  const ctx = createExecutionContext()
  const queue = worker.queue as ExportedHandlerQueueHandler<Env>
  await queue(batch as MessageBatch<unknown>, { ...env, ...opts.env } as Env, ctx)
  const result = await getQueueResult(batch as MessageBatch<unknown>, ctx)
  return {
    ...result,
    retryMessages: result.retryMessages.map((m: { msgId: string }) => ({ msgId: m.msgId, delaySeconds: delays.get(m.msgId) })),
  }
}

export function orderEvent(type: DomainEvent['type'], userId: string, extra: Record<string, unknown> = {}): DomainEvent {
  return domainEvent(type, {
    order_id: 'ord_01jtestorder000000000000001',
    user_id: userId,
    status: type.split('.')[1],
    total: { amount: 123450, currency: 'USD' },
    lines: [
      { name: 'Wool scarf', quantity: 2 },
      { name: 'Tea mug', quantity: 1 },
    ],
    ...extra,
  })
}

/** Set preferences through the real PATCH /api/v1/me. */
export async function patchMe(auth: Record<string, string>, body: Record<string, unknown>) {
  const res = await api('PATCH', '/api/v1/me', { headers: auth, body })
  if (res.status !== 200) throw new Error(`PATCH /me ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body
}

export async function deliveries(staffAuth: Record<string, string>, query = '') {
  const res = await api<{ data: Record<string, any>[]; next_cursor: string | null }>('GET', `/api/v1/admin/notifications${query}`, {
    headers: staffAuth,
  })
  if (res.status !== 200) throw new Error(`GET /admin/notifications ${res.status}: ${JSON.stringify(res.body)}`)
  return res.body
}
