// Section 4: time from join() to the first decoded remote video frame in Chromium, over the
// built SDK and the real signaling bin, on loopback.
import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { CHROMIUM_PATH, chromiumArgs } from '../../scripts/chromium.mjs'
import { startServer } from '../lib/servers.mjs'
import { summarize } from '../lib/stats.mjs'

export const CALLS = 12
const PAGE_DIR = fileURLToPath(new URL('../results/tmp/page/', import.meta.url))

export async function firstFrameSection(log) {
  mkdirSync(PAGE_DIR, { recursive: true })
  copyFileSync(fileURLToPath(new URL('../page/index.html', import.meta.url)), `${PAGE_DIR}index.html`)
  await build({ entryPoints: [fileURLToPath(new URL('../page/first-frame.mjs', import.meta.url))], bundle: true, format: 'esm', platform: 'browser', outfile: `${PAGE_DIR}first-frame.js`, logLevel: 'silent' })
  const server = await startServer('peerlane', ['--static-dir', PAGE_DIR])
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs() })
  try {
    const page = await browser.newPage()
    await page.goto(server.httpUrl)
    await page.waitForFunction(() => typeof window.firstFrameCall === 'function')
    const times = []
    for (let call = 0; call < CALLS; call++) {
      times.push(await page.evaluate((room) => window.firstFrameCall(room), `first-frame-${call}`))
    }
    const result = { browser: `Chromium ${browser.version()}`, calls: CALLS, ms: summarize(times) }
    log(`  first frame: median ${result.ms.median.toFixed(0)} ms, p90 ${result.ms.p90.toFixed(0)} ms over ${CALLS} calls`)
    return result
  } finally {
    await browser.close()
    await server.stop()
  }
}
