/**
 * The Workers' configuration (wrangler.toml [vars] and secrets arrive as strings): parsed with zod
 * in one place, with every default here, and refused loudly when a value is malformed (a
 * ConfigError naming the variable) instead of quietly falling back to a default. An unset or empty
 * variable takes its default. One schema for every Worker (they share names such as APP_BASE_URL);
 * every key has a default, so a Worker that lacks a variable it never reads still parses cleanly.
 *
 * Every Worker entry is wrapped in withConfigCheck() (src/lib/config-check.ts), which checks the
 * whole schema (checkConfig) before each invocation: a malformed variable fails every request of
 * that Worker, not only the code path that reads it. That check reads all the values again and
 * reuses the last parse when they are the same; it then remembers the result for that env object,
 * so every later config(env) of the invocation is one WeakMap lookup (workerd hands an invocation
 * one env object, and a deployed Worker's vars never change under it).
 */
import { z } from 'zod'

const blank = (v: unknown) => (v === '' || v === null ? undefined : v)

/** A whole number from a string var (`"900"`), at least `min`. */
const int = (fallback: number, min: number) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: 'expected a number' })
      .int({ error: 'expected a whole number' })
      .min(min, { error: `expected a whole number ≥ ${min}` })
      .default(fallback),
  )

const flag = (fallback: boolean) =>
  z.preprocess(
    blank,
    z
      .enum(['true', 'false'], { error: 'expected true or false' })
      .transform((v) => v === 'true')
      .default(fallback),
  )

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.preprocess(blank, z.enum(values, { error: `expected one of ${values.join(', ')}` }).default(fallback))

/** A fraction from a string var (`"0.01"`), 0 to 1. */
const fraction = (fallback: number) =>
  z.preprocess(
    blank,
    z.coerce
      .number({ error: 'expected a number' })
      .min(0, { error: 'expected a number from 0 to 1' })
      .max(1, { error: 'expected a number from 0 to 1' })
      .default(fallback),
  )

const url = (fallback: string) =>
  z.preprocess(
    blank,
    z
      .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .default(fallback),
  )

/** A script's full URL (`…/v3`, `…/api.js`), kept as written apart from surrounding spaces. */
const scriptUrl = (fallback: string) =>
  z.preprocess(
    (v) => blank(typeof v === 'string' ? v.trim() : v),
    z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).default(fallback),
  )

/** Comma-separated origins (`https://admin.example.com, http://localhost:5173`): scheme, host and port only. */
const origins = z.preprocess(
  blank,
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim().replace(/\/$/, ''))
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine((o) => URL.canParse(o) && /^https?:$/.test(new URL(o).protocol) && new URL(o).origin === o, {
          error:
            'expected comma-separated origins such as https://admin.example.com (lower case as browsers send them: scheme, host and a non-default port only; no path)',
        }),
      ),
    )
    .default([]),
)

/** Where parcels leave from: a JSON address with a two-letter country (upper-cased); unknown keys refused. */
const address = (fallback: { name: string; country: string; postal_code: string; city: string; region: string }) =>
  z.preprocess(
    blank,
    z
      .string()
      .transform((v, ctx) => {
        try {
          return JSON.parse(v) as unknown
        } catch {
          ctx.issues.push({ code: 'custom', message: 'expected a JSON address', input: v })
          return z.NEVER
        }
      })
      .pipe(
        z.strictObject(
          {
            name: z.string().optional(),
            line1: z.string().optional(),
            line2: z.string().optional(),
            city: z.string().optional(),
            region: z.string().optional(),
            postal_code: z.string().optional(),
            country: z
              .string()
              .regex(/^[A-Za-z]{2}$/, { error: 'expected a two-letter country code' })
              .transform((c) => c.toUpperCase()),
            phone: z.string().optional(),
          },
          { error: 'expected a JSON address: name, line1, line2, city, region, postal_code, phone (strings) and a two-letter country' },
        ),
      )
      .default(fallback),
  )

const schema = z.object({
  // Accounts: access tokens are short-lived; refresh tokens rotate.
  ACCESS_TOKEN_TTL_SECONDS: int(900, 1),
  REFRESH_TOKEN_TTL_SECONDS: int(30 * 24 * 3600, 1),
  RATE_LIMIT_PERIOD_SECONDS: int(60, 1),
  // Catalog cache: KV entries live at least a minute; the per-isolate memo may be off (0).
  CATALOG_CACHE_TTL_SECONDS: int(300, 60),
  CATALOG_MEMO_MS: int(1000, 0),
  // Orders: an unpaid order fails after this long (manual payments: bank transfer, cash on delivery).
  ORDER_PAYMENT_TIMEOUT_SECONDS: int(1800, 1),
  MANUAL_PAYMENT_TIMEOUT_SECONDS: int(3 * 86_400, 1),
  PAYMENT_RECONCILE_AFTER_MINUTES: int(10, 1),
  SELLER_UNSHIPPED_ALERT_DAYS: int(2, 1),
  // Shipping: a live carrier rate is awaited at most 10 s; returns may be closed (0 days).
  CARRIER_RATE_TIMEOUT_MS: int(2500, 1).transform((n) => Math.min(n, 10_000)),
  RETURN_WINDOW_DAYS: int(30, 0),
  SHIP_FROM_ADDRESS: address({ name: 'Edge Commerce Warehouse', country: 'US', postal_code: '40209', city: 'Louisville', region: 'KY' }),
  IMAGE_RESIZING: oneOf(['off', 'cloudflare'], 'off'),
  // Storefront: product URLs per sitemap file (the sitemap protocol allows at most 50,000).
  SITEMAP_PRODUCTS_PER_FILE: int(5000, 1).pipe(z.number().max(50_000, { error: 'expected at most 50000' })),
  // Notifications.
  NOTIFICATIONS_PROVIDER_MODE: oneOf(['live', 'log'], 'live'),
  NOTIFICATIONS_LOG_REVEAL_LINKS: flag(false),
  NOTIFICATIONS_RETRY_BASE_SECONDS: int(30, 1),
  // Where links in emails point, and where payment providers call back (no trailing slash).
  APP_BASE_URL: url('http://localhost:8787'),
  PAYMENT_WEBHOOKS_BASE_URL: url('http://localhost:8787'),
  // Outside services' API origins: each provider's production API unless set (tests, `npm start` and
  // sandboxes point them elsewhere); a typo fails the Worker at once instead of its first call out.
  STRIPE_API_BASE: url('https://api.stripe.com'),
  PAYPAL_API_BASE: url('https://api-m.paypal.com'),
  PAYSTACK_API_BASE: url('https://api.paystack.co'),
  CHAPA_API_BASE: url('https://api.chapa.co'),
  MPESA_API_BASE: url('https://api.safaricom.co.ke'),
  KASPI_PAY_API_BASE: url('https://qrapi-cert-ip.kaspi.kz'),
  UPS_API_BASE: url('https://onlinetools.ups.com'),
  FEDEX_API_BASE: url('https://apis.fedex.com'),
  KASPI_API_BASE: url('https://kaspi.kz/shop/api'),
  OZON_API_BASE: url('https://api-seller.ozon.ru'),
  SENDGRID_BASE_URL: url('https://api.sendgrid.com'),
  TWILIO_BASE_URL: url('https://api.twilio.com'),
  WHATSAPP_BASE_URL: url('https://graph.facebook.com'),
  TELEGRAM_BASE_URL: url('https://api.telegram.org'),
  TURNSTILE_BASE_URL: url('https://challenges.cloudflare.com'),
  // Scripts the storefront loads (the CSP allows their origins): Stripe.js, and Turnstile's widget
  // when TURNSTILE_SITE_KEY is set. Locally the fakes Worker serves stand-ins.
  STRIPE_JS_URL: scriptUrl('https://js.stripe.com/v3'),
  TURNSTILE_SCRIPT_URL: scriptUrl('https://challenges.cloudflare.com/turnstile/v0/api.js'),
  // Browser origins allowed to call /api/ with credentials (src/lib/security.ts); none when unset.
  CORS_ALLOWED_ORIGINS: origins,
  // Observability: the share of ordinary (fast, non-5xx) requests logged anyway (src/lib/observability.ts).
  LOG_SAMPLE_RATE: fraction(0),
})

export type Config = z.output<typeof schema>
export type ConfigKey = keyof typeof schema.shape
/** Any env carrying (some of) the variables: the API Worker's, a consumer's, a test's object. */
export type ConfigSource = { readonly [K in ConfigKey]?: unknown }

export class ConfigError extends Error {
  override name = 'ConfigError'
  /** The malformed variables' names (the message also has their values). */
  readonly variables: string[]
  constructor(message: string, variables: string[]) {
    super(message)
    this.variables = variables
  }
}

const KEYS = Object.keys(schema.shape) as ConfigKey[]
/** The last parse, reused for any env (another object, or the same one later) holding the same values. */
let last: { raw: unknown[]; config: Config } | undefined
/** Each env object's checked configuration, so reads after the check cost a lookup, not ~45 reads. */
const checked = new WeakMap<object, Config>()

/**
 * The parsed configuration; throws ConfigError naming every malformed variable and its value. The
 * result of the last check of this env object when there is one (an env object whose values change
 * in place, which only tests do, is seen anew at the next checkConfig: the next Worker invocation).
 */
export function config(env: ConfigSource): Config {
  return checked.get(env) ?? checkConfig(env)
}

/**
 * `copy`, a copy of `env` with other bindings (the D1 session of src/lib/db.ts), shares env's checked
 * configuration: the copy's vars are env's, so comparing them again would only cost time.
 */
export function sameConfig<T extends object>(env: object, copy: T): T {
  const found = checked.get(env)
  if (found) checked.set(copy, found)
  return copy
}

/** Read env's values now, whatever was checked before: parse them (or reuse the last parse of the same values). */
export function checkConfig(env: ConfigSource): Config {
  const raw = KEYS.map((k) => env[k])
  if (last?.raw.every((v, i) => v === raw[i])) {
    checked.set(env, last.config)
    return last.config
  }
  const parsed = schema.safeParse(Object.fromEntries(KEYS.map((k, i) => [k, raw[i]])))
  if (!parsed.success) {
    const keys = parsed.error.issues.map((i) => String(i.path[0]))
    const problems = parsed.error.issues.map((i, n) => {
      // A nested issue (a field of SHIP_FROM_ADDRESS) names the field too.
      const field = i.path.slice(1).map((p) => `${String(p)}: `)
      return `${keys[n]}=${JSON.stringify(env[keys[n] as ConfigKey])}: ${field.join('')}${i.message}`
    })
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`, [...new Set(keys)])
  }
  last = { raw, config: parsed.data }
  checked.set(env, parsed.data)
  return parsed.data
}
