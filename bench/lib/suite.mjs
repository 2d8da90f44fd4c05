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

// `--only memory,relay` runs just those sections (e.g. while working on one of them); such a
// partial run writes bench/results/only-<sections>.{json,md}, never the committed latest.*.
const SECTIONS = {
  validation: ['5 — validation cost', () => validationSection(log)],
  sdk: ['3 — SDK size', () => sdkSizeSection(log)],
  relay: ['1 — relay cost and latency', () => relaySection(log)],
  memory: ['2 — idle memory per peer', () => memorySection(log)],
  firstFrame: ['4 — time to first remote frame', () => firstFrameSection(log)],
  flood: ['6 — a well-behaved pair under a flood', () => floodSection(log)],
}
const onlyIndex = process.argv.indexOf('--only')
const only = onlyIndex === -1 ? undefined : (process.argv[onlyIndex + 1] ?? '').split(',')
const unknown = only?.filter((name) => !Object.hasOwn(SECTIONS, name)) ?? []
if (only && (only.length === 0 || unknown.length > 0)) {
  log(`bench: --only takes sections among ${Object.keys(SECTIONS).join(', ')}; unknown: ${unknown.join(', ') || '(none given)'}`)
  process.exit(2)
}

const started = performance.now()
const loadAtStart = Number(loadavg()[0].toFixed(2))
const measured = {}
for (const [name, [title, run]] of Object.entries(SECTIONS)) {
  if (only && !only.includes(name)) continue
  log(`bench: ${title}`)
  measured[name] = await run()
}

const results = {
  date: new Date().toISOString(),
  durationS: Math.round((performance.now() - started) / 1000),
  machine: describeMachine(loadAtStart),
  targets: TARGETS,
  ...measured,
}
const markdown = renderMarkdown(results)
mkdirSync(RESULTS, { recursive: true })
const name = only ? `only-${only.join('-')}` : 'latest'
writeFileSync(`${RESULTS}${name}.json`, `${JSON.stringify(results, null, 2)}\n`)
writeFileSync(`${RESULTS}${name}.md`, `${markdown}\n`)
process.stdout.write(`${markdown}\n`)
