// SDK failover across the nodes of a signaling cluster: `url` lists two nodes sharing a real
// redis-server; the node holding A's socket closes, A reconnects to the other and resumes there.
import { spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient } from '../src/client.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

const SECRET = 'cluster-failover-test-secret'
let redis: ChildProcess
let redisUrl: string
const servers: SignalingServer[] = []
const clients: PeerlaneClient[] = []

beforeAll(async () => {
  const port = await freePort()
  redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  redisUrl = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error('redis-server did not start')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
})
afterAll(() => {
  redis.kill('SIGKILL')
})
afterEach(async () => {
  for (const client of clients.splice(0)) client.leave()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function node(): Promise<SignalingServer> {
  const server = await createSignalingServer({ port: 0, redisUrl, resumeSecret: SECRET, resumeGraceMs: 5_000, clusterHeartbeatMs: 200, shutdownTimeoutMs: 100 })
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}
