// Section 1: what relaying one message costs the server, Peerlane against the baseline relay and
// the PeerJS server, driven by the same generator (@peerlane/relay-test's `load`) in the same run.
import { runLoad } from '@peerlane/relay-test'
import { cpuMs } from '../lib/proc.mjs'
import { startServer } from '../lib/servers.mjs'
import { round, summarize } from '../lib/stats.mjs'

export const SCENARIOS = [
  { id: 'pair-closed', label: '1 pair, closed loop', peers: 2, rooms: 1, rate: 'max' },
  { id: 'pairs50-closed', label: '50 pairs, closed loop', peers: 100, rooms: 50, rate: 'max' },
  { id: 'open-2000', label: '2,000 peers, open loop 4,000 msg/s', peers: 2000, rooms: 1000, rate: 4000 },
]
const REPEATS = 3
const WARMUP_MS = 1_000
const DURATION_MS = 4_000

// Peerlane speaks its protocol (join, then address the peer with `to`); the baseline only knows
// the tutorial way (`?room=` in the URL, broadcast to the room); PeerJS registers an id in the URL
// and addresses the peer with `dst`. Each message has one recipient every way.
const HANDSHAKE = { peerlane: 'join', peerjs: 'peerjs', baseline: 'url-room' }
export const SERVERS = Object.keys(HANDSHAKE)
/** What Peerlane's CPU per message is compared with, each in the same run. */
export const COMPARED = ['baseline', 'peerjs']

export async function relaySection(log) {
  const servers = {}
  for (const name of SERVERS) servers[name] = await startServer(name)
  const runs = []
  try {
    // Interleaved, so drift over the run (thermal, other tenants) hits both servers alike.
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const scenario of SCENARIOS) {
        for (const name of SERVERS) {
          const run = await measure(servers[name], scenario, `${name}-${scenario.id}-${repeat}`)
          log(`  relay ${scenario.id} ${name} #${repeat + 1}: ${run.cpuMicrosPerMessage.toFixed(2)} µs CPU/msg, ${run.throughput} msg/s, p50 ${run.p50} ms, p99 ${run.p99} ms${run.ok ? '' : ` (PROBLEMS: ${run.problems.join('; ')})`}`)
          runs.push({ scenario: scenario.id, server: name, repeat, ...run })
        }
      }
    }
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()))
  }
  return { runs, summary: SCENARIOS.map((scenario) => summarizeScenario(scenario, runs)), repeats: REPEATS, warmupMs: WARMUP_MS, durationMs: DURATION_MS }
}

async function measure(server, scenario, roomPrefix) {
  await quiet(server.pid)
  let cpuAtStart = 0
  let cpuAtEnd = 0
  const report = await runLoad({
    url: new URL(server.url),
    peers: scenario.peers,
    rooms: scenario.rooms,
    rate: scenario.rate,
    durationMs: DURATION_MS,
    warmupMs: WARMUP_MS,
    handshake: HANDSHAKE[server.kind],
    window: 1,
    roomPrefix,
    connectTimeoutMs: 10_000,
    connectConcurrency: 100,
    drainTimeoutMs: 5_000,
    onPhase: (phase) => {
      if (phase === 'measuring') cpuAtStart = cpuMs(server.pid)
      if (phase === 'draining') cpuAtEnd = cpuMs(server.pid)
    },
  })
  const cpu = cpuAtEnd - cpuAtStart
  return {
    ok: report.ok,
    problems: report.problems,
    serverCpuMs: cpu,
    delivered: report.measured.received,
    cpuMicrosPerMessage: report.measured.received > 0 ? (cpu * 1000) / report.measured.received : Number.NaN,
    throughput: report.measured.throughput,
    p50: report.latencyMs.p50,
    p99: report.latencyMs.p99,
    lost: report.lost,
  }
}

// A server still working through the previous run's backlog would bill it to this one: wait
// until it uses under 2% of a core (at most 15 s).
async function quiet(pid) {
  const deadline = performance.now() + 15_000
  for (;;) {
    const before = cpuMs(pid)
    await new Promise((resolve) => setTimeout(resolve, 500))
    if (cpuMs(pid) - before < 10 || performance.now() > deadline) return
  }
}

function summarizeScenario(scenario, runs) {
  const of = (server, key) => summarize(runs.filter((r) => r.scenario === scenario.id && r.server === server).map((r) => r[key]))
  const result = { scenario: scenario.id, label: scenario.label }
  for (const server of SERVERS) {
    result[server] = { cpuMicrosPerMessage: of(server, 'cpuMicrosPerMessage'), throughput: of(server, 'throughput'), p50: of(server, 'p50'), p99: of(server, 'p99') }
  }
  // Ratio of medians, plus the spread of per-repeat ratios (each repeat ran the servers back to back).
  result.cpuRatio = {}
  result.cpuRatioPerRepeat = {}
  for (const other of COMPARED) {
    const ratios = Array.from({ length: REPEATS }, (_, repeat) => {
      const pick = (server) => runs.find((r) => r.scenario === scenario.id && r.server === server && r.repeat === repeat)?.cpuMicrosPerMessage
      return pick('peerlane') / pick(other)
    }).filter(Number.isFinite)
    result.cpuRatio[other] = round(result.peerlane.cpuMicrosPerMessage.median / result[other].cpuMicrosPerMessage.median, 3)
    result.cpuRatioPerRepeat[other] = summarize(ratios)
  }
  return result
}
