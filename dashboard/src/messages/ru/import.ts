// Russian UI text of the dashboard's import page: loaded only when Russian is chosen (../../i18n.ts).
import type { RuOf } from '../../i18n'
import type { en } from '../import'

export const ru: RuOf<typeof en> = {
  'import.download': 'Скачать CSV',
  'import.preparing': 'Готовим файл…',
  'import.title': 'Импорт товаров',
  'import.intro':
    'CSV с колонками экспорта товаров ({sku} обязателен; для нового SKU нужны также {name}, {currency} и {price}). Строки создают или обновляют варианты по SKU, поэтому повторный импорт того же файла ничего не меняет. Цены — в основных единицах валюты (19.99). Сначала файл проверяется; пока вы не нажмёте «Импортировать», ничего не записывается.',
  'import.checkForm': 'Проверка CSV-файла',
  'import.file': 'CSV-файл',
  'import.fileHint': 'До {rows} строк (1 МБ)',
  'import.check': 'Проверить файл',
  'import.checking': 'Проверяем…',
  'import.chooseFile': 'Сначала выберите CSV-файл.',
  'import.reportTitle': 'Проверка файла {file}',
  'import.count.rows': { one: '{count} строка', few: '{count} строки', many: '{count} строк', other: '{count} строки' },
  'import.count.errorRows': {
    one: '{count} строка с ошибками',
    few: '{count} строки с ошибками',
    many: '{count} строк с ошибками',
    other: '{count} строки с ошибками',
  },
  'import.summary': '{rows}: без ошибок {valid} (создать {create}, обновить {update}), {errors}.',
  'import.summarySkipped': '{rows}: без ошибок {valid} (создать {create}, обновить {update}), {errors} — такие строки будут пропущены.',
  'import.errorsCaption': 'Строки с ошибками',
  'import.col.line': 'Строка',
  'import.col.sku': 'SKU',
  'import.col.column': 'Колонка',
  'import.col.problem': 'Проблема',
  'import.apply': {
    one: 'Импортировать {count} строку',
    few: 'Импортировать {count} строки',
    many: 'Импортировать {count} строк',
    other: 'Импортировать {count} строки',
  },
  'import.confirmTitle': {
    one: 'Импортировать {count} строку?',
    few: 'Импортировать {count} строки?',
    many: 'Импортировать {count} строк?',
    other: 'Импортировать {count} строки?',
  },
  'import.confirmPlan': 'Будет создано: {create}, обновлено: {update} (по SKU).',
  'import.confirmSkipped': 'Пропущено будет: {rows}.',
  'import.allValid': 'Все строки прошли проверку.',
  'import.confirm': 'Импортировать',
  'import.importing': 'Импорт',
  'import.finishedTitle': 'Импорт завершён',
  'import.progress': {
    one: 'Обработано {processed} из {count} строки: создано {created}, обновлено {updated}, без изменений {unchanged}, с ошибкой {failed}.',
    few: 'Обработано {processed} из {count} строк: создано {created}, обновлено {updated}, без изменений {unchanged}, с ошибкой {failed}.',
    many: 'Обработано {processed} из {count} строк: создано {created}, обновлено {updated}, без изменений {unchanged}, с ошибкой {failed}.',
    other:
      'Обработано {processed} из {count} строки: создано {created}, обновлено {updated}, без изменений {unchanged}, с ошибкой {failed}.',
  },
  'import.finished': 'Импорт завершён: создано {created}, обновлено {updated}, без изменений {unchanged}, с ошибкой {failed}.',
}
