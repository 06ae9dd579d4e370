// Customers and roles: every account with role and email filters; admins change roles and
// disable or re-enable accounts (the API guards self-demotion and the last admin).
import { api, unwrap, type Role, type Schemas } from '../api'
import { enums } from '../api-enums'
import { link, navigate, type Route } from '../router'
import { Badge, CANCELLED, compact, confirmAction, ErrorBox, Field, formatDate, formValues, Loading, PageTitle, Pager, submit, useAction, useLoad, usePager } from '../ui'

type AdminUser = Schemas['AdminUser']

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
        {user.name}
        <div class="small muted">
          <code>{user.id}</code>
        </div>
      </td>
      <td>{user.email}</td>
      <td>
        {canEdit ? (
          <form class="inline" onSubmit={submit((f) => void update.run({ role: String(formValues(f).role) as Role }))} aria-label={`Role of ${user.email}`}>
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
  const pager = usePager(`${role}|${q}`)
  const list = useLoad(
    () => unwrap(api.GET('/api/v1/admin/users', { params: { query: compact({ role: role || undefined, q, cursor: pager.cursor, limit: 25 }) } })),
    [role, q, pager.cursor],
  )
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
          navigate('customers', { role: String(v.role), q: String(v.q).trim() })
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
        <Field label="Email starts with">
          <input name="q" type="search" defaultValue={q} />
        </Field>
        <button type="submit">Filter</button>
      </form>
      <Loading loaded={list} />
      {list.data ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">Joined</th>
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
