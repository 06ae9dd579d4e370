// UI text of the dashboard's API keys page, merged into the dictionaries by ../i18n.ts.
import type { Entry } from '../i18n'

export const en = {
  'apiKeys.title': 'API keys',
  'apiKeys.intro':
    'Keys let a server (an ERP, a warehouse) call the API for you, limited to the scopes you choose. Each acts as the admin who created it.',
  'apiKeys.newRegion': 'New API key',
  'apiKeys.shownOnce': 'API key “{name}”.',
  'apiKeys.copyNow':
    "This is the only time it is shown: copy it now into the integration's secret store. It cannot be recovered; if it is lost, revoke it and create another.",
  'apiKeys.sendAs': 'Send it as {header}.',
  'apiKeys.copy': 'Copy key',
  'apiKeys.stored': 'I stored it',
  'apiKeys.chooseScope': 'Choose at least one scope.',
  'apiKeys.created': 'API key created: {name}',
  'apiKeys.revoke.title': 'Revoke this API key?',
  'apiKeys.revoke.body': '“{name}” ({start}…) stops working at once: its next request answers 401.',
  'apiKeys.cannotUndo': 'This cannot be undone.',
  'apiKeys.revoke.confirm': 'Revoke key',
  'apiKeys.revoked': 'Revoked {name}',
  'apiKeys.create': 'Create a key',
  'apiKeys.name': 'Name',
  'apiKeys.nameHint': 'What uses it, e.g. ERP sync',
  'apiKeys.scopes': 'Scopes',
  'apiKeys.creating': 'Creating…',
  'apiKeys.createButton': 'Create key',
  'apiKeys.keys': 'Keys',
  'apiKeys.none': 'No API keys yet.',
  'apiKeys.col.name': 'Name',
  'apiKeys.col.key': 'Key',
  'apiKeys.col.scopes': 'Scopes',
  'apiKeys.col.created': 'Created',
  'apiKeys.col.lastUsed': 'Last used',
  'apiKeys.col.state': 'State',
  'apiKeys.col.actions': 'Actions',
  'apiKeys.never': 'Never',
  'apiKeys.revoke': 'Revoke',
  // The key's state badge (read by statusLabel through its `status.` key).
  'status.revoked': 'revoked',
} satisfies Record<string, Entry>
