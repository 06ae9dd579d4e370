/** What an API key may be allowed to do; a route names the scopes it needs next to its roles. */
export const API_SCOPES = [
  'orders:read',
  'orders:write',
  'products:read',
  'products:write',
  'stock:write',
  'webhooks:read',
  'webhooks:write',
] as const

export type ApiScope = (typeof API_SCOPES)[number]

/** `ec_live_` / `ec_test_` then 43 base64url characters (32 random bytes): recognisable by secret scanners. */
export const API_KEY_PATTERN = /^ec_(live|test)_[A-Za-z0-9_-]{43}$/

export const looksLikeApiKey = (token: string) => token.startsWith('ec_live_') || token.startsWith('ec_test_')
