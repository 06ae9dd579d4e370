import { DurableObject } from 'cloudflare:workers'

/** One order's lifecycle: serialized transitions and payment-timeout alarms. Filled in by the orders issue. */
export class OrderDO extends DurableObject<Env> {}
