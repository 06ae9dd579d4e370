import { AppError } from '../../../lib/errors'
import { manualProvider } from './manual'
import { stripeProvider } from './stripe'
import type { PaymentProvider } from './types'

/** Every payment provider by its key. A new provider (Kaspi Pay, PayPal, M-Pesa) is one line here. */
export const PROVIDERS: Readonly<Record<string, PaymentProvider>> = {
  stripe: stripeProvider,
  manual: manualProvider,
}

export function getProvider(name: string): PaymentProvider {
  const provider = PROVIDERS[name]
  if (!provider) throw new AppError('validation_error', `Unknown payment provider "${name}"`)
  return provider
}
