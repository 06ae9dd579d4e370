// Russian UI text of the dashboard's API keys page: loaded only when Russian is chosen (../../i18n.ts).
import type { RuOf } from '../../i18n'
import type { en } from '../api-keys'

export const ru: RuOf<typeof en> = {
  'apiKeys.title': 'API-ключи',
  'apiKeys.intro':
    'Ключи позволяют серверу (ERP, складской системе) обращаться к API от вашего имени в пределах выбранных прав. Каждый ключ действует от имени создавшего его администратора.',
  'apiKeys.newRegion': 'Новый API-ключ',
  'apiKeys.shownOnce': 'API-ключ «{name}».',
  'apiKeys.copyNow':
    'Он показан в первый и последний раз: скопируйте его сейчас в хранилище секретов интеграции. Восстановить его нельзя; если он потерян, отзовите его и создайте новый.',
  'apiKeys.sendAs': 'Передавайте его в заголовке {header}.',
  'apiKeys.copy': 'Скопировать ключ',
  'apiKeys.stored': 'Я сохранил',
  'apiKeys.chooseScope': 'Выберите хотя бы одно право.',
  'apiKeys.created': 'API-ключ создан: {name}',
  'apiKeys.revoke.title': 'Отозвать этот API-ключ?',
  'apiKeys.revoke.body': '«{name}» ({start}…) сразу перестанет работать: на следующий запрос с ним API ответит 401.',
  'apiKeys.cannotUndo': 'Это нельзя отменить.',
  'apiKeys.revoke.confirm': 'Отозвать ключ',
  'apiKeys.revoked': 'Ключ {name} отозван',
  'apiKeys.create': 'Создать ключ',
  'apiKeys.name': 'Название',
  'apiKeys.nameHint': 'Кто им пользуется, например «Синхронизация с ERP»',
  'apiKeys.scopes': 'Права',
  'apiKeys.creating': 'Создаём…',
  'apiKeys.createButton': 'Создать ключ',
  'apiKeys.keys': 'Ключи',
  'apiKeys.none': 'API-ключей пока нет.',
  'apiKeys.col.name': 'Название',
  'apiKeys.col.key': 'Ключ',
  'apiKeys.col.scopes': 'Права',
  'apiKeys.col.created': 'Создан',
  'apiKeys.col.lastUsed': 'Последнее использование',
  'apiKeys.col.state': 'Состояние',
  'apiKeys.col.actions': 'Действия',
  'apiKeys.never': 'Никогда',
  'apiKeys.revoke': 'Отозвать',
  'status.revoked': 'отозван',
}
