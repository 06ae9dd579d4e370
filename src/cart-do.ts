import { DurableObject } from 'cloudflare:workers'

/** One shopping cart (per user or per guest token). Filled in by the carts issue. */
export class CartDO extends DurableObject<Env> {}
