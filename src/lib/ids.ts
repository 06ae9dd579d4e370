const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A prefixed, time-ordered, unguessable id (`usr_01J…`): 48 bits of milliseconds then 80 random
 * bits, Crockford base32 like a ULID. The prefix makes logs and support tickets readable.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = ''
  let t = now
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time
    t = Math.floor(t / 32)
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let rand = ''
  for (let i = 0; i < 16; i++) rand += CROCKFORD[bytes[i]! % 32]
  return `${prefix}_${time}${rand}`.toLowerCase()
}

/** A random opaque secret (refresh tokens, cart tokens), base64url of 32 random bytes. */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(bytes)))}`
}

export function base64url(data: Uint8Array): string {
  let s = ''
  for (const b of data) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function fromBase64url(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(b, (c) => c.charCodeAt(0))
}

/** Hex SHA-256, used to store tokens so a database leak does not leak usable tokens. */
export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(input))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
