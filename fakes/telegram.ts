import { Hono } from 'hono'
import { failureScript } from './failures'

/**
 * A local fake of the Telegram Bot API's sendMessage:
 *
 *   POST /bot{token}/sendMessage   JSON {chat_id, text, parse_mode?, link_preview_options?}
 *        → 200 {ok: true, result: Message{message_id, from, chat, date, text}}
 *
 * Errors use the Bot API envelope `{ok: false, error_code, description}`: 401 "Unauthorized" for a
 * malformed token, 400 "Bad Request: chat not found" / "message text is empty", 429 with
 * `parameters.retry_after`. `failNext(status)` scripts outages.
 */
export interface SentTelegram {
  messageId: number
  token: string
  chatId: string
  text: string
}

const TOKEN = /^[0-9]+:[A-Za-z0-9_-]+$/
const fail = (error_code: number, description: string, extra: Record<string, unknown> = {}) => ({
  ok: false,
  error_code,
  description,
  ...extra,
})

export function createTelegramFake() {
  const sent: SentTelegram[] = []
  const failures = failureScript()
  let nextMessageId = 1
  const app = new Hono()

  app.post('/:bot{bot[^/]+}/sendMessage', async (c) => {
    const token = c.req.param('bot').slice(3)
    if (!TOKEN.test(token)) return c.json(fail(401, 'Unauthorized'), 401)
    const failure = failures.take()
    if (failure) {
      for (const [k, v] of Object.entries(failure.headers ?? {})) c.header(k, v)
      if (failure.status === 429) return c.json(fail(429, 'Too Many Requests: retry after 5', { parameters: { retry_after: 5 } }), 429)
      const description = failure.status >= 500 ? 'Internal Server Error' : 'Bad Request: chat not found'
      return c.json(fail(failure.status, description), failure.status as 400)
    }
    let body: { chat_id?: string | number; text?: string }
    try {
      body = await c.req.json()
    } catch {
      return c.json(fail(400, 'Bad Request: invalid JSON'), 400)
    }
    if (body.chat_id === undefined || body.chat_id === '') return c.json(fail(400, 'Bad Request: chat_id is empty'), 400)
    if (!/^-?[0-9]+$/.test(String(body.chat_id))) return c.json(fail(400, 'Bad Request: chat not found'), 400)
    if (!body.text) return c.json(fail(400, 'Bad Request: message text is empty'), 400)
    const messageId = nextMessageId++
    const chatId = String(body.chat_id)
    sent.push({ messageId, token, chatId, text: body.text })
    return c.json({
      ok: true,
      result: {
        message_id: messageId,
        from: { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Edge Commerce', username: 'edge_commerce_bot' },
        chat: { id: Number(chatId), type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text: body.text,
      },
    })
  })

  app.get('/_sent', (c) => c.json(sent))

  return { app, sent, failNext: failures.failNext, reset: () => ((sent.length = 0), failures.clear()) }
}

export default createTelegramFake().app
