// Pages as chunks loaded on first use, so the sign-in page needs only the entry chunk
// (docs/dashboard.md, "First paint on a slow CPU"):
//   const orders = chunk(() => import('./pages/orders'))
//   const OrdersPage = orders.page('OrdersPage')
// renders the page once its chunk is there and a small loading state until then. The pages of one
// module share its chunk and its load.
import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { t } from './i18n'
import { tx } from './ui'

// biome-ignore lint/suspicious/noExplicitAny: a page module's components take any props
type Module = Record<string, FunctionComponent<any> | unknown>
// biome-ignore lint/suspicious/noExplicitAny: see above
type Props<C> = C extends FunctionComponent<infer P> ? P : any

export interface Chunk<M extends Module> {
  /** Starts loading without rendering (the page the URL names, while the session is restored). */
  preload(): Promise<M>
  page<K extends keyof M & string>(name: K): FunctionComponent<Props<M[K]>>
}

export function chunk<M extends Module>(load: () => Promise<M>): Chunk<M> {
  let loaded: M | undefined
  let pending: Promise<M> | undefined
  const preload = () =>
    (pending ??= load().then(
      (m) => (loaded = m),
      (err: unknown) => {
        pending = undefined // a later visit tries again
        throw err
      },
    ))
  const page = <K extends keyof M & string>(name: K) =>
    function Lazy(props: Props<M[K]>) {
      const [, setReady] = useState(false)
      const [failed, setFailed] = useState(false)
      useEffect(() => {
        // Always through preload(), even when `loaded` is already set: the chunk may have arrived
        // (from the start-up preload) between this render and the effect, and only this state
        // change re-renders the page; a bare `if (!loaded)` left it on "Loading…" for good.
        preload().then(
          () => setReady(true),
          () => setFailed(true),
        )
      }, [])
      if (loaded) {
        const Page = loaded[name] as FunctionComponent<Props<M[K]>>
        return <Page {...props} />
      }
      if (failed) {
        // After a deploy the old chunk names are gone; a reload fetches the new entry.
        const reload = (
          <button type="button" onClick={() => location.reload()}>
            {t('app.reload')}
          </button>
        )
        return <p role="alert">{tx('app.loadFailed', { link: reload })}</p>
      }
      return (
        <p class="muted" aria-busy="true">
          {t('app.loading')}
        </p>
      )
    }
  return { preload, page }
}
