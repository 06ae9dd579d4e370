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

/**
 * Constant-time comparison of the derived key against the stored one. A stored value that cannot
 * be used (not base64url, iterations workerd refuses) never matches rather than throwing.
 */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  let expected: Uint8Array
  let actual: Uint8Array
  try {
    expected = fromBase64url(stored.hash)
    actual = await derive(password, fromBase64url(stored.salt), stored.iterations)
  } catch {
    return false
  }
  if (actual.length !== expected.length || expected.length === 0) return false
  let diff = 0
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ expected[i]!
  return diff === 0
}

/**
 * Checked when the email is unknown, so a miss costs the same PBKDF2 work as a wrong password and
 * response timing does not reveal which emails have accounts. It matches no password.
 */
export const DUMMY_PASSWORD_HASH: PasswordHash = {
  hash: 'A'.repeat(43),
  salt: 'A'.repeat(22),
  iterations: PASSWORD_ITERATIONS,
}
