// Section 2: memory an idle, joined peer costs the server, at 10,000 peers.
import { connectFleet } from '@peerlane/relay-test'
import { rssBytes } from '../lib/proc.mjs'
import { memoryUsage, startServer } from '../lib/servers.mjs'
import { summarize } from '../lib/stats.mjs'

export const PEERS = 10_000
const SAMPLES = 5

export async function memorySection(log) {
  return {
    peers: PEERS,
    peerlane: await measure('peerlane-memory', 'join', log),
    peerjs: await measure('peerjs', 'peerjs', log),
    baseline: await measure('baseline', 'url-room', log),
  }
}

async function measure(kind, handshake, log) {
  const server = await startServer(kind)
  try {
    await settle()
    const before = await sample(server)
    const fleet = await connectFleet({
      url: new URL(server.url),
      peers: PEERS,
      rooms: PEERS / 2,
      roomPrefix: `memory-${kind}`,
      handshake,
      connectTimeoutMs: 20_000,
      concurrency: 200,
    })
    await settle()
    const after = await sample(server)
    await fleet.close()
    const connected = fleet.peers.length
    const perPeer = (key) => (after[key].median - before[key].median) / connected
    const result = {
      connected,
      failures: fleet.failures.toJSON(),
      rssBefore: before.rss,
      rssAfter: after.rss,
      rssPerPeerBytes: perPeer('rss'),
      ...(after.heapUsed ? { heapBefore: before.heapUsed, heapAfter: after.heapUsed, heapPerPeerBytes: perPeer('heapUsed') } : {}),
    }
    log(`  memory ${kind}: ${connected} peers, RSS ${(result.rssPerPeerBytes / 1024).toFixed(2)} KiB/peer${result.heapPerPeerBytes ? `, heap ${(result.heapPerPeerBytes / 1024).toFixed(2)} KiB/peer` : ''}`)
    return result
  } finally {
    await server.stop()
  }
}

// Several samples after a quiet period, without forcing GC: the median is what an operator's
// monitoring would see, and min/max show how much uncollected garbage moves it.
async function sample(server) {
  const rss = []
  const heapUsed = []
  for (let i = 0; i < SAMPLES; i++) {
    rss.push(rssBytes(server.pid))
    if (server.kind === 'peerlane-memory') heapUsed.push((await memoryUsage(server)).heapUsed)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { rss: summarize(rss), ...(heapUsed.length > 0 ? { heapUsed: summarize(heapUsed) } : {}) }
}

function settle() {
  return new Promise((resolve) => setTimeout(resolve, 2_000))
}
