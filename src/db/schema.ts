// Every drizzle table, for drizzle-kit (migrations) and for typed relational queries.
export * from '../modules/accounts/tables'
export * from '../modules/catalog/tables'
export * from '../modules/orders/tables'
export * from '../modules/pricing/tables'
