// Sales analytics over a chosen date range: revenue per day, orders per status, top products and
// (for staff) top sellers. Sellers see the same report for their own lines.
import { api, unwrap, type Schemas } from '../api'
import { BarList, ColumnChart, type Point } from '../charts'
import { navigate, type Route } from '../router'
import { ErrorBox, Field, formatDay, formatMoney, formValues, Loading, PageTitle, submit, useLoad } from '../ui'
import { statusLabel, t } from '../i18n'

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
    return { label: day, value, display: `${formatMoney(value, currency)} (${t('count.orders', { count: byDay.get(day)?.orders ?? 0 })})` }
  })
  const statuses: Point[] = report.orders_by_status.map((s) => ({
    label: statusLabel(s.status),
    value: s.count,
    display: t('analytics.count', { count: s.count }),
  }))
  const products: Point[] = report.top_products
    .filter((p) => p.currency === currency)
    .map((p) => ({
      label: p.product_name,
      value: p.revenue,
      display: `${formatMoney(p.revenue, currency)} (${t('analytics.count', { count: p.quantity })})`,
    }))
  const sellers: Point[] = report.top_sellers
    .filter((s) => s.currency === currency)
    .map((s) => ({
      label: s.seller_name ?? s.seller_id,
      value: s.revenue,
      display: `${formatMoney(s.revenue, currency)} (${t('analytics.count', { count: s.quantity })})`,
    }))
  return (
    <div class="charts">
      <section class="card wide" aria-labelledby="rev-title">
        <h2 id="rev-title">{t('analytics.revenuePerDay', { currency })}</h2>
        <ColumnChart
          title={t('analytics.revenueChart', { currency, from: formatDay(report.from), to: formatDay(report.to) })}
          points={revenue}
          formatAxis={(v) => formatMoney(Math.round(v), currency)}
          valueHeader={t('analytics.revenue')}
        />
      </section>
      <section class="card" aria-labelledby="status-title">
        <h2 id="status-title">{t('analytics.perStatus')}</h2>
        <BarList
          title={t('analytics.perStatus')}
          points={statuses}
          labelHeader={t('analytics.status')}
          valueHeader={t('analytics.orders')}
        />
      </section>
      <section class="card" aria-labelledby="products-title">
        <h2 id="products-title">{t('analytics.topProducts')}</h2>
        <BarList
          title={t('analytics.topProductsChart', { currency })}
          points={products}
          labelHeader={t('analytics.product')}
          valueHeader={t('analytics.revenueUnits')}
        />
      </section>
      {scope === 'admin' ? (
        <section class="card" aria-labelledby="sellers-title">
          <h2 id="sellers-title">{t('analytics.topSellers')}</h2>
          <BarList
            title={t('analytics.topSellersChart', { currency })}
            points={sellers}
            labelHeader={t('analytics.seller')}
            valueHeader={t('analytics.revenueUnits')}
          />
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
  const currencies = data ? [...new Set([...data.totals.map((x) => x.currency), ...data.revenue_by_day.map((r) => r.currency)])] : []
  const currency = (wanted && currencies.includes(wanted) ? wanted : data && mainCurrency(data)) ?? currencies[0]
  return (
    <section>
      <PageTitle>{scope === 'admin' ? t('analytics.title') : t('nav.sales')}</PageTitle>
      <form
        class="filters"
        aria-label={t('analytics.range')}
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate(path, { from: String(v.from), to: String(v.to), currency: v.currency ? String(v.currency) : undefined })
        })}
      >
        <Field label={t('analytics.from')}>
          <input name="from" type="date" defaultValue={from} key={from} required />
        </Field>
        <Field label={t('analytics.to')}>
          <input name="to" type="date" defaultValue={to} key={to} required />
        </Field>
        {currencies.length > 1 ? (
          <Field label={t('analytics.currency')}>
            <select name="currency" defaultValue={currency}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </Field>
        ) : null}
        <button type="submit">{t('analytics.show')}</button>
      </form>
      {/* One error: Loading shows it while there is no data; after a failed reload, ErrorBox does. */}
      {!data ? <Loading loaded={report} /> : report.error ? <ErrorBox error={report.error} /> : null}
      {data ? (
        <>
          <dl class="totals" aria-label={t('analytics.totals')}>
            {data.totals.length === 0 ? (
              <div>
                <dt>{t('analytics.revenue')}</dt>
                <dd>{t('analytics.noPaid')}</dd>
              </div>
            ) : (
              data.totals.map((total) => (
                <div key={total.currency}>
                  <dt>{t('analytics.revenueIn', { currency: total.currency })}</dt>
                  <dd>
                    {formatMoney(total.amount, total.currency)}
                    <small>
                      {t('count.orders', { count: total.orders })} ·{' '}
                      {t('analytics.refunded', { amount: formatMoney(total.refunded, total.currency) })}
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
