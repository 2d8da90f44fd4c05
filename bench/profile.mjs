#!/usr/bin/env node
// `node bench/profile.mjs [--scenario open-2000] [--server peerlane] [--profiler v8|perf] [--top 30]`:
// one relay scenario of section 1 against one server, profiled over the measured window only,
// then the functions with the most self time in that server. Run it inside the loopback-only
// namespace, like the bench:
//   node scripts/run-isolated.mjs sh -c 'ulimit -n "$(ulimit -Hn)" && node bench/profile.mjs'
// `v8` (`node --cpu-prof`) samples wall-clock time of the main thread: on a loaded machine a
// thread waiting for a core is billed to whatever it was running (mostly `writev`). `perf`
// (Linux perf, cpu-clock) samples only time on a CPU, in every thread of the process (GC
// helpers too) and in the kernel, which is what the bench's /proc CPU time counts.
// Profiles stay in bench/results/tmp/ (git-ignored) for a closer look (DevTools, perf report).
import './lib/register.mjs'

const { readdirSync, readFileSync, mkdirSync, rmSync } = await import('node:fs')
const { spawn, execFileSync } = await import('node:child_process')
const { fileURLToPath } = await import('node:url')
const { runLoad } = await import('@peerlane/relay-test')
const { startServer } = await import('./lib/servers.mjs')
const { cpuMs } = await import('./lib/proc.mjs')
const { SCENARIOS } = await import('./sections/relay.mjs')

const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`)
  return at === -1 ? fallback : process.argv[at + 1]
}
const scenario = SCENARIOS.find((s) => s.id === option('scenario', 'open-2000'))
const kind = option('server', 'peerlane')
const top = Number(option('top', '30'))
const durationMs = Number(option('seconds', '8')) * 1000
const profiler = option('profiler', 'v8')
if (!scenario) {
  process.stderr.write(`profile: --scenario is one of ${SCENARIOS.map((s) => s.id).join(', ')}\n`)
  process.exit(2)
}
if (process.env.PEERLANE_ISOLATED !== '1') {
  process.stderr.write('profile: run it inside the loopback-only namespace (scripts/run-isolated.mjs)\n')
  process.exit(2)
}

const dir = fileURLToPath(new URL(`./results/tmp/profile-${kind}-${scenario.id}/`, import.meta.url))
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
// 250 µs between samples: a relayed message costs tens of µs, so the default 1 ms sees too few.
// The profile is written on a clean exit; the baseline relay and PeerJS have no SIGTERM handler.
const exitOnTerm = `--import=data:text/javascript,process.on('SIGTERM',()=>process.exit(0))`
const nodeArgs = profiler === 'perf' ? ['--perf-basic-prof', exitOnTerm] : ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250', exitOnTerm]
const server = await startServer(kind, [], nodeArgs)
let perf
const handshake = { peerlane: 'join', peerjs: 'peerjs', baseline: 'url-room' }[kind]
let cpuAtStart = 0
let cpuAtEnd = 0
// The measured window on the profile's clock (V8's ticks are CLOCK_MONOTONIC µs, like hrtime's
// ns), so connecting and closing 2,000 sockets stay out of the summary.
let windowStart = 0n
let windowEnd = 0n
const report = await runLoad({
  url: new URL(server.url),
  peers: scenario.peers,
  rooms: scenario.rooms,
  rate: scenario.rate,
  durationMs,
  warmupMs: 1_000,
  handshake,
  window: 1,
  roomPrefix: 'profile',
  connectTimeoutMs: 10_000,
  connectConcurrency: 100,
  drainTimeoutMs: 5_000,
  onPhase: (phase) => {
    process.stderr.write(`profile: ${phase}\n`)
    if (phase === 'measuring') {
      cpuAtStart = cpuMs(server.pid)
      windowStart = process.hrtime.bigint() / 1000n
      // 999 Hz: in this VM every sample costs a hypervisor exit, and more samples skew the run.
      const args = ['record', '-F', '999', '--no-buildid', ...(process.argv.includes('--callgraph') ? ['-g'] : []), '-p', String(server.pid), '-o', `${dir}perf.data`, '--', 'sleep', String(durationMs / 1000)]
      if (profiler === 'perf') perf = spawn('perf', args, { stdio: 'ignore' })
    }
    if (phase === 'draining') {
      cpuAtEnd = cpuMs(server.pid)
      windowEnd = process.hrtime.bigint() / 1000n
    }
  },
})
if (perf && perf.exitCode === null) await new Promise((resolve) => perf.once('exit', resolve))
await server.stop()
const received = report.measured.received
process.stdout.write(
  `${kind} ${scenario.id}: ${received} delivered in ${durationMs / 1000} s, ${(((cpuAtEnd - cpuAtStart) * 1000) / received).toFixed(2)} µs CPU/msg (profiler on)${report.ok ? '' : `, PROBLEMS: ${report.problems.join('; ')}`}\n`,
)

if (profiler === 'perf') {
  const report = execFileSync('perf', ['report', '-i', `${dir}perf.data`, '--stdio', '--no-children', '--sort', 'sym', '--percent-limit', '0.2'], { maxBuffer: 1 << 26 })
  const lines = report.toString().split('\n').filter((line) => /^\s+\d/.test(line)).slice(0, top)
  const by = (key) =>
    execFileSync('perf', ['report', '-i', `${dir}perf.data`, '--stdio', '--no-children', '--sort', key, '--percent-limit', '1'])
      .toString()
      .split('\n')
      .filter((line) => /^\s+\d/.test(line))
      .join('\n')
  process.stdout.write(`on-CPU samples of the measured window (perf cpu-clock), self, share of the process:\n${lines.join('\n')}\n`)
  process.stdout.write(`by thread:\n${by('pid')}\nby object:\n${by('dso')}\nprofile: ${dir}perf.data\n`)
  process.exit(0)
}
const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
if (!file) throw new Error(`no profile in ${dir}: did the server exit cleanly?`)
const profile = JSON.parse(readFileSync(`${dir}${file}`, 'utf8'))
// Self time per function: each sample is billed to the node on top of the stack.
const byNode = new Map(profile.nodes.map((node) => [node.id, node]))
const selfMs = new Map()
let totalMs = 0
let idleMs = 0
let at = BigInt(profile.startTime)
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0
  at += BigInt(delta)
  if (at < windowStart || at > windowEnd) continue
  const node = byNode.get(profile.samples[i])
  const ms = delta / 1000
  totalMs += ms
  const { functionName, url, lineNumber } = node.callFrame
  if (functionName === '(idle)') {
    idleMs += ms
    continue
  }
  const where = url ? `${url.replace(/^.*\/(node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?)?/, '')}:${lineNumber + 1}` : ''
  const key = `${functionName || '(anonymous)'} ${where}`.trim()
  selfMs.set(key, (selfMs.get(key) ?? 0) + ms)
}
const busyMs = totalMs - idleMs
process.stdout.write(`measured window: busy ${busyMs.toFixed(0)} ms of ${totalMs.toFixed(0)} ms profiled; self time, share of busy time:\n`)
for (const [key, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`${((ms / busyMs) * 100).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${key}\n`)
}
process.stdout.write(`profile: ${dir}${file}\n`)
