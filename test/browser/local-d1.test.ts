// scripts/lib/local-d1.mjs, the D1 look-alike the Node seed writes through (no browser involved; it
// lives in this Node suite because the workerd suite cannot load node:sqlite or run wrangler).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { d1DatabaseId, localD1File, openLocalD1 } from '../../scripts/lib/local-d1.mjs'
import { migrateLocal, ROOT } from '../../scripts/lib/local.mjs'

describe('local D1 file (the Node seed path)', () => {
  let state: string
  let local: Awaited<ReturnType<typeof openLocalD1>>

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'ec-local-d1-'))
    await migrateLocal(state)
    // The path is derived the way Miniflare names the file; wrangler created it while migrating.
    local = await openLocalD1(localD1File(state, d1DatabaseId(join(ROOT, 'wrangler.toml'))))
  }, 120_000)

  afterAll(() => {
    local?.close()
    rmSync(state, { recursive: true, force: true })
  })

  it('is the database wrangler migrated: its migrations table lists every migration', async () => {
    const row = await local.db.prepare('SELECT count(*) AS n FROM d1_migrations').first<{ n: number }>()
    expect(row?.n).toBeGreaterThan(20)
    expect(await local.db.prepare("SELECT name FROM d1_migrations WHERE name LIKE '0022%'").first('name')).toBe(
      '0022_catalog_scale_indexes.sql',
    )
  })

  it('answers like D1: rows from all/first, changes from run, booleans as 1/0 and undefined as NULL', async () => {
    const now = new Date().toISOString()
    const insert = local.db.prepare(
      `INSERT INTO categories (id, parent_id, name, slug, description, position, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const run = await insert.bind('cat_t_1', undefined, 'One', 'one', null, true, now, now).run()
    expect(run.meta.changes).toBe(1)
    const row = await local.db.prepare('SELECT parent_id, position FROM categories WHERE id = ?').bind('cat_t_1').first()
    expect(row).toEqual({ parent_id: null, position: 1 })
    const { results } = await local.db.prepare('SELECT id FROM categories WHERE slug = ?').bind('one').all()
    expect(results).toEqual([{ id: 'cat_t_1' }])
    expect(await local.db.prepare('SELECT id FROM categories WHERE id = ?').bind('none').first()).toBeNull()
  })

  it('runs a batch as one transaction: a failing statement undoes the ones before it', async () => {
    const now = new Date().toISOString()
    const insert = local.db.prepare(
      `INSERT INTO categories (id, parent_id, name, slug, description, position, created_at, updated_at) VALUES (?, NULL, ?, ?, NULL, 0, ?, ?)`,
    )
    await expect(
      local.db.batch([insert.bind('cat_t_2', 'Two', 'two', now, now), insert.bind('cat_t_3', 'Three', 'one', now, now)]),
    ).rejects.toThrow(/UNIQUE/)
    expect(await local.db.prepare("SELECT count(*) AS n FROM categories WHERE id IN ('cat_t_2', 'cat_t_3')").first('n')).toBe(0)
    const ok = await local.db.batch([
      insert.bind('cat_t_2', 'Two', 'two', now, now),
      local.db.prepare("SELECT id FROM categories WHERE id = 'cat_t_2'"),
    ])
    expect(ok[0]!.meta.changes).toBe(1)
    expect(ok[1]!.results).toEqual([{ id: 'cat_t_2' }])
  })
})
