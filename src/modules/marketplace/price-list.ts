/**
 * Kaspi's XML price list. Kaspi has no API for prices or stock: it downloads this document from a
 * URL set in the merchant cabinet (about hourly) — format per guide.kaspi.kz/partner/ru/shop/goods/
 * price_list/q3251: <kaspi_catalog xmlns="kaspiShopping"> with <company>, <merchantid> and
 * <offers><offer sku> holding <model>, <brand>, <availabilities><availability available storeId
 * stockCount/></availabilities> and <price> (whole tenge, no decimals).
 *
 * It is rendered from the offers last synced to Kaspi (marketplace_products.snapshot), so the
 * price list shows exactly what the sync state says was published.
 */
import { and, eq } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { divRound } from '../../lib/money'
import type { KaspiConfig } from './config'
import { marketplaceProducts } from './tables'
import type { SnapshotOffer } from './sync-state'

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

/** Kaspi SKUs: up to 20 letters/digits; ours are passed through and Kaspi rejects what it cannot take. */
export function renderPriceList(config: KaspiConfig, offers: SnapshotOffer[], now = new Date()): string {
  const lines = offers.map((o) => {
    const available = o.active && o.stock > 0 ? 'yes' : 'no'
    return [
      `    <offer sku="${esc(o.sku)}">`,
      `      <model>${esc(o.name)}</model>`,
      ...(o.brand ? [`      <brand>${esc(o.brand)}</brand>`] : []),
      '      <availabilities>',
      `        <availability available="${available}" storeId="${esc(config.storeId)}" stockCount="${Math.max(0, o.active ? o.stock : 0)}"/>`,
      '      </availabilities>',
      // Kaspi prices are whole tenge; our amounts are minor units (tiyn).
      `      <price>${divRound(o.price, 100)}</price>`,
      '    </offer>',
    ].join('\n')
  })
  const date = now.toISOString().slice(0, 16).replace('T', ' ')
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<kaspi_catalog date="${date}" xmlns="kaspiShopping" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="kaspiShopping http://kaspi.kz/kaspishopping.xsd">`,
    `  <company>${esc(config.companyName)}</company>`,
    `  <merchantid>${esc(config.merchantId)}</merchantid>`,
    '  <offers>',
    ...lines,
    '  </offers>',
    '</kaspi_catalog>',
    '',
  ].join('\n')
}

/** Every offer published to Kaspi: the snapshots of products whose last push succeeded. */
export async function publishedKaspiOffers(db: DB): Promise<SnapshotOffer[]> {
  const rows = await db
    .select({ snapshot: marketplaceProducts.snapshot, lastSuccessAt: marketplaceProducts.lastSuccessAt })
    .from(marketplaceProducts)
    .where(and(eq(marketplaceProducts.marketplace, 'kaspi')))
    .orderBy(marketplaceProducts.productId)
  return rows.filter((r) => r.lastSuccessAt).flatMap((r) => JSON.parse(r.snapshot) as SnapshotOffer[])
}
