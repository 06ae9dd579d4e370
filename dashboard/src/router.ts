// Hash routing (#/orders/ord_x?status=paid): the dashboard is one static index.html, so every
// view works on reload without server-side fallbacks.
import { useEffect, useState } from 'preact/hooks'

export interface Route {
  /** Path segments, e.g. ['orders', 'ord_x']. */
  parts: string[]
  query: URLSearchParams
}

function parse(): Route {
  const raw = location.hash.replace(/^#\/?/, '')
  const [path = '', search = ''] = raw.split('?')
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse)
  useEffect(() => {
    const on = () => setRoute(parse())
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}

/** `href` for a dashboard view. */
export const link = (path: string, query?: Record<string, string | undefined>) => {
  const q = query ? new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => Boolean(e[1]))).toString() : ''
  return `#/${path.replace(/^\//, '')}${q ? `?${q}` : ''}`
}

export function navigate(path: string, query?: Record<string, string | undefined>) {
  location.hash = link(path, query)
}
