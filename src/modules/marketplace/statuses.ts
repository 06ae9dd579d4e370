import type { OrderStatus } from '../orders/tables'

/**
 * Order status mapping, both ways. The marketplace collects the payment, so an accepted
 * marketplace order is `paid` on our side from the start.
 *
 * Kaspi order `status` (Kaspi Shop API, guide.kaspi.kz/partner/ru/shop/api/orders):
 *
 * | Kaspi                              | ours       |
 * |------------------------------------|------------|
 * | APPROVED_BY_BANK, ACCEPTED_BY_MERCHANT, KASPI_DELIVERY_RETURN_REQUESTED | paid |
 * | COMPLETED                          | delivered  |
 * | CANCELLED, CANCELLING              | cancelled  |
 * | RETURNED, RETURN_ACCEPTED_BY_MERCHANT | refunded |
 *
 * Ours -> Kaspi (what the merchant may set with POST /v2/orders): paid -> ACCEPTED_BY_MERCHANT,
 * delivered -> COMPLETED, cancelled -> CANCELLED; nothing else is settable by the merchant.
 */
const KASPI_TO_OURS: Record<string, OrderStatus> = {
  APPROVED_BY_BANK: 'paid',
  ACCEPTED_BY_MERCHANT: 'paid',
  KASPI_DELIVERY_RETURN_REQUESTED: 'paid',
  COMPLETED: 'delivered',
  CANCELLED: 'cancelled',
  CANCELLING: 'cancelled',
  RETURNED: 'refunded',
  RETURN_ACCEPTED_BY_MERCHANT: 'refunded',
}

const OURS_TO_KASPI: Partial<Record<OrderStatus, string>> = {
  paid: 'ACCEPTED_BY_MERCHANT',
  delivered: 'COMPLETED',
  cancelled: 'CANCELLED',
}

/** Unknown Kaspi statuses are treated as an open, paid order rather than failing the import. */
export const kaspiToOurStatus = (status: string): OrderStatus => KASPI_TO_OURS[status] ?? 'paid'
export const ourStatusToKaspi = (status: OrderStatus): string | null => OURS_TO_KASPI[status] ?? null

/**
 * Ozon FBS/rFBS posting `status` (Ozon Seller API, /v4/posting/fbs/list, /v3/posting/fbs/get):
 *
 * | Ozon                                                        | ours      |
 * |-------------------------------------------------------------|-----------|
 * | awaiting_registration, acceptance_in_progress, awaiting_approve, awaiting_packaging, awaiting_deliver, arbitration, client_arbitration | paid |
 * | driver_pickup, sent_by_seller, delivering                   | shipped   |
 * | delivered                                                   | delivered |
 * | cancelled, not_accepted                                     | cancelled |
 *
 * Ours -> Ozon (the status our action moves the posting to): paid -> awaiting_packaging,
 * shipped -> delivering, delivered -> delivered, cancelled -> cancelled.
 */
const OZON_TO_OURS: Record<string, OrderStatus> = {
  awaiting_registration: 'paid',
  acceptance_in_progress: 'paid',
  awaiting_approve: 'paid',
  awaiting_packaging: 'paid',
  awaiting_deliver: 'paid',
  arbitration: 'paid',
  client_arbitration: 'paid',
  driver_pickup: 'shipped',
  sent_by_seller: 'shipped',
  delivering: 'shipped',
  delivered: 'delivered',
  cancelled: 'cancelled',
  not_accepted: 'cancelled',
}

const OURS_TO_OZON: Partial<Record<OrderStatus, string>> = {
  paid: 'awaiting_packaging',
  shipped: 'delivering',
  delivered: 'delivered',
  cancelled: 'cancelled',
}

export const ozonToOurStatus = (status: string): OrderStatus => OZON_TO_OURS[status] ?? 'paid'
export const ourStatusToOzon = (status: OrderStatus): string | null => OURS_TO_OZON[status] ?? null
