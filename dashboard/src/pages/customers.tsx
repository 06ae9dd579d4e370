// Customers and roles: every account with role and email/name filters; admins change roles and
// disable or re-enable accounts (the API guards self-demotion and the last admin). The customer
// page: profile, addresses, order totals per currency and the customer's orders.
import { api, unwrap, type Role, type Schemas } from '../api'
import { enums } from '../api-enums'
import type { paths } from '../api-types'
import { link, navigate, type Route } from '../router'
import {
  Badge,
  CANCELLED,
  compact,
  confirmAction,
  ErrorBox,
  Field,
  formatDate,
  formValues,
  Loading,
  Money,
  PageTitle,
  Pager,
  plural,
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
    await unwrap(api.PATCH('/api/v1/admin/users/{id}', { params: { path: { id: user.id } }, body }))
    onChanged()
  })
  const toggle = useAction(async () => {
    if (!user.disabled_at) {
      const ok = await confirmAction({
        title: `Disable ${user.name}?`,
        body: [`${user.email} can no longer sign in, and open sessions stop working, until an admin enables the account again.`],
        confirm: 'Disable account',
        danger: true,
      })
      if (!ok) throw CANCELLED
    }
    await unwrap(api.PATCH('/api/v1/admin/users/{id}', { params: { path: { id: user.id } }, body: { disabled: !user.disabled_at } }))
    onChanged()
    return `${user.email} is ${user.disabled_at ? 'enabled' : 'disabled'}.`
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
            aria-label={`Role of ${user.email}`}
          >
            <Field label="Role">
              <select name="role" defaultValue={user.role}>
                {enums.Role.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" disabled={update.busy}>
              Save role
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
        <a href={link('orders', { user_id: user.id })}>Orders</a>
        {canEdit && !isSelf ? (
          <button type="button" class={user.disabled_at ? '' : 'danger'} disabled={toggle.busy} onClick={() => void toggle.run()}>
            {user.disabled_at ? 'Enable' : 'Disable'}
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
      <PageTitle>Customers and roles</PageTitle>
      {canEdit ? null : <p class="muted">Only admins change roles or disable accounts.</p>}
      <form
        class="filters"
        role="search"
        aria-label="Filter accounts"
        onSubmit={submit((f) => {
          const v = formValues(f)
          navigate('customers', { role: String(v.role), q: String(v.q).trim(), sort })
        })}
      >
        <Field label="Role">
          <select name="role" defaultValue={role}>
            <option value="">Any</option>
            {enums.Role.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Email or name contains">
          <input name="q" type="search" defaultValue={q} />
        </Field>
        <button type="submit">Filter</button>
      </form>
      <Loading loaded={list} />
      {list.data ? (
        <table aria-label="Accounts">
          <thead>
            <tr>
              <SortHeading label="Name" current={sort} asc="name_asc" desc="name_desc" href={sortHref} />
              <SortHeading label="Email" current={sort} asc="email_asc" desc="email_desc" href={sortHref} />
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <SortHeading label="Joined" current={sort || 'newest'} asc="oldest" desc="newest" href={sortHref} />
              <th scope="col">
                <span class="sr-only">Actions</span>
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
            All customers
          </a>
        }
      >
        {u.name}
      </PageTitle>
      <dl class="facts">
        <div>
          <dt>Email</dt>
          <dd>
            <a href={`mailto:${u.email}`}>{u.email}</a> {u.email_verified_at ? null : <span class="muted small">(not verified)</span>}
          </dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>
            <Badge value={u.role} /> {u.disabled_at ? <Badge value="disabled" /> : null}
          </dd>
        </div>
        <div>
          <dt>Joined</dt>
          <dd>{formatDate(u.created_at)}</dd>
        </div>
      </dl>
      <section aria-labelledby="totals-title">
        <h2 id="totals-title">Totals</h2>
        {data.totals.length === 0 ? (
          <p class="muted">No orders yet.</p>
        ) : (
          <>
            <table aria-labelledby="totals-title">
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col" class="num">
                    Orders
                  </th>
                  <th scope="col" class="num">
                    Paid
                  </th>
                  <th scope="col" class="num">
                    Spent
                  </th>
                  <th scope="col" class="num">
                    Refunded
                  </th>
                  <th scope="col" class="num">
                    Lifetime value
                  </th>
                  <th scope="col" class="num">
                    Average order
                  </th>
                  <th scope="col">Last order</th>
                </tr>
              </thead>
              <tbody>
                {data.totals.map((t) => (
                  <tr key={t.currency}>
                    <th scope="row">{t.currency}</th>
                    <td class="num">
                      {t.orders}
                      {t.open_orders ? <div class="small muted">{t.open_orders} awaiting payment</div> : null}
                    </td>
                    <td class="num">{t.paid_orders}</td>
                    <td class="num">
                      <Money value={t.spent} />
                    </td>
                    <td class="num">
                      <Money value={t.refunded} />
                    </td>
                    <td class="num">
                      <strong>
                        <Money value={t.lifetime_value} />
                      </strong>
                    </td>
                    <td class="num">
                      <Money value={t.average_order} />
                    </td>
                    <td>{formatDate(t.last_order_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section aria-labelledby="addresses-title">
        <h2 id="addresses-title">Addresses</h2>
        {data.addresses.length === 0 ? (
          <p class="muted">No saved addresses.</p>
        ) : (
          <ul>
            {data.addresses.map((a) => (
              <li key={a.id}>
                {a.label ? <strong>{a.label}: </strong> : null}
                {[a.name, a.line1, a.line2, a.postal_code, a.city, a.region, a.country].filter(Boolean).join(', ')}
                {a.phone ? <span class="muted"> · {a.phone}</span> : null}
                {a.is_default ? <span class="muted small"> (default)</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="orders-title">
        <h2 id="orders-title">Orders</h2>
        <Loading loaded={orders} />
        {orders.data && orders.data.data.length === 0 ? <p class="muted">No orders.</p> : null}
        {orders.data && orders.data.data.length > 0 ? (
          <>
            <table aria-labelledby="orders-title">
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Created</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Items
                  </th>
                  <th scope="col" class="num">
                    Total
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
                    <td class="num">{plural(o.item_count, 'item')}</td>
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
