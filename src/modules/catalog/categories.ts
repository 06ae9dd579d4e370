import { asc, eq, or, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import type { Category, CategoryCreate, CategoryDetail, CategoryUpdate } from './schema'
import { isUniqueViolation, runBatch } from '../../lib/d1'
import { nextFreeSlug, slugify, slugLikePattern } from './slug'
import { categories, products } from './tables'

export type CategoryNode = Category & { children: CategoryNode[] }

type CategoryRow = typeof categories.$inferSelect

const toCategory = (row: CategoryRow, direct: number, total: number): Category => ({
  id: row.id,
  parent_id: row.parentId,
  name: row.name,
  slug: row.slug,
  description: row.description,
  position: row.position,
  product_count: direct,
  total_product_count: total,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
})

/** Every category with its active-product counts (direct and including all descendants). */
export async function listCategories(db: DB): Promise<Category[]> {
  const [rows, counts] = await db.batch([
    db.select().from(categories).orderBy(asc(categories.position), asc(categories.name), asc(categories.id)),
    db
      .select({ categoryId: products.categoryId, n: sql<number>`COUNT(*)` })
      .from(products)
      .where(sql`${products.status} = 'active' AND ${products.categoryId} IS NOT NULL`)
      .groupBy(products.categoryId),
  ])
  const direct = new Map(counts.map((c) => [c.categoryId!, Number(c.n)]))
  const childrenOf = new Map<string | null, CategoryRow[]>()
  for (const row of rows) {
    const list = childrenOf.get(row.parentId) ?? []
    list.push(row)
    childrenOf.set(row.parentId, list)
  }
  // Subtree totals, memoised; `seen` guards against a cycle that could only come from hand edits.
  const totals = new Map<string, number>()
  const total = (id: string, seen: Set<string>): number => {
    const known = totals.get(id)
    if (known !== undefined) return known
    if (seen.has(id)) return 0
    seen.add(id)
    const sum = (direct.get(id) ?? 0) + (childrenOf.get(id) ?? []).reduce((acc, c) => acc + total(c.id, seen), 0)
    totals.set(id, sum)
    return sum
  }
  return rows.map((row) => toCategory(row, direct.get(row.id) ?? 0, total(row.id, new Set())))
}

/** Nest a flat list; categories whose parent is missing become roots. */
export function categoryTree(flat: Category[]): CategoryNode[] {
  const nodes = new Map(flat.map((c) => [c.id, { ...c, children: [] as CategoryNode[] }]))
  const roots: CategoryNode[] = []
  for (const node of nodes.values()) {
    const parent = node.parent_id ? nodes.get(node.parent_id) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}

export async function findCategory(db: DB, idOrSlug: string): Promise<CategoryRow | undefined> {
  return db
    .select()
    .from(categories)
    .where(or(eq(categories.id, idOrSlug), eq(categories.slug, idOrSlug)))
    .get()
}

/** One category with its ancestors (root first) and direct children. */
export async function getCategoryDetail(db: DB, idOrSlug: string): Promise<CategoryDetail> {
  const all = await listCategories(db)
  const category = all.find((c) => c.id === idOrSlug || c.slug === idOrSlug)
  if (!category) throw notFound('Category')
  const byId = new Map(all.map((c) => [c.id, c]))
  const ancestors: CategoryDetail['ancestors'] = []
  for (let p = category.parent_id ? byId.get(category.parent_id) : undefined; p && ancestors.length < 50; ) {
    ancestors.unshift({ id: p.id, name: p.name, slug: p.slug })
    p = p.parent_id ? byId.get(p.parent_id) : undefined
  }
  return { ...category, ancestors, children: all.filter((c) => c.parent_id === category.id) }
}

async function uniqueCategorySlug(db: DB, name: string): Promise<string> {
  const base = slugify(name, 'category')
  const taken = await db
    .select({ slug: categories.slug })
    .from(categories)
    .where(sql`${categories.slug} = ${base} OR ${categories.slug} LIKE ${slugLikePattern(base)} ESCAPE '\\'`)
  return nextFreeSlug(
    base,
    taken.map((t) => t.slug),
  )
}

async function assertParent(db: DB, parentId: string | null | undefined, selfId?: string) {
  if (!parentId) return
  const parent = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, parentId)).get()
  if (!parent) throw new AppError('unprocessable', 'Parent category does not exist', [{ path: 'parent_id', message: 'unknown category' }])
  if (!selfId) return
  // The new parent must not be the category itself or one of its descendants.
  const cycle = await db.get<{ hit: number }>(sql`
    WITH RECURSIVE sub(id) AS (
      SELECT ${selfId}
      UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id
    )
    SELECT 1 AS hit FROM sub WHERE id = ${parentId} LIMIT 1`)
  if (cycle) throw new AppError('conflict', 'A category cannot be moved under itself or one of its subcategories')
}

export async function createCategory(db: DB, input: CategoryCreate): Promise<CategoryDetail> {
  await assertParent(db, input.parent_id)
  const now = nowIso()
  const id = newId('cat')
  const slug = input.slug ?? (await uniqueCategorySlug(db, input.name))
  try {
    await runBatch(db, [
      db.insert(categories).values({
        id,
        parentId: input.parent_id ?? null,
        name: input.name,
        slug,
        description: input.description ?? null,
        position: input.position ?? 0,
        createdAt: now,
        updatedAt: now,
      }),
    ])
  } catch (err) {
    if (isUniqueViolation(err, 'categories.slug')) throw new AppError('slug_taken', `Slug "${slug}" is already used by another category`)
    throw err
  }
  return getCategoryDetail(db, id)
}

export async function updateCategory(db: DB, id: string, patch: CategoryUpdate): Promise<CategoryDetail> {
  const existing = await db.select().from(categories).where(eq(categories.id, id)).get()
  if (!existing) throw notFound('Category')
  if (patch.parent_id !== undefined) await assertParent(db, patch.parent_id, id)
  const set: Partial<typeof categories.$inferInsert> = { updatedAt: nowIso() }
  if (patch.name !== undefined) set.name = patch.name
  if (patch.slug !== undefined) set.slug = patch.slug
  if (patch.parent_id !== undefined) set.parentId = patch.parent_id
  if (patch.description !== undefined) set.description = patch.description
  if (patch.position !== undefined) set.position = patch.position
  try {
    await runBatch(db, [db.update(categories).set(set).where(eq(categories.id, id))])
  } catch (err) {
    if (isUniqueViolation(err, 'categories.slug'))
      throw new AppError('slug_taken', `Slug "${patch.slug}" is already used by another category`)
    throw err
  }
  return getCategoryDetail(db, id)
}

/** Refused with 409 while the category still has subcategories or products (of any status). */
export async function deleteCategory(db: DB, id: string): Promise<void> {
  const existing = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, id)).get()
  if (!existing) throw notFound('Category')
  const [child, product] = await db.batch([
    db.select({ id: categories.id }).from(categories).where(eq(categories.parentId, id)).limit(1),
    db.select({ id: products.id }).from(products).where(eq(products.categoryId, id)).limit(1),
  ])
  if (child.length) throw new AppError('conflict', 'Category still has subcategories; move or delete them first')
  if (product.length) throw new AppError('conflict', 'Category still has products; move them to another category first')
  // The NOT EXISTS guards close the race with a concurrent insert between the check and the delete.
  await runBatch(db, [
    db.delete(categories).where(
      sql`${categories.id} = ${id}
        AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.parent_id = ${id})
        AND NOT EXISTS (SELECT 1 FROM products p WHERE p.category_id = ${id})`,
    ),
  ])
}

/** Category id for an id or slug, or a 404 (used by the product list filter). */
export async function resolveCategoryId(db: DB, idOrSlug: string): Promise<string> {
  const row = await findCategory(db, idOrSlug)
  if (!row) throw notFound('Category')
  return row.id
}
