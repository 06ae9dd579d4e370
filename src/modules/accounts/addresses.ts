import { and, asc, count, desc, eq, ne, sql } from 'drizzle-orm'
import type { DB } from '../../lib/db'
import { AppError, notFound } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { nowIso } from '../../lib/time'
import type { Address, CreateAddressInput, UpdateAddressInput } from './schema'
import { addresses } from './tables'

/** Enough for home, work and relatives; keeps the unpaginated list small. */
export const MAX_ADDRESSES_PER_USER = 50

type AddressRow = typeof addresses.$inferSelect

function toAddress(row: AddressRow): Address {
  return {
    id: row.id,
    label: row.label,
    name: row.name,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postal_code: row.postalCode,
    country: row.country,
    phone: row.phone,
    is_default: row.isDefault,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  }
}

const owned = (userId: string, id: string) => and(eq(addresses.id, id), eq(addresses.userId, userId))

const unsetOtherDefaults = (db: DB, userId: string, keepId: string) =>
  db
    .update(addresses)
    .set({ isDefault: false })
    .where(and(eq(addresses.userId, userId), ne(addresses.id, keepId), eq(addresses.isDefault, true)))

/** The user's addresses, default first, then newest. */
export async function listAddresses(db: DB, userId: string): Promise<Address[]> {
  const rows = await db
    .select()
    .from(addresses)
    .where(eq(addresses.userId, userId))
    .orderBy(desc(addresses.isDefault), desc(addresses.createdAt), asc(addresses.id))
  return rows.map(toAddress)
}

/** One of the user's addresses; someone else's answers 404 exactly like a missing one. */
export async function getAddress(db: DB, userId: string, id: string): Promise<Address> {
  const row = await db.query.addresses.findFirst({ where: owned(userId, id) })
  if (!row) throw notFound('Address')
  return toAddress(row)
}

/** For checkout and other modules: the user's default address, if any. */
export async function getDefaultAddress(db: DB, userId: string): Promise<Address | null> {
  const row = await db.query.addresses.findFirst({
    where: and(eq(addresses.userId, userId), eq(addresses.isDefault, true)),
  })
  return row ? toAddress(row) : null
}

/** The first address becomes the default; a new default unsets the old one in the same batch. */
export async function createAddress(db: DB, userId: string, input: CreateAddressInput): Promise<Address> {
  const [existing] = await db.select({ n: count() }).from(addresses).where(eq(addresses.userId, userId))
  const n = existing?.n ?? 0
  if (n >= MAX_ADDRESSES_PER_USER) {
    throw new AppError('conflict', `An account can keep at most ${MAX_ADDRESSES_PER_USER} addresses`)
  }
  const now = nowIso()
  const row: AddressRow = {
    id: newId('adr'),
    userId,
    label: input.label ?? null,
    name: input.name,
    line1: input.line1,
    line2: input.line2 ?? null,
    city: input.city,
    region: input.region ?? null,
    postalCode: input.postal_code ?? null,
    country: input.country,
    phone: input.phone ?? null,
    isDefault: input.is_default ?? n === 0,
    createdAt: now,
    updatedAt: now,
  }
  const insert = db.insert(addresses).values(row)
  if (row.isDefault) await db.batch([unsetOtherDefaults(db, userId, row.id), insert])
  else await insert
  return toAddress(row)
}

export async function updateAddress(db: DB, userId: string, id: string, input: UpdateAddressInput): Promise<Address> {
  const set: Partial<AddressRow> = { updatedAt: nowIso() }
  if (input.label !== undefined) set.label = input.label
  if (input.name !== undefined) set.name = input.name
  if (input.line1 !== undefined) set.line1 = input.line1
  if (input.line2 !== undefined) set.line2 = input.line2
  if (input.city !== undefined) set.city = input.city
  if (input.region !== undefined) set.region = input.region
  if (input.postal_code !== undefined) set.postalCode = input.postal_code
  if (input.country !== undefined) set.country = input.country
  if (input.phone !== undefined) set.phone = input.phone
  if (input.is_default !== undefined) set.isDefault = input.is_default

  const update = db.update(addresses).set(set).where(owned(userId, id))
  const result =
    input.is_default === true
      ? // Unset the others only if this address is the caller's: the guard keeps a foreign id from touching them.
        (
          await db.batch([
            db
              .update(addresses)
              .set({ isDefault: false })
              .where(
                and(
                  eq(addresses.userId, userId),
                  ne(addresses.id, id),
                  eq(addresses.isDefault, true),
                  sql`EXISTS (SELECT 1 FROM addresses a WHERE a.id = ${id} AND a.user_id = ${userId})`,
                ),
              ),
            update,
          ])
        )[1]
      : await update.run()
  if (!result.meta.changes) throw notFound('Address')
  return getAddress(db, userId, id)
}

/** Delete; when the default goes, the newest remaining address becomes the default. */
export async function deleteAddress(db: DB, userId: string, id: string): Promise<void> {
  const [deleted] = await db.batch([
    db.delete(addresses).where(owned(userId, id)),
    db
      .update(addresses)
      .set({ isDefault: true })
      .where(
        sql`${addresses.id} = (SELECT a.id FROM addresses a WHERE a.user_id = ${userId} ORDER BY a.created_at DESC, a.id DESC LIMIT 1)
          AND NOT EXISTS (SELECT 1 FROM addresses d WHERE d.user_id = ${userId} AND d.is_default = 1)`,
      ),
  ])
  if (!deleted.meta.changes) throw notFound('Address')
}
