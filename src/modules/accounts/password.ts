import { base64url, fromBase64url } from '../../lib/ids'

/**
 * PBKDF2-SHA256 via WebCrypto with a per-user random salt. workerd caps PBKDF2 at 100,000
 * iterations; the count is stored per user so it can be raised later and old hashes still verify.
 */
export const PASSWORD_ITERATIONS = 100_000

export interface PasswordHash {
  hash: string
  salt: string
  iterations: number
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256)
  return new Uint8Array(bits)
}

export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await derive(password, salt, iterations)
  return { hash: base64url(hash), salt: base64url(salt), iterations }
}

/** Constant-time comparison of the derived key against the stored one. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = fromBase64url(stored.hash)
  const actual = await derive(password, fromBase64url(stored.salt), stored.iterations)
  if (actual.length !== expected.length) return false
  let diff = 0
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ expected[i]!
  return diff === 0
}
