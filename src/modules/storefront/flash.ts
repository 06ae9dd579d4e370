import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { clearShopCookie, setShopCookie } from './context'

/** One-shot messages across a POST → redirect → GET (the text, never an error code). */
export function flash(c: Context, kind: 'error' | 'notice', messages: string[]) {
  setShopCookie(c, 'ec_flash', encodeURIComponent(JSON.stringify({ kind, messages: messages.slice(0, 10) })), 60)
}

export function takeFlash(c: Context): { errors?: string[]; notice?: string } {
  const raw = getCookie(c, 'ec_flash')
  if (!raw) return {}
  clearShopCookie(c, 'ec_flash')
  try {
    const v = JSON.parse(decodeURIComponent(raw)) as { kind: string; messages: string[] }
    return v.kind === 'error' ? { errors: v.messages } : { notice: v.messages.join(' ') }
  } catch {
    return {}
  }
}

/** A same-site path to go back to, never an absolute URL (no open redirect). */
export const safeBack = (value: unknown, fallback = '/') =>
  typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value.slice(0, 500) : fallback
