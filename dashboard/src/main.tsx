// Entry point: sign-in gate, the layout (skip link, navigation per role, main region) and the
// view chosen by the hash route.
import './select-default'
import { render } from 'preact'
import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { currentUser, handOffToStorefront, logout, onSessionChange, sessionRestored, type Role, type User } from './api'
import { LoginPage } from './pages/login'
import { chunk } from './lazy'
import { ConfirmHost, MessageArea, routeChanged } from './feedback'
import { link, useRoute, type Route } from './router'
import { GlobalSearch } from './search'
import { onLangChange, startLang, statusLabel, t, type Key } from './i18n'
import { LanguageSwitch, tx } from './ui'

/** The storefront's account page, where a customer who signs in here is sent. */
const STOREFRONT_ACCOUNT = '/account'

interface NavItem {
  path: string
  label: Key
}

const STAFF_NAV: NavItem[] = [
  { path: 'analytics', label: 'nav.analytics' },
  { path: 'orders', label: 'nav.orders' },
  { path: 'products', label: 'nav.products' },
  { path: 'inventory', label: 'nav.inventory' },
  { path: 'categories', label: 'nav.categories' },
  { path: 'customers', label: 'nav.customers' },
  { path: 'payments', label: 'nav.payments' },
  { path: 'discounts', label: 'nav.discounts' },
  { path: 'tax-rates', label: 'nav.taxRates' },
  { path: 'shipping', label: 'nav.shipping' },
  { path: 'shipments', label: 'nav.shipments' },
  { path: 'returns', label: 'nav.returns' },
  { path: 'notifications', label: 'nav.notifications' },
  { path: 'marketplace', label: 'nav.marketplace' },
  { path: 'reviews', label: 'nav.reviews' },
]

/** Admin-only pages (integrations), after the staff ones. */
const ADMIN_NAV: NavItem[] = [
  { path: 'webhooks', label: 'nav.webhooks' },
  { path: 'api-keys', label: 'nav.apiKeys' },
]

const SELLER_NAV: NavItem[] = [
  { path: 'sales', label: 'nav.sales' },
  { path: 'products', label: 'nav.myProducts' },
  { path: 'lines', label: 'nav.lines' },
]

// Every page module is its own chunk (esbuild splitting), loaded when a route first needs it.
const chunks = {
  analytics: chunk(() => import('./pages/analytics')),
  categories: chunk(() => import('./pages/categories')),
  customers: chunk(() => import('./pages/customers')),
  inventory: chunk(() => import('./pages/inventory')),
  marketplace: chunk(() => import('./pages/marketplace')),
  notifications: chunk(() => import('./pages/notifications')),
  shipments: chunk(() => import('./pages/shipments')),
  returns: chunk(() => import('./pages/returns')),
  orders: chunk(() => import('./pages/orders')),
  payments: chunk(() => import('./pages/payments')),
  import: chunk(() => import('./pages/import')),
  pricing: chunk(() => import('./pages/pricing')),
  products: chunk(() => import('./pages/products')),
  reviews: chunk(() => import('./pages/reviews')),
  lines: chunk(() => import('./pages/seller-lines')),
  webhooks: chunk(() => import('./pages/webhooks')),
  apiKeys: chunk(() => import('./pages/api-keys')),
}
const AnalyticsPage = chunks.analytics.page('AnalyticsPage')
const CategoriesPage = chunks.categories.page('CategoriesPage')
const CustomerPage = chunks.customers.page('CustomerPage')
const CustomersPage = chunks.customers.page('CustomersPage')
const InventoryPage = chunks.inventory.page('InventoryPage')
const MarketplacePage = chunks.marketplace.page('MarketplacePage')
const NotificationsPage = chunks.notifications.page('NotificationsPage')
const ShipmentsPage = chunks.shipments.page('ShipmentsPage')
const ReturnsPage = chunks.returns.page('ReturnsPage')
const OrderDetailPage = chunks.orders.page('OrderDetailPage')
const OrdersPage = chunks.orders.page('OrdersPage')
const PaymentsPage = chunks.payments.page('PaymentsPage')
const ImportPage = chunks.import.page('ImportPage')
const DiscountsPage = chunks.pricing.page('DiscountsPage')
const ShippingMethodsPage = chunks.pricing.page('ShippingMethodsPage')
const TaxRatesPage = chunks.pricing.page('TaxRatesPage')
const ProductEditPage = chunks.products.page('ProductEditPage')
const ProductsPage = chunks.products.page('ProductsPage')
const ReviewsPage = chunks.reviews.page('ReviewsPage')
const SellerLinesPage = chunks.lines.page('SellerLinesPage')
const WebhooksPage = chunks.webhooks.page('WebhooksPage')
const ApiKeysPage = chunks.apiKeys.page('ApiKeysPage')

/** The chunk of the page a URL section names (both roles' sections), to preload at start. */
const SECTION_CHUNK: Record<string, { preload(): Promise<unknown> }> = {
  ...chunks,
  sales: chunks.analytics,
  discounts: chunks.pricing,
  'tax-rates': chunks.pricing,
  shipping: chunks.pricing,
  'api-keys': chunks.apiKeys,
}

const isStaff = (role: Role) => role === 'staff' || role === 'admin'

function navFor(role: Role): NavItem[] {
  if (role === 'admin') return [...STAFF_NAV, ...ADMIN_NAV]
  if (isStaff(role)) return STAFF_NAV
  if (role === 'seller') return SELLER_NAV
  return []
}

function View({ user, route }: { user: User; route: Route }) {
  const [section = navFor(user.role)[0]?.path, id] = route.parts
  if (isStaff(user.role)) {
    switch (section) {
      case 'analytics':
        return <AnalyticsPage scope="admin" route={route} />
      case 'orders':
        return id ? <OrderDetailPage id={id} /> : <OrdersPage route={route} />
      case 'products':
        return id ? <ProductEditPage scope="admin" id={id} /> : <ProductsPage scope="admin" route={route} />
      case 'import':
        return <ImportPage />
      case 'inventory':
        return <InventoryPage route={route} canEdit={user.role === 'admin'} />
      case 'categories':
        return <CategoriesPage />
      case 'customers':
        return id ? <CustomerPage id={id} /> : <CustomersPage route={route} canEdit={user.role === 'admin'} selfId={user.id} />
      case 'payments':
        return <PaymentsPage route={route} />
      case 'discounts':
        return <DiscountsPage />
      case 'tax-rates':
        return <TaxRatesPage />
      case 'shipping':
        return <ShippingMethodsPage />
      case 'shipments':
        return <ShipmentsPage route={route} />
      case 'returns':
        return <ReturnsPage route={route} />
      case 'notifications':
        return <NotificationsPage route={route} />
      case 'marketplace':
        return <MarketplacePage route={route} />
      case 'webhooks':
        if (user.role === 'admin') return <WebhooksPage route={route} />
        break
      case 'api-keys':
        if (user.role === 'admin') return <ApiKeysPage />
        break
      case 'reviews':
        return <ReviewsPage route={route} />
    }
  } else if (user.role === 'seller') {
    switch (section) {
      case 'sales':
        return <AnalyticsPage scope="seller" route={route} />
      case 'products':
        return id ? <ProductEditPage scope="seller" id={id} /> : <ProductsPage scope="seller" route={route} />
      case 'lines':
        return <SellerLinesPage route={route} />
    }
  } else {
    return (
      <section>
        <h1>{t('app.noDashboard.title')}</h1>
        <p>{t('app.noDashboard.body', { role: statusLabel(user.role) })}</p>
      </section>
    )
  }
  return (
    <section>
      <h1>{t('app.notFound.title')}</h1>
      <p>
        {t('app.notFound.body', { path: `#/${route.parts.join('/')}` })} <a href={link('')}>{t('app.notFound.start')}</a>
      </p>
    </section>
  )
}

function Layout({ user, route, children }: { user: User; route: Route; children: ComponentChildren }) {
  const main = useRef<HTMLElement>(null)
  const first = useRef(true)
  const section = route.parts[0] ?? navFor(user.role)[0]?.path
  // On phones the navigation folds away behind the Menu button; choosing a page closes it.
  const [menuOpen, setMenuOpen] = useState(false)
  useEffect(() => setMenuOpen(false), [route.parts.join('/')])
  // Move focus to the new view after navigation so keyboard and screen-reader users start there.
  useEffect(() => {
    routeChanged()
    if (first.current) {
      first.current = false
      return
    }
    main.current?.focus({ preventScroll: true })
  }, [route.parts.join('/')])
  return (
    <div class="shell">
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is an in-page anchor; the click moves focus too, as the router does not */}
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        {t('app.skip')}
      </a>
      <header class="top">
        <button type="button" class="menu" aria-expanded={menuOpen} aria-controls="side-nav" onClick={() => setMenuOpen((o) => !o)}>
          {t('app.menu')}
        </button>
        <a class="brand" href={link('')}>
          {t('app.name')} <span>{t(isStaff(user.role) ? 'app.admin' : 'app.seller')}</span>
        </a>
        <div class="who">
          {isStaff(user.role) ? <GlobalSearch /> : null}
          <span class="user">
            {user.name} · <em>{statusLabel(user.role)}</em>
          </span>
          <LanguageSwitch />
          <button type="button" onClick={signOut}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <nav id="side-nav" class={menuOpen ? 'side open' : 'side'} aria-label={t('app.navLabel')}>
        <ul>
          {navFor(user.role).map((item) => (
            <li key={item.path}>
              <a href={link(item.path)} aria-current={section === item.path ? 'page' : undefined}>
                {t(item.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <MessageArea />
        {children}
      </main>
      <ConfirmHost />
    </div>
  )
}

/** Customers have no dashboard: their account page is the storefront's. */
function ToStorefront() {
  // The storefront takes over the sign-in (one sign-in, not two), then the page moves there.
  useEffect(() => void handOffToStorefront().finally(() => location.replace(STOREFRONT_ACCOUNT)), [])
  return (
    <main id="main" class="login">
      <p>{tx('app.toStorefront', { link: <a href={STOREFRONT_ACCOUNT}>{t('app.toStorefront.link')}</a> })}</p>
    </main>
  )
}

// Set while the user signs out themselves, so losing the session otherwise reads as "expired".
let signingOut = false
const signOut = () => {
  signingOut = true
  void logout().finally(() => (signingOut = false))
}

function App() {
  const [user, setUser] = useState(currentUser)
  const [expired, setExpired] = useState(false)
  // A reload asks the refresh cookie for a session first; showing the sign-in form meanwhile would
  // flash it and steal focus from the page that replaces it.
  const [restoring, setRestoring] = useState(true)
  useEffect(() => void sessionRestored.finally(() => setRestoring(false)), [])
  const route = useRoute()
  // t() reads the chosen language; a switch re-renders the whole tree from here.
  const [, setLang] = useState(0)
  useEffect(() => onLangChange(() => setLang((n) => n + 1)), [])
  useEffect(
    () =>
      onSessionChange((next) => {
        setUser((prev) => {
          if (prev && !next && !signingOut) setExpired(true)
          if (next) setExpired(false)
          return next
        })
      }),
    [],
  )
  if (!user && restoring) {
    return (
      <main id="main" class="login" aria-busy="true">
        <p class="muted">{t('app.loading')}</p>
      </main>
    )
  }
  if (!user) return <LoginPage expired={expired} />
  if (user.role === 'customer') return <ToStorefront />
  return (
    <Layout user={user} route={route}>
      {/* Keyed by the path: a view for another id (order, product…) starts fresh, never with the
          previous one's typed values, messages or data. */}
      <View key={route.parts.join('/')} user={user} route={route} />
    </Layout>
  )
}

// A link or a reload names its page: fetch that chunk while the session is restored.
const section = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0]
if (section && Object.hasOwn(SECTION_CHUNK, section)) SECTION_CHUNK[section]?.preload().catch(() => {})
// Russian (when chosen) is loaded before the first render, so nothing flashes in English.
await startLang()
render(<App />, document.getElementById('app') as HTMLElement)
