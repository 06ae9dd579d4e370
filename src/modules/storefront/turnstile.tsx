/**
 * Cloudflare Turnstile on the storefront forms whose API routes ask for it (sign up, sign in after
 * failures, password reset, guest checkout). The widget is rendered only when TURNSTILE_SITE_KEY is
 * set; its script comes from TURNSTILE_SCRIPT_URL (Cloudflare's api.js in production, the fakes
 * Worker's stand-in under `npm start`, fakes/turnstile.ts). The widget puts its token in the form
 * as `cf-turnstile-response`; the form handler passes it on in the CF-Turnstile-Response header.
 */
import { config } from '../../lib/config'
import { TURNSTILE_HEADER } from '../../lib/turnstile'
import type { ShopContext } from './context'

export interface TurnstileConfig {
  siteKey: string
  scriptUrl: string
}

/** The widget's settings, or null when TURNSTILE_SITE_KEY is unset; the script URL is parsed in src/lib/config.ts. */
export function turnstileConfig(env: Env): TurnstileConfig | null {
  const siteKey = (env as { TURNSTILE_SITE_KEY?: string }).TURNSTILE_SITE_KEY?.trim()
  if (!siteKey) return null
  return { siteKey, scriptUrl: config(env).TURNSTILE_SCRIPT_URL }
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
