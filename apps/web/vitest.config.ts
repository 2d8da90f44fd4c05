import { defineConfig } from 'vitest/config'

// Unit tests only; the Playwright suites under e2e/ run in real Chromium (`test:e2e`).
export default defineConfig({ test: { include: ['src/**/*.test.ts'] } })
