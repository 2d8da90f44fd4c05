import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { IMPORT_FLAG } from './register.mjs'

const root = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url))

// One machine plays thousands of clients from one address, so the server's abuse limits (per-IP
// connection rate, per-connection message rate, connection and room caps) are raised out of the
// way; the checks themselves still run on every frame and are part of the measured cost.
export const BENCH_LIMITS = {
  maxConnections: 100_000,
  maxConnectionsPerIpPerSecond: 1_000_000,
  maxRooms: 100_000,
  maxMessagesPerSecond: 1_000_000,
  maxBytesPerSecond: 1_000_000_000,
  maxOpenConnectionsPerIp: 100_000,
  maxPendingUpgrades: 100_000,
  maxPendingUpgradesPerIp: 100_000,
  // 10,000 peers in 5,000 rooms from one address create 5,000 rooms: far past the join budget.
  joinFailuresPerIpPerMinute: 1_000_000,
}
const LIMIT_FLAGS = [
  '--max-connections', BENCH_LIMITS.maxConnections,
  '--max-connections-per-ip', BENCH_LIMITS.maxConnectionsPerIpPerSecond,
  '--max-rooms', BENCH_LIMITS.maxRooms,
  '--max-messages-per-second', BENCH_LIMITS.maxMessagesPerSecond,
  '--max-bytes-per-second', BENCH_LIMITS.maxBytesPerSecond,
  '--max-open-connections-per-ip', BENCH_LIMITS.maxOpenConnectionsPerIp,
  '--max-pending-upgrades', BENCH_LIMITS.maxPendingUpgrades,
  '--max-pending-upgrades-per-ip', BENCH_LIMITS.maxPendingUpgradesPerIp,
  '--join-failures-per-ip-per-minute', BENCH_LIMITS.joinFailuresPerIpPerMinute,
].map(String)

const START_TIMEOUT_MS = 60_000

/**
 * Starts a server as a child process and resolves once it printed its port: the Peerlane bin
 * exactly as deployed, the baseline relay, or the PeerJS server. Each child has its own pid, so /proc accounts its
 * CPU and memory apart from the load generator's. `nodeArgs` go to node itself (e.g. `--cpu-prof`).
 */
export function startServer(kind, extraArgs = [], nodeArgs = []) {
  const spec = {
    peerlane: { args: [root('apps/signaling/dist/main.js'), '--port', '0', '--log-level', 'silent', ...LIMIT_FLAGS, ...extraArgs], port: /listening on http:\/\/[^:]+:(\d+)/ },
    // As deployed, abuse limits included: for the flood section, where they are what is measured.
    'peerlane-defaults': { args: [root('apps/signaling/dist/main.js'), '--port', '0', '--log-level', 'silent', ...extraArgs], port: /listening on http:\/\/[^:]+:(\d+)/ },
    baseline: { args: [IMPORT_FLAG, root('bench/baseline/tutorial-relay.mjs'), '0'], port: /listening (\d+)/ },
    peerjs: { args: [IMPORT_FLAG, root('bench/servers/peerjs-server.mjs')], port: /listening (\d+)/, path: '/peerjs' },
    'peerlane-memory': { args: [IMPORT_FLAG, root('bench/servers/peerlane-memory-server.mjs')], port: /listening (\d+)/, ipc: true },
  }[kind]
  const child = spawn(process.execPath, [...nodeArgs, ...spec.args], { stdio: ['ignore', 'pipe', 'inherit', ...(spec.ipc ? ['ipc'] : [])] })
  // Generous: on a machine shared with other work, loading a server has taken over 10 s.
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${kind} server printed no port within ${START_TIMEOUT_MS / 1000} s: ${output}`))
    }, START_TIMEOUT_MS)
    child.stdout.on('data', (chunk) => {
      output += chunk
      const match = spec.port.exec(output)
      if (!match) return
      clearTimeout(timer)
      const port = Number(match[1])
      resolve({
        kind,
        pid: child.pid,
        url: `ws://127.0.0.1:${port}${spec.path ?? '/ws'}`,
        httpUrl: `http://127.0.0.1:${port}`,
        child,
        stop: () => stop(child),
      })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${kind} server exited with ${code}: ${output}`))
    })
  })
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Asks the in-process memory server (IPC) for process.memoryUsage(). */
export function memoryUsage(server) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('memory server did not answer')), 5_000)
    server.child.once('message', (message) => {
      clearTimeout(timer)
      resolve(message)
    })
    server.child.send('memory')
  })
}
