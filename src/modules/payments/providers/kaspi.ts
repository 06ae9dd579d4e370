/**
 * Kaspi Pay (Kazakhstan) through Kaspi's QR / remote-payment partner API: we create a payment link
 * (which is also the QR the shopper scans in the Kaspi.kz app) and learn the outcome by polling its
 * status — Kaspi's partner scheme has no signed server-to-server callback in its public material.
 *   initiate: POST /r3/v01/qr/create-link { OrganizationBin, Amount (tenge), ExternalId }
 *             → Data.PaymentLink, Data.QrPaymentId (our ref), Data.ExpireDate;
 *   retrieve: GET /r3/v01/payment/status/{QrPaymentId} → Data.Status
 *             (QrTokenCreated / Wait → pending, Processed → paid, Error / QrTokenDiscarded → failed).
 * The shopper's page polls POST /orders/{id}/pay (which retrieves and applies the status), the cron
 * reconciliation polls the rest, and /webhooks/kaspi accepts a notification that only triggers a poll.
 *
 * What Kaspi's public material leaves open, and what we assumed (see docs/payments.md):
 *   - the API is for contracted partners only (client certificate / IP allow-list at Kaspi); we
 *     authenticate with an `Api-Key` header (KASPI_PAY_API_KEY) and a configurable base URL;
 *   - the status answer carries no amount: the link is created for the exact total, so a Processed
 *     payment is taken as that total;
 *   - refunds ("returns") need Kaspi's enhanced scheme, not documented publicly: refund() refuses,
 *     staff refund in the Kaspi Pay cabinet and record it;
 *   - there is no documented cancellation of a link; it expires (ExpireDate).
 * Sources: Kaspi Pay partner material as summarised in public integrations (QR API: create-link,
 * payment/status; statuses above), https://kaspi.kz/business (partner onboarding).
 */
import { fetchJson, toDecimalString } from './http'
import { ProviderError, type PaymentProvider, type ProviderEnv, type ProviderPayment } from './types'
import { config } from '../../../lib/config'

interface Envelope<T> {
  StatusCode: number
  Message?: string
  Data?: T
}

async function call<T>(env: ProviderEnv, method: string, path: string, body?: unknown) {
  if (!env.KASPI_PAY_API_KEY || !env.KASPI_PAY_ORGANIZATION_BIN)
    throw new ProviderError('Kaspi Pay is not configured', false, 'not_configured')
  return fetchJson<Envelope<T>>('Kaspi Pay', `${config(env).KASPI_PAY_API_BASE}${path}`, {
    method,
    headers: { 'Api-Key': env.KASPI_PAY_API_KEY, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

const refused = (status: number, body: Envelope<unknown> | null) =>
  new ProviderError(
    `Kaspi Pay: ${status} ${body?.StatusCode ?? ''} ${body?.Message ?? ''}`.trim(),
    false,
    String(body?.StatusCode ?? status),
  )

function view(
  ref: string,
  status: string,
  order: { id: string; amount: number; currency: string },
  client: Record<string, unknown> = {},
): ProviderPayment {
  let s: ProviderPayment['status'] = 'pending'
  if (status === 'Processed') s = 'succeeded'
  else if (status === 'Error' || status === 'QrTokenDiscarded') s = 'failed'
  return {
    ref,
    status: s,
    amount: order.amount,
    amount_received: s === 'succeeded' ? order.amount : 0,
    currency: order.currency,
    order_id: order.id,
    failure_reason: s === 'failed' ? `Kaspi Pay ${status}` : null,
    client: { qr_payment_id: ref, kaspi_status: status, ...client },
  }
}

export const kaspiPayProvider: PaymentProvider = {
  name: 'kaspi',
  confirmedBy: 'webhook',
  currencies: ['KZT'],
  refundsByApi: false,

  enabled: (env) => Boolean(env.KASPI_PAY_API_KEY && env.KASPI_PAY_ORGANIZATION_BIN && env.KASPI_PAY_WEBHOOK_SECRET),

  async initiate(env, order, idempotencyKey) {
    const res = await call<{
      PaymentLink: string
      QrPaymentId: number | string
      ExpireDate?: string
      PaymentBehaviorOptions?: { StatusPollingInterval?: number }
    }>(env, 'POST', '/r3/v01/qr/create-link', {
      OrganizationBin: env.KASPI_PAY_ORGANIZATION_BIN,
      Amount: toDecimalString(order.amount, order.currency),
      ExternalId: idempotencyKey,
    })
    if (res.status !== 200 || res.body?.StatusCode !== 0 || !res.body.Data) throw refused(res.status, res.body)
    const d = res.body.Data
    return view(String(d.QrPaymentId), 'QrTokenCreated', order, {
      payment_link: d.PaymentLink,
      expires_at: d.ExpireDate ?? null,
      poll_interval_seconds: d.PaymentBehaviorOptions?.StatusPollingInterval ?? 5,
    })
  },

  async retrieve(env, ref, order) {
    if (!ref) throw new ProviderError('A Kaspi Pay payment needs its QrPaymentId', false)
    const res = await call<{ Status: string }>(env, 'GET', `/r3/v01/payment/status/${encodeURIComponent(ref)}`)
    if (res.status !== 200 || res.body?.StatusCode !== 0 || !res.body.Data) throw refused(res.status, res.body)
    return view(ref, res.body.Data.Status, order)
  },

  async cancel() {
    // No documented cancellation: the link expires at Kaspi.
  },

  async listRefunds() {
    return []
  },

  async refund() {
    throw new ProviderError(
      'Kaspi Pay returns are made in the Kaspi Pay cabinet (not in the public API); record the refund there',
      false,
      'unsupported',
    )
  },
}
