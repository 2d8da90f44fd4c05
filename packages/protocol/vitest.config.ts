import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { include: ['src/**/*.test.ts', 'compat/**/*.test.ts', 'reference/**/*.test.ts'] } })
