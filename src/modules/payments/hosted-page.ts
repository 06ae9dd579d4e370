/**
 * A provider's hosted payment page: the first http(s) link among the fields it handed to the client
 * (PayPal `approve_url`, Paystack `authorization_url`, Chapa `checkout_url`, Kaspi `payment_link`, or
 * the recorded `payment_url` on a retry). One rule for the payment row's `pay_url` and for the
 * storefront's "Pay now" button, so the two can never point at different pages.
 */
export function hostedPaymentUrl(fields: Record<string, unknown> | undefined): string | null {
  return Object.values(fields ?? {}).find((v): v is string => typeof v === 'string' && /^https?:\/\//.test(v)) ?? null
}
