import type { Money } from '../../lib/money'
import { formatMoney } from './format'
import type { AccountTokenEventData, Channel, OrderEventData, TemplateName } from './schema'

/** Locales we have text for. Kazakh falls back to Russian, the other language every Kaspi shopper reads. */
export const TEMPLATE_LOCALES = ['en', 'ru'] as const
export type TemplateLocale = (typeof TEMPLATE_LOCALES)[number]

export function templateLocale(userLocale: string | null | undefined): TemplateLocale {
  if (userLocale === 'ru' || userLocale === 'kk') return 'ru'
  return 'en'
}

/** Everything a template may print. Order fields are absent for account templates and vice versa. */
export interface TemplateContext {
  brand: string
  name: string
  order?: OrderEventData
  account?: AccountTokenEventData
  /** The signed link to the order's page on the storefront. */
  orderLink?: string
  /** Minutes until a one-time link expires. */
  expiresInMinutes?: number
}

export interface Rendered {
  subject: string
  text: string
  html?: string
}

interface Copy {
  subject: string
  /** Paragraphs; the first is the one SMS, WhatsApp and Telegram get. */
  lines: string[]
  /** Printed as a link (email) or appended (other channels). */
  link?: string
}

const orderRef = (o: OrderEventData) => String(o.number ?? o.order_id)

function itemsSummary(o: OrderEventData, locale: TemplateLocale): string | undefined {
  if (!o.lines?.length) return undefined
  const items = o.lines.map((l) => {
    const name = [l.name, l.title, l.product_name, l.sku].find((v) => typeof v === 'string') as string | undefined
    const qty = typeof l.quantity === 'number' ? l.quantity : 1
    return `${name ?? '—'} × ${qty}`
  })
  return `${locale === 'ru' ? 'Состав заказа' : 'Items'}: ${items.join(', ')}`
}

const money = (m: Money | null | undefined, locale: TemplateLocale) => (m ? formatMoney(m, locale === 'ru' ? 'ru-RU' : 'en-US') : '')

function trackingLine(o: OrderEventData, locale: TemplateLocale): string | undefined {
  const t = o.tracking
  if (!t?.tracking_number) return undefined
  if (locale === 'ru') return `Служба доставки: ${t.carrier ?? '—'}, трек-номер: ${t.tracking_number}.`
  return `Carrier: ${t.carrier ?? '—'}, tracking number: ${t.tracking_number}.`
}

function returnItems(o: OrderEventData, locale: TemplateLocale): string | undefined {
  const lines = o.return?.lines
  if (!lines?.length) return undefined
  const items = lines.map(
    (l) =>
      `${typeof l.product_name === 'string' ? l.product_name : typeof l.sku === 'string' ? l.sku : '—'} × ${typeof l.quantity === 'number' ? l.quantity : 1}`,
  )
  return `${locale === 'ru' ? 'Возвращаемые товары' : 'Items'}: ${items.join(', ')}`
}

const compact = (lines: (string | undefined)[]) => lines.filter((l): l is string => Boolean(l))

type CopyFn = (ctx: TemplateContext, locale: TemplateLocale) => Copy

const COPY: Record<TemplateName, CopyFn> = {
  order_confirmation: ({ order, orderLink }, l) => {
    const o = order!
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Заказ ${ref} подтверждён`,
          lines: compact([
            `Спасибо за заказ ${ref}! Мы получили оплату ${money(o.total, l)}.`,
            itemsSummary(o, l),
            orderLink ? 'Статус заказа — по ссылке ниже.' : undefined,
          ]),
          link: orderLink,
        }
      : {
          subject: `Order ${ref} confirmed`,
          lines: compact([
            `Thank you for your order ${ref}! We have received your payment of ${money(o.total, l)}.`,
            itemsSummary(o, l),
            orderLink ? 'Follow your order at the link below.' : undefined,
          ]),
          link: orderLink,
        }
  },
  payment_failed: ({ order }, l) => {
    const o = order!
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Оплата заказа ${ref} не прошла`,
          lines: [`Не удалось списать ${money(o.total, l)} за заказ ${ref}. Попробуйте ещё раз или выберите другой способ оплаты.`],
        }
      : {
          subject: `Payment for order ${ref} failed`,
          lines: [
            `We could not take the payment of ${money(o.total, l)} for order ${ref}. Please try again or use another payment method.`,
          ],
        }
  },
  order_shipped: ({ order }, l) => {
    const o = order!
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Заказ ${ref} отправлен`,
          lines: compact([`Ваш заказ ${ref} в пути.`, trackingLine(o, l)]),
          link: o.tracking?.url ?? undefined,
        }
      : {
          subject: `Order ${ref} has shipped`,
          lines: compact([`Your order ${ref} is on its way.`, trackingLine(o, l)]),
          link: o.tracking?.url ?? undefined,
        }
  },
  order_delivered: ({ order }, l) => {
    const ref = orderRef(order!)
    return l === 'ru'
      ? { subject: `Заказ ${ref} доставлен`, lines: [`Ваш заказ ${ref} доставлен. Спасибо за покупку!`] }
      : { subject: `Order ${ref} delivered`, lines: [`Your order ${ref} has been delivered. Thank you for shopping with us!`] }
  },
  order_refunded: ({ order }, l) => {
    const o = order!
    const ref = orderRef(o)
    const amount = money(o.refund ?? o.total, l)
    return l === 'ru'
      ? {
          subject: `Возврат средств по заказу ${ref}`,
          lines: [`Мы вернули ${amount} по заказу ${ref}.`, 'Деньги поступят на счёт в течение 5–10 рабочих дней.'],
        }
      : {
          subject: `Refund for order ${ref}`,
          lines: [`We have refunded ${amount} for order ${ref}.`, 'It can take 5–10 business days to reach your account.'],
        }
  },
  order_cancelled: ({ order }, l) => {
    const ref = orderRef(order!)
    return l === 'ru'
      ? { subject: `Заказ ${ref} отменён`, lines: [`Ваш заказ ${ref} отменён.`] }
      : { subject: `Order ${ref} cancelled`, lines: [`Your order ${ref} has been cancelled.`] }
  },
  return_requested: ({ order, orderLink }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Заявка на возврат по заказу ${ref} получена`,
          lines: compact([
            `Мы получили вашу заявку на возврат ${r?.id ?? ''} по заказу ${ref}.`,
            returnItems(o, l),
            'Мы рассмотрим её и напишем вам.',
          ]),
          link: orderLink,
        }
      : {
          subject: `Return request for order ${ref} received`,
          lines: compact([
            `We have received your return request ${r?.id ?? ''} for order ${ref}.`,
            returnItems(o, l),
            'We will review it and get back to you.',
          ]),
          link: orderLink,
        }
  },
  return_approved: ({ order, orderLink }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    const label = r?.label
      ? l === 'ru'
        ? `Этикетка для возврата ${r.label.carrier} (трек-номер ${r.label.tracking_number}) — на странице заказа по ссылке ниже.`
        : `Your ${r.label.carrier} return label (tracking number ${r.label.tracking_number}) is on the order page at the link below.`
      : undefined
    return l === 'ru'
      ? {
          subject: `Возврат по заказу ${ref} одобрен`,
          lines: compact([
            `Мы одобрили возврат ${r?.id ?? ''} по заказу ${ref}. После получения товара мы вернём ${money(r?.refund, l)}.`,
            label,
            r?.instructions ?? undefined,
          ]),
          link: orderLink,
        }
      : {
          subject: `Return for order ${ref} approved`,
          lines: compact([
            `We have approved return ${r?.id ?? ''} for order ${ref}. Once the items arrive we will refund ${money(r?.refund, l)}.`,
            label,
            r?.instructions ?? undefined,
          ]),
          link: orderLink,
        }
  },
  return_refused: ({ order, orderLink }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Возврат по заказу ${ref} отклонён`,
          lines: compact([
            `К сожалению, мы не можем принять возврат ${r?.id ?? ''} по заказу ${ref}.`,
            r?.note ? `Причина: ${r.note}` : undefined,
          ]),
          link: orderLink,
        }
      : {
          subject: `Return for order ${ref} refused`,
          lines: compact([`Sorry, we cannot accept return ${r?.id ?? ''} for order ${ref}.`, r?.note ? `Reason: ${r.note}` : undefined]),
          link: orderLink,
        }
  },
  return_received: ({ order, orderLink }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Возврат ${r?.id ?? ''} получен`,
          lines: compact([
            `Мы получили возвращённые товары по заказу ${ref} (возврат ${r?.id ?? ''}).`,
            returnItems(o, l),
            `Мы вернём ${money(r?.refund, l)} и сообщим, когда деньги будут отправлены.`,
          ]),
          link: orderLink,
        }
      : {
          subject: `Return ${r?.id ?? ''} received`,
          lines: compact([
            `We have received the items you returned from order ${ref} (return ${r?.id ?? ''}).`,
            returnItems(o, l),
            `We are refunding ${money(r?.refund, l)} and will tell you once it is on its way.`,
          ]),
          link: orderLink,
        }
  },
  return_cancelled: ({ order, orderLink }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Возврат ${r?.id ?? ''} отменён`,
          lines: compact([
            `Вы отменили заявку на возврат ${r?.id ?? ''} по заказу ${ref}.`,
            returnItems(o, l),
            'Пока срок возврата не истёк, товары можно вернуть новой заявкой.',
          ]),
          link: orderLink,
        }
      : {
          subject: `Return ${r?.id ?? ''} cancelled`,
          lines: compact([
            `You have withdrawn return request ${r?.id ?? ''} for order ${ref}.`,
            returnItems(o, l),
            'You can still ask for a return of these items while the return window is open.',
          ]),
          link: orderLink,
        }
  },
  return_refunded: ({ order, orderLink }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Возврат средств по возврату ${r?.id ?? ''}`,
          lines: [
            `Мы получили возвращённые товары по заказу ${ref} и вернули ${money(r?.refund, l)}.`,
            'Деньги поступят на счёт в течение 5–10 рабочих дней.',
          ],
          link: orderLink,
        }
      : {
          subject: `Refund for return ${r?.id ?? ''}`,
          lines: [
            `We have received the items you returned from order ${ref} and refunded ${money(r?.refund, l)}.`,
            'It can take 5–10 business days to reach your account.',
          ],
          link: orderLink,
        }
  },
  return_staff_alert: ({ order }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Новая заявка на возврат по заказу ${ref}`,
          lines: compact([
            `Покупатель просит вернуть товары по заказу ${ref} (возврат ${r?.id ?? ''}, к возврату ${money(r?.refund, l)}).`,
            r?.reason ? `Причина: ${r.reason}` : undefined,
            returnItems(o, l),
            'Одобрите или отклоните её на странице «Возвраты» панели управления.',
          ]),
        }
      : {
          subject: `New return request for order ${ref}`,
          lines: compact([
            `A customer asks to return items of order ${ref} (return ${r?.id ?? ''}, refund ${money(r?.refund, l)}).`,
            r?.reason ? `Reason: ${r.reason}` : undefined,
            returnItems(o, l),
            'Approve or refuse it on the Returns page of the dashboard.',
          ]),
        }
  },
  return_staff_cancelled: ({ order }, l) => {
    const o = order!
    const r = o.return
    const ref = orderRef(o)
    return l === 'ru'
      ? {
          subject: `Покупатель отменил возврат по заказу ${ref}`,
          lines: compact([
            `Покупатель отозвал заявку на возврат ${r?.id ?? ''} по заказу ${ref} (к возврату было ${money(r?.refund, l)}).`,
            returnItems(o, l),
            'Ничего делать не нужно: заявка закрыта на странице «Возвраты».',
          ]),
        }
      : {
          subject: `Return for order ${ref} withdrawn by the customer`,
          lines: compact([
            `The customer withdrew return request ${r?.id ?? ''} for order ${ref} (refund was ${money(r?.refund, l)}).`,
            returnItems(o, l),
            'Nothing to do: the request is closed on the Returns page of the dashboard.',
          ]),
        }
  },
  email_verification: ({ account, expiresInMinutes }, l) =>
    l === 'ru'
      ? {
          subject: 'Подтвердите адрес электронной почты',
          lines: [
            'Чтобы подтвердить адрес электронной почты, откройте ссылку ниже.',
            `Ссылка действует ${durationRu(expiresInMinutes)} и только один раз. Если вы не запрашивали подтверждение, просто проигнорируйте это письмо.`,
          ],
          link: account!.link,
        }
      : {
          subject: 'Confirm your email address',
          lines: [
            'Please confirm your email address by opening the link below.',
            `The link works once and expires in ${durationEn(expiresInMinutes)}. If you did not ask for this, ignore this email.`,
          ],
          link: account!.link,
        },
  password_reset: ({ account, expiresInMinutes }, l) =>
    l === 'ru'
      ? {
          subject: 'Сброс пароля',
          lines: [
            'Мы получили запрос на сброс пароля вашей учётной записи. Чтобы задать новый пароль, откройте ссылку ниже.',
            `Ссылка действует ${durationRu(expiresInMinutes)} и только один раз. Если вы не запрашивали сброс, проигнорируйте это письмо — пароль останется прежним.`,
          ],
          link: account!.link,
        }
      : {
          subject: 'Reset your password',
          lines: [
            'We received a request to reset the password for your account. Open the link below to choose a new one.',
            `The link works once and expires in ${durationEn(expiresInMinutes)}. If you did not ask for this, ignore this email; your password stays the same.`,
          ],
          link: account!.link,
        },
  // Sign-up with an address that already has an account: the caller was told only "check your email".
  account_exists: ({ account, expiresInMinutes }, l) =>
    l === 'ru'
      ? {
          subject: 'У вас уже есть учётная запись',
          lines: [
            'Кто-то (возможно, вы) попытался зарегистрироваться с этим адресом электронной почты, но учётная запись с ним уже есть. Новая не создана.',
            `Просто войдите со своим паролем. Если вы его забыли, задайте новый по ссылке ниже: она действует ${durationRu(expiresInMinutes)} и только один раз. Если это были не вы, проигнорируйте письмо — ничего не изменится.`,
          ],
          link: account!.link,
        }
      : {
          subject: 'You already have an account',
          lines: [
            'Someone (perhaps you) tried to sign up with this email address, but it already has an account. No new account was created.',
            `Just sign in with your password. If you have forgotten it, choose a new one with the link below; it works once and expires in ${durationEn(expiresInMinutes)}. If this was not you, ignore this email; nothing has changed.`,
          ],
          link: account!.link,
        },
}

function durationEn(minutes = 60): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`
  return `${minutes} minutes`
}

/** Russian plural forms: 1 час, 2–4 часа, 5+ часов (and 11–14 are always "many"). */
function pluralRu(n: number, one: string, few: string, many: string): string {
  const rule = new Intl.PluralRules('ru-RU').select(n)
  return `${n} ${rule === 'one' ? one : rule === 'few' ? few : many}`
}

function durationRu(minutes = 60): string {
  if (minutes % 60 === 0) return pluralRu(minutes / 60, 'час', 'часа', 'часов')
  return pluralRu(minutes, 'минуту', 'минуты', 'минут')
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/**
 * Render a template for one channel. Email gets a greeting, every paragraph, the link and a
 * sign-off, as text and HTML; SMS, WhatsApp and Telegram get the brand, the subject and the
 * paragraphs on separate lines, plus the link.
 */
export function render(template: TemplateName, locale: TemplateLocale, channel: Channel, ctx: TemplateContext): Rendered {
  const copy = COPY[template](ctx, locale)
  if (channel !== 'email') {
    const text = [`${ctx.brand}: ${copy.subject}`, ...copy.lines, ...(copy.link ? [copy.link] : [])].join('\n')
    return { subject: copy.subject, text }
  }
  const greeting = locale === 'ru' ? `Здравствуйте, ${ctx.name}!` : `Hi ${ctx.name},`
  const signOff = locale === 'ru' ? `— ${ctx.brand}` : `— The ${ctx.brand} team`
  const text = [greeting, ...copy.lines, ...(copy.link ? [copy.link] : []), signOff].join('\n\n')
  const html = [
    `<p>${escapeHtml(greeting)}</p>`,
    ...copy.lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    ...(copy.link ? [`<p><a href="${escapeHtml(copy.link)}">${escapeHtml(copy.link)}</a></p>`] : []),
    `<p>${escapeHtml(signOff)}</p>`,
  ].join('\n')
  return { subject: copy.subject, text, html }
}
