import { useEffect, useRef } from 'preact/hooks'
import { login } from '../api'
import { Field, formValues, FormErrors, submit, useAction } from '../ui'

/** The storefront's password reset page (the dashboard has no reset form of its own). */
const FORGOT_PASSWORD = '/forgot-password'

export function LoginPage({ expired }: { expired?: boolean }) {
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
        {expired ? (
          <p class="notice" role="status">
            Your session has expired. Sign in again to carry on.
          </p>
        ) : (
          <p class="muted">Sign in with an admin, staff or seller account.</p>
        )}
        {/* A failed sign-in moves focus to the error, so nobody is left on <body>. */}
        <FormErrors error={action.error}>
          <Field label="Email">
            <input ref={email} name="email" type="email" autoComplete="username" required maxLength={254} />
          </Field>
          <Field label="Password">
            <input name="password" type="password" autoComplete="current-password" required />
          </Field>
        </FormErrors>
        <button class="primary" type="submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
        <a href={FORGOT_PASSWORD}>Forgot your password?</a>
      </form>
    </main>
  )
}
