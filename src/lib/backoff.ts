/**
 * Exponential retry delay: `base`, then doubling (or × `factor`) per attempt, capped at `max`.
 * `attempts` counts from 1 (the first retry waits `base`), as a queue message's delivery count does.
 * Used by the queue consumers, the OrderDO's write-through retries and the payment webhook's lease
 * release; the unit is the caller's (seconds or milliseconds).
 */
export const backoffDelay = (attempts: number, { base, max, factor = 2 }: { base: number; max: number; factor?: number }) =>
  Math.min(base * factor ** Math.max(0, attempts - 1), max)
