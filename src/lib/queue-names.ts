/**
 * Which of a consumer Worker's queues a batch came from. Each consumer reads `<base>` and its
 * dead-letter queue `<base>-dlq`; staging binds the same queues with a `-staging` suffix on the base
 * (`notifications-staging`, `notifications-staging-dlq`), so both spellings are accepted.
 */
export function queueKind(queue: string, base: string): 'main' | 'dlq' | null {
  for (const name of [base, `${base}-staging`]) {
    if (queue === name) return 'main'
    if (queue === `${name}-dlq`) return 'dlq'
  }
  return null
}
