// Customers and roles: every account with role and email/name filters; admins change roles and
// disable or re-enable accounts (the API guards self-demotion and the last admin). The customer
// page: profile, addresses, order totals per currency and the customer's orders.
import { api, unwrap, type Role, type Schemas } from '../api'
import { enums } from '../api-enums'
import type { paths } from '../api-types'
import { statusLabel, t } from '../i18n'
import { link, navigate, type Route } from '../router'
import { validateBody } from '../validate'
import {
  Badge,
  CANCELLED,
  compact,
  confirmAction,
  ErrorBox,
  Field,
  formatDate,
  formatNumber,
  formValues,
  Loading,
  Money,
  PageTitle,
  Pager,
  SortHeading,
  submit,
  useAction,
  useLoad,
  usePager,
} from '../ui'

type AdminUser = Schemas['AdminUser']
type UserSort = NonNullable<NonNullable<paths['/api/v1/admin/users']['get']['parameters']['query']>['sort']>

function UserRow({ user, canEdit, isSelf, onChanged }: { user: AdminUser; canEdit: boolean; isSelf: boolean; onChanged: () => void }) {
  const update = useAction(async (body: Schemas['AdminUpdateUserBody']) => {
    validateBody('AdminUpdateUserBody', body)
    await unwrap(api.PATCH('/api/v1/admin/users/{id}', { params: { path: { id: user.id } }, body }))
    onChanged()
    return body.role ? t('customers.roleSaved', { email: user.email, role: statusLabel(body.role) }) : undefined
  })
  const toggle = useAction(async () => {
    if (!user.disabled_at) {
      const ok = await confirmAction({
        title: t('customers.disable.title', { name: user.name }),
        body: [t('customers.disable.body', { email: user.email })],
        confirm: t('customers.disable.confirm'),
        danger: true,
      })
      if (!ok) throw CANCELLED
    }
    const body = { disabled: !user.disabled_at }
    validateBody('AdminUpdateUserBody', body)
    await unwrap(api.PATCH('/api/v1/admin/users/{id}', { params: { path: { id: user.id } }, body }))
    onChanged()
    return t(user.disabled_at ? 'customers.enabled' : 'customers.disabled', { email: user.email })
  })
  return (
    <tr>
      <td>
        <a href={link(`customers/${user.id}`)}>{user.name}</a>
      </td>
      <td>{user.email}</td>
      <td>
        {canEdit ? (
          <form
            class="inline"
            onSubmit={submit((f) => void update.run({ role: String(formValues(f).role) as Role }))}
            aria-label={t('customers.roleOf', { email: user.email })}
          >
            <Field label={t('customers.role')}>
              <select name="role" defaultValue={user.role}>
                {enums.Role.map((r) => (
                  <option key={r} value={r}>
                    {statusLabel(r)}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" disabled={update.busy}>
              {t('customers.saveRole')}
            </button>
          </form>
        ) : (
          <Badge value={user.role} />
        )}
        <ErrorBox error={update.error ?? toggle.error} />
      </td>
      <td>{user.disabled_at ? <Badge value="disabled" /> : <Badge value="active" />}</td>
      <td>{formatDate(user.created_at)}</td>
      <td class="row-actions">
        <a href={link('orders', { user_id: user.id })}>{t('customers.orders')}</a>
        {canEdit && !isSelf ? (
          <button type="button" class={user.disabled_at ? '' : 'danger'} disabled={toggle.busy} onClick={() => void toggle.run()}>
            {user.disabled_at ? t('customers.enable') : t('customers.disable')}
          </button>
        ) : null}
      </td>
    </tr>
  )
}

export function CustomersPage({ route, canEdit, selfId }: { route: Route; canEdit: boolean; selfId: string }) {
  const role = (route.query.get('role') ?? '') as Role | ''
  const q = route.query.get('q') ?? ''
  const sort = (route.query.get('sort') ?? '') as UserSort | ''
  const pager = usePager(`${role}|${q}|${sort}`)
  const list = useLoad(
    () =>
      unwrap(
        api.GET('/api/v1/admin/users', {
          params: { query: compact({ role: role || undefined, q, sort: sort || undefined, cursor: pager.cursor, limit: 25 }) },
        }),
      ),
    [role, q, sort, pager.cursor],
  )
  const sortHref = (next: string) => link('customers', { role, q, sort: next === 'newest' ? '' : next })
  return (
    <section>
      <PageTitle>{t('customers.title')}</PageTitle>
      {canEdit ? null : <p class="muted">{t('customers.adminsOnly')}</p>}
      <form
        class="filters"
        role="search"
        aria-label={t('customers.filterLabel')}
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('customers', { role: String(v.role), q: String(v.q).trim(), sort })
        })}
      >
        <Field label={t('customers.role')}>
          <select name="role" defaultValue={role}>
            <option value="">{t('customers.any')}</option>
            {enums.Role.map((r) => (
              <option key={r} value={r}>
                {statusLabel(r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('customers.q')}>
          <input name="q" type="search" defaultValue={q} />
        </Field>
        <button type="submit">{t('customers.filter')}</button>
      </form>
      <Loading loaded={list} />
      {list.data ? (
        <table aria-label={t('customers.table')}>
          <thead>
            <tr>
              <SortHeading label={t('customers.col.name')} current={sort} asc="name_asc" desc="name_desc" href={sortHref} />
              <SortHeading label={t('customers.col.email')} current={sort} asc="email_asc" desc="email_desc" href={sortHref} />
              <th scope="col">{t('customers.col.role')}</th>
              <th scope="col">{t('customers.col.state')}</th>
              <SortHeading label={t('customers.col.joined')} current={sort || 'newest'} asc="oldest" desc="newest" href={sortHref} />
              <th scope="col">
                <span class="sr-only">{t('customers.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((u) => (
              <UserRow key={`${u.id}-${u.updated_at}`} user={u} canEdit={canEdit} isSelf={u.id === selfId} onChanged={list.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager pager={pager} nextCursor={list.data?.next_cursor} />
    </section>
  )
}

/** One account: profile, saved addresses, order totals per currency (never converted) and orders. */
export function CustomerPage({ id }: { id: string }) {
  const profile = useLoad(() => unwrap(api.GET('/api/v1/admin/customers/{id}', { params: { path: { id } } })), [id])
  const pager = usePager(id)
  const orders = useLoad(
    () => unwrap(api.GET('/api/v1/admin/orders', { params: { query: compact({ user_id: id, cursor: pager.cursor, limit: 10 }) } })),
    [id, pager.cursor],
  )
  const data = profile.data
  if (!data) return <Loading loaded={profile} />
  const u = data.user
  return (
    <section>
      <PageTitle
        actions={
          <a class="button" href={link('customers')}>
            {t('customers.all')}
          </a>
        }
      >
        {u.name}
      </PageTitle>
      <dl class="facts">
        <div>
          <dt>{t('customers.email')}</dt>
          <dd>
            <a href={`mailto:${u.email}`}>{u.email}</a>{' '}
            {u.email_verified_at ? null : <span class="muted small">{t('customers.notVerified')}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('customers.role')}</dt>
          <dd>
            <Badge value={u.role} /> {u.disabled_at ? <Badge value="disabled" /> : null}
          </dd>
        </div>
        <div>
          <dt>{t('customers.joined')}</dt>
          <dd>{formatDate(u.created_at)}</dd>
        </div>
      </dl>
      <section aria-labelledby="totals-title">
        <h2 id="totals-title">{t('customers.totals')}</h2>
        {data.totals.length === 0 ? (
          <p class="muted">{t('customers.noOrdersYet')}</p>
        ) : (
          <>
            <table aria-labelledby="totals-title">
              <thead>
                <tr>
                  <th scope="col">{t('customers.tot.currency')}</th>
                  <th scope="col" class="num">
                    {t('customers.tot.orders')}
                  </th>
                  <th scope="col" class="num">
                    {t('customers.tot.paid')}
                  </th>
                  <th scope="col" class="num">
                    {t('customers.tot.spent')}
                  </th>
                  <th scope="col" class="num">
                    {t('customers.tot.refunded')}
                  </th>
                  <th scope="col" class="num">
                    {t('customers.tot.ltv')}
                  </th>
                  <th scope="col" class="num">
                    {t('customers.tot.average')}
                  </th>
                  <th scope="col">{t('customers.tot.last')}</th>
                </tr>
              </thead>
              <tbody>
                {data.totals.map((row) => (
                  <tr key={row.currency}>
                    <th scope="row">{row.currency}</th>
                    <td class="num">
                      {formatNumber(row.orders)}
                      {row.open_orders ? <div class="small muted">{t('customers.awaitingPayment', { count: row.open_orders })}</div> : null}
                    </td>
                    <td class="num">{formatNumber(row.paid_orders)}</td>
                    <td class="num">
                      <Money value={row.spent} />
                    </td>
                    <td class="num">
                      <Money value={row.refunded} />
                    </td>
                    <td class="num">
                      <strong>
                        <Money value={row.lifetime_value} />
                      </strong>
                    </td>
                    <td class="num">
                      <Money value={row.average_order} />
                    </td>
                    <td>{formatDate(row.last_order_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section aria-labelledby="addresses-title">
        <h2 id="addresses-title">{t('customers.addresses')}</h2>
        {data.addresses.length === 0 ? (
          <p class="muted">{t('customers.noAddresses')}</p>
        ) : (
          <ul>
            {data.addresses.map((a) => (
              <li key={a.id}>
                {a.label ? <strong>{a.label}: </strong> : null}
                {[a.name, a.line1, a.line2, a.postal_code, a.city, a.region, a.country].filter(Boolean).join(', ')}
                {a.phone ? <span class="muted"> · {a.phone}</span> : null}
                {a.is_default ? <span class="muted small"> {t('customers.default')}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="orders-title">
        <h2 id="orders-title">{t('customers.ordersTitle')}</h2>
        <Loading loaded={orders} />
        {orders.data && orders.data.data.length === 0 ? <p class="muted">{t('customers.noOrders')}</p> : null}
        {orders.data && orders.data.data.length > 0 ? (
          <>
            <table aria-labelledby="orders-title">
              <thead>
                <tr>
                  <th scope="col">{t('customers.o.order')}</th>
                  <th scope="col">{t('customers.o.created')}</th>
                  <th scope="col">{t('customers.o.status')}</th>
                  <th scope="col" class="num">
                    {t('customers.o.items')}
                  </th>
                  <th scope="col" class="num">
                    {t('customers.o.total')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {orders.data.data.map((o) => (
                  <tr key={o.id}>
                    <td>
                      <a href={link(`orders/${o.id}`)}>
                        <code>{o.id}</code>
                      </a>
                    </td>
                    <td>{formatDate(o.created_at)}</td>
                    <td>
                      <Badge value={o.status} />
                    </td>
                    <td class="num">{t('count.items', { count: o.item_count })}</td>
                    <td class="num">
                      <Money value={o.total} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
        <Pager pager={pager} nextCursor={orders.data?.next_cursor} />
      </section>
    </section>
  )
}
