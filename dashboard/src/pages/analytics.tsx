// Sales analytics over a chosen date range: revenue per day, orders per status, top products and
// (for staff) top sellers. Sellers see the same report for their own lines.
import { api, unwrap, type Schemas } from '../api'
import { BarList, ColumnChart, type Point } from '../charts'
import { navigate, type Route } from '../router'
import { ErrorBox, Field, formatMoney, formValues, Loading, PageTitle, plural, submit, useLoad } from '../ui'

type Report = Schemas['SalesReport']

const isoDay = (d: Date) => d.toISOString().slice(0, 10)

function defaultRange() {
  const to = new Date()
  const from = new Date(to.getTime() - 29 * 86_400_000)
  return { from: isoDay(from), to: isoDay(to) }
}

/** Every day of the range, so quiet days show as empty bars instead of disappearing. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = []
  const end = Date.parse(`${to}T00:00:00Z`)
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000) out.push(isoDay(new Date(t)))
  return out
}

function mainCurrency(report: Report): string | undefined {
  return [...report.totals].sort((a, b) => b.amount - a.amount)[0]?.currency
}

function Charts({ report, scope, currency }: { report: Report; scope: 'admin' | 'seller'; currency: string }) {
  const byDay = new Map(report.revenue_by_day.filter((r) => r.currency === currency).map((r) => [r.day, r]))
  const revenue: Point[] = daysBetween(report.from, report.to).map((day) => {
    const value = byDay.get(day)?.revenue ?? 0
    return { label: day, value, display: `${formatMoney(value, currency)} (${plural(byDay.get(day)?.orders ?? 0, 'order')})` }
  })
  const statuses: Point[] = report.orders_by_status.map((s) => ({ label: s.status.replace(/_/g, ' '), value: s.count, display: String(s.count) }))
  const products: Point[] = report.top_products
    .filter((p) => p.currency === currency)
    .map((p) => ({ label: p.product_name, value: p.revenue, display: `${formatMoney(p.revenue, currency)} (${p.quantity})` }))
  const sellers: Point[] = report.top_sellers
    .filter((s) => s.currency === currency)
    .map((s) => ({ label: s.seller_name ?? s.seller_id, value: s.revenue, display: `${formatMoney(s.revenue, currency)} (${s.quantity})` }))
  return (
    <div class="charts">
      <section class="card wide" aria-labelledby="rev-title">
        <h2 id="rev-title">Revenue per day ({currency})</h2>
        <ColumnChart
          title={`Revenue per day in ${currency}, ${report.from} to ${report.to}`}
          points={revenue}
          formatAxis={(v) => formatMoney(Math.round(v), currency)}
          valueHeader="Revenue"
        />
      </section>
      <section class="card" aria-labelledby="status-title">
        <h2 id="status-title">Orders per status</h2>
        <BarList title="Orders per status" points={statuses} labelHeader="Status" valueHeader="Orders" />
      </section>
      <section class="card" aria-labelledby="products-title">
        <h2 id="products-title">Top products</h2>
        <BarList title={`Top products by revenue (${currency}), units sold in brackets`} points={products} labelHeader="Product" valueHeader="Revenue (units)" />
      </section>
      {scope === 'admin' ? (
        <section class="card" aria-labelledby="sellers-title">
          <h2 id="sellers-title">Top sellers</h2>
          <BarList title={`Top sellers by revenue (${currency}), units sold in brackets`} points={sellers} labelHeader="Seller" valueHeader="Revenue (units)" />
        </section>
      ) : null}
    </div>
  )
}

export function AnalyticsPage({ scope, route }: { scope: 'admin' | 'seller'; route: Route }) {
  const defaults = defaultRange()
  const from = route.query.get('from') || defaults.from
  const to = route.query.get('to') || defaults.to
  const wanted = route.query.get('currency') ?? ''
  const path = scope === 'admin' ? 'analytics' : 'sales'
  const report = useLoad(
    () =>
      scope === 'admin'
        ? unwrap(api.GET('/api/v1/admin/analytics/sales', { params: { query: { from, to, limit: 10 } } }))
        : unwrap(api.GET('/api/v1/seller/sales', { params: { query: { from, to, limit: 10 } } })),
    [scope, from, to],
  )
  const data = report.data
  const currencies = data ? [...new Set([...data.totals.map((t) => t.currency), ...data.revenue_by_day.map((r) => r.currency)])] : []
  const currency = (wanted && currencies.includes(wanted) ? wanted : data && mainCurrency(data)) ?? currencies[0]
  return (
    <section>
      <PageTitle>{scope === 'admin' ? 'Sales analytics' : 'My sales'}</PageTitle>
      <form
        class="filters"
        aria-label="Date range"
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate(path, { from: String(v.from), to: String(v.to), currency: v.currency ? String(v.currency) : undefined })
        })}
      >
        <Field label="From">
          <input name="from" type="date" defaultValue={from} key={from} required />
        </Field>
        <Field label="To">
          <input name="to" type="date" defaultValue={to} key={to} required />
        </Field>
        {currencies.length > 1 ? (
          <Field label="Currency">
            <select name="currency" defaultValue={currency}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </Field>
        ) : null}
        <button type="submit">Show</button>
      </form>
      {/* One error: Loading shows it while there is no data; after a failed reload, ErrorBox does. */}
      {!data ? <Loading loaded={report} /> : report.error ? <ErrorBox error={report.error} /> : null}
      {data ? (
        <>
          <dl class="totals" aria-label="Totals">
            {data.totals.length === 0 ? (
              <div>
                <dt>Revenue</dt>
                <dd>No paid orders in this range</dd>
              </div>
            ) : (
              data.totals.map((t) => (
                <div key={t.currency}>
                  <dt>Revenue {t.currency}</dt>
                  <dd>
                    {formatMoney(t.amount, t.currency)}
                    <small>
                      {plural(t.orders, 'order')} · refunded {formatMoney(t.refunded, t.currency)}
                    </small>
                  </dd>
                </div>
              ))
            )}
          </dl>
          {currency ? <Charts report={data} scope={scope} currency={currency} /> : <Charts report={data} scope={scope} currency="USD" />}
        </>
      ) : null}
    </section>
  )
}
