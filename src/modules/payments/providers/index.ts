import { AppError } from '../../../lib/errors'
import { chapaProvider } from './chapa'
import { kaspiPayProvider } from './kaspi'
import { manualProvider } from './manual'
import { mpesaProvider } from './mpesa'
import { paypalProvider } from './paypal'
import { paystackProvider } from './paystack'
import { stripeProvider } from './stripe'
import type { PaymentProvider, ProviderEnv } from './types'

export { PAYMENT_PROVIDER_NAMES, type PaymentProviderName } from './names'

/** Every payment provider by its key. A new provider is one file plus one line here. */
export const PROVIDERS: Readonly<Record<string, PaymentProvider>> = {
  stripe: stripeProvider,
  manual: manualProvider,
  paypal: paypalProvider,
  paystack: paystackProvider,
  chapa: chapaProvider,
  mpesa: mpesaProvider,
  kaspi: kaspiPayProvider,
}

export function getProvider(name: string): PaymentProvider {
  const provider = PROVIDERS[name]
  if (!provider) throw new AppError('validation_error', `Unknown payment provider "${name}"`)
  return provider
}

/** Configured: its credentials are set (Stripe: a secret key; manual: always). */
export function isEnabled(env: ProviderEnv, provider: PaymentProvider): boolean {
  if (provider.enabled) return provider.enabled(env)
  if (provider.name === 'stripe') return Boolean(env.STRIPE_SECRET_KEY)
  return true
}

/** The providers a shopper can pay with now, each with the currencies it takes (null: any). */
export function enabledProviders(env: ProviderEnv) {
  return Object.values(PROVIDERS)
    .filter((p) => isEnabled(env, p))
    .map((p) => ({
      provider: p.name,
      confirmed_by: p.confirmedBy,
      currencies: p.currencies ? [...p.currencies] : null,
      refunds: p.refundsByApi === false ? ('manual' as const) : ('api' as const),
    }))
}

/**
 * Refuse (400) a provider that is unknown, not configured, or cannot charge `currency`: checked at
 * checkout before the order is placed, and again when paying.
 */
export function assertUsable(env: ProviderEnv, name: string, currency?: string): PaymentProvider {
  const provider = getProvider(name)
  if (!isEnabled(env, provider))
    throw new AppError('validation_error', `Payment provider "${name}" is not enabled on this store`, [
      { path: 'payment_provider', message: 'not enabled' },
    ])
  if (currency && provider.currencies && !provider.currencies.includes(currency)) {
    throw new AppError('validation_error', `${name} cannot charge in ${currency}`, [
      { path: 'payment_provider', message: `${name} takes ${provider.currencies.join(', ')}`, currencies: [...provider.currencies] },
    ])
  }
  return provider
}
