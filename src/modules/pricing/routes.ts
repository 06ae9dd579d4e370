import { createRoute, z } from '@hono/zod-openapi'
import { errors, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { PageQuerySchema, pageOf } from '../../lib/pagination'
import { createRouter } from '../../lib/router'
import { authRoute } from '../accounts/middleware'
import {
  DiscountCreateSchema,
  DiscountSchema,
  DiscountUpdateSchema,
  IdParam,
  ShippingMethodCreateSchema,
  ShippingMethodSchema,
  ShippingMethodUpdateSchema,
  ShippingQuerySchema,
  TaxRateCreateSchema,
  TaxRateSchema,
  TaxRateUpdateSchema,
} from './schema'
import * as rules from './rules'

const adminTags = ['pricing (admin)']
const deleted = { 204: { description: 'Deleted' } }

/** Mounted at /api/v1: admin CRUD for tax rates, shipping methods, discount codes; public shipping methods. */
export const pricingRoutes = createRouter()
  // ---------- public ----------
  .openapi(
    createRoute({
      method: 'get',
      path: '/shipping-methods',
      tags: ['pricing'],
      summary: 'Active shipping methods, optionally for a destination country and currency',
      request: { query: ShippingQuerySchema },
      responses: {
        200: jsonContent(z.object({ data: z.array(ShippingMethodSchema) }), 'Methods the shopper can choose'),
        ...errors(400),
      },
    }),
    async (c) => c.json({ data: await rules.availableShippingMethods(c.get('db'), c.req.valid('query')) }, 200),
  )
  // ---------- tax rates ----------
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/tax-rates',
      tags: adminTags,
      summary: 'List tax rates',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { query: PageQuerySchema },
      responses: { 200: jsonContent(pageOf(TaxRateSchema), 'Tax rates'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await rules.listTaxRates(c.get('db'), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/admin/tax-rates',
      tags: adminTags,
      summary: 'Create a tax rate for a country, or one region of it',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: jsonBody(TaxRateCreateSchema),
      responses: { 201: jsonContent(TaxRateSchema, 'Created'), ...errors(400, 401, 403, 409) },
    }),
    async (c) => c.json(await rules.createTaxRate(c.get('db'), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/tax-rates/{id}',
      tags: adminTags,
      summary: 'Get a tax rate',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam },
      responses: { 200: jsonContent(TaxRateSchema, 'The tax rate'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await rules.getTaxRate(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/admin/tax-rates/{id}',
      tags: adminTags,
      summary: 'Change a tax rate (country and region are fixed; create another rate instead)',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam, ...jsonBody(TaxRateUpdateSchema) },
      responses: { 200: jsonContent(TaxRateSchema, 'Updated'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => c.json(await rules.updateTaxRate(c.get('db'), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/admin/tax-rates/{id}',
      tags: adminTags,
      summary: 'Delete a tax rate',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam },
      responses: { ...deleted, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await rules.deleteTaxRate(c.get('db'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  // ---------- shipping methods ----------
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/shipping-methods',
      tags: adminTags,
      summary: 'List shipping methods, active or not',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { query: PageQuerySchema },
      responses: { 200: jsonContent(pageOf(ShippingMethodSchema), 'Shipping methods'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await rules.listShippingMethods(c.get('db'), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/admin/shipping-methods',
      tags: adminTags,
      summary: 'Create a shipping method (flat, free_over a threshold, or per_weight)',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: jsonBody(ShippingMethodCreateSchema),
      responses: { 201: jsonContent(ShippingMethodSchema, 'Created'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await rules.createShippingMethod(c.get('db'), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/shipping-methods/{id}',
      tags: adminTags,
      summary: 'Get a shipping method',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam },
      responses: { 200: jsonContent(ShippingMethodSchema, 'The method'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await rules.getShippingMethod(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/admin/shipping-methods/{id}',
      tags: adminTags,
      summary: 'Change a shipping method',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam, ...jsonBody(ShippingMethodUpdateSchema) },
      responses: { 200: jsonContent(ShippingMethodSchema, 'Updated'), ...errors(400, 401, 403, 404) },
    }),
    async (c) => c.json(await rules.updateShippingMethod(c.get('db'), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/admin/shipping-methods/{id}',
      tags: adminTags,
      summary: 'Delete a shipping method (orders keep their snapshot of it)',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam },
      responses: { ...deleted, ...errors(401, 403, 404) },
    }),
    async (c) => {
      await rules.deleteShippingMethod(c.get('db'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
  // ---------- discounts ----------
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/discounts',
      tags: adminTags,
      summary: 'List discount codes with their usage',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { query: PageQuerySchema },
      responses: { 200: jsonContent(pageOf(DiscountSchema), 'Discount codes'), ...errors(400, 401, 403) },
    }),
    async (c) => c.json(await rules.listDiscounts(c.get('db'), c.req.valid('query')), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/admin/discounts',
      tags: adminTags,
      summary: 'Create a discount code (codes are case-insensitive and unique)',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: jsonBody(DiscountCreateSchema),
      responses: { 201: jsonContent(DiscountSchema, 'Created'), ...errors(400, 401, 403, 409) },
    }),
    async (c) => c.json(await rules.createDiscount(c.get('db'), c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/admin/discounts/{id}',
      tags: adminTags,
      summary: 'Get a discount code',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam },
      responses: { 200: jsonContent(DiscountSchema, 'The discount'), ...errors(401, 403, 404) },
    }),
    async (c) => c.json(await rules.getDiscount(c.get('db'), c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/admin/discounts/{id}',
      tags: adminTags,
      summary: 'Change a discount code (not the code itself)',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam, ...jsonBody(DiscountUpdateSchema) },
      responses: { 200: jsonContent(DiscountSchema, 'Updated'), ...errors(400, 401, 403, 404, 409) },
    }),
    async (c) => c.json(await rules.updateDiscount(c.get('db'), c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/admin/discounts/{id}',
      tags: adminTags,
      summary: 'Delete a never-redeemed discount code (redeemed ones: set active=false)',
      ...authRoute({ roles: ['staff', 'admin'] }),
      request: { params: IdParam },
      responses: { ...deleted, ...errors(401, 403, 404, 409) },
    }),
    async (c) => {
      await rules.deleteDiscount(c.get('db'), c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
