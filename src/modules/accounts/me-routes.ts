import { createRoute } from '@hono/zod-openapi'
import { errors, IdParamSchema, jsonBody, jsonContent } from '../../lib/openapi-schemas'
import { createRouter } from '../../lib/router'
import { createAddress, deleteAddress, getAddress, listAddresses, updateAddress } from './addresses'
import { authRoute, currentUser } from './middleware'
import {
  AddressListSchema,
  AddressSchema,
  ChangePasswordBodySchema,
  CreateAddressBodySchema,
  TokenResponseSchema,
  UpdateAddressBodySchema,
  UpdateMeBodySchema,
  UserSchema,
} from './schema'
import { changePassword, getMe, updateMe } from './service'

const common = { tags: ['me'], ...authRoute() }

export const meRoutes = createRouter()
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/me',
      summary: 'The signed-in user',
      responses: { 200: jsonContent(UserSchema, 'Profile'), ...errors(401) },
    }),
    async (c) => c.json(await getMe(c.get('db'), currentUser(c).id), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/me',
      summary: 'Update name, phone, locale and notification preferences',
      description: 'sms and whatsapp need a phone number; telegram needs telegram_chat_id.',
      request: jsonBody(UpdateMeBodySchema),
      responses: { 200: jsonContent(UserSchema, 'Updated profile'), ...errors(400, 401) },
    }),
    async (c) => c.json(await updateMe(c.get('db'), currentUser(c).id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/me/password',
      summary: 'Change the password',
      description:
        'Requires the current password (403 when wrong; attempts count towards the sign-in throttle). ' +
        'Every other session is signed out; the response holds tokens for a fresh one.',
      request: jsonBody(ChangePasswordBodySchema),
      responses: { 200: jsonContent(TokenResponseSchema, 'Password changed'), ...errors(400, 401, 403, 429) },
    }),
    async (c) => c.json(await changePassword(c.env, c.get('db'), currentUser(c).id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/me/addresses',
      summary: 'My addresses, default first',
      responses: { 200: jsonContent(AddressListSchema, 'All of the caller’s addresses'), ...errors(401) },
    }),
    async (c) => c.json({ data: await listAddresses(c.get('db'), currentUser(c).id) }, 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'post',
      path: '/me/addresses',
      summary: 'Add an address',
      description: 'The first address becomes the default; is_default: true moves the default here.',
      request: jsonBody(CreateAddressBodySchema),
      responses: { 201: jsonContent(AddressSchema, 'Created'), ...errors(400, 401, 409) },
    }),
    async (c) => c.json(await createAddress(c.get('db'), currentUser(c).id, c.req.valid('json')), 201),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'get',
      path: '/me/addresses/{id}',
      summary: 'One of my addresses',
      request: { params: IdParamSchema },
      responses: { 200: jsonContent(AddressSchema, 'The address'), ...errors(401, 404) },
    }),
    async (c) => c.json(await getAddress(c.get('db'), currentUser(c).id, c.req.valid('param').id), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'patch',
      path: '/me/addresses/{id}',
      summary: 'Change an address',
      request: { params: IdParamSchema, ...jsonBody(UpdateAddressBodySchema) },
      responses: { 200: jsonContent(AddressSchema, 'Updated'), ...errors(400, 401, 404) },
    }),
    async (c) => c.json(await updateAddress(c.get('db'), currentUser(c).id, c.req.valid('param').id, c.req.valid('json')), 200),
  )
  .openapi(
    createRoute({
      ...common,
      method: 'delete',
      path: '/me/addresses/{id}',
      summary: 'Delete an address',
      description: 'Deleting the default makes the newest remaining address the default.',
      request: { params: IdParamSchema },
      responses: { 204: { description: 'Deleted' }, ...errors(401, 404) },
    }),
    async (c) => {
      await deleteAddress(c.get('db'), currentUser(c).id, c.req.valid('param').id)
      return c.body(null, 204)
    },
  )
