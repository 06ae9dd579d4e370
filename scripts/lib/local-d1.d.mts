// Types for local-d1.mjs, for the TypeScript callers (test/browser).
export function localD1ObjectId(databaseId: string): string
export function d1DatabaseId(wranglerToml: string): string
export function localD1File(stateDir: string, databaseId: string): string
export function openLocalD1(file: string): Promise<{ db: D1Database; close: () => void }>
