import { defineConfig } from 'vitest/config'

// The browser suite: Node drives Debian's headless Chromium (playwright-core) against a store
// started by test/browser/global-setup.ts. Files run one at a time: they share that one store,
// and two Chromiums at once would only compete for the same two cores.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./test/browser/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
})
