/** Current time as a UTC ISO-8601 string; every timestamp we store has this shape. */
export const nowIso = (now = Date.now()) => new Date(now).toISOString()

export const addSeconds = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString()
