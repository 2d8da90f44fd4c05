import type { LoadProgress, LoadReport } from './load.js'

export function formatLoadProgress(progress: LoadProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(0).padStart(4)
  return `[${seconds}s] ${progress.phase.padEnd(10)} connected ${progress.connected}  sent ${progress.sent}  received ${progress.received}  errors ${progress.errors}\n`
}

/** The load run as an operator reads it: what was asked, what got through, how fast. */
export function formatLoadReport(report: LoadReport): string {
  const { latencyMs: l, measured: m } = report
  const lines = [
    `load ${report.target}: ${report.mode}, ${report.rate === 'max' ? 'as fast as possible' : `${report.rate} msg/s`}, ${report.connected}/${report.peers} peers in ${report.rooms} rooms`,
    `  measured window  ${m.durationMs} ms: sent ${m.sent}, delivered ${m.received} (${m.throughput} msg/s)`,
    `  whole run        sent ${report.sent}, expected ${report.expected} deliveries, delivered ${report.received}, lost ${report.lost}`,
    `  latency (ms)     p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}  (n=${l.count})`,
    `  connection failures ${formatCounts(report.connectionFailures)}`,
    `  error frames        ${formatCounts(report.errors)}`,
    `  server closes       ${formatCounts(report.closes)}`,
  ]
  lines.push(report.ok ? 'PASS: every message arrived' : `FAIL: ${report.problems.join('; ')}`)
  return `${lines.join('\n')}\n`
}

export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts)
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} ×${count}`).join(', ')
}
