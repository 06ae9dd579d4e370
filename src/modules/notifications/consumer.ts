import { getDb, type DB } from '../../lib/db'
import type { DomainEvent } from '../../lib/events'
import { log } from '../../lib/observability'
import { getUserById } from '../accounts/service'
import { GUEST_SERVICE_EMAIL, orderLink, type OrderLinkEnv } from '../../lib/order-link'
import { providerFor, type ProviderEnv } from './providers'
import type { OutboundMessage } from './providers/types'
import { AccountTokenEventDataSchema, DomainEventSchema, OrderEventDataSchema, type Channel, type TemplateName } from './schema'
import {
  CLAIM_LEASE_SECONDS,
  claimDelivery,
  recordDeadLetter,
  recordSkipped,
  settleDelivery,
  skipDeselectedChannels,
  type DeliveryPlan,
} from './service'
import { alertSellersOfPaidOrder } from './seller-alerts'
import { render, templateLocale, type TemplateContext } from './templates'
import { config } from '../../lib/config'
import { backoffDelay } from '../../lib/backoff'

export type NotificationsEnv = ProviderEnv &
  Pick<Env, 'DB'> &
  OrderLinkEnv & {
    /** Where the signed order link in order emails points (the storefront). */
    APP_BASE_URL?: string
    /** Optional override of the first retry delay (seconds), e.g. to watch dead-lettering locally. */
    NOTIFICATIONS_RETRY_BASE_SECONDS?: string
  }

/** Retry delays: 30 s, 1 min, 2 min, 4 min … capped at an hour. */
export const RETRY_BASE_SECONDS = 30
export const RETRY_MAX_SECONDS = 3600

export const backoffSeconds = (attempts: number, base = RETRY_BASE_SECONDS) => backoffDelay(attempts, { base, max: RETRY_MAX_SECONDS })

const retryBase = (env: NotificationsEnv) => {
  return config(env).NOTIFICATIONS_RETRY_BASE_SECONDS
}

/**
 * Which template an event gets, and whether it follows the customer's channel preferences.
 * Account messages carry a one-time link for the mailbox owner, so they go by email only.
 * The orders module moves an unpaid order to `failed` when its payment fails or times out, so
 * `order.failed` gets the payment-failed message too. Events not listed (order.created,
 * account.registered) send nothing.
 */
const PLANS: Partial<Record<DomainEvent['type'], { template: TemplateName; emailOnly: boolean }>> = {
  'order.paid': { template: 'order_confirmation', emailOnly: false },
  'order.failed': { template: 'payment_failed', emailOnly: false },
  'order.shipped': { template: 'order_shipped', emailOnly: false },
  'order.delivered': { template: 'order_delivered', emailOnly: false },
  'order.refunded': { template: 'order_refunded', emailOnly: false },
  'order.cancelled': { template: 'order_cancelled', emailOnly: false },
  'return.requested': { template: 'return_requested', emailOnly: false },
  'return.approved': { template: 'return_approved', emailOnly: false },
  'return.refused': { template: 'return_refused', emailOnly: false },
  'return.received': { template: 'return_received', emailOnly: false },
  'return.refunded': { template: 'return_refunded', emailOnly: false },
  'return.cancelled': { template: 'return_cancelled', emailOnly: false },
  // One copy of return.requested / return.cancelled per staff member (fanOutToStaff).
  'return.staff_alert': { template: 'return_staff_alert', emailOnly: false },
  'return.staff_cancelled': { template: 'return_staff_cancelled', emailOnly: false },
  'account.email_verification_requested': { template: 'email_verification', emailOnly: true },
  'account.password_reset_requested': { template: 'password_reset', emailOnly: true },
  'account.signup_attempted': { template: 'account_exists', emailOnly: true },
}

/** Fields that carry one-time secrets; never stored, only mailed. */
const SECRET_FIELDS = ['link', 'token'] as const

/** The event with one-time links removed, safe to keep in D1 or print. */
export function redactEvent(event: { data: Record<string, unknown> } & Record<string, unknown>) {
  const data = { ...event.data }
  for (const field of SECRET_FIELDS) if (field in data) data[field] = '[redacted]'
  return { ...event, data }
}

/** A one-time link and the token inside it, for the log provider to redact wherever either appears. */
function secretsOf(link: unknown): string[] {
  if (typeof link !== 'string' || !link) return []
  try {
    const token = new URL(link).searchParams.get('token')
    return token ? [link, token] : [link]
  } catch {
    return [link]
  }
}

export type EventOutcome = { retry: false } | { retry: true; delaySeconds: number }

interface Recipient {
  to?: string
  missing: string
}

function recipientFor(channel: Channel, user: { email: string; phone: string | null; telegram_chat_id: string | null }): Recipient {
  switch (channel) {
    case 'email':
      return { to: user.email, missing: 'no email address' }
    case 'sms':
    case 'whatsapp':
      return { to: user.phone ?? undefined, missing: 'no phone number on the account' }
    case 'telegram':
      return { to: user.telegram_chat_id ?? undefined, missing: 'no Telegram chat id on the account' }
  }
}

/**
 * Deliver one domain event on every channel it should go to. Each (event, channel) is claimed in
 * D1 before the provider is called, so a redelivered event skips what was already sent and only
 * re-attempts what failed transiently. Returns whether the queue should redeliver it.
 */
export async function processEvent(db: DB, env: NotificationsEnv, body: unknown, attempts: number): Promise<EventOutcome> {
  const parsed = DomainEventSchema.safeParse(body)
  if (!parsed.success) {
    log('error', 'notification event is malformed; dropped', { issues: parsed.error.issues.length })
    return { retry: false }
  }
  const event = parsed.data
  const plan = PLANS[event.type as DomainEvent['type']]
  if (!plan) return { retry: false }

  const account = plan.emailOnly ? AccountTokenEventDataSchema.safeParse(event.data) : undefined
  const order = plan.emailOnly ? undefined : OrderEventDataSchema.safeParse(event.data)
  const userId = account?.data?.user_id ?? order?.data?.user_id
  if (account?.error || order?.error || !userId) {
    log('error', 'notification event data is malformed; dropped', { event_id: event.id, type: event.type })
    return { retry: false }
  }
  let user = await getUserById(db, userId)
  // Guest checkout: the order's email receives it, or the account the order has since joined.
  if (user && order?.data && user.email === GUEST_SERVICE_EMAIL) user = await guestOrderRecipient(db, order.data.order_id, user)
  if (!user) {
    log('warn', 'notification for an unknown user; dropped', { event_id: event.id, user_id: userId })
    return { retry: false }
  }

  const locale = templateLocale(user.locale)
  const ctx: TemplateContext = {
    brand: env.NOTIFICATIONS_FROM_NAME || 'Edge Commerce',
    name: user.name,
    order: order?.data,
    account: account?.data,
    orderLink: order?.data ? await orderLink(env, order.data.order_id).catch(() => undefined) : undefined,
    expiresInMinutes: account?.data
      ? Math.max(1, Math.round((Date.parse(account.data.expires_at) - Date.parse(event.occurred_at)) / 60_000))
      : undefined,
  }
  const secret = account?.data?.link
  const channels: Channel[] = plan.emailOnly ? ['email'] : [...new Set(user.notification_channels)]
  // A channel that was being retried but that the customer has since switched off is settled now.
  if (attempts > 1) await skipDeselectedChannels(db, event.id, channels)

  let delaySeconds = 0
  for (const channel of channels) {
    const provider = providerFor(env, channel)
    const recipient = recipientFor(channel, user)
    const deliveryPlan: DeliveryPlan = {
      eventId: event.id,
      eventType: event.type,
      channel,
      userId: user.id,
      recipient: recipient.to ?? '',
      template: plan.template,
      locale,
      provider: provider.name,
    }
    if (!recipient.to) {
      await recordSkipped(db, deliveryPlan, recipient.missing)
      continue
    }

    const claim = await claimDelivery(db, deliveryPlan)
    if (!claim.claimed) {
      if (claim.inFlight) delaySeconds = Math.max(delaySeconds, CLAIM_LEASE_SECONDS)
      continue
    }

    const rendered = render(plan.template, locale, channel, ctx)
    const message: OutboundMessage = { channel, to: recipient.to, toName: user.name, ...rendered, secrets: secretsOf(secret) }
    const result = await provider.send(message)
    if (result.ok) {
      // Only the log provider keeps the text (that is how staff read it); one-time links never.
      const keep = provider.name === 'log'
      const redact = (s: string) => (secret ? s.split(secret).join('[one-time link redacted]') : s)
      await settleDelivery(db, claim.row, {
        status: 'sent',
        providerMessageId: result.providerMessageId,
        ...(keep ? { subject: rendered.subject, body: redact(rendered.text) } : {}),
      })
    } else if (result.retryable) {
      await settleDelivery(db, claim.row, { status: 'retrying', error: result.error })
      delaySeconds = Math.max(delaySeconds, backoffSeconds(attempts, retryBase(env)), result.retryAfterSeconds ?? 0)
    } else {
      await settleDelivery(db, claim.row, { status: 'failed', error: result.error })
    }
    log(result.ok ? 'info' : 'warn', 'notification attempt', {
      event_id: event.id,
      channel,
      provider: provider.name,
      ok: result.ok,
      attempt: claim.row.attempts,
      ...(result.ok ? {} : { error: result.error, retryable: result.retryable }),
    })
  }
  return delaySeconds > 0 ? { retry: true, delaySeconds: Math.min(delaySeconds, RETRY_MAX_SECONDS) } : { retry: false }
}

/** Return events staff hear of too, and the event type each staff member's copy gets. */
const STAFF_COPIES: Record<string, string> = {
  'return.requested': 'return.staff_alert',
  'return.cancelled': 'return.staff_cancelled',
}

/**
 * return.requested → one `return.staff_alert`, return.cancelled → one `return.staff_cancelled`,
 * per active staff/admin account (id derived from the event and the staff member, so a
 * redelivery claims the same deliveries and sends nothing twice).
 */
async function fanOutToStaff(db: DB, env: NotificationsEnv, body: unknown, attempts: number): Promise<EventOutcome> {
  const parsed = DomainEventSchema.safeParse(body)
  const copyType = parsed.success ? STAFF_COPIES[parsed.data.type] : undefined
  if (!parsed.success || !copyType) return { retry: false }
  const event = parsed.data
  const { results } = await db.$client
    .prepare(`SELECT id FROM users WHERE role IN ('staff', 'admin') AND disabled_at IS NULL ORDER BY id LIMIT 50`)
    .all<{ id: string }>()
  let outcome: EventOutcome = { retry: false }
  for (const staff of results) {
    const copy = { ...event, id: `${event.id}:staff:${staff.id}`, type: copyType, data: { ...event.data, user_id: staff.id } }
    const result = await processEvent(db, env, copy, attempts)
    if (result.retry) outcome = result
  }
  return outcome
}

type Recipient_ = NonNullable<Awaited<ReturnType<typeof getUserById>>>

/** A guest order's recipient: the account it joined, else its checkout email, by email only. */
async function guestOrderRecipient(db: DB, orderId: string, guest: Recipient_): Promise<Recipient_ | null> {
  const row = await db.$client
    .prepare('SELECT user_id, email, shipping_address FROM orders WHERE id = ?')
    .bind(orderId)
    .first<{ user_id: string; email: string | null; shipping_address: string }>()
  if (!row) return guest
  if (row.user_id !== guest.id) return getUserById(db, row.user_id)
  if (!row.email) return null
  let name = ''
  try {
    name = String((JSON.parse(row.shipping_address) as { name?: string }).name ?? '')
  } catch {
    // keep the generic greeting
  }
  return { ...guest, email: row.email, name: name || row.email, phone: null, telegram_chat_id: null, notification_channels: ['email'] }
}

/**
 * The `notifications` queue handler. Messages are handled one at a time and acked or retried
 * individually, so one failing event never holds back the rest of the batch. After max_retries the
 * queue moves a message to `notifications-dlq`.
 */
export async function handleNotificationBatch(batch: MessageBatch<unknown>, env: NotificationsEnv): Promise<void> {
  const db = getDb(env)
  for (const message of batch.messages) {
    try {
      let outcome = await processEvent(db, env, message.body, message.attempts)
      // A new or withdrawn return: every staff member hears of it too (one derived event each, deduped like any).
      const staffOutcome = await fanOutToStaff(db, env, message.body, message.attempts)
      if (staffOutcome.retry && !outcome.retry) outcome = staffOutcome
      // Sellers with lines in a paid order are told once per (order, seller), claimed in D1.
      await alertSellersOfPaidOrder(env, message.body as DomainEvent)
      if (outcome.retry) message.retry({ delaySeconds: outcome.delaySeconds })
      else message.ack()
    } catch (err) {
      // D1 unavailable or a bug: nothing was settled, so trying again later is safe.
      log('error', 'notification event failed', { message_id: message.id, error: String(err) })
      message.retry({ delaySeconds: backoffSeconds(message.attempts, retryBase(env)) })
    }
  }
}

/**
 * The `notifications-dlq` handler: record each event the queue gave up on, with one-time links
 * removed, and mark its unfinished deliveries dead, so staff see it in the admin API.
 */
export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: Pick<Env, 'DB'>): Promise<void> {
  const db = getDb(env)
  for (const message of batch.messages) {
    const parsed = DomainEventSchema.safeParse(message.body)
    const event = parsed.success
      ? parsed.data
      : { id: `unparsed:${message.id}`, type: 'unknown', occurred_at: message.timestamp.toISOString(), data: {} }
    const userId = typeof event.data.user_id === 'string' ? event.data.user_id : null
    try {
      await recordDeadLetter(db, {
        eventId: event.id,
        eventType: event.type,
        userId,
        attempts: message.attempts,
        payload: redactEvent(event),
      })
      log('error', 'notification dead-lettered', { event_id: event.id, type: event.type })
      message.ack()
    } catch (err) {
      log('error', 'dead letter not recorded', { message_id: message.id, error: String(err) })
      message.retry()
    }
  }
}
