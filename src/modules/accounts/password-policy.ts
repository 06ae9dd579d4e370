import { COMMON_PASSWORDS } from './common-passwords'

/** The shortest password accepted for a new account or a changed password. */
export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 128

let common: Set<string> | undefined

/**
 * Why a new password is refused, or null when it is fine: at least PASSWORD_MIN characters, not
 * blank or one character repeated, not one of the 10,000 most common passwords (any case, also
 * with trailing digits or punctuation stripped), and not the account's email or its local part.
 * Applied when a password is set (register, change, reset), never at sign-in, so accounts created
 * under an older policy keep working.
 */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`
  if (!password.trim()) return 'must not be blank'
  if (new Set(password).size === 1) return 'must not be one character repeated'
  common ??= new Set(COMMON_PASSWORDS)
  const lower = password.toLowerCase()
  const stem = lower.replace(/[\d\W_]+$/, '')
  if (common.has(lower) || (stem.length >= 4 && common.has(stem) && lower.length - stem.length <= 4)) {
    return 'is one of the most common passwords; choose another'
  }
  if (email) {
    const address = email.trim().toLowerCase()
    const local = address.split('@')[0] ?? ''
    if (lower === address || (local.length >= 4 && lower === local)) return 'must not be your email address'
  }
  return null
}
