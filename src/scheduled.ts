import { log } from './lib/observability'
import { purgeExpiredAuthState } from './modules/accounts/service'
import { purgeSpentActionTokens } from './modules/accounts/action-tokens'
import { getDb } from './lib/db'
import { purgeIdempotencyKeys } from './workflows/checkout'
import { sweepStaleOrders } from './modules/orders/sweep'
import { reconcilePendingPayments } from './workflows/payment-reconcile'
import { trackShipments } from './modules/shipping/tracking'
import { sendUnshippedDigests } from './modules/notifications/seller-alerts'
import { requeueStuckDeliveries } from './modules/integrations/webhooks'

/** The daily cron in wrangler.toml [triggers]; every other cron is the 5-minute housekeeping. */
export const DAILY_CRON = '0 7 * * *'

/** Cron work for the API Worker; each job is independent so one failure does not stop the rest. */
export async function runScheduled(controller: ScheduledController, env: Env): Promise<void> {
  if (controller.cron === DAILY_CRON) {
    const daily: [string, () => Promise<unknown>][] = [['seller-unshipped-digest', () => sendUnshippedDigests(env)]]
    return runJobs(controller, daily)
  }
  const jobs: [string, () => Promise<unknown>][] = [
    ['purge-expired-auth-state', () => purgeExpiredAuthState(env)],
    // Spent or expired email-verification and password-reset tokens.
    ['purge-account-action-tokens', () => purgeSpentActionTokens(getDb(env))],
    ['orders-sweep-stale-unpaid', () => sweepStaleOrders(env)],
    ['orders-purge-idempotency-keys', () => purgeIdempotencyKeys(getDb(env))],
    ['payments-reconcile-pending', () => reconcilePendingPayments(env)],
    // Carrier tracking for shipments on their way; delivered orders move to delivered.
    ['shipping-track-shipments', () => trackShipments(env)],
    // Outgoing-webhook deliveries whose queue message was lost stay pending: queue them again.
    ['webhooks-requeue-stuck', () => requeueStuckDeliveries(env)],
  ]
  await runJobs(controller, jobs)
}

async function runJobs(controller: ScheduledController, jobs: [string, () => Promise<unknown>][]): Promise<void> {
  for (const [name, job] of jobs) {
    try {
      const result = await job()
      log('info', 'scheduled job done', { job: name, cron: controller.cron, result })
    } catch (err) {
      log('error', 'scheduled job failed', { job: name, cron: controller.cron, error: String(err) })
    }
  }
}
