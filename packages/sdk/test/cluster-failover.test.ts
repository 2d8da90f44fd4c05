// SDK failover across the nodes of a signaling cluster: `url` lists two nodes sharing a real
// redis-server; the node holding A's socket closes, A reconnects to the other and resumes there.
import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
// The signaling suite's own Redis starter (test-only, not part of the package's exports).
import { startRedis, type TestRedis } from '../../../apps/signaling/src/test-support/redis.js'
import { PeerlaneClient } from '../src/client.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

const SECRET = 'cluster-failover-test-secret'
let redis: TestRedis
const servers: SignalingServer[] = []
const clients: PeerlaneClient[] = []

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis.stop())
afterEach(async () => {
  for (const client of clients.splice(0)) client.leave()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function node(): Promise<SignalingServer> {
  const server = await createSignalingServer({ port: 0, redisUrl: redis.url, resumeSecret: SECRET, resumeGraceMs: 5_000, clusterHeartbeatMs: 200, shutdownTimeoutMs: 100 })
  servers.push(server)
  await expect.poll(async () => (await fetch(`${server.httpUrl}/readyz`)).status, { timeout: 5_000 }).toBe(200)
  return server
}

function client(url: string | string[]): PeerlaneClient {
  const c = new PeerlaneClient({ url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, reconnect: { initialDelayMs: 50, maxDelayMs: 400 }, logLevel: 'silent' })
  clients.push(c)
  return c
}

describe('failover across cluster nodes', () => {
  it('moves to the next URL when its node goes away and resumes there under the same id, the call kept', { timeout: 60_000 }, async () => {
    const [one, two] = [await node(), await node()]
    const a = client([one.url, two.url])
    const b = client(two.url)
    await a.join('failover-room')
    const aUp = nextEvent(a, 'connection-state', (e) => e.state === 'connected', 20_000)
    const bUp = nextEvent(b, 'connection-state', (e) => e.state === 'connected', 20_000)
    await b.join('failover-room')
    await Promise.all([aUp, bUp])
    const id = a.peerId
    const connection = a.peers.get(b.peerId ?? '')?.rawConnection
    const lost: string[] = []
    b.on('peer-left', (peer) => lost.push(peer.id))
    const resumed = nextEvent(a, 'resumed', undefined, 15_000)

    await one.close()
    servers.splice(servers.indexOf(one), 1)
    const [event] = await resumed
    expect(event.sameSession).toBe(true)
    expect(a.peerId).toBe(id)
    expect(a.peers.get(b.peerId ?? '')?.rawConnection).toBe(connection)
    expect(connection?.connectionState).toBe('connected')
    // Two's view: A is its own peer now, and nobody was told A left.
    expect(((await (await fetch(`${two.httpUrl}/healthz`)).json()) as { peers: number }).peers).toBe(2)
    expect(lost).toEqual([])
  })
})
