import type { DomainEvent } from '../../lib/events'
import { newId } from '../../lib/ids'
import { log } from '../../lib/observability'
import { nowIso } from '../../lib/time'
import { providerFor, type ProviderEnv } from './providers'
import type { OutboundMessage } from './providers/types'
import { config } from '../../lib/config'

type AlertEnv = ProviderEnv & Pick<Env, 'DB'> & { SELLER_UNSHIPPED_ALERT_DAYS?: string; APP_BASE_URL?: string }

interface Seller {
  id: string
  email: string
  name: string
  telegram_chat_id: string | null
}

/**
 * Claim (kind, seller, key) in seller_alerts; true only for the one caller whose row went in, so
 * duplicated payment webhooks, queue redeliveries or a second cron run send nothing twice.
 */
async function claim(env: Pick<Env, 'DB'>, kind: 'order_paid' | 'unshipped_digest', sellerId: string, key: string): Promise<boolean> {
  const res = await env.DB.prepare(
    `INSERT INTO seller_alerts (id, kind, seller_id, key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, seller_id, key) DO NOTHING`,
  )
    .bind(newId('sla'), kind, sellerId, key, nowIso())
    .run()
  return res.meta.changes === 1
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = out.get(k)
    if (list) list.push(item)
    else out.set(k, [item])
  }
  return out
}

const release = (env: Pick<Env, 'DB'>, kind: string, sellerId: string, key: string) =>
  env.DB.prepare('DELETE FROM seller_alerts WHERE kind = ? AND seller_id = ? AND key = ?').bind(kind, sellerId, key).run()

/**
 * Email the seller, and Telegram when their account has a chat id. A failed email gives the claim
 * back and throws, so the caller's retry (queue redelivery, next cron run) tries again; Telegram
 * is best effort.
 */
async function send(env: AlertEnv, seller: Seller, kind: 'order_paid' | 'unshipped_digest', key: string, subject: string, text: string) {
  const email: OutboundMessage = { channel: 'email', to: seller.email, toName: seller.name, subject, text }
  const result = await providerFor(env, 'email').send(email)
  if (!result.ok) {
    await release(env, kind, seller.id, key)
    throw new Error(`seller alert email failed: ${result.error}`)
  }
  if (seller.telegram_chat_id) {
    const tg = await providerFor(env, 'telegram').send({
      ...email,
      channel: 'telegram',
      to: seller.telegram_chat_id,
      text: `${subject}\n\n${text}`,
    })
    if (!tg.ok) log('warn', 'seller alert telegram failed', { seller_id: seller.id, kind, key, error: tg.error })
  }
  log('info', 'seller alert sent', { seller_id: seller.id, kind, key, telegram: Boolean(seller.telegram_chat_id) })
}

const dashboardUrl = (env: AlertEnv) => `${config(env).APP_BASE_URL}/admin/`

/**
 * `order.paid` from the notifications queue: tell each seller with lines in the order, once per
 * (order, seller). Lines are read from D1, which the OrderDO wrote before publishing the event.
 */
export async function alertSellersOfPaidOrder(env: AlertEnv, event: DomainEvent): Promise<number> {
  if (event.type !== 'order.paid') return 0
  const orderId = event.data.order_id
  if (typeof orderId !== 'string') return 0
  const { results } = await env.DB.prepare(
    `SELECT l.seller_id, l.product_name, l.variant_name, l.sku, l.quantity, u.email, u.name, u.telegram_chat_id
       FROM order_lines l JOIN users u ON u.id = l.seller_id
      WHERE l.order_id = ? AND u.disabled_at IS NULL AND u.role IN ('seller', 'admin')
      ORDER BY l.seller_id, l.position`,
  )
    .bind(orderId)
    .all<{
      seller_id: string
      product_name: string
      variant_name: string
      sku: string
      quantity: number
      email: string
      name: string
      telegram_chat_id: string | null
    }>()
  const bySeller = groupBy(results, (r) => r.seller_id)
  let sent = 0
  for (const [sellerId, lines] of bySeller) {
    if (!(await claim(env, 'order_paid', sellerId, orderId))) continue
    const first = lines[0]!
    const seller = { id: sellerId, email: first.email, name: first.name, telegram_chat_id: first.telegram_chat_id }
    const list = lines.map((l) => `- ${l.quantity} × ${l.product_name} (${l.variant_name}, SKU ${l.sku})`).join('\n')
    await send(
      env,
      seller,
      'order_paid',
      orderId,
      `Order ${orderId} is paid: ${lines.length} line${lines.length === 1 ? '' : 's'} to ship`,
      `Order ${orderId} was paid. Your lines to ship:\n${list}\n\nShip them from ${dashboardUrl(env)}`,
    )
    sent++
  }
  return sent
}

/**
 * The daily digest (cron): each seller with lines of paid orders still unshipped SELLER_UNSHIPPED_ALERT_DAYS
 * (default 2) days after payment gets one message listing them, at most once per UTC day.
 */
export async function sendUnshippedDigests(env: AlertEnv, now = Date.now()): Promise<{ sellers: number; lines: number }> {
  const days = config(env).SELLER_UNSHIPPED_ALERT_DAYS
  const cutoff = new Date(now - days * 86_400_000).toISOString()
  const today = new Date(now).toISOString().slice(0, 10)
  const { results } = await env.DB.prepare(
    `SELECT l.seller_id, l.order_id, l.product_name, l.sku, l.quantity, h.paid_at, u.email, u.name, u.telegram_chat_id
       FROM order_lines l
       JOIN orders o ON o.id = l.order_id
       JOIN (SELECT order_id, MIN(at) AS paid_at FROM order_history WHERE to_status = 'paid' GROUP BY order_id) h ON h.order_id = l.order_id
       JOIN users u ON u.id = l.seller_id
      WHERE o.status IN ('paid', 'partially_refunded') AND l.fulfilment_status = 'unfulfilled' AND h.paid_at <= ?
        AND u.disabled_at IS NULL
      ORDER BY l.seller_id, h.paid_at
      LIMIT 5000`,
  )
    .bind(cutoff)
    .all<{
      seller_id: string
      order_id: string
      product_name: string
      sku: string
      quantity: number
      paid_at: string
      email: string
      name: string
      telegram_chat_id: string | null
    }>()
  let sellers = 0
  let lines = 0
  for (const [sellerId, rows] of groupBy(results, (r) => r.seller_id)) {
    if (!(await claim(env, 'unshipped_digest', sellerId, today))) continue
    const first = rows[0]!
    const list = rows
      .map((r) => `- order ${r.order_id}, paid ${r.paid_at.slice(0, 10)}: ${r.quantity} × ${r.product_name} (SKU ${r.sku})`)
      .join('\n')
    try {
      await send(
        env,
        { id: sellerId, email: first.email, name: first.name, telegram_chat_id: first.telegram_chat_id },
        'unshipped_digest',
        today,
        `${rows.length} line${rows.length === 1 ? '' : 's'} paid ${days}+ days ago still to ship`,
        `These lines were paid at least ${days} days ago and are not shipped yet:\n${list}\n\nShip them from ${dashboardUrl(env)}`,
      )
      sellers++
      lines += rows.length
    } catch (err) {
      // The claim was given back; the next cron run today tries this seller again.
      log('error', 'seller digest failed', { seller_id: sellerId, error: String(err) })
    }
  }
  return { sellers, lines }
}
