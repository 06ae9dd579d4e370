/** Storefront copy in English and Russian. Keys are the English meaning; `{name}` placeholders are filled by t(). */

export const LOCALES = ['en', 'ru'] as const
export type Locale = (typeof LOCALES)[number]

const ru: Record<string, string> = {
  'Skip to content': 'Перейти к содержимому',
  Search: 'Поиск',
  'Search products': 'Поиск товаров',
  Cart: 'Корзина',
  Account: 'Кабинет',
  'Sign in': 'Войти',
  'Sign up': 'Регистрация',
  'Sign out': 'Выйти',
  Language: 'Язык',
  Categories: 'Категории',
  'Featured products': 'Лучшие товары',
  'New arrivals': 'Новинки',
  Home: 'Главная',
  'In stock only': 'Только в наличии',
  'Min price': 'Цена от',
  'Max price': 'Цена до',
  'Sort by': 'Сортировка',
  Newest: 'Сначала новые',
  'Price: low to high': 'Сначала дешевле',
  'Price: high to low': 'Сначала дороже',
  'Top rated': 'С высоким рейтингом',
  Relevance: 'По релевантности',
  Apply: 'Применить',
  'Next page': 'Следующая страница',
  'First page': 'Первая страница',
  'No products found.': 'Товары не найдены.',
  '{n} results for “{q}”': 'Найдено: {n} по запросу «{q}»',
  'Results by category': 'Результаты по категориям',
  'Sold out': 'Нет в наличии',
  '{n} in stock': 'В наличии: {n}',
  'Only {n} left': 'Осталось {n}',
  Option: 'Вариант',
  Quantity: 'Количество',
  'Add to cart': 'В корзину',
  'Added to your cart.': 'Товар добавлен в корзину.',
  Reviews: 'Отзывы',
  'No reviews yet.': 'Отзывов пока нет.',
  'Verified purchase': 'Подтверждённая покупка',
  '{avg} out of 5 ({n} reviews)': '{avg} из 5 ({n} отзывов)',
  'Your cart is empty.': 'Ваша корзина пуста.',
  'Continue shopping': 'Продолжить покупки',
  Update: 'Обновить',
  Remove: 'Удалить',
  'Discount code': 'Промокод',
  'Apply code': 'Применить',
  'Remove code': 'Убрать промокод',
  'Shipping to': 'Доставка в',
  Subtotal: 'Сумма',
  Discount: 'Скидка',
  Tax: 'Налог',
  'Tax (included)': 'Налог (включён)',
  Shipping: 'Доставка',
  Total: 'Итого',
  'Go to checkout': 'Оформить заказ',
  Checkout: 'Оформление заказа',
  Email: 'Эл. почта',
  'Full name': 'Имя и фамилия',
  'Address line 1': 'Адрес',
  'Address line 2 (optional)': 'Адрес, строка 2 (необязательно)',
  City: 'Город',
  'Region (optional)': 'Регион (необязательно)',
  'Postal code': 'Почтовый индекс',
  Country: 'Страна',
  'Phone (optional)': 'Телефон (необязательно)',
  'Your order': 'Ваш заказ',
  'We could not load your order just now. This page tries again in a few seconds.':
    'Сейчас не удалось загрузить заказ. Страница повторит попытку через несколько секунд.',
  'We could not load your order just now. Please try again.': 'Сейчас не удалось загрузить заказ. Попробуйте ещё раз.',
  'Please try again': 'Попробуйте ещё раз',
  'We could not load this page just now. Please try again.': 'Сейчас не удалось загрузить страницу. Попробуйте ещё раз.',
  'Too many requests from your network. Please try again in a minute.':
    'Слишком много запросов из вашей сети. Попробуйте ещё раз через минуту.',
  'M-Pesa phone number (for M-Pesa only)': 'Номер телефона M-Pesa (только для M-Pesa)',
  'M-Pesa phone number': 'Номер телефона M-Pesa',
  'pay before': 'Оплатить до',
  instructions: 'Как оплатить',
  reference: 'Назначение платежа',
  'checkout request id': 'Номер запроса M-Pesa',
  'customer message': 'Сообщение',
  'Pay with M-Pesa': 'Оплата через M-Pesa',
  'The payment prompt did not reach a phone. Enter the M-Pesa number to send it again; your order is kept.':
    'Запрос на оплату не дошёл до телефона. Укажите номер M-Pesa, чтобы отправить его снова; заказ сохранён.',
  'Send the payment prompt': 'Отправить запрос на оплату',
  'The payment prompt is on its way to {phone}: approve it on your phone.':
    'Запрос на оплату отправлен на {phone}: подтвердите его в телефоне.',
  'The payment prompt could not be sent just now. Check the number and try again; your order is kept.':
    'Сейчас не удалось отправить запрос на оплату. Проверьте номер и попробуйте снова; заказ сохранён.',
  'Shipping address': 'Адрес доставки',
  'Saved address': 'Сохранённый адрес',
  'A new address': 'Новый адрес',
  'Shipping method': 'Способ доставки',
  'No shipping method delivers to this country.': 'В эту страну доставка недоступна.',
  Payment: 'Оплата',
  'Card (Stripe)': 'Банковская карта (Stripe)',
  'Bank transfer / pay later': 'Банковский перевод / оплата позже',
  'Place order': 'Оформить заказ',
  'Please correct the following:': 'Исправьте, пожалуйста:',
  Order: 'Заказ',
  'Order {id}': 'Заказ {id}',
  'Thank you! Your order is paid.': 'Спасибо! Заказ оплачен.',
  'We are confirming your payment…': 'Подтверждаем оплату…',
  'Pay now': 'Оплатить',
  'Pay for your order': 'Оплатите заказ',
  'The payment did not go through. Your order is kept: try again.': 'Оплата не прошла. Заказ сохранён — попробуйте ещё раз.',
  'Card payments are not available right now. Your order is kept; please try again later or contact the shop.':
    'Оплата картой сейчас недоступна. Заказ сохранён — попробуйте позже или свяжитесь с магазином.',
  'This order was not paid in time or the payment failed. Put its items back in your cart to try again.':
    'Заказ не был оплачен вовремя или оплата не прошла. Верните товары в корзину, чтобы попробовать снова.',
  'Put the items back in my cart': 'Вернуть товары в корзину',
  'Payment instructions': 'Как оплатить',
  Status: 'Статус',
  Timeline: 'История',
  Items: 'Товары',
  'Tracking number': 'Трек-номер',
  Carrier: 'Служба доставки',
  'Keep this link to follow your order:': 'Сохраните ссылку, чтобы следить за заказом:',
  'Payment cancelled. Your order is kept: you can pay for it from this page.':
    'Оплата отменена. Заказ сохранён: его можно оплатить на этой странице.',
  'Your orders': 'Ваши заказы',
  'You have no orders yet.': 'У вас пока нет заказов.',
  Addresses: 'Адреса',
  'Add an address': 'Добавить адрес',
  Save: 'Сохранить',
  Delete: 'Удалить',
  'Change password': 'Сменить пароль',
  'Current password': 'Текущий пароль',
  'New password': 'Новый пароль',
  Password: 'Пароль',
  Name: 'Имя',
  'Forgot your password?': 'Забыли пароль?',
  'Reset your password': 'Сброс пароля',
  'Send reset link': 'Отправить ссылку',
  'If an account exists for that email, a reset link is on its way.': 'Если такой аккаунт есть, мы отправили ссылку для сброса.',
  'Choose a new password': 'Задайте новый пароль',
  'Your password was changed. Sign in with the new one.': 'Пароль изменён. Войдите с новым паролем.',
  'Your email address is verified.': 'Адрес электронной почты подтверждён.',
  'Confirm your email': 'Подтверждение почты',
  'Confirm my email': 'Подтвердить почту',
  'No account yet?': 'Ещё нет аккаунта?',
  'Already have an account?': 'Уже есть аккаунт?',
  'Password changed.': 'Пароль изменён.',
  'Address saved.': 'Адрес сохранён.',
  'Page not found': 'Страница не найдена',
  'Something went wrong. Please try again.': 'Что-то пошло не так. Попробуйте ещё раз.',
  pending: 'ожидает оплаты',
  processing: 'оплачивается',
  paid: 'оплачен',
  shipped: 'отправлен',
  delivered: 'доставлен',
  failed: 'не оплачен',
  cancelled: 'отменён',
  partially_refunded: 'частично возвращён',
  refunded: 'возвращён',
  'API reference': 'Документация API',
  Returns: 'Возвраты',
  'Return {id}': 'Возврат {id}',
  'return requested': 'заявка отправлена',
  'return approved': 'одобрен',
  'return refused': 'отклонён',
  'return cancelled': 'отменён',
  'return received': 'товары получены',
  'return refunded': 'деньги возвращены',
  Refund: 'К возврату',
  'Note from the shop': 'Комментарий магазина',
  'Download the {carrier} return label': 'Скачать этикетку возврата {carrier}',
  'Cancel this return': 'Отменить возврат',
  'Return items': 'Вернуть товары',
  'You can return delivered items until {date}. Shipping is not refunded.':
    'Доставленные товары можно вернуть до {date}. Стоимость доставки не возвращается.',
  'quantity to return (up to {n})': 'сколько вернуть (до {n})',
  Reason: 'Причина',
  'Comment (optional)': 'Комментарий (необязательно)',
  'Choose how many of which items to return.': 'Укажите, какие товары и сколько вы хотите вернуть.',
  'Return {id} requested. We will email you when it is reviewed.':
    'Заявка на возврат {id} отправлена. Мы напишем вам, когда рассмотрим её.',
  'The return was cancelled.': 'Возврат отменён.',
}

export function t(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  const text = (locale === 'ru' ? ru[key] : undefined) ?? key
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`))
}

/** The first supported language in Accept-Language (q-values honoured), English otherwise. */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return 'en'
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';')
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())?.[1]).find(Boolean)
      return { lang: (tag ?? '').toLowerCase().split('-')[0] ?? '', q: q ? Number(q) : 1, i }
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
  for (const r of ranked) {
    if (r.lang === 'ru' || r.lang === 'kk' || r.lang === 'be' || r.lang === 'uk') return 'ru'
    if (r.lang === 'en') return 'en'
  }
  return 'en'
}

export const intlLocale = (l: Locale) => (l === 'ru' ? 'ru-RU' : 'en-US')
