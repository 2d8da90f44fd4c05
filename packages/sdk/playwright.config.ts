import { defineConfig } from '@playwright/test'
import { CHROMIUM_PATH, chromiumArgs } from '../../scripts/chromium.mjs'

/**
 * The SDK's browser suite: the built SDK in Debian's Chromium against the real signaling bin,
 * inside the loopback-only namespace of `test:e2e`. Global setup serves the harness page under
 * the strict CSP; each test starts its own signaling process.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  // Two cores: one test at a time (up to four participants, each its own context) is what this carries.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    permissions: ['camera', 'microphone'],
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: chromiumArgs(),
    },
  },
})
