/**
 * Cloudflare Turnstile on the storefront forms whose API routes ask for it (sign up, sign in after
 * failures, password reset, guest checkout). The widget is rendered only when TURNSTILE_SITE_KEY is
 * set; its script comes from TURNSTILE_SCRIPT_URL (Cloudflare's api.js in production, the fakes
 * Worker's stand-in under `npm start`, fakes/turnstile.ts). The widget puts its token in the form
 * as `cf-turnstile-response`; the form handler passes it on in the CF-Turnstile-Response header.
 */
import { TURNSTILE_HEADER } from '../../lib/turnstile'
import type { ShopContext } from './context'

export interface TurnstileConfig {
  siteKey: string
  scriptUrl: string
}

export const DEFAULT_TURNSTILE_SCRIPT = 'https://challenges.cloudflare.com/turnstile/v0/api.js'

export function turnstileConfig(env: Env): TurnstileConfig | null {
  const vars = env as { TURNSTILE_SITE_KEY?: string; TURNSTILE_SCRIPT_URL?: string }
  const siteKey = vars.TURNSTILE_SITE_KEY?.trim()
  if (!siteKey) return null
  return { siteKey, scriptUrl: vars.TURNSTILE_SCRIPT_URL?.trim() || DEFAULT_TURNSTILE_SCRIPT }
}

/** The widget's placeholder (Turnstile renders into it), or nothing when Turnstile is off. */
export function TurnstileWidget(props: { c: ShopContext }) {
  const config = turnstileConfig(props.c.env)
  if (!config) return null
  return (
    <div
      class="cf-turnstile"
      data-sitekey={config.siteKey}
      data-language={props.c.get('locale')}
      data-response-field-name="cf-turnstile-response"
    ></div>
  )
}

/** The header carrying the widget's token from a posted form, for the API call. */
export function turnstileHeader(form: Record<string, string | undefined>): Record<string, string> {
  const token = form['cf-turnstile-response']
  return token ? { [TURNSTILE_HEADER]: token.slice(0, 2048) } : {}
}
