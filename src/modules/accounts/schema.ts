import { z } from '@hono/zod-openapi'
import { PageQuerySchema } from '../../lib/pagination'
import { isCountryCode } from './countries'
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from './password-policy'

export const ROLES = ['customer', 'seller', 'staff', 'admin'] as const
export const LOCALES = ['en', 'ru', 'kk'] as const
export const NOTIFICATION_CHANNELS = ['email', 'sms', 'whatsapp', 'telegram'] as const

export { PASSWORD_MAX, PASSWORD_MIN } from './password-policy'

/** Trimmed and lower-cased before the format check, so `  Ann@Example.COM ` is `ann@example.com`. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'must be a valid email address' }))
  .openapi({ type: 'string', format: 'email', example: 'ann@example.com' })

// Not trimmed: a password is exactly what the user typed. The policy (password-policy.ts) applies
// wherever a password is set; the email rule needs the account, so services check that part.
export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`)
  .superRefine((value, ctx) => {
    const problem = value.length >= PASSWORD_MIN && value.length <= PASSWORD_MAX ? passwordProblem(value) : null
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  .openapi({
    example: 'correct horse battery',
    description: `At least ${PASSWORD_MIN} characters; not one of the 10,000 most common passwords; not the email address`,
  })

const NameSchema = z.string().trim().min(1, 'is required').max(100).openapi({ example: 'Ann Lee' })

/** E.164-ish: optional +, 7 to 15 digits once spaces, dashes and brackets are stripped. */
const PhoneSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s\-()]/g, ''))
  .pipe(z.string().regex(/^\+?[0-9]{7,15}$/, 'must be a phone number such as +77011234567'))
  .openapi({ type: 'string', example: '+77011234567' })

/** Telegram chat ids are integers (negative for groups), sent as strings to keep 64-bit ids exact. */
const TelegramChatIdSchema = z
  .string()
  .trim()
  .regex(/^-?[0-9]{1,20}$/, 'must be a numeric Telegram chat id')
  .openapi({ example: '123456789' })

const CountrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code such as KZ')
  .openapi({ type: 'string', example: 'KZ', description: 'ISO 3166-1 alpha-2 (any case; stored upper-case)' })

/** null clears the phone. The explicit type keeps `null` in the OpenAPI document. */
const NullablePhoneSchema = PhoneSchema.nullable().openapi({ type: ['string', 'null'], example: '+77011234567' })

// ---------------------------------------------------------------- users

export const RoleSchema = z.enum(ROLES).openapi('Role')
export const LocaleSchema = z.enum(LOCALES)
export const ChannelSchema = z.enum(NOTIFICATION_CHANNELS)

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: 'usr_01jd2xk3m4n5p6q7r8s9t0v1w2' }),
    email: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    role: RoleSchema,
    locale: LocaleSchema,
    notification_channels: z.array(ChannelSchema),
    telegram_chat_id: z.string().nullable(),
    email_verified_at: z.string().nullable(),
  })
  .openapi('User')

export const AdminUserSchema = UserSchema.extend({
  disabled_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('AdminUser')

export const RegisterBodySchema = z
  .object({ email: EmailSchema, password: PasswordSchema, name: NameSchema, locale: LocaleSchema.optional() })
  .openapi('RegisterBody')

/** The one answer sign-up gives for a valid body, account created or not. */
export const RegisterAcceptedSchema = z.object({ status: z.literal('accepted') }).openapi('RegisterAccepted')

export const LoginBodySchema = z
  .object({
    email: EmailSchema,
    // Login accepts any non-empty password up to the maximum: old rules must not lock people out.
    password: z.string().min(1, 'is required').max(PASSWORD_MAX),
  })
  .openapi('LoginBody')

export const RefreshBodySchema = z
  .object({
    refresh_token: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ example: 'rt_3q2…', description: 'Omit to use the ec_refresh session cookie (cookie mode)' }),
  })
  .openapi('RefreshBody')

export const TokenResponseSchema = z
  .object({
    user: UserSchema,
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().openapi({ description: 'Access token lifetime in seconds', example: 900 }),
    refresh_token: z
      .string()
      .optional()
      .openapi({ description: 'Absent in cookie mode (X-Session-Mode: cookie): the token is in the HttpOnly ec_refresh cookie' }),
  })
  .openapi('TokenResponse')

export const UpdateMeBodySchema = z
  .object({
    name: NameSchema.optional(),
    phone: NullablePhoneSchema.optional(),
    locale: LocaleSchema.optional(),
    notification_channels: z
      .array(ChannelSchema)
      .max(NOTIFICATION_CHANNELS.length)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a channel')
      .optional(),
    telegram_chat_id: TelegramChatIdSchema.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required')
  .openapi('UpdateMeBody')

export const ChangePasswordBodySchema = z
  .object({ current_password: z.string().min(1).max(PASSWORD_MAX), new_password: PasswordSchema })
  .openapi('ChangePasswordBody')

// ---------------------------------------------------------------- addresses

export const AddressSchema = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    name: z.string(),
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    region: z.string().nullable(),
    postal_code: z.string().nullable(),
    country: z.string(),
    phone: z.string().nullable(),
    is_default: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Address')

const line = (max: number) => z.string().trim().min(1, 'is required').max(max)
const optionalLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional()

const addressFields = {
  label: optionalLine(50),
  name: line(100),
  line1: line(200),
  line2: optionalLine(200),
  city: line(100),
  region: optionalLine(100),
  postal_code: optionalLine(20),
  country: CountrySchema,
  phone: NullablePhoneSchema.optional(),
  is_default: z.boolean().optional(),
}

export const CreateAddressBodySchema = z.object(addressFields).strict().openapi('CreateAddressBody')

export const UpdateAddressBodySchema = z
  .object({
    ...addressFields,
    name: addressFields.name.optional(),
    line1: addressFields.line1.optional(),
    city: addressFields.city.optional(),
    country: addressFields.country.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'at least one field is required')
  .openapi('UpdateAddressBody')

export const AddressListSchema = z.object({ data: z.array(AddressSchema) }).openapi('AddressList')

// ---------------------------------------------------------------- admin

export const ADMIN_USER_SORTS = ['newest', 'oldest', 'name_asc', 'name_desc', 'email_asc', 'email_desc'] as const

export const AdminUserQuerySchema = PageQuerySchema.extend({
  role: RoleSchema.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .openapi({ description: 'Text the email or the name contains (case-insensitive for ASCII; % and _ match themselves)' }),
  sort: z.enum(ADMIN_USER_SORTS).optional().openapi({
    description:
      'newest (default) or oldest by sign-up time; name_asc / name_desc (case-insensitive), email_asc / email_desc. Keyset-paginated: a cursor belongs to its sort.',
  }),
})

export const AdminUpdateUserBodySchema = z
  .object({
    role: RoleSchema.optional(),
    disabled: z.boolean().optional().openapi({ description: 'true disables sign-in and refresh; false re-enables' }),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined, 'role or disabled is required')
  .openapi('AdminUpdateUserBody')

export type PublicUser = z.infer<typeof UserSchema>
export type AdminUser = z.infer<typeof AdminUserSchema>
export type Address = z.infer<typeof AddressSchema>
export type TokenResponse = z.infer<typeof TokenResponseSchema>
export type RegisterInput = z.infer<typeof RegisterBodySchema>
export type UpdateMeInput = z.infer<typeof UpdateMeBodySchema>
export type CreateAddressInput = z.infer<typeof CreateAddressBodySchema>
export type UpdateAddressInput = z.infer<typeof UpdateAddressBodySchema>
export type AdminUserQuery = z.infer<typeof AdminUserQuerySchema>
export type AdminUpdateUserInput = z.infer<typeof AdminUpdateUserBodySchema>
