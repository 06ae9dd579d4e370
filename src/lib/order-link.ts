/**
 * Signed order links: whoever holds `/orders/<id>?sig=<HMAC-SHA256(order id)>` may read that one
 * order (guest checkout). In lib, with no module import, because orders (guest pages), returns,
 * notifications (the mailed link) and payments (the provider's return URL) all sign or check them.
 */
import { base64url, fromBase64url } from './ids'
import { config } from './config'

export const GUEST_SERVICE_EMAIL = 'guest-checkout@service.invalid'

export interface OrderLinkEnv {
  /** Dedicated secret for order links; without it a key is derived from JWT_SECRET. */
  ORDER_LINK_SECRET?: string
  JWT_SECRET?: string
}

const keys = new Map<string, Promise<CryptoKey>>()

function linkKey(env: OrderLinkEnv): Promise<CryptoKey> {
  const secret = env.ORDER_LINK_SECRET || (env.JWT_SECRET ? `order-link:${env.JWT_SECRET}` : '')
  if (!secret) throw new Error('ORDER_LINK_SECRET (or JWT_SECRET) is not configured')
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    keys.set(secret, key)
  }
  return key
}

/** The unguessable signature that lets whoever holds it read one order. */
export async function signOrderId(env: OrderLinkEnv, orderId: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await linkKey(env), new TextEncoder().encode(`order:${orderId}`))
  return base64url(new Uint8Array(mac))
}

/** Constant-time check of a signature from a link; anything malformed is simply false. */
export async function verifyOrderSignature(env: OrderLinkEnv, orderId: string, signature: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(signature)) return false
  let mac: Uint8Array
  try {
    mac = fromBase64url(signature)
  } catch {
    return false
  }
  return crypto.subtle.verify('HMAC', await linkKey(env), mac, new TextEncoder().encode(`order:${orderId}`))
}

/** The storefront page of an order, signed: `<base>/orders/<id>?sig=…`. */
export async function orderLink(env: OrderLinkEnv & { APP_BASE_URL?: string }, orderId: string): Promise<string> {
  const base = config(env).APP_BASE_URL
  return `${base}/orders/${encodeURIComponent(orderId)}?sig=${await signOrderId(env, orderId)}`
}
