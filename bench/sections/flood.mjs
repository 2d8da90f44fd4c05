// Section 6: one connection flooding the server as fast as it can (reconnecting whenever it is
// thrown out) while a well-behaved pair in another room relays at a steady rate. The server runs
// with its default abuse limits. Reports the pair's latency under the flood against its idle
// latency, measured in the same run, and checks that the pair lost nothing.
import { runLoad } from '@peerlane/relay-test'
import { WebSocket } from 'ws'
import { startServer } from '../lib/servers.mjs'
import { round, summarize } from '../lib/stats.mjs'

const REPEATS = 3
const DURATION_MS = 4_000
// 20 msg/s per peer: well inside the default 50 msg/s per connection, so only the flooder is limited.
const PAIR_RATE = 40
const FLOOD_FRAME = JSON.stringify({ type: 'ping', id: 'x'.repeat(48) })

export async function floodSection(log) {
  const server = await startServer('peerlane-defaults')
  const runs = []
  try {
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const idle = await pair(server, `idle-${repeat}`)
      const flooder = startFlood(server.url)
      const flooded = await pair(server, `flood-${repeat}`)
      const flood = await flooder.stop()
      log(`  flood #${repeat + 1}: pair p50 ${idle.p50} → ${flooded.p50} ms, p99 ${idle.p99} → ${flooded.p99} ms; flooder sent ${flood.sent}, got ${flood.rateLimited} rate-limited, closed ${flood.closedByServer}×`)
      runs.push({ repeat, idle, flooded, flood })
    }
  } finally {
    await server.stop()
  }
  const of = (phase, key) => summarize(runs.map((run) => run[phase][key]))
  return {
    repeats: REPEATS,
    durationMs: DURATION_MS,
    pairRate: PAIR_RATE,
    runs,
    idle: { p50: of('idle', 'p50'), p99: of('idle', 'p99') },
    flooded: { p50: of('flooded', 'p50'), p99: of('flooded', 'p99') },
    p50Ratio: round(of('flooded', 'p50').median / of('idle', 'p50').median, 2),
    p99Ratio: round(of('flooded', 'p99').median / of('idle', 'p99').median, 2),
    pairLost: runs.reduce((sum, run) => sum + run.idle.lost + run.flooded.lost, 0),
    flood: { sent: summarize(runs.map((r) => r.flood.sent)), rateLimited: summarize(runs.map((r) => r.flood.rateLimited)), closedByServer: summarize(runs.map((r) => r.flood.closedByServer)) },
  }
}

async function pair(server, roomPrefix) {
  const report = await runLoad({
    url: new URL(server.url),
    peers: 2,
    rooms: 1,
    rate: PAIR_RATE,
    durationMs: DURATION_MS,
    warmupMs: 500,
    handshake: 'join',
    window: 1,
    roomPrefix,
    connectTimeoutMs: 10_000,
    connectConcurrency: 2,
    drainTimeoutMs: 5_000,
  })
  return { ok: report.ok, p50: report.latencyMs.p50, p99: report.latencyMs.p99, sent: report.measured.sent, delivered: report.measured.received, lost: report.lost }
}

/** Floods from one connection at a time until stopped; a connection the server closes is replaced. */
function startFlood(url) {
  const stats = { sent: 0, rateLimited: 0, closedByServer: 0 }
  let running = true
  let socket
  const connect = () => {
    if (!running) return
    socket = new WebSocket(url)
    socket.on('error', () => {})
    socket.on('message', (data) => {
      if (data.includes('"rate-limited"')) stats.rateLimited++
    })
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'join', room: 'flooder' }))
      blast(socket)
    })
    socket.on('close', () => {
      if (!running) return
      stats.closedByServer++
      // Refused connections (1013) come back at once; keep trying at a bounded pace.
      setTimeout(connect, 50)
    })
  }
  const blast = (ws) => {
    if (!running || ws.readyState !== WebSocket.OPEN) return
    // Bursts, yielding to the event loop between them (the kernel often takes every write at once,
    // so bufferedAmount alone would never stop the loop), and pausing while the socket is backed up.
    for (let i = 0; i < 500 && ws.bufferedAmount < 256 * 1024; i++) {
      ws.send(FLOOD_FRAME)
      stats.sent++
    }
    setImmediate(() => blast(ws))
  }
  connect()
  return {
    stop: () =>
      new Promise((resolve) => {
        running = false
        socket?.terminate()
        setTimeout(() => resolve(stats), 200)
      }),
  }
}
