import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { firstFrameSection } from '../sections/first-frame.mjs'
import { floodSection } from '../sections/flood.mjs'
import { memorySection, PEERS } from '../sections/memory.mjs'
import { relaySection } from '../sections/relay.mjs'
import { sdkSizeSection } from '../sections/sdk-size.mjs'
import { validationSection } from '../sections/validation.mjs'
import { describeMachine } from './machine.mjs'
import { openFileLimit } from './proc.mjs'
import { renderMarkdown, TARGETS } from './report.mjs'

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url))
const log = (line) => process.stderr.write(`${line}\n`)

if (process.env.PEERLANE_ISOLATED !== '1') {
  log('bench: run it through `pnpm bench` (inside the loopback-only namespace), not directly')
  process.exit(2)
}
// 10,000 peers need 10,000 sockets in the generator and as many in the server (a separate process).
if (openFileLimit() < PEERS + 1000) {
  log(`bench: the open-file limit is ${openFileLimit()}; raise it to ${PEERS + 1000} or more (\`ulimit -n\`)`)
  process.exit(2)
}

const started = performance.now()
const loadAtStart = Number(loadavg()[0].toFixed(2))
log('bench: 5 — validation cost')
const validation = validationSection(log)
log('bench: 3 — SDK size')
const sdk = await sdkSizeSection(log)
log('bench: 1 — relay cost and latency')
const relay = await relaySection(log)
log('bench: 2 — idle memory per peer')
const memory = await memorySection(log)
log('bench: 4 — time to first remote frame')
const firstFrame = await firstFrameSection(log)
log('bench: 6 — a well-behaved pair under a flood')
const flood = await floodSection(log)

const results = {
  date: new Date().toISOString(),
  durationS: Math.round((performance.now() - started) / 1000),
  machine: describeMachine(loadAtStart),
  targets: TARGETS,
  relay,
  memory,
  sdk,
  firstFrame,
  validation,
  flood,
}
const markdown = renderMarkdown(results)
mkdirSync(RESULTS, { recursive: true })
writeFileSync(`${RESULTS}latest.json`, `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(`${RESULTS}latest.md`, `${markdown}\n`)
process.stdout.write(`${markdown}\n`)
