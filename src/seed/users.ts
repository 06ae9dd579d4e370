import type { Role } from '../lib/context'

/** A demo account. Every account of one role shares that role's password (listed in the README). */
export interface DemoUser {
  id: string
  email: string
  name: string
  role: Role
}

/** Local-only credentials, printed in the README. Never deploy the seed to a real store. */
export const DEMO_PASSWORDS: Record<Role, string> = {
  admin: 'admin-demo-pass',
  staff: 'staff-demo-pass',
  seller: 'seller-demo-pass',
  customer: 'customer-demo-pass',
}

export const SELLER_NAMES = ['Northwind Goods', 'Aurora Outfitters', 'Harbor Home Co.', 'Summit Supply'] as const

const CUSTOMER_NAMES = [
  'Alice Moreau',
  'Bauyrzhan Sadykov',
  'Chen Wei',
  'Dana Kowalski',
  'Emeka Obi',
  'Fatima Haddad',
  'Gustav Lindqvist',
  'Hana Sato',
  'Ivan Petrov',
  'Julia Santos',
  'Kamila Nurlanovna',
  "Liam O'Brien",
  'Maya Levi',
  'Nikhil Rao',
  'Olga Ivanova',
  'Pablo Ruiz',
  'Qi Zhang',
  'Rosa Bianchi',
  'Samuel Mensah',
  'Tara Singh',
  'Uma Patel',
  'Viktor Horvat',
  'Wen Li',
] as const

/** Ids are fixed (`usr_seed_…`) so re-running the seed updates these rows instead of adding more. */
export function demoUsers(): DemoUser[] {
  const users: DemoUser[] = [
    { id: 'usr_seed_admin', email: 'admin@example.com', name: 'Ada Admin', role: 'admin' },
    { id: 'usr_seed_staff1', email: 'staff@example.com', name: 'Sam Staff', role: 'staff' },
    { id: 'usr_seed_staff2', email: 'staff2@example.com', name: 'Sasha Support', role: 'staff' },
  ]
  SELLER_NAMES.forEach((name, i) => {
    users.push({ id: `usr_seed_seller${i + 1}`, email: `seller${i + 1}@example.com`, name, role: 'seller' })
  })
  CUSTOMER_NAMES.forEach((name, i) => {
    const n = String(i + 1).padStart(2, '0')
    // The first three are the documented demo shoppers; all of them write the seeded reviews.
    const email = i < 3 ? `customer${i + 1}@example.com` : `shopper${n}@example.com`
    users.push({ id: `usr_seed_customer${n}`, email, name, role: 'customer' })
  })
  return users
}
