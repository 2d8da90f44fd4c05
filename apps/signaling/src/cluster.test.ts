// Cluster mode against a real redis-server: two nodes (in-process, or a child process where one
// must die), real ws clients. Heartbeat and grace periods are short so that the suite stays fast.
import { setTimeout as sleep } from 'node:timers/promises'
import { CLOSE_CODES } from '@peerlane/protocol'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import { parseCliArgs } from './cli-args.js'
import type { SignalingConfig } from './config.js'
import { connect, startServer, type TestClient } from './test-support/client.js'
import { CLUSTER_SECRET as SECRET, GRACE_MS, HEARTBEAT_MS, clusterNode, clusterNodeArgs, drop, join, readiness } from './test-support/cluster.js'
import { startRedis, type TestRedis } from './test-support/redis.js'
import { spawnServer } from './test-support/spawned-server.js'

const AUTH_SECRET = 'an-auth-secret-of-at-least-32-characters!'
const OFFER = { type: 'offer', sdp: { type: 'offer', sdp: 'v=0\r\n' } }

let redis: TestRedis
let room = 0
const nextRoom = (): string => `room-${++room}`

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis.stop()
})

const node = (config: SignalingConfig = {}) => clusterNode(redis.url, config)

describe('cluster mode configuration', () => {
  it('is set by --redis-url or PEERLANE_REDIS_URL', () => {
    expect(parseCliArgs(['--redis-url', 'redis://10.0.0.5:6379'], {})).toMatchObject({ ok: true, options: { settings: { redisUrl: 'redis://10.0.0.5:6379' } } })
    expect(parseCliArgs([], { PEERLANE_REDIS_URL: 'rediss://redis.internal:6380' })).toMatchObject({ ok: true, options: { settings: { redisUrl: 'rediss://redis.internal:6380' } } })
  })

  it('refuses to start without a shared resume secret, or with a URL that is not redis://', async () => {
    await expect(startServer({ redisUrl: redis.url })).rejects.toMatchObject({ code: 'PEERLANE_ERR_CONFIG', field: 'resumeSecret' })
    await expect(startServer({ redisUrl: 'http://127.0.0.1:6379', resumeSecret: SECRET })).rejects.toMatchObject({ code: 'PEERLANE_ERR_CONFIG', field: 'redisUrl' })
  })
})

describe('cluster mode', () => {
  it('shows the same room, with names, on both nodes, and reports joins and leaves across them', async () => {
    const [one, two] = [await node(), await node()]
    const r = nextRoom()
    const ada = await join(one.url, r, { name: 'Ada' })
    const bob = await join(two.url, r, { name: 'Bob' })
    expect(bob.welcome.peers).toEqual([{ peerId: ada.peerId, name: 'Ada' }])
    expect(await ada.client.nextOfType('peer-joined')).toEqual({ type: 'peer-joined', peer: { peerId: bob.peerId, name: 'Bob' } })
    const cy = await join(one.url, r, { name: 'Cy' })
    expect(new Set(cy.welcome.peers)).toEqual(new Set([{ peerId: ada.peerId, name: 'Ada' }, { peerId: bob.peerId, name: 'Bob' }]))
    expect(await bob.client.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: cy.peerId, name: 'Cy' } })
    bob.client.send({ type: 'leave' })
    for (const peer of [ada, cy]) expect(await peer.client.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: bob.peerId, reason: 'left' })
    // Rooms and peers per node: the other node's peers are not counted here.
    const health = (await (await fetch(`${one.httpUrl}/healthz`)).json()) as { peers: number }
    expect(health.peers).toBe(2)
  })

  it('relays offers and candidates between nodes, stamped with the sender id by its own node', async () => {
    const [one, two] = [await node({ metricsPublic: true }), await node()]
    const r = nextRoom()
    const ada = await join(one.url, r)
    const bob = await join(two.url, r)
    await ada.client.nextOfType('peer-joined')
    ada.client.send({ ...OFFER, to: bob.peerId, from: 'forged' })
    expect(await bob.client.nextOfType('offer')).toEqual({ ...OFFER, from: ada.peerId })
    bob.client.send({ type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' } })
    expect(await ada.client.nextOfType('candidate')).toMatchObject({ from: bob.peerId, candidate: { sdpMid: '0' } })
    // The frame crosses Redis as spliced on the sender's node: byte for byte what a peer there gets.
    const cy = await join(one.url, r)
    await bob.client.nextOfType('peer-joined')
    const raw = (client: TestClient) => new Promise<string>((resolve) => client.ws.once('message', (data) => resolve(data.toString())))
    const [atBob, atCy] = [raw(bob.client), raw(cy.client)]
    ada.client.send('{"candidate":{"sdpMid":"0","candidate":"candidate:2 1 udp 1 127.0.0.1 9 typ host"},"type":"candidate","from":"x"}')
    const expected = `{"candidate":{"sdpMid":"0","candidate":"candidate:2 1 udp 1 127.0.0.1 9 typ host"},"type":"candidate","from":"${ada.peerId}"}`
    expect(await atBob).toBe(expected)
    expect(await atCy).toBe(expected)
    // A client cannot address a peer of another room through the cluster either.
    const eve = await join(two.url, nextRoom())
    eve.client.send({ ...OFFER, to: ada.peerId })
    expect(await eve.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer' })
    const metrics = await (await fetch(`${one.httpUrl}/metrics`)).text()
    expect(metrics).toMatch(/peerlane_signaling_cross_node_messages_total\{direction="out"\} [1-9]/)
    expect(metrics).toMatch(/peerlane_signaling_pubsub_lag_seconds_count [1-9]/)
    expect(metrics).toMatch(/peerlane_signaling_cluster_degraded 0/)
  })

  it('holds maxPeersPerRoom across nodes under concurrent joins', async () => {
    const nodes = [await node({ maxPeersPerRoom: 4 }), await node({ maxPeersPerRoom: 4 })]
    const r = nextRoom()
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => connect((nodes[i % 2] as { url: string }).url)))
    for (const client of clients) client.send({ type: 'join', room: r })
    const outcomes = await Promise.all(clients.map((client) => client.next((m) => m.type === 'welcome' || m.type === 'error')))
    expect(outcomes.filter((m) => m.type === 'welcome')).toHaveLength(4)
    expect(outcomes.filter((m) => m.type === 'error').map((m) => m.code)).toEqual(Array(16).fill('room-full'))
  })

  it('applies the duplicate-identity policy across nodes', async () => {
    const [one, two] = [await node({ authSecret: AUTH_SECRET }), await node({ authSecret: AUTH_SECRET })]
    const r = nextRoom()
    const token = await mintToken({ secret: AUTH_SECRET, room: r, identity: 'ada', ttlSeconds: 60 })
    const watcher = await join(one.url, r, { token: await mintToken({ secret: AUTH_SECRET, room: r, identity: 'bob', ttlSeconds: 60 }) })
    const first = await join(one.url, r, { token })
    await watcher.client.nextOfType('peer-joined')
    const second = await join(two.url, r, { token })
    expect(second.peerId).not.toBe(first.peerId)
    expect((await first.client.closed).code).toBe(CLOSE_CODES.replaced)
    expect(await watcher.client.nextOfType('peer-left')).toEqual({ type: 'peer-left', peerId: first.peerId, reason: 'replaced' })
    expect(await watcher.client.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: second.peerId } })

    const [three, four] = [await node({ authSecret: AUTH_SECRET, duplicateIdentity: 'reject' }), await node({ authSecret: AUTH_SECRET, duplicateIdentity: 'reject' })]
    const r2 = nextRoom()
    const held = await join(three.url, r2, { token: await mintToken({ secret: AUTH_SECRET, room: r2, identity: 'ada', ttlSeconds: 60 }) })
    const again = await connect(four.url)
    again.send({ type: 'join', room: r2, token: await mintToken({ secret: AUTH_SECRET, room: r2, identity: 'ada', ttlSeconds: 60 }) })
    expect(await again.nextOfType('error')).toMatchObject({ code: 'identity-in-use' })
    expect(await held.client.sync()).toEqual([])
  })

  it('resumes a session on another node, with the frames queued for it while it was away', async () => {
    const [one, two] = [await node(), await node()]
    const r = nextRoom()
    const ada = await join(one.url, r)
    const bob = await join(two.url, r, { name: 'Bob' })
    await ada.client.nextOfType('peer-joined')
    await drop(bob.client)
    ada.client.send({ ...OFFER, to: bob.peerId })
    ada.client.send({ type: 'candidate', to: bob.peerId, candidate: null })
    expect(await ada.client.sync()).toEqual([])
    await sleep(50) // the frames cross to node two and wait in its queue
    const back = await join(one.url, r, { resumeToken: bob.welcome.resumeToken })
    expect(back.welcome).toMatchObject({ peerId: bob.peerId, resumed: true, peers: [{ peerId: ada.peerId }] })
    expect(back.welcome.queueOverflowed).toBeUndefined()
    expect(await back.client.next()).toMatchObject({ type: 'offer', from: ada.peerId })
    expect(await back.client.next()).toMatchObject({ type: 'candidate', from: ada.peerId, candidate: null })
    // The room saw nothing: no peer-left, no second peer-joined; relaying now stays on node one.
    expect(await ada.client.sync()).toEqual([])
    back.client.send({ type: 'answer', to: ada.peerId, sdp: { type: 'answer', sdp: 'v=0\r\n' } })
    expect(await ada.client.nextOfType('answer')).toMatchObject({ from: bob.peerId })
    await sleep(GRACE_MS + 100)
    expect(await ada.client.sync()).toEqual([])
  })

  it('keeps a leave revoked on every node', async () => {
    const [one, two] = [await node(), await node()]
    const r = nextRoom()
    const stay = await join(two.url, r)
    const ada = await join(one.url, r)
    ada.client.send({ type: 'leave' })
    await stay.client.nextOfType('peer-left')
    const back = await join(two.url, r, { resumeToken: ada.welcome.resumeToken })
    expect(back.peerId).not.toBe(ada.peerId)
    expect(back.welcome.resumed).toBeUndefined()
  })

  it('keeps the cluster-wide revocations within maxRevokedResumeTokens', async () => {
    const one = await node({ maxRevokedResumeTokens: 2 })
    const r = nextRoom()
    for (let i = 0; i < 4; i++) {
      const peer = await join(one.url, r)
      peer.client.send({ type: 'leave' })
      await peer.client.sync()
    }
    const inspector = new Redis(redis.url)
    try {
      await expect.poll(() => inspector.zcard('peerlane:revoked')).toBe(2)
    } finally {
      inspector.disconnect()
    }
  })

  it('reports the peers of a node that died as left once the grace period is over, except those that resumed elsewhere', { timeout: 90_000 }, async () => {
    const survivor = await node()
    const doomed = await spawnServer(clusterNodeArgs(redis.url), {}, 60_000)
    try {
      await readiness(doomed.httpUrl, 200)
      const r = nextRoom()
      const ada = await join(survivor.url, r)
      const bob = await join(doomed.url, r)
      const cy = await join(doomed.url, r)
      await ada.client.nextOfType('peer-joined')
      await ada.client.nextOfType('peer-joined')
      doomed.child.kill('SIGKILL')
      await doomed.exited
      const killedAt = Date.now()
      // Cy comes back through the survivor under the same id; what its dead node queued is lost.
      const back = await join(survivor.url, r, { resumeToken: cy.welcome.resumeToken })
      expect(back.welcome).toMatchObject({ peerId: cy.peerId, resumed: true, queueOverflowed: true })
      expect(await ada.client.nextOfType('peer-left', 5_000)).toEqual({ type: 'peer-left', peerId: bob.peerId, reason: 'disconnected' })
      // Not before its liveness key expired and the grace period ran.
      expect(Date.now() - killedAt).toBeGreaterThanOrEqual(GRACE_MS)
      await sleep(GRACE_MS + HEARTBEAT_MS * 4)
      expect(await ada.client.sync()).toEqual([])
      ada.client.send({ ...OFFER, to: cy.peerId })
      expect(await back.client.nextOfType('offer')).toMatchObject({ from: ada.peerId })
      // Redis forgot Bob too: a newcomer is told of Ada and Cy only.
      const dee = await join(survivor.url, r)
      expect(dee.welcome.peers.map((p) => p.peerId).sort()).toEqual([ada.peerId, cy.peerId].sort())
    } finally {
      doomed.child.kill('SIGKILL')
    }
  })

  it('starts without a reachable Redis, degraded, and serves joins on its own', async () => {
    const lonely = await startServer({ redisUrl: 'redis://127.0.0.1:1', resumeSecret: SECRET, clusterHeartbeatMs: HEARTBEAT_MS })
    expect(await readiness(lonely.httpUrl, 503)).toEqual({ status: 'degraded' })
    const r = nextRoom()
    const ada = await join(lonely.url, r)
    const bob = await join(lonely.url, r)
    bob.client.send({ ...OFFER, to: ada.peerId })
    expect(await ada.client.nextOfType('offer')).toMatchObject({ from: bob.peerId })
  })

  it('treats a Redis that stops answering as unreachable: degraded, joins admitted alone, then ready again', { timeout: 30_000 }, async () => {
    const one = await node()
    const r = nextRoom()
    const ada = await join(one.url, r)
    redis.pause()
    try {
      expect(await readiness(one.httpUrl, 503)).toEqual({ status: 'degraded' })
      const bob = await join(one.url, r)
      expect(bob.welcome.peers).toEqual([{ peerId: ada.peerId }])
    } finally {
      redis.resume()
    }
    await readiness(one.httpUrl, 200)
    const cy = await join(one.url, r)
    expect(cy.welcome.peers).toHaveLength(2)
  })

  it('stays up without Redis, reports degraded, serves its own peers, and recovers when Redis returns', async () => {
    const [one, two] = [await node({ metricsPublic: true }), await node()]
    const r = nextRoom()
    const ada = await join(one.url, r)
    const bob = await join(two.url, r)
    const cy = await join(one.url, r)
    await ada.client.nextOfType('peer-joined')
    await ada.client.nextOfType('peer-joined')
    await redis.kill()
    expect(await readiness(one.httpUrl, 503)).toEqual({ status: 'degraded' })
    expect(await readiness(two.httpUrl, 503)).toEqual({ status: 'degraded' })
    expect(await (await fetch(`${one.httpUrl}/metrics`)).text()).toMatch(/peerlane_signaling_cluster_degraded 1/)
    // Peers on the same node still reach each other.
    ada.client.send({ ...OFFER, to: cy.peerId })
    expect(await cy.client.nextOfType('offer')).toMatchObject({ from: ada.peerId })
    // A join meanwhile is admitted by the node alone.
    const dee = await join(two.url, r)

    await redis.restart()
    await readiness(one.httpUrl, 200)
    await readiness(two.httpUrl, 200)
    // Reconciled: Ada learns of Dee, who joined while Redis was away, and relaying crosses nodes again.
    expect(await ada.client.nextOfType('peer-joined')).toMatchObject({ peer: { peerId: dee.peerId } })
    ada.client.send({ ...OFFER, to: bob.peerId })
    expect(await bob.client.nextOfType('offer')).toMatchObject({ from: ada.peerId })
    // Nobody was reported gone: the restarted Redis was re-populated by the nodes.
    await sleep(HEARTBEAT_MS * 4)
    expect((await bob.client.sync()).filter((m) => m.type === 'peer-left')).toEqual([])
    const eve = await join(one.url, r)
    expect(eve.welcome.peers.map((p) => p.peerId).sort()).toEqual([ada.peerId, bob.peerId, cy.peerId, dee.peerId].sort())
  })
})
