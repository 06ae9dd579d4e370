// Every drizzle table, for drizzle-kit (migrations) and for typed relational queries.
export * from '../modules/accounts/tables'
export * from '../modules/catalog/tables'
export * from '../modules/orders/tables'
export * from '../modules/pricing/tables'
export * from '../modules/accounts/action-token-tables'
export * from '../modules/notifications/tables'
export * from '../modules/payments/tables'
export * from '../modules/marketplace/tables'
