import { defineConfig } from 'vitest/config'

// WebRTC checks take a few seconds each; the suite runs inside the loopback-only namespace.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } })
