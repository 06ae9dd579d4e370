/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'

// The source tree as text (bundled by Vite at transform time, so this runs in workerd without a file
// system). Keys are paths relative to this file: '../src/…'.
const sources: Record<string, string> = import.meta.glob(['../src/**/*.ts', '../src/**/*.tsx'], {
  query: '?raw',
  import: 'default',
  eager: true,
})
const files = Object.fromEntries(Object.entries(sources).map(([key, text]) => [key.replace(/^\.\.\//, ''), text]))

describe('the source tree the rules below read', () => {
  it('holds the Worker', () => {
    // An empty glob would make every rule below pass vacuously.
    expect(Object.keys(files).length).toBeGreaterThan(150)
    expect(files['src/app.ts']).toContain('createRouter')
  })
})

describe('route security is declared once (authRoute)', () => {
  it('only authRoute (src/modules/accounts/middleware.ts) builds the auth middleware', () => {
    const offenders = Object.entries(files)
      .filter(([path, text]) => path !== 'src/modules/accounts/middleware.ts' && /\brequireAuthWith\b/.test(text))
      .map(([path]) => path)
    expect(offenders).toEqual([])
  })

  it('no route sets a required `security` by hand (authRoute sets it with the middleware)', () => {
    const offenders = Object.entries(files)
      .filter(([path, text]) => path !== 'src/modules/accounts/middleware.ts' && /security:\s*bearerSecurity\b/.test(text))
      .map(([path]) => path)
    expect(offenders).toEqual([])
  })
})

describe('every module is mounted through its own router', () => {
  it('src/app.ts imports one file (its router) from each module', () => {
    const imported = [...files['src/app.ts']!.matchAll(/from '\.\/modules\/([^/']+)(?:\/([^']+))?'/g)].map(([, module, file]) => ({
      module: module!,
      file: file ?? 'index',
    }))
    const filesByModule = new Map<string, Set<string>>()
    for (const { module, file } of imported) filesByModule.set(module, (filesByModule.get(module) ?? new Set()).add(file))
    const several = [...filesByModule].filter(([, f]) => f.size > 1).map(([module, f]) => `${module}: ${[...f].join(', ')}`)
    expect(several).toEqual([])
    expect(filesByModule.size).toBeGreaterThan(10)
  })
})

/** The part of the tree a file belongs to: a module's name, 'workflows', 'lib', 'db', or 'app' (src/*.ts). */
function partOf(path: string): string {
  const module = /^src\/modules\/([^/]+)\//.exec(path)
  if (module) return module[1]!
  const top = /^src\/([^/]+)\//.exec(path)
  return top ? top[1]! : 'app'
}

/** Route declarations (routes.ts, *-routes.ts) sit on top of the modules: they may call workflows. */
const isRouteFile = (path: string) => /(^|\/|-)routes\.tsx?$/.test(path)

/** The src/ files a file imports (relative specifiers only, resolved without extension). */
function importsOf(path: string): string[] {
  const specifiers = [...files[path]!.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map((m) => m[1]!)
  return specifiers.map((specifier) => {
    const parts = path.split('/').slice(0, -1)
    for (const segment of specifier.split('/')) {
      if (segment === '..') parts.pop()
      else if (segment !== '.') parts.push(segment)
    }
    return parts.join('/')
  })
}

/** Module → module imports of the modules' own code (route files excluded), with the files that make them. */
function moduleEdges(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>()
  for (const path of Object.keys(files)) {
    if (!path.startsWith('src/modules/') || isRouteFile(path)) continue
    const from = partOf(path)
    for (const target of importsOf(path)) {
      const to = partOf(`${target}.ts`)
      if (!target.startsWith('src/modules/') || to === from) continue
      const byTarget = edges.get(from) ?? new Map<string, string[]>()
      byTarget.set(to, [...(byTarget.get(to) ?? []), path])
      edges.set(from, byTarget)
    }
  }
  return edges
}

/**
 * Modules that still import each other (their own code; route files excluded), each with the files
 * that close the cycle, as docs/architecture.md ("Layers") describes them. None is left: a pair
 * that appears fails the test below.
 */
const KNOWN_MUTUAL: string[] = []

/**
 * The one import out of src/lib still standing (docs/architecture.md, "Layers"): getDb builds drizzle's
 * typed client over every table, and src/db/schema.ts re-exports the modules' tables (it is also
 * drizzle-kit's input). A list that may only shrink.
 */
const KNOWN_LIB_EXCEPTIONS = ['src/lib/db.ts → src/db/schema']

describe('layers: lib → modules → workflows → routes and app', () => {
  it('the import resolver finds the imports it should (else the rules below pass vacuously)', () => {
    expect(importsOf('src/app.ts')).toContain('src/lib/router')
    expect(moduleEdges().get('orders')?.get('payments')?.length).toBeGreaterThan(0)
  })

  it('src/lib imports no module, workflow or route (only lib, beyond the known exception listed here)', () => {
    const offenders = Object.keys(files)
      .filter((path) => path.startsWith('src/lib/'))
      .flatMap((path) =>
        importsOf(path)
          .filter((target) => partOf(`${target}.ts`) !== 'lib')
          .map((target) => `${path} → ${target}`),
      )
    // A new import out of lib fails this test; so does the exception once it is gone.
    expect(offenders.sort()).toEqual(KNOWN_LIB_EXCEPTIONS)
  })

  it('no module imports from src/workflows (only route files, app.ts and the Workers entry points call workflows)', () => {
    const offenders = Object.keys(files)
      .filter((path) => path.startsWith('src/modules/') && !isRouteFile(path))
      .flatMap((path) =>
        importsOf(path)
          .filter((target) => target.startsWith('src/workflows/'))
          .map((target) => `${path} → ${target}`),
      )
    expect(offenders).toEqual([])
  })

  it('no two modules import each other, beyond the known pairs listed here (a list that may only shrink)', () => {
    const edges = moduleEdges()
    const mutual: string[] = []
    for (const [a, targets] of edges) for (const b of targets.keys()) if (a < b && edges.get(b)?.has(a)) mutual.push(`${a} <-> ${b}`)
    // Known cycles left to break (docs/architecture.md, "Layers"). A new pair fails this test; so does
    // a pair that is gone, so the list is trimmed when one is broken.
    expect(mutual.sort(), describeMutual(edges, mutual)).toEqual(KNOWN_MUTUAL)
  })
})

function describeMutual(edges: Map<string, Map<string, string[]>>, mutual: string[]): string {
  return mutual
    .map((pair) => {
      const [a, b] = pair.split(' <-> ') as [string, string]
      return `${pair}: ${a} via ${[...new Set(edges.get(a)!.get(b))].join(', ')}; ${b} via ${[...new Set(edges.get(b)!.get(a))].join(', ')}`
    })
    .join('\n')
}
