import { useEffect, useRef } from 'preact/hooks'
import { login } from '../api'
import { Field, formValues, FormErrors, LanguageSwitch, submit, useAction } from '../ui'
import { t } from '../i18n'

/** The storefront's password reset page (the dashboard has no reset form of its own). */
const FORGOT_PASSWORD = '/forgot-password'

export function LoginPage({ expired }: { expired?: boolean }) {
  const email = useRef<HTMLInputElement>(null)
  const action = useAction(async (form: HTMLFormElement) => {
    const v = formValues(form)
    await login(String(v.email), String(v.password))
  })
  useEffect(() => {
    document.title = t('app.title', { page: t('login.pageTitle') })
    email.current?.focus()
  }, [])
  return (
    <main id="main" class="login">
      <form class="card" onSubmit={submit((f) => void action.run(f))} aria-labelledby="login-title">
        <div class="login-head">
          <h1 id="login-title">{t('login.title')}</h1>
          <LanguageSwitch />
        </div>
        {expired ? (
          <p class="notice" role="status">
            {t('login.expired')}
          </p>
        ) : (
          <p class="muted">{t('login.intro')}</p>
        )}
        {/* A failed sign-in moves focus to the error, so nobody is left on <body>. */}
        <FormErrors error={action.error}>
          <Field label={t('login.email')}>
            <input ref={email} name="email" type="email" autoComplete="username" required maxLength={254} />
          </Field>
          <Field label={t('login.password')}>
            <input name="password" type="password" autoComplete="current-password" required />
          </Field>
        </FormErrors>
        <button class="primary" type="submit" disabled={action.busy}>
          {action.busy ? t('login.busy') : t('login.submit')}
        </button>
        <a href={FORGOT_PASSWORD}>{t('login.forgot')}</a>
      </form>
    </main>
  )
}
