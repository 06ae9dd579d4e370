// Types for local.mjs, for the TypeScript callers (test/browser).
export const ROOT: string
export function childEnv(extra?: Record<string, string>): NodeJS.ProcessEnv
export function ensureNode22(): Promise<void>
export function run(cmd: string, args: string[], opts?: import('node:child_process').SpawnOptions): Promise<void>
export function ensureDevVars(): void
export function workerConfigs(): string[]
export function groupedConfig(config: string, envFiles: string[], dir: string): string
export function migrateLocal(persistTo?: string): Promise<void>
export function seedLocal(options?: { ifNeeded?: boolean; products?: number; persistTo?: string }): Promise<void>
export function freePort(): Promise<number>
export function waitForOk(
  url: string,
  options?: { timeoutMs?: number; isAlive?: () => boolean; check?: (res: Response, body: string) => boolean },
): Promise<void>
