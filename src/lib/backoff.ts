/**
 * Exponential retry delay for queue consumers: `base`, then doubling (or × `factor`) per delivery,
 * capped at `max`. `attempts` is the delivery count (1 = first delivery), as on a queue message.
 */
export const backoffDelay = (attempts: number, { base, max, factor = 2 }: { base: number; max: number; factor?: number }) =>
  Math.min(base * factor ** Math.max(0, attempts - 1), max)
