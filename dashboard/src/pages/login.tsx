import { useEffect, useRef } from 'preact/hooks'
import { login } from '../api'
import { ErrorBox, Field, formValues, submit, useAction } from '../ui'

export function LoginPage() {
  const email = useRef<HTMLInputElement>(null)
  const action = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    await login(String(v.email), String(v.password))
  })
  useEffect(() => {
    document.title = 'Sign in · Edge Commerce'
    email.current?.focus()
  }, [])
  return (
    <main id="main" class="login">
      <form class="card" onSubmit={submit((f) => void action.run(f))} aria-labelledby="login-title">
        <h1 id="login-title">Edge Commerce dashboard</h1>
        <p class="muted">Sign in with an admin, staff or seller account.</p>
        <ErrorBox error={action.error} />
        <Field label="Email">
          <input ref={email} name="email" type="email" autoComplete="username" required />
        </Field>
        <Field label="Password">
          <input name="password" type="password" autoComplete="current-password" required />
        </Field>
        <button class="primary" type="submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
