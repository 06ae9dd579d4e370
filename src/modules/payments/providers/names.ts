/** Every provider key an order may name (orders.payment_provider, which imports this list); ./index.ts maps them. */
export const PAYMENT_PROVIDER_NAMES = ['stripe', 'manual', 'paypal', 'paystack', 'chapa', 'mpesa', 'kaspi'] as const
export type PaymentProviderName = (typeof PAYMENT_PROVIDER_NAMES)[number]
