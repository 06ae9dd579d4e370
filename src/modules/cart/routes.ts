import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../../lib/context'
import { notFound } from '../../lib/errors'
import { bearerSecurity, errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { authRoute, currentUser, optionalAuth } from '../accounts/middleware'
import { spendDiscountPreview } from './discount-guard'
import {
  AddItemBodySchema,
  CartChangeSchema,
  CartQuerySchema,
  CartSchema,
  CartTokenHeaderSchema,
  MergeHeaderSchema,
  MergeResultSchema,
  SetQuantityBodySchema,
  VariantParamSchema,
} from './schema'
import {
  addItem,
  clearCart,
  getCartView,
  mergeGuestCart,
  newCartToken,
  removeItem,
  setItemQuantity,
  type CartOwner,
  type CartView,
} from './service'

const tags = ['cart']
const ownerDoc =
  'Signed in (Bearer token): the user’s cart. Otherwise the guest cart named by X-Cart-Token; a guest ' +
  'write without a token creates one, returned in the X-Cart-Token header and the body `token`.'

/**
 * Whose cart this request is about. A signed-in user always gets their own cart (a token they also
 * send is ignored here; merging is explicit). A guest gets the token's cart, or — only when
 * `create` — a new token.
 */
function resolveOwner(c: Context<AppEnv>, token: string | undefined, create: boolean) {
  const user = c.get('user')
  if (user) return { owner: { userId: user.id } as CartOwner, token: undefined }
  const t = token ?? (create ? newCartToken() : undefined)
  return { owner: t ? ({ guestToken: t } as CartOwner) : null, token: t }
}

/** Guests get their token back on every answer, header and body. */
function withToken<T extends CartView>(c: Context<AppEnv>, view: T, token: string | undefined): T {
  if (!token) return view
  c.header('X-Cart-Token', token)
  return { ...view, token }
}

const userPreview = (c: Context<AppEnv>) => ({ user_id: c.get('user')?.id })

export const cartRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/cart',
      tags,
      summary: 'The cart, priced now (optionally with tax, shipping and a discount code previewed)',
      description:
        `${ownerDoc} An unknown token is an empty cart. A discount code that does not apply, for whatever reason, is ` +
        'one problem `discount_not_applicable` ("This code cannot be applied"); previews with a code are rate-limited ' +
        'per IP and per cart (429 with Retry-After).',
      middleware: optionalAuth,
      security: [...bearerSecurity, {}],
      request: { headers: CartTokenHeaderSchema, query: CartQuerySchema },
      responses: { 200: jsonContent(CartSchema, 'The cart'), ...errors(400, 401, 429) },
    }),
    async (c) => {
      const { owner, token } = resolveOwner(c, c.req.valid('header')['x-cart-token'], false)
      if (c.req.valid('query').discount_code) await spendDiscountPreview(c, owner)
      const view = await getCartView(c.env, owner, { ...c.req.valid('query'), ...userPreview(c) })
      return c.json(withToken(c, view, token), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/cart/items',
      tags,
      summary: 'Add a variant (quantities add up, capped by stock and 99)',
      description: `${ownerDoc} 404 when the variant cannot be bought, 409 out_of_stock when none is left.`,
      middleware: optionalAuth,
      security: [...bearerSecurity, {}],
      request: { headers: CartTokenHeaderSchema, ...jsonBody(AddItemBodySchema) },
      responses: { 200: jsonContent(CartChangeSchema, 'The cart after the change'), ...errors(400, 401, 404, 409) },
    }),
    async (c) => {
      const { owner, token } = resolveOwner(c, c.req.valid('header')['x-cart-token'], true)
      const body = c.req.valid('json')
      const { changed, after } = await addItem(c.env, owner!, body.variant_id, body.quantity)
      const view = await getCartView(c.env, owner, userPreview(c), after)
      return c.json(withToken(c, { ...view, changed }, token), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/cart/items/{variantId}',
      tags,
      summary: 'Set a line’s quantity (capped by stock)',
      description: ownerDoc,
      middleware: optionalAuth,
      security: [...bearerSecurity, {}],
      request: { headers: CartTokenHeaderSchema, params: VariantParamSchema, ...jsonBody(SetQuantityBodySchema) },
      responses: { 200: jsonContent(CartChangeSchema, 'The cart after the change'), ...errors(400, 401, 404, 409) },
    }),
    async (c) => {
      const { owner, token } = resolveOwner(c, c.req.valid('header')['x-cart-token'], false)
      const { variantId } = c.req.valid('param')
      if (!owner) throw notFound('Cart item') // a guest without a token has no cart yet
      const changed = await setItemQuantity(c.env, owner, variantId, c.req.valid('json').quantity)
      const view = await getCartView(c.env, owner, userPreview(c))
      return c.json(withToken(c, { ...view, changed }, token), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/cart/items/{variantId}',
      tags,
      summary: 'Remove a line',
      description: ownerDoc,
      middleware: optionalAuth,
      security: [...bearerSecurity, {}],
      request: { headers: CartTokenHeaderSchema, params: VariantParamSchema },
      responses: { 200: jsonContent(CartSchema, 'The cart after the change'), ...errors(400, 401, 404) },
    }),
    async (c) => {
      const { owner, token } = resolveOwner(c, c.req.valid('header')['x-cart-token'], false)
      if (!owner) throw notFound('Cart item') // a guest without a token has no cart yet
      await removeItem(c.env, owner, c.req.valid('param').variantId)
      return c.json(withToken(c, await getCartView(c.env, owner, userPreview(c)), token), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/cart',
      tags,
      summary: 'Empty the cart',
      description: ownerDoc,
      middleware: optionalAuth,
      security: [...bearerSecurity, {}],
      request: { headers: CartTokenHeaderSchema },
      responses: { 200: jsonContent(CartSchema, 'The empty cart'), ...errors(400, 401) },
    }),
    async (c) => {
      const { owner, token } = resolveOwner(c, c.req.valid('header')['x-cart-token'], false)
      if (owner) await clearCart(c.env, owner)
      return c.json(withToken(c, await getCartView(c.env, null), token), 200)
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/cart/merge',
      tags,
      summary: 'Merge a guest cart (X-Cart-Token) into the signed-in user’s cart',
      description:
        'Quantities add up, capped by stock (and 99); unavailable lines are dropped; the guest cart is emptied. ' +
        'Login and register do this automatically when they carry X-Cart-Token.',
      ...authRoute(),
      request: { headers: MergeHeaderSchema },
      responses: { 200: jsonContent(MergeResultSchema, 'The user’s cart after the merge'), ...errors(400, 401) },
    }),
    async (c) => {
      const user = currentUser(c)
      const result = await mergeGuestCart(c.env, c.req.valid('header')['x-cart-token'], user.id)
      const view = await getCartView(c.env, { userId: user.id }, { user_id: user.id })
      return c.json({ ...view, ...result }, 200)
    },
  )
