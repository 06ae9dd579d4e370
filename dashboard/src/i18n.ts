// The dashboard's languages: English and Russian. Every piece of UI text goes through `t(key)`;
// each key has an English and a Russian entry (the type makes a missing Russian entry a compile
// error, and test/dashboard/i18n.test.ts checks the two dictionaries match).
//
// Adding text: add `'area.what': 'English {param}'` to the English dictionary and the same key to
// the Russian one: a page's own text in messages/<page>.ts and messages/ru/<page>.ts, the shell's
// and shared text (statuses, counts) in `core` below and messages/ru/core.ts. Russian is loaded
// on demand (loadDictionary), so an English visit never downloads it. Counts are
// plural entries, `{ one, other }` in English and `{ one, few, many, other }` in Russian, chosen
// by Intl.PluralRules from the `count` parameter ({count} prints it in the chosen locale).
// Numbers, money and dates go through `formatNumber`/`formatMoney`/`formatDate` in ui.tsx, which
// use `locale()`. Error messages that come from the API are shown as they are.

import * as apiKeys from './messages/api-keys'
import * as customers from './messages/customers'
import * as importPage from './messages/import'
import * as inventory from './messages/inventory'
import * as marketplace from './messages/marketplace'
import * as orders from './messages/orders'
import * as pricing from './messages/pricing'
import * as products from './messages/products'
import * as webhooks from './messages/webhooks'

export type Plural = { one: string; other: string }
export type RuPlural = { one: string; few: string; many: string; other: string }
export type Entry = string | Plural

const core = {
  // ---------- the shell
  'app.name': 'Edge Commerce',
  'app.admin': 'Admin',
  'app.seller': 'Seller',
  'app.title': '{page} · Edge Commerce',
  'app.dashboard': 'Dashboard',
  'app.skip': 'Skip to content',
  'app.menu': 'Menu',
  'app.signOut': 'Sign out',
  'app.loading': 'Loading…',
  'app.loadFailed': 'This page could not be loaded (the dashboard may have been updated). {link}',
  'app.reload': 'Reload',
  'app.navLabel': 'Dashboard',
  'app.language': 'Language',
  'app.noDashboard.title': 'No dashboard for this account',
  'app.noDashboard.body': 'The dashboard is for admins, staff and sellers. You are signed in as a {role}.',
  'app.notFound.title': 'Not found',
  'app.notFound.body': 'There is no page {path}.',
  'app.notFound.start': 'Go to the start page',
  'app.toStorefront': 'Taking you to {link}…',
  'app.toStorefront.link': 'your account',
  'nav.analytics': 'Analytics',
  'nav.orders': 'Orders',
  'nav.products': 'Products',
  'nav.inventory': 'Inventory',
  'nav.categories': 'Categories',
  'nav.customers': 'Customers & roles',
  'nav.payments': 'Payments',
  'nav.discounts': 'Discount codes',
  'nav.taxRates': 'Tax rates',
  'nav.shipping': 'Shipping methods',
  'nav.shipments': 'Shipments',
  'nav.notifications': 'Notifications',
  'nav.marketplace': 'Marketplace sync',
  'nav.reviews': 'Reviews',
  'nav.sales': 'My sales',
  'nav.myProducts': 'My products',
  'nav.lines': 'My order lines',
  'nav.webhooks': 'Webhooks',
  'nav.apiKeys': 'API keys',

  // ---------- sign-in
  'login.pageTitle': 'Sign in',
  'login.title': 'Edge Commerce dashboard',
  'login.expired': 'Your session has expired. Sign in again to carry on.',
  'login.intro': 'Sign in with an admin, staff or seller account.',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.forgot': 'Forgot your password?',

  // ---------- shared pieces (ui.tsx, feedback.tsx)
  'pager.label': 'Pages',
  'pager.prev': '← Previous',
  'pager.next': 'Next →',
  'pager.page': 'Page {page}',
  'common.loading': 'Loading…',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.none': '—',
  'sort.ascending': ', sorted ascending',
  'sort.descending': ', sorted descending',
  'sort.sort': ', sort',
  'payment.provider': 'Provider',
  'payment.status': 'Status',
  'payment.amount': 'Amount',
  'payment.received': 'Received',
  'payment.refunded': 'Refunded',
  'error.requestId': 'Request id {id}',
  'error.field': '{label} {problem}',
  'error.required': 'is required',
  'error.number': 'must be a number',
  'error.integer': 'must be a whole number',
  'path.amount': 'Amount',
  'path.refund_amount': 'Refund amount',
  'path.price': 'Price',
  'path.compare_at_price': 'Compare-at price',
  'path.stock': 'Stock',
  'path.sku': 'SKU',
  'path.name': 'Name',
  'path.slug': 'Slug',
  'path.email': 'Email',
  'path.password': 'Password',
  'path.rate': 'Rate',
  'path.carrier': 'Carrier',
  'path.tracking_number': 'Tracking number',
  'path.reason': 'Reason',
  'path.currency': 'Currency',
  'path.value': 'Value',
  'path.code': 'Code',
  'path.variants': 'Variant {n}',
  'path.images': 'Image {n}',
  'path.lines': 'Line {n}',
  'path.countries': 'Country {n}',
  'path.items': 'Item {n}',
  'path.rows': 'Row {n}',

  // ---------- global search
  'search.open': 'Search',
  'search.dialog': 'Search',
  'search.label': 'Search orders, customers and products',
  'search.placeholder': 'Order number, email, name or SKU',
  'search.nothing': 'Nothing matches “{query}”.',
  'search.orders': 'Orders',
  'search.customers': 'Customers',
  'search.products': 'Products',

  // ---------- charts
  'chart.showNumbers': 'Show the numbers',
  'chart.day': 'Day',
  'chart.name': 'Name',
  'chart.value': 'Value',
  'chart.empty': 'Nothing in this range.',

  // ---------- counts
  'count.orders': { one: '{count} order', other: '{count} orders' },
  'count.products': { one: '{count} product', other: '{count} products' },
  'count.variants': { one: '{count} variant', other: '{count} variants' },
  'count.units': { one: '{count} unit', other: '{count} units' },
  'count.rows': { one: '{count} row', other: '{count} rows' },
  'count.items': { one: '{count} item', other: '{count} items' },
  'count.lines': { one: '{count} line', other: '{count} lines' },
  'count.errors': { one: '{count} error', other: '{count} errors' },
  'count.days': { one: '{count} day', other: '{count} days' },

  // ---------- statuses, roles and kinds shown as badges
  'status.accepted': 'accepted',
  'status.hidden': 'hidden',
  'status.published': 'published',
  'status.active': 'active',
  'status.inactive': 'inactive',
  'status.admin': 'admin',
  'status.staff': 'staff',
  'status.seller': 'seller',
  'status.customer': 'customer',
  'status.applying': 'applying',
  'status.archived': 'archived',
  'status.awaiting_confirmation': 'awaiting confirmation',
  'status.cancelled': 'cancelled',
  'status.dead': 'dead',
  'status.delivered': 'delivered',
  'status.disabled': 'disabled',
  'status.enabled': 'enabled',
  'status.done': 'done',
  'status.draft': 'draft',
  'status.error': 'error',
  'status.exception': 'exception',
  'status.failed': 'failed',
  'status.in_transit': 'in transit',
  'status.label_created': 'label created',
  'status.out_for_delivery': 'out for delivery',
  'status.ok': 'ok',
  'status.paid': 'paid',
  'status.partially_refunded': 'partially refunded',
  'status.pending': 'pending',
  'status.processing': 'processing',
  'status.purchasing': 'purchasing',
  'status.ready': 'ready',
  'status.refunded': 'refunded',
  'status.requires_payment': 'requires payment',
  'status.requires_review': 'requires review',
  'status.retrying': 'retrying',
  'status.sending': 'sending',
  'status.sent': 'sent',
  'status.shipped': 'shipped',
  'status.skipped': 'skipped',
  'status.succeeded': 'succeeded',
  'status.synced': 'synced',
  'status.unfulfilled': 'unfulfilled',
  'status.fulfilled': 'fulfilled',
  'status.voided': 'voided',
  'status.note': 'note',

  // ---------- dashboard/src/pages/analytics.tsx
  'analytics.title': 'Sales analytics',
  'analytics.count': '{count}',
  'analytics.revenuePerDay': 'Revenue per day ({currency})',
  'analytics.revenueChart': 'Revenue per day in {currency}, {from} to {to}',
  'analytics.revenue': 'Revenue',
  'analytics.revenueIn': 'Revenue {currency}',
  'analytics.perStatus': 'Orders per status',
  'analytics.status': 'Status',
  'analytics.orders': 'Orders',
  'analytics.topProducts': 'Top products',
  'analytics.topProductsChart': 'Top products by revenue ({currency}), units sold in brackets',
  'analytics.topSellers': 'Top sellers',
  'analytics.topSellersChart': 'Top sellers by revenue ({currency}), units sold in brackets',
  'analytics.product': 'Product',
  'analytics.seller': 'Seller',
  'analytics.revenueUnits': 'Revenue (units)',
  'analytics.range': 'Date range',
  'analytics.from': 'From',
  'analytics.to': 'To',
  'analytics.currency': 'Currency',
  'analytics.show': 'Show',
  'analytics.totals': 'Totals',
  'analytics.noPaid': 'No paid orders in this range',
  'analytics.refunded': 'refunded {amount}',

  // ---------- dashboard/src/pages/categories.tsx
  'common.actions': 'Actions',
  'categories.deleteTitle': 'Delete category {name}?',
  'categories.deleteBody': 'The API refuses a category that still has products or subcategories.',
  'categories.deleteConfirm': 'Delete category',
  'categories.editForm': 'Edit category {name}',
  'categories.name': 'Name',
  'categories.slug': 'Slug',
  'categories.parent': 'Parent',
  'categories.topLevel': '(top level)',
  'categories.position': 'Position',
  'categories.save': 'Save',
  'categories.edit': 'Edit',
  'categories.editOne': 'Edit {name}',
  'categories.delete': 'Delete',
  'categories.deleteOne': 'Delete {name}',
  'categories.created': 'Created {name}.',
  'categories.new': 'New category',
  'categories.newName': 'New category name',
  'categories.slugOptional': 'Slug (optional)',
  'categories.create': 'Create',
  'categories.category': 'Category',
  'categories.products': 'Products',
  'categories.withSub': 'With subcategories',

  // ---------- dashboard/src/pages/payments.tsx
  'common.any': 'Any',
  'common.filter': 'Filter',
  'payments.stripe': 'Stripe (cards)',
  'payments.manual': 'Manual (bank transfer, cash)',
  'payments.enabled': 'Enabled providers',
  'payments.noneEnabled': 'No payment provider is enabled.',
  'payments.enabledTable': 'Enabled payment providers',
  'payments.currencies': 'Currencies',
  'payments.confirmedBy': 'Payment confirmed by',
  'payments.refunds': 'Refunds',
  'payments.anyCurrency': 'any',
  'payments.byWebhook': 'the provider (webhook)',
  'payments.byStaff': 'staff',
  'payments.refundThrough': 'through {provider}',
  'payments.refundManual': 'by hand, recorded here',
  'payments.refundCabinet': 'by hand in the {provider} cabinet',
  'payments.alerts': 'Alerts',
  'payments.noAlerts': 'No payment alerts.',
  'payments.when': 'When',
  'payments.kind': 'Kind',
  'payments.order': 'Order',
  'payments.details': 'Details',
  'payments.filter': 'Filter payments',
  'payments.orderId': 'Order id',
  'payments.noneMatch': 'No payments match.',
  'payments.created': 'Created',

  // ---------- dashboard/src/pages/seller-lines.tsx
  'lines.shipForm': 'Ship {sku} of order {order}',
  'lines.ship': 'Ship',
  'lines.shipped': 'Line shipped.',
  'lines.filter': 'Filter lines',
  'lines.fulfilment': 'Fulfilment',
  'lines.none': 'No order lines.',
  'lines.qty': 'Qty',
  'lines.total': 'Total',
  'lines.shipTo': 'Ship to',

  // ---------- dashboard/src/pages/shipments.tsx
  'shipments.labelFailed': 'The label could not be downloaded ({status})',
  'shipments.label': 'Label ({carrier} {tracking})',
  'shipments.noScans': 'No tracking scans yet.',
  'shipments.hideScans': 'Hide scans',
  'shipments.scans': 'Scans',
  'shipments.intro':
    "Labels bought from UPS and FedEx (buy one from an order's page or the API). The tracking cron polls every 5 minutes and moves fully delivered orders to delivered.",
  'shipments.none': 'No shipments.',
  'shipments.bought': 'Bought',
  'shipments.tracking': 'Tracking',
  'shipments.checkLine': 'Check at least one line to put in the parcel',
  'shipments.labelBought': 'Label bought: {carrier} {tracking}',
  'shipments.carrierShipments': 'Carrier shipments',
  'shipments.noLabels': 'No carrier labels for this order.',
  'shipments.boughtAt': 'bought {at}',
  'shipments.buyLegend': 'Buy a label',
  'shipments.carrierHint': "Empty: the order's carrier shipping method",
  'shipments.ordersMethod': "order's method",
  'shipments.service': 'Service level',
  'shipments.serviceHint': 'UPS service code (03) or FedEx serviceType (FEDEX_GROUND)',
  'shipments.weight': 'Weight (g)',
  'shipments.weightHint': "Empty: the lines' catalog weights",
  'shipments.buying': 'Buying…',
  'shipments.buy': 'Buy label',

  // ---------- dashboard/src/pages/notifications.tsx
  'notifications.event': 'Event',
  'notifications.providerMessage': 'provider message',
  'notifications.sentAt': 'sent {at}',
  'notifications.lastError': 'Last error: {error}',
  'notifications.noBody': 'The rendered text is kept for the log provider only.',
  'notifications.dead': 'Dead letters',
  'notifications.noDead': 'The queue has not given up on any event.',
  'notifications.attempts': 'Attempts',
  'notifications.filter': 'Filter deliveries',
  'notifications.channel': 'Channel',
  'notifications.eventType': 'Event type',
  'notifications.nothing': 'Nothing sent yet.',
  'notifications.recipient': 'Recipient',
  'notifications.hide': 'Hide',
  'notifications.show': 'Show',
  // ---------- reviews (pages/reviews.tsx)
  'reviews.title': 'Reviews',
  'reviews.filterLabel': 'Filter reviews',
  'reviews.state': 'State',
  'reviews.any': 'Any',
  'reviews.product': 'Product id',
  'reviews.filter': 'Filter',
  'reviews.clearProduct': 'All products',
  'reviews.empty': 'No reviews match.',
  'reviews.when': 'When',
  'reviews.productCol': 'Product',
  'reviews.author': 'Author',
  'reviews.rating': 'Rating',
  'reviews.ratingValue': '{rating} of 5',
  'reviews.text': 'Review',
  'reviews.stateCol': 'State',
  'reviews.actions': 'Actions',
  'reviews.verified': 'Verified purchase',
  'reviews.onlyThisProduct': 'Only this product',
  'reviews.moderated': '{state} by {who} on {when}: {reason}',
  'reviews.moderatedNoReason': '{state} by {who} on {when}',
  'reviews.reason': 'Reason for hiding',
  'reviews.hide': 'Hide',
  'reviews.restore': 'Restore',
  'reviews.hideTitle': 'Hide this review?',
  'reviews.hideBody': "{author}'s {rating}-star review of {product} leaves the product page and its rating. Reason: {reason}",
  'reviews.hideConfirm': 'Hide review',
  'reviews.restoreTitle': 'Restore this review?',
  'reviews.restoreBody': "{author}'s {rating}-star review of {product} is shown on the product page and counted in its rating again.",
  'reviews.restoreConfirm': 'Restore review',
  'reviews.hidden': 'Review hidden.',
  'reviews.restored': 'Review restored.',
  'reviews.reasonRequired': 'Give a reason for hiding the review.',
  'nav.returns': 'Returns',
  'returns.title': 'Returns',
  'returns.intro':
    'Customers ask to return delivered lines within the return window. Approve (a carrier return label, or instructions) or refuse with a note; when the parcel arrives, mark it received: the chosen lines go back on sale and the returned lines are refunded once.',
  'returns.panelTitle': 'Returns',
  'returns.filter.status': 'Status',
  'returns.filter.any': 'any',
  'returns.filter.order': 'Order',
  'returns.filter.from': 'Asked from',
  'returns.filter.to': 'Asked before',
  'returns.filter.apply': 'Filter',
  'returns.none': 'No returns.',
  'returns.col.asked': 'Asked',
  'returns.col.return': 'Return',
  'returns.col.order': 'Order',
  'returns.col.items': 'Items',
  'returns.col.refund': 'Refund',
  'returns.col.status': 'Status',
  'returns.col.actions': 'Actions',
  'returns.col.item': 'Item',
  'returns.col.quantity': 'Quantity',
  'returns.col.amount': 'Refund',
  'returns.col.restock': 'Restocked',
  'returns.open': 'Open',
  'returns.hide': 'Hide',
  'returns.yes': 'yes',
  'returns.no': 'no',
  'returns.busy': 'Working…',
  'returns.heading': 'Return {id}',
  'returns.summary': 'Reason: {reason} · refund {amount} · asked {at}',
  'returns.note': 'Staff note: {note}',
  'returns.instructions': 'Instructions: {text}',
  'returns.label': 'Return label ({carrier} {tracking})',
  'returns.labelFailed': 'The label could not be downloaded ({status})',
  'returns.noteField': 'Note (optional)',
  'returns.approve.legend': 'Approve',
  'returns.approve.instructionsField': 'Instructions for the customer',
  'returns.approve.instructionsHint': 'Empty: the default text (or the label, when the order shipped with a carrier)',
  'returns.approve.button': 'Approve return',
  'returns.approve.title': 'Approve return {id}?',
  'returns.approve.body': '{items} come back; the customer will be refunded {amount} when they arrive (shipping is not refunded).',
  'returns.approve.label':
    'If the order shipped with a carrier label, a return label of the same carrier is bought now; otherwise the customer gets the instructions.',
  'returns.approve.confirm': 'Approve',
  'returns.approved.label': 'Return {id} approved; {carrier} return label bought.',
  'returns.approved.instructions': 'Return {id} approved; the customer has the instructions.',
  'returns.refuse.legend': 'Refuse',
  'returns.refuse.noteField': 'Reason the customer reads',
  'returns.refuse.noteRequired': 'Say why the return is refused.',
  'returns.refuse.button': 'Refuse return',
  'returns.refuse.title': 'Refuse return {id}?',
  'returns.refuse.body': '{items} are not taken back and nothing is refunded (it would have been {amount}). The customer reads your note:',
  'returns.refuse.confirm': 'Refuse',
  'returns.refused': 'Return {id} refused.',
  'returns.receive.legend': 'Parcel received',
  'returns.receive.restockLine': 'Put back on sale: {item}',
  'returns.receive.button': 'Mark received and refund {amount}',
  'returns.receive.title': 'Mark return {id} received?',
  'returns.receive.body': '{amount} goes back to the customer through the order’s payment, once.',
  'returns.receive.line': '{item}: {amount}',
  'returns.receive.restock': 'Back on sale: {items}.',
  'returns.receive.noRestock': 'Nothing goes back on sale.',
  'returns.receive.confirm': 'Receive and refund {amount}',
  'returns.receivedRefunded': 'Return {id} received; {amount} refunded ({provider}).',
  'returns.refundPending': 'Received, but the refund is not done yet: {error}',
  'returns.refundAttempt.pending': 'The refund is pending at {provider}; the return becomes refunded when {provider} confirms it.',
  'returns.refundAttempt.failed': 'The refund failed at {provider} ({reason}, {at}); nothing was refunded. Retry it below.',
  'returns.retry.button': 'Retry refund of {amount}',
  'returns.retry.title': 'Retry the refund of return {id}?',
  'returns.retry.body': '{amount} goes back to the customer (never twice).',
  'returns.retry.confirm': 'Refund',
  'returns.refundedOnly': 'Return {id}: {amount} refunded.',
  'returns.status.requested': 'requested',
  'returns.status.approved': 'approved',
  'returns.status.refused': 'refused',
  'returns.status.cancelled': 'cancelled',
  'returns.status.received': 'received',
  'returns.status.refunded': 'refunded',
  'status.requested': 'requested',
  'status.approved': 'approved',
  'status.refused': 'refused',
  'status.received': 'received',
  // ---------- saved views (Orders and Products lists)
  'views.title': 'Saved views',
  'views.none': 'No saved views yet: filter or sort the list, then save it under a name.',
  'views.name': 'Save this view as',
  'views.save': 'Save view',
  'views.saved': 'View “{name}” saved.',
  'views.nameRequired': 'Give the view a name.',
  'views.nameTooLong': 'A view’s name is at most 60 characters.',
  'views.nameTooLongField': 'must be at most 60 characters',
  'views.tooMany': 'At most {max} saved views per list: delete one first.',
  'views.delete': 'Delete',
  'views.deleteLabel': 'Delete the view {name}',
  'views.deleteTitle': 'Delete the view “{name}”?',
  'views.deleteBody': 'Only the saved name and filters go; no orders or products change.',
  'views.deleteConfirm': 'Delete view',
  'views.deleted': 'View “{name}” deleted.',
} satisfies Record<string, Entry>

/** Russian must have every English key; plural entries need Russian's four forms. */
export type RuOf<T extends Record<string, Entry>> = { [K in keyof T]: T[K] extends string ? string : RuPlural }

export type Core = typeof core

// One dictionary per page keeps parallel work on different pages out of each other's way;
// a page's file exports `en` and is merged here; its Russian twin is messages/ru/<page>.ts.
const en = {
  ...core,
  ...orders.en,
  ...products.en,
  ...customers.en,
  ...inventory.en,
  ...importPage.en,
  ...pricing.en,
  ...marketplace.en,
  ...webhooks.en,
  ...apiKeys.en,
}
export type En = typeof en
export type Key = keyof En
export type Lang = 'en' | 'ru'
type Dictionary = Record<Key, Entry | RuPlural>

// English is in the entry chunk; Russian (messages/ru/, about half the text by size) is fetched
// the first time it is chosen, so an English first visit does not download or parse it.
const loaded: Partial<Record<Lang, Dictionary>> = { en }
const loaders: Record<Lang, () => Promise<Dictionary>> = {
  en: async () => en,
  ru: async () => (await import('./messages/ru')).ru,
}

/** Loads a language's dictionary (once); `t` falls back to English until it is there. */
export async function loadDictionary(l: Lang): Promise<Dictionary> {
  const d = loaded[l] ?? (loaded[l] = await loaders[l]())
  return d
}

export const LANGS: { lang: Lang; name: string }[] = [
  { lang: 'en', name: 'English' },
  { lang: 'ru', name: 'Русский' },
]

const STORAGE_KEY = 'ec-dashboard-lang'
const isLang = (v: unknown): v is Lang => v === 'en' || v === 'ru'

/** The saved choice, else the first of the browser's languages we have, else English. */
export function detectLang(saved: string | null | undefined, preferred: readonly string[]): Lang {
  if (isLang(saved)) return saved
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLang(base)) return base
  }
  return 'en'
}

// The browser globals this module uses, typed narrowly so the dictionaries also load outside a
// browser (the workerd test that compares them).
const web = globalThis as unknown as {
  localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void }
  navigator?: { language?: string; languages?: readonly string[] }
  document?: { documentElement: { lang: string } }
}

function savedLang(): string | null {
  try {
    return web.localStorage?.getItem(STORAGE_KEY) ?? null
  } catch {
    return null
  }
}

function browserLangs(): readonly string[] {
  const nav = web.navigator
  return nav?.languages?.length ? nav.languages : nav?.language ? [nav.language] : []
}

let lang: Lang = detectLang(savedLang(), browserLangs())
const listeners = new Set<(l: Lang) => void>()

export const currentLang = () => lang

/**
 * The Intl locale for the chosen language: the browser's own variant of it when it has one
 * (en-GB keeps day-month dates), else the bare language.
 */
export function locale(): string {
  return browserLangs().find((tag) => tag.toLowerCase().split('-')[0] === lang) ?? lang
}

/**
 * Switches the language once its dictionary is loaded: saved in localStorage, `<html lang>`
 * updated, listeners re-render.
 */
export async function setLang(next: Lang) {
  await loadDictionary(next)
  lang = next
  try {
    web.localStorage?.setItem(STORAGE_KEY, next)
  } catch {
    // storage blocked: the choice lasts for this page only
  }
  applyLang()
  for (const fn of listeners) fn(next)
}

/** Sets `<html lang>` to the current language (called at start and on every switch). */
export function applyLang() {
  if (web.document) web.document.documentElement.lang = lang
}

/** At start: loads the detected language's dictionary, then sets `<html lang>`. */
export async function startLang() {
  await loadDictionary(lang).catch(() => (lang = 'en'))
  applyLang()
}

export function onLangChange(fn: (l: Lang) => void): () => void {
  listeners.add(fn)
  return () => void listeners.delete(fn)
}

export type Params = Record<string, string | number>

const numberFormats = new Map<string, Intl.NumberFormat>()
function formatCount(n: number): string {
  const loc = locale()
  let f = numberFormats.get(loc)
  if (!f) numberFormats.set(loc, (f = new Intl.NumberFormat(loc)))
  return f.format(n)
}

/** Fills `{name}` placeholders; numbers are printed in the chosen locale. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (m, name: string) => {
    const v = params[name]
    return v === undefined ? m : typeof v === 'number' ? formatCount(v) : v
  })
}

/** Picks the plural form for `count` with the language's Intl.PluralRules. */
export function pluralForm(l: Lang, entry: Plural | RuPlural, count: number): string {
  const form = new Intl.PluralRules(l).select(count) as keyof RuPlural
  return (entry as Partial<RuPlural>)[form] ?? entry.other
}

function lookup(l: Lang, key: Key, params?: Params): string {
  const entry: Entry | RuPlural = loaded[l]?.[key] ?? en[key]
  if (typeof entry === 'string') return interpolate(entry, params)
  return interpolate(pluralForm(l, entry, Number(params?.count ?? 0)), params)
}

/** The UI text for `key` in the chosen language; `count` picks a plural form. */
export function t(key: Key, params?: Params): string {
  return lookup(lang, key, params)
}

/** `t` for a key built at run time (a status from the API): the fallback when there is none. */
export function tMaybe(key: string, fallback: string, params?: Params): string {
  return Object.hasOwn(en, key) ? lookup(lang, key as Key, params) : fallback
}

/** A status, role or kind from the API in words ("partially_refunded" → "partially refunded"). */
export const statusLabel = (value: string) => tMaybe(`status.${value}`, value.replace(/_/g, ' '))
