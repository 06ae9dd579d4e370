// The whole Russian dictionary, one module so that `import('./messages/ru')` in ../../i18n.ts
// becomes one chunk the browser loads only when Russian is chosen (Cyrillic is two bytes a
// character, so this is most of the dashboard's text by size).
import type { En, RuOf } from '../../i18n'
import { ru as apiKeys } from './api-keys'
import { coreRu } from './core'
import { ru as customers } from './customers'
import { ru as importPage } from './import'
import { ru as inventory } from './inventory'
import { ru as marketplace } from './marketplace'
import { ru as orders } from './orders'
import { ru as pricing } from './pricing'
import { ru as products } from './products'
import { ru as webhooks } from './webhooks'

export const ru: RuOf<En> = {
  ...coreRu,
  ...orders,
  ...products,
  ...customers,
  ...inventory,
  ...importPage,
  ...pricing,
  ...marketplace,
  ...webhooks,
  ...apiKeys,
}
