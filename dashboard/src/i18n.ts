// The dashboard's languages: English and Russian. Every piece of UI text goes through `t(key)`;
// each key has an English and a Russian entry below (the type makes a missing Russian entry a
// compile error, and test/dashboard/i18n.test.ts checks the two dictionaries match).
//
// Adding text: add `'area.what': 'English {param}'` to the English dictionary and the same key to
// the Russian one: a page's own text in its file under messages/, the shell's and shared text
// (statuses, counts) in `core`/`coreRu` below. Counts are
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
} satisfies Record<string, Entry>

/** Russian must have every English key; plural entries need Russian's four forms. */
export type RuOf<T extends Record<string, Entry>> = { [K in keyof T]: T[K] extends string ? string : RuPlural }

const coreRu: RuOf<typeof core> = {
  'app.name': 'Edge Commerce',
  'app.admin': 'Администратор',
  'app.seller': 'Продавец',
  'app.title': '{page} · Edge Commerce',
  'app.dashboard': 'Панель управления',
  'app.skip': 'Перейти к содержимому',
  'app.menu': 'Меню',
  'app.signOut': 'Выйти',
  'app.loading': 'Загрузка…',
  'app.navLabel': 'Панель управления',
  'app.language': 'Язык',
  'app.noDashboard.title': 'Для этой учётной записи нет панели',
  'app.noDashboard.body': 'Панель управления — для администраторов, сотрудников и продавцов. Вы вошли как {role}.',
  'app.notFound.title': 'Страница не найдена',
  'app.notFound.body': 'Страницы {path} нет.',
  'app.notFound.start': 'Перейти на начальную страницу',
  'app.toStorefront': 'Переходим в {link}…',
  'app.toStorefront.link': 'ваш личный кабинет',
  'nav.analytics': 'Аналитика',
  'nav.orders': 'Заказы',
  'nav.products': 'Товары',
  'nav.inventory': 'Остатки',
  'nav.categories': 'Категории',
  'nav.customers': 'Покупатели и роли',
  'nav.payments': 'Платежи',
  'nav.discounts': 'Промокоды',
  'nav.taxRates': 'Ставки налогов',
  'nav.shipping': 'Способы доставки',
  'nav.shipments': 'Отправления',
  'nav.notifications': 'Уведомления',
  'nav.marketplace': 'Синхронизация с маркетплейсами',
  'nav.reviews': 'Отзывы',
  'nav.sales': 'Мои продажи',
  'nav.myProducts': 'Мои товары',
  'nav.lines': 'Мои позиции заказов',
  'nav.webhooks': 'Вебхуки',
  'nav.apiKeys': 'API-ключи',

  'login.pageTitle': 'Вход',
  'login.title': 'Панель управления Edge Commerce',
  'login.expired': 'Сеанс истёк. Войдите снова, чтобы продолжить.',
  'login.intro': 'Войдите с учётной записью администратора, сотрудника или продавца.',
  'login.email': 'Эл. почта',
  'login.password': 'Пароль',
  'login.submit': 'Войти',
  'login.busy': 'Вход…',
  'login.forgot': 'Забыли пароль?',

  'pager.label': 'Страницы',
  'pager.prev': '← Назад',
  'pager.next': 'Вперёд →',
  'pager.page': 'Страница {page}',
  'common.loading': 'Загрузка…',
  'common.cancel': 'Отмена',
  'common.close': 'Закрыть',
  'common.none': '—',
  'sort.ascending': ', по возрастанию',
  'sort.descending': ', по убыванию',
  'sort.sort': ', сортировать',
  'payment.provider': 'Провайдер',
  'payment.status': 'Статус',
  'payment.amount': 'Сумма',
  'payment.received': 'Получено',
  'payment.refunded': 'Возвращено',
  'error.requestId': 'Идентификатор запроса {id}',
  'error.field': '{label}: {problem}',
  'error.required': 'обязательное поле',
  'error.number': 'должно быть числом',
  'error.integer': 'должно быть целым числом',
  'path.amount': 'Сумма',
  'path.refund_amount': 'Сумма возврата',
  'path.price': 'Цена',
  'path.compare_at_price': 'Цена до скидки',
  'path.stock': 'Остаток',
  'path.sku': 'Артикул',
  'path.name': 'Название',
  'path.slug': 'Адрес (slug)',
  'path.email': 'Эл. почта',
  'path.password': 'Пароль',
  'path.rate': 'Ставка',
  'path.carrier': 'Перевозчик',
  'path.tracking_number': 'Трек-номер',
  'path.reason': 'Причина',
  'path.currency': 'Валюта',
  'path.value': 'Значение',
  'path.code': 'Код',
  'path.variants': 'Вариант {n}',
  'path.images': 'Изображение {n}',
  'path.lines': 'Позиция {n}',
  'path.countries': 'Страна {n}',
  'path.items': 'Элемент {n}',
  'path.rows': 'Строка {n}',

  'search.open': 'Поиск',
  'search.dialog': 'Поиск',
  'search.label': 'Поиск заказов, покупателей и товаров',
  'search.placeholder': 'Номер заказа, почта, имя или артикул',
  'search.nothing': 'По запросу «{query}» ничего не найдено.',
  'search.orders': 'Заказы',
  'search.customers': 'Покупатели',
  'search.products': 'Товары',

  'chart.showNumbers': 'Показать числа',
  'chart.day': 'День',
  'chart.name': 'Название',
  'chart.value': 'Значение',
  'chart.empty': 'За этот период ничего нет.',

  'count.orders': { one: '{count} заказ', few: '{count} заказа', many: '{count} заказов', other: '{count} заказа' },
  'count.products': { one: '{count} товар', few: '{count} товара', many: '{count} товаров', other: '{count} товара' },
  'count.variants': { one: '{count} вариант', few: '{count} варианта', many: '{count} вариантов', other: '{count} варианта' },
  'count.units': { one: '{count} шт.', few: '{count} шт.', many: '{count} шт.', other: '{count} шт.' },
  'count.rows': { one: '{count} строка', few: '{count} строки', many: '{count} строк', other: '{count} строки' },
  'count.items': { one: '{count} элемент', few: '{count} элемента', many: '{count} элементов', other: '{count} элемента' },
  'count.lines': { one: '{count} позиция', few: '{count} позиции', many: '{count} позиций', other: '{count} позиции' },
  'count.errors': { one: '{count} ошибка', few: '{count} ошибки', many: '{count} ошибок', other: '{count} ошибки' },
  'count.days': { one: '{count} день', few: '{count} дня', many: '{count} дней', other: '{count} дня' },

  'status.accepted': 'принято',
  'status.hidden': 'скрыт',
  'status.published': 'опубликован',
  'status.active': 'активен',
  'status.inactive': 'неактивен',
  'status.admin': 'администратор',
  'status.staff': 'сотрудник',
  'status.seller': 'продавец',
  'status.customer': 'покупатель',
  'status.applying': 'применяется',
  'status.archived': 'в архиве',
  'status.awaiting_confirmation': 'ждёт подтверждения',
  'status.cancelled': 'отменён',
  'status.dead': 'не доставлено',
  'status.delivered': 'доставлен',
  'status.disabled': 'отключён',
  'status.enabled': 'включён',
  'status.done': 'готово',
  'status.draft': 'черновик',
  'status.error': 'ошибка',
  'status.exception': 'проблема',
  'status.failed': 'сбой',
  'status.in_transit': 'в пути',
  'status.label_created': 'этикетка создана',
  'status.out_for_delivery': 'передан курьеру',
  'status.ok': 'ок',
  'status.paid': 'оплачен',
  'status.partially_refunded': 'частичный возврат',
  'status.pending': 'ожидает',
  'status.processing': 'в обработке',
  'status.purchasing': 'покупка',
  'status.ready': 'готов',
  'status.refunded': 'возвращён',
  'status.requires_payment': 'ждёт оплаты',
  'status.requires_review': 'нужна проверка',
  'status.retrying': 'повтор',
  'status.sending': 'отправляется',
  'status.sent': 'отправлено',
  'status.shipped': 'отправлен',
  'status.skipped': 'пропущено',
  'status.succeeded': 'успешно',
  'status.synced': 'синхронизировано',
  'status.unfulfilled': 'не отправлен',
  'status.fulfilled': 'отправлен',
  'status.voided': 'аннулирован',
  'status.note': 'заметка',

  'analytics.title': 'Аналитика продаж',
  'analytics.count': '{count}',
  'analytics.revenuePerDay': 'Выручка по дням ({currency})',
  'analytics.revenueChart': 'Выручка по дням в {currency}, с {from} по {to}',
  'analytics.revenue': 'Выручка',
  'analytics.revenueIn': 'Выручка {currency}',
  'analytics.perStatus': 'Заказы по статусам',
  'analytics.status': 'Статус',
  'analytics.orders': 'Заказы',
  'analytics.topProducts': 'Лучшие товары',
  'analytics.topProductsChart': 'Лучшие товары по выручке ({currency}), в скобках продано штук',
  'analytics.topSellers': 'Лучшие продавцы',
  'analytics.topSellersChart': 'Лучшие продавцы по выручке ({currency}), в скобках продано штук',
  'analytics.product': 'Товар',
  'analytics.seller': 'Продавец',
  'analytics.revenueUnits': 'Выручка (шт.)',
  'analytics.range': 'Период',
  'analytics.from': 'С',
  'analytics.to': 'По',
  'analytics.currency': 'Валюта',
  'analytics.show': 'Показать',
  'analytics.totals': 'Итоги',
  'analytics.noPaid': 'За этот период оплаченных заказов нет',
  'analytics.refunded': 'возвращено {amount}',

  'common.actions': 'Действия',
  'categories.deleteTitle': 'Удалить категорию {name}?',
  'categories.deleteBody': 'Категорию, в которой ещё есть товары или подкатегории, удалить нельзя.',
  'categories.deleteConfirm': 'Удалить категорию',
  'categories.editForm': 'Изменить категорию {name}',
  'categories.name': 'Название',
  'categories.slug': 'Адрес (slug)',
  'categories.parent': 'Родитель',
  'categories.topLevel': '(верхний уровень)',
  'categories.position': 'Позиция',
  'categories.save': 'Сохранить',
  'categories.edit': 'Изменить',
  'categories.editOne': 'Изменить {name}',
  'categories.delete': 'Удалить',
  'categories.deleteOne': 'Удалить {name}',
  'categories.created': 'Категория {name} создана.',
  'categories.new': 'Новая категория',
  'categories.newName': 'Название новой категории',
  'categories.slugOptional': 'Адрес (slug, необязательно)',
  'categories.create': 'Создать',
  'categories.category': 'Категория',
  'categories.products': 'Товары',
  'categories.withSub': 'С подкатегориями',

  'common.any': 'Любой',
  'common.filter': 'Найти',
  'payments.stripe': 'Stripe (карты)',
  'payments.manual': 'Вручную (банковский перевод, наличные)',
  'payments.enabled': 'Подключённые провайдеры',
  'payments.noneEnabled': 'Ни один платёжный провайдер не подключён.',
  'payments.enabledTable': 'Подключённые платёжные провайдеры',
  'payments.currencies': 'Валюты',
  'payments.confirmedBy': 'Оплату подтверждает',
  'payments.refunds': 'Возвраты',
  'payments.anyCurrency': 'любые',
  'payments.byWebhook': 'провайдер (вебхук)',
  'payments.byStaff': 'сотрудник',
  'payments.refundThrough': 'через {provider}',
  'payments.refundManual': 'вручную, с записью здесь',
  'payments.refundCabinet': 'вручную в кабинете {provider}',
  'payments.alerts': 'Предупреждения',
  'payments.noAlerts': 'Предупреждений о платежах нет.',
  'payments.when': 'Когда',
  'payments.kind': 'Тип',
  'payments.order': 'Заказ',
  'payments.details': 'Подробности',
  'payments.filter': 'Фильтр платежей',
  'payments.orderId': 'Номер заказа',
  'payments.noneMatch': 'Подходящих платежей нет.',
  'payments.created': 'Создан',

  'lines.shipForm': 'Отправить {sku} из заказа {order}',
  'lines.ship': 'Отправить',
  'lines.shipped': 'Позиция отправлена.',
  'lines.filter': 'Фильтр позиций',
  'lines.fulfilment': 'Отправка',
  'lines.none': 'Позиций заказов нет.',
  'lines.qty': 'Кол-во',
  'lines.total': 'Сумма',
  'lines.shipTo': 'Получатель',

  'shipments.labelFailed': 'Не удалось скачать этикетку ({status})',
  'shipments.label': 'Этикетка ({carrier} {tracking})',
  'shipments.noScans': 'Сканов отслеживания пока нет.',
  'shipments.hideScans': 'Скрыть сканы',
  'shipments.scans': 'Сканы',
  'shipments.intro':
    'Этикетки, купленные у UPS и FedEx (купить можно на странице заказа или через API). Отслеживание опрашивается каждые 5 минут, полностью доставленные заказы получают статус «доставлен».',
  'shipments.none': 'Отправлений нет.',
  'shipments.bought': 'Куплена',
  'shipments.tracking': 'Отслеживание',
  'shipments.checkLine': 'Отметьте хотя бы одну позицию для посылки',
  'shipments.labelBought': 'Этикетка куплена: {carrier} {tracking}',
  'shipments.carrierShipments': 'Отправления перевозчиков',
  'shipments.noLabels': 'У этого заказа нет этикеток перевозчиков.',
  'shipments.boughtAt': 'куплена {at}',
  'shipments.buyLegend': 'Купить этикетку',
  'shipments.carrierHint': 'Пусто: способ доставки заказа',
  'shipments.ordersMethod': 'как в заказе',
  'shipments.service': 'Уровень услуги',
  'shipments.serviceHint': 'Код услуги UPS (03) или serviceType FedEx (FEDEX_GROUND)',
  'shipments.weight': 'Вес (г)',
  'shipments.weightHint': 'Пусто: вес позиций из каталога',
  'shipments.buying': 'Покупка…',
  'shipments.buy': 'Купить этикетку',

  'notifications.event': 'Событие',
  'notifications.providerMessage': 'сообщение у провайдера',
  'notifications.sentAt': 'отправлено {at}',
  'notifications.lastError': 'Последняя ошибка: {error}',
  'notifications.noBody': 'Текст сообщения хранится только для провайдера log.',
  'notifications.dead': 'Недоставленные',
  'notifications.noDead': 'Очередь не отказалась ни от одного события.',
  'notifications.attempts': 'Попытки',
  'notifications.filter': 'Фильтр отправок',
  'notifications.channel': 'Канал',
  'notifications.eventType': 'Тип события',
  'notifications.nothing': 'Пока ничего не отправлено.',
  'notifications.recipient': 'Получатель',
  'notifications.hide': 'Скрыть',
  'notifications.show': 'Показать',
  'reviews.title': 'Отзывы',
  'reviews.filterLabel': 'Фильтр отзывов',
  'reviews.state': 'Состояние',
  'reviews.any': 'Любое',
  'reviews.product': 'Идентификатор товара',
  'reviews.filter': 'Показать',
  'reviews.clearProduct': 'Все товары',
  'reviews.empty': 'Подходящих отзывов нет.',
  'reviews.when': 'Когда',
  'reviews.productCol': 'Товар',
  'reviews.author': 'Автор',
  'reviews.rating': 'Оценка',
  'reviews.ratingValue': '{rating} из 5',
  'reviews.text': 'Отзыв',
  'reviews.stateCol': 'Состояние',
  'reviews.actions': 'Действия',
  'reviews.verified': 'Подтверждённая покупка',
  'reviews.onlyThisProduct': 'Только этот товар',
  'reviews.moderated': '{state}: {who}, {when}. Причина: {reason}',
  'reviews.moderatedNoReason': '{state}: {who}, {when}',
  'reviews.reason': 'Причина скрытия',
  'reviews.hide': 'Скрыть',
  'reviews.restore': 'Вернуть',
  'reviews.hideTitle': 'Скрыть этот отзыв?',
  'reviews.hideBody':
    'Отзыв ({author}, оценка {rating}) о товаре «{product}» пропадёт со страницы товара и из его рейтинга. Причина: {reason}',
  'reviews.hideConfirm': 'Скрыть отзыв',
  'reviews.restoreTitle': 'Вернуть этот отзыв?',
  'reviews.restoreBody':
    'Отзыв ({author}, оценка {rating}) о товаре «{product}» снова появится на странице товара и будет учтён в рейтинге.',
  'reviews.restoreConfirm': 'Вернуть отзыв',
  'reviews.hidden': 'Отзыв скрыт.',
  'reviews.restored': 'Отзыв возвращён.',
  'reviews.reasonRequired': 'Укажите причину скрытия отзыва.',
  'nav.returns': 'Возвраты',
  'returns.title': 'Возвраты',
  'returns.intro':
    'Покупатели просят вернуть доставленные товары в течение срока возврата. Одобрите (этикетка перевозчика или инструкция) или отклоните с пояснением; когда посылка придёт, отметьте её полученной: выбранные товары вернутся в продажу, а деньги за возвращённое будут возвращены один раз.',
  'returns.panelTitle': 'Возвраты',
  'returns.filter.status': 'Статус',
  'returns.filter.any': 'любой',
  'returns.filter.order': 'Заказ',
  'returns.filter.from': 'Создан с',
  'returns.filter.to': 'Создан до',
  'returns.filter.apply': 'Найти',
  'returns.none': 'Возвратов нет.',
  'returns.col.asked': 'Создан',
  'returns.col.return': 'Возврат',
  'returns.col.order': 'Заказ',
  'returns.col.items': 'Товары',
  'returns.col.refund': 'К возврату',
  'returns.col.status': 'Статус',
  'returns.col.actions': 'Действия',
  'returns.col.item': 'Товар',
  'returns.col.quantity': 'Количество',
  'returns.col.amount': 'К возврату',
  'returns.col.restock': 'В продажу',
  'returns.open': 'Открыть',
  'returns.hide': 'Скрыть',
  'returns.yes': 'да',
  'returns.no': 'нет',
  'returns.busy': 'Выполняется…',
  'returns.heading': 'Возврат {id}',
  'returns.summary': 'Причина: {reason} · к возврату {amount} · создан {at}',
  'returns.note': 'Комментарий сотрудника: {note}',
  'returns.instructions': 'Инструкция: {text}',
  'returns.label': 'Этикетка возврата ({carrier} {tracking})',
  'returns.labelFailed': 'Не удалось скачать этикетку ({status})',
  'returns.noteField': 'Комментарий (необязательно)',
  'returns.approve.legend': 'Одобрить',
  'returns.approve.instructionsField': 'Инструкция для покупателя',
  'returns.approve.instructionsHint': 'Пусто: стандартный текст (или этикетка, если заказ отправлен перевозчиком)',
  'returns.approve.button': 'Одобрить возврат',
  'returns.approve.title': 'Одобрить возврат {id}?',
  'returns.approve.body': 'Возвращаются: {items}; после получения покупателю вернётся {amount} (доставка не возвращается).',
  'returns.approve.label':
    'Если заказ отправлен с этикеткой перевозчика, сейчас будет куплена этикетка возврата того же перевозчика; иначе покупатель получит инструкцию.',
  'returns.approve.confirm': 'Одобрить',
  'returns.approved.label': 'Возврат {id} одобрен; куплена этикетка возврата {carrier}.',
  'returns.approved.instructions': 'Возврат {id} одобрен; покупатель получил инструкцию.',
  'returns.refuse.legend': 'Отклонить',
  'returns.refuse.noteField': 'Причина (её увидит покупатель)',
  'returns.refuse.noteRequired': 'Укажите, почему возврат отклонён.',
  'returns.refuse.button': 'Отклонить возврат',
  'returns.refuse.title': 'Отклонить возврат {id}?',
  'returns.refuse.body': 'Товары ({items}) не принимаются, деньги не возвращаются (было бы {amount}). Покупатель увидит ваш комментарий:',
  'returns.refuse.confirm': 'Отклонить',
  'returns.refused': 'Возврат {id} отклонён.',
  'returns.receive.legend': 'Посылка получена',
  'returns.receive.restockLine': 'Вернуть в продажу: {item}',
  'returns.receive.button': 'Отметить полученным и вернуть {amount}',
  'returns.receive.title': 'Отметить возврат {id} полученным?',
  'returns.receive.body': '{amount} вернётся покупателю через оплату заказа, один раз.',
  'returns.receive.line': '{item}: {amount}',
  'returns.receive.restock': 'Вернутся в продажу: {items}.',
  'returns.receive.noRestock': 'В продажу ничего не возвращается.',
  'returns.receive.confirm': 'Получено, вернуть {amount}',
  'returns.receivedRefunded': 'Возврат {id} получен; возвращено {amount} ({provider}).',
  'returns.refundPending': 'Получено, но деньги ещё не возвращены: {error}',
  'returns.refundAttempt.pending':
    'Возврат денег ожидает подтверждения {provider}; возврат станет завершённым, когда {provider} его подтвердит.',
  'returns.refundAttempt.failed': 'Возврат денег через {provider} не прошёл ({reason}, {at}); деньги не возвращены. Повторите его ниже.',
  'returns.retry.button': 'Повторить возврат {amount}',
  'returns.retry.title': 'Повторить возврат денег по возврату {id}?',
  'returns.retry.body': '{amount} вернётся покупателю (не больше одного раза).',
  'returns.retry.confirm': 'Вернуть деньги',
  'returns.refundedOnly': 'Возврат {id}: возвращено {amount}.',
  'returns.status.requested': 'запрошен',
  'returns.status.approved': 'одобрен',
  'returns.status.refused': 'отклонён',
  'returns.status.cancelled': 'отменён',
  'returns.status.received': 'получен',
  'returns.status.refunded': 'деньги возвращены',
  'status.requested': 'запрошен',
  'status.approved': 'одобрен',
  'status.refused': 'отклонён',
  'status.received': 'получен',
}

// One dictionary per page keeps parallel work on different pages out of each other's way;
// a page's file exports `en` and `ru` (typed RuOf<typeof en>) and is merged here.
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
export type Key = keyof typeof en
const ru: RuOf<typeof en> = {
  ...coreRu,
  ...orders.ru,
  ...products.ru,
  ...customers.ru,
  ...inventory.ru,
  ...importPage.ru,
  ...pricing.ru,
  ...marketplace.ru,
  ...webhooks.ru,
  ...apiKeys.ru,
}

export const dictionaries = { en, ru } as const satisfies Record<string, Record<Key, Entry>>
export type Lang = keyof typeof dictionaries
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

/** Switches the language: saved in localStorage, `<html lang>` updated, listeners re-render. */
export function setLang(next: Lang) {
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
  const entry: Entry | RuPlural = dictionaries[l][key] ?? en[key]
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
