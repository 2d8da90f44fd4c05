import { cpus, loadavg, release, totalmem, type } from 'node:os'

/**
 * What the figures were measured on; they only compare within one machine and one run. The load
 * average says whether other work shared the cores (anything near the core count skews latency).
 */
export function describeMachine(loadAverageAtStart) {
  const cpu = cpus()
  return {
    cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    network: 'loopback only (network namespace, scripts/run-isolated.mjs)',
    loadAverage1m: { atStart: loadAverageAtStart, atEnd: Number(loadavg()[0].toFixed(2)) },
  }
}
