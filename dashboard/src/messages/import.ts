// UI text of the dashboard's import page, merged into the dictionaries by ../i18n.ts.
import type { Entry, RuOf } from '../i18n'

export const en = {} satisfies Record<string, Entry>

export const ru: RuOf<typeof en> = {}
