import { describe, expect, it } from 'vitest'
import { hostedPaymentUrl } from '../../src/modules/payments/hosted-page'

// The payment row's pay_url and the storefront's "Pay now" button both come from this one rule.
describe('hostedPaymentUrl', () => {
  it("takes the first http(s) link among the provider's client fields, whatever its name", () => {
    expect(hostedPaymentUrl({ reference: 'ref_1', authorization_url: 'https://checkout.paystack.com/abc' })).toBe(
      'https://checkout.paystack.com/abc',
    )
    expect(hostedPaymentUrl({ qr_payment_id: '7', payment_link: 'https://pay.kaspi.kz/pay/x', other_url: 'https://b.example' })).toBe(
      'https://pay.kaspi.kz/pay/x',
    )
    // A field the old storefront list did not name still counts.
    expect(hostedPaymentUrl({ type: 'x_payment', pay_before: '2026-12-02T10:00:00.000Z', hosted_page: 'http://localhost:8788/pay' })).toBe(
      'http://localhost:8788/pay',
    )
  })

  it('ignores non-links (script URLs, secrets, numbers) and answers null when there is none', () => {
    expect(hostedPaymentUrl({ url: 'javascript:alert(1)', client_secret: 'pi_1_secret_2', n: 5 })).toBeNull()
    expect(hostedPaymentUrl({})).toBeNull()
    expect(hostedPaymentUrl(undefined)).toBeNull()
  })
})
