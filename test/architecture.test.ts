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
  it('only src/lib/router.ts builds the auth middleware', () => {
    const offenders = Object.entries(files)
      .filter(
        ([path, text]) => path !== 'src/lib/router.ts' && path !== 'src/modules/accounts/middleware.ts' && /\brequireAuthWith\b/.test(text),
      )
      .map(([path]) => path)
    expect(offenders).toEqual([])
  })

  it('no route sets a required `security` by hand (authRoute sets it with the middleware)', () => {
    const offenders = Object.entries(files)
      .filter(([path, text]) => path !== 'src/lib/router.ts' && /security:\s*bearerSecurity\b/.test(text))
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
