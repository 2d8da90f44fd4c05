// Hosts, the waiting room and host actions across two cluster nodes on a real redis-server: the
// lock, the hosts and the knocks live in Redis, so what a host does through one node holds on
// the other, and every race between nodes ends a knock once.
import { setTimeout as sleep } from 'node:timers/promises'
import { CLOSE_CODES } from '@peerlane/protocol'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import type { SignalingConfig } from './config.js'
import { connect, type Received } from './test-support/client.js'
import { clusterNode, clusterNodeArgs, join, readiness } from './test-support/cluster.js'
import { knock, roomState } from './test-support/moderation.js'
import { startRedis, type TestRedis } from './test-support/redis.js'
import { spawnServer } from './test-support/spawned-server.js'

const AUTH_SECRET = 'an-auth-secret-of-at-least-32-characters!'
const OFFER = { type: 'offer', sdp: { type: 'offer', sdp: 'v=0\r\n' } }

let redis: TestRedis
let room = 0
const nextRoom = (): string => `mod-${++room}`

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis.stop()
})

const node = (config: SignalingConfig = {}) => clusterNode(redis.url, config)
const twoNodes = async (config: SignalingConfig = {}) => [await node(config), await node(config)] as const

/** `ada` (host, node one) locks `r`; `cy` (node two) is a member and sees the lock. */
async function lockedAcross(one: { url: string }, two: { url: string }, r: string) {
  const ada = await join(one.url, r, { name: 'Ada' })
  const cy = await join(two.url, r, { name: 'Cy' })
  await ada.client.nextOfType('peer-joined')
  ada.client.send({ type: 'lock', locked: true })
  expect(await roomState(cy.client, (s) => s.locked)).toEqual({ type: 'room-state', locked: true, hosts: [ada.peerId] })
  await roomState(ada.client, (s) => s.locked)
  return { ada, cy }
}

const ofType = (messages: readonly Received[], type: string) => messages.filter((m) => m.type === type)

describe('cluster moderation: the waiting room', () => {
  it('makes a join on node two wait, blind, behind a lock set through node one; a host there admits it into the call', async () => {
    const [one, two] = await twoNodes()
    const r = nextRoom()
    const { ada, cy } = await lockedAcross(one, two, r)
    const bob = await knock(two.url, r, { name: 'Bob' })
    expect(await ada.client.nextOfType('knock')).toEqual({ type: 'knock', peer: { peerId: bob.peerId, name: 'Bob' } })
    expect(await roomState(ada.client, (s) => (s.waiting?.length ?? 0) > 0)).toMatchObject({ waiting: [{ peerId: bob.peerId, name: 'Bob' }] })
    // The room lives on across both nodes; the waiting client hears none of it and reaches nobody.
    cy.client.send({ ...OFFER, to: ada.peerId })
    await ada.client.nextOfType('offer')
    ada.client.send({ type: 'candidate', candidate: null })
    await cy.client.nextOfType('candidate')
    bob.client.send(OFFER)
    expect(await bob.client.nextOfType('error')).toMatchObject({ code: 'not-in-room', ref: 'offer' })
    expect(await bob.client.sync()).toEqual([])
    expect(bob.client.received.filter((m) => m.type !== 'error' && m.type !== 'pong')).toEqual([{ type: 'waiting', peerId: bob.peerId, timeoutMs: 120_000 }])
    // Only hosts hear of knocks.
    expect(ofType(await cy.client.sync(), 'knock')).toEqual([])

    ada.client.send({ type: 'admit', peer: bob.peerId })
    const welcome = await bob.client.nextOfType('welcome')
    expect(welcome.peerId).toBe(bob.peerId)
    expect(new Set(welcome.peers)).toEqual(new Set([{ peerId: ada.peerId, name: 'Ada' }, { peerId: cy.peerId, name: 'Cy' }]))
    expect(await roomState(bob.client)).toEqual({ type: 'room-state', locked: true, hosts: [ada.peerId] })
    expect(await ada.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: bob.peerId, outcome: 'admitted', by: ada.peerId })
    for (const peer of [ada, cy]) expect(await peer.client.nextOfType('peer-joined')).toEqual({ type: 'peer-joined', peer: { peerId: bob.peerId, name: 'Bob' } })
    bob.client.send({ ...OFFER, to: ada.peerId })
    expect(await ada.client.nextOfType('offer')).toMatchObject({ from: bob.peerId })
  })

  it('runs --lock-rooms on every node: the first member anywhere is host, a joiner on the other node knocks', async () => {
    const [one, two] = await twoNodes({ lockRooms: true })
    const r = nextRoom()
    const ada = await join(one.url, r)
    expect(await roomState(ada.client)).toEqual({ type: 'room-state', locked: true, hosts: [ada.peerId], waiting: [] })
    const bob = await knock(two.url, r)
    expect(await ada.client.nextOfType('knock')).toEqual({ type: 'knock', peer: { peerId: bob.peerId } })
  })

  it('in token mode, keeps knocks from any node waiting in a hostless locked room until a room-admin arrives; bounds them cluster-wide', async () => {
    const [one, two] = await twoNodes({ authSecret: AUTH_SECRET, lockRooms: true, maxWaitingPerRoom: 1 })
    const r = nextRoom()
    const token = (identity: string, capabilities?: string[]) =>
      mintToken({ secret: AUTH_SECRET, room: r, identity, ttlSeconds: 60, ...(capabilities ? { capabilities: capabilities as never } : {}) })
    const bob = await knock(two.url, r, { token: await token('bob') })
    const extra = await connect(one.url)
    extra.send({ type: 'join', room: r, token: await token('extra') })
    expect(await extra.nextOfType('error')).toMatchObject({ code: 'room-full', ref: 'join' })
    const admin = await join(one.url, r, { token: await token('admin', ['room-admin']) })
    expect(await roomState(admin.client)).toEqual({ type: 'room-state', locked: true, hosts: [admin.peerId], waiting: [{ peerId: bob.peerId }] })
    admin.client.send({ type: 'admit', peer: bob.peerId })
    expect(await bob.client.nextOfType('welcome')).toMatchObject({ peerId: bob.peerId, peers: [{ peerId: admin.peerId }], capabilities: ['publish-audio', 'publish-video', 'share-screen', 'send-files'] })
  })

  it('turns a knock away with denied from a host on the other node; a knock withdrawn or closed ends once', async () => {
    const [one, two] = await twoNodes()
    const r = nextRoom()
    const { ada } = await lockedAcross(one, two, r)
    const bob = await knock(two.url, r)
    ada.client.send({ type: 'deny', peer: bob.peerId })
    expect(await bob.client.nextOfType('error')).toMatchObject({ code: 'denied', ref: 'join' })
    expect(await ada.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: bob.peerId, outcome: 'denied', by: ada.peerId })
    ada.client.send({ type: 'admit', peer: bob.peerId })
    expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/peer', ref: 'admit' })
    bob.client.send({ type: 'join', room: r })
    expect((await bob.client.nextOfType('waiting')).peerId).not.toBe(bob.peerId)

    const dan = await knock(two.url, r)
    const eve = await knock(two.url, r)
    dan.client.send({ type: 'leave' })
    eve.client.ws.close()
    await eve.client.closed
    const ended = [await ada.client.nextOfType('knock-ended'), await ada.client.nextOfType('knock-ended')]
    expect(new Set(ended)).toEqual(
      new Set([
        { type: 'knock-ended', peerId: dan.peerId, outcome: 'left' },
        { type: 'knock-ended', peerId: eve.peerId, outcome: 'left' },
      ]),
    )
    await sleep(100)
    expect(ofType(await ada.client.sync(), 'knock-ended')).toEqual([])
  })

  it('ends an unanswered knock with knock-timeout, once, and a late admit finds nobody', async () => {
    const [one, two] = await twoNodes({ knockTimeoutMs: 300 })
    const r = nextRoom()
    const { ada } = await lockedAcross(one, two, r)
    const bob = await knock(two.url, r)
    expect(await bob.client.nextOfType('error')).toMatchObject({ code: 'knock-timeout', ref: 'join' })
    expect(await ada.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: bob.peerId, outcome: 'timed-out' })
    ada.client.send({ type: 'admit', peer: bob.peerId })
    expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', ref: 'admit' })
    await sleep(400)
    expect(ofType(await ada.client.sync(), 'knock-ended')).toEqual([])
    expect(await bob.client.sync()).toEqual([])
  })

  it('settles answers racing on two nodes once: two admits, admit against deny, admit against the knocker leaving', async () => {
    const [one, two] = await twoNodes({ authSecret: AUTH_SECRET })
    const r = nextRoom()
    const token = (identity: string, capabilities?: string[]) =>
      mintToken({ secret: AUTH_SECRET, room: r, identity, ttlSeconds: 60, ...(capabilities ? { capabilities: capabilities as never } : {}) })
    const first = await join(one.url, r, { token: await token('first', ['room-admin']) })
    const second = await join(two.url, r, { token: await token('second', ['room-admin']) })
    // The other node's members hear of the new host after they heard it joined.
    await roomState(first.client, (s) => s.hosts.length === 2)
    const order = first.client.received.map((m) => (m.type === 'room-state' ? `hosts:${m.hosts.length}` : m.type))
    expect(order.indexOf('peer-joined')).toBeLessThan(order.indexOf('hosts:2'))
    expect(await roomState(second.client)).toEqual({ type: 'room-state', locked: false, hosts: [first.peerId, second.peerId], waiting: [] })
    first.client.send({ type: 'lock', locked: true })
    await roomState(second.client, (s) => s.locked)
    const hosts = [first, second]

    for (let round = 0; round < 3; round++) {
      const guest = await knock(round % 2 === 0 ? one.url : two.url, r, { token: await token(`guest-${round}`) })
      for (const host of hosts) host.client.send({ type: 'admit', peer: guest.peerId })
      await guest.client.nextOfType('welcome')
      const ended = await Promise.all(hosts.map((host) => host.client.nextOfType('knock-ended')))
      const by = ended[0]?.by
      expect(ended).toEqual(hosts.map(() => ({ type: 'knock-ended', peerId: guest.peerId, outcome: 'admitted', by })))
      const errors = (await Promise.all(hosts.map((host) => host.client.sync()))).flat().filter((m) => m.type === 'error')
      expect(errors).toEqual([expect.objectContaining({ code: 'unknown-peer', ref: 'admit' })])
      expect(ofType(await guest.client.sync(), 'welcome')).toEqual([])
    }

    const guest = await knock(two.url, r, { token: await token('guest-deny') })
    first.client.send({ type: 'admit', peer: guest.peerId })
    second.client.send({ type: 'deny', peer: guest.peerId })
    const outcome = await guest.client.next((m) => m.type === 'welcome' || m.type === 'error')
    const ended = await Promise.all(hosts.map((host) => host.client.nextOfType('knock-ended')))
    expect(new Set(ended.map((m) => m.outcome))).toEqual(new Set([outcome.type === 'welcome' ? 'admitted' : 'denied']))
    await sleep(100)
    expect((await guest.client.sync()).filter((m) => m.type === 'welcome' || m.type === 'error')).toEqual([])

    const quitter = await knock(two.url, r, { token: await token('guest-quit') })
    first.client.send({ type: 'admit', peer: quitter.peerId })
    quitter.client.send({ type: 'leave' })
    const [endedQuit] = await Promise.all(hosts.map((host) => host.client.nextOfType('knock-ended')))
    expect(endedQuit?.peerId).toBe(quitter.peerId)
    await sleep(200)
    for (const host of hosts) expect(ofType(await host.client.sync(), 'knock-ended')).toEqual([])
    // Admitted or not, the knocker that left is no member: no ghost stays behind in Redis.
    const late = await join(one.url, r, { token: await token('late-admin', ['room-admin']) })
    expect(late.welcome.peers.map((p) => p.peerId)).not.toContain(quitter.peerId)
  })
})

describe('cluster moderation: hosts', () => {
  it('makes exactly one host of concurrent first joins spread over two nodes', async () => {
    const [one, two] = await twoNodes()
    const r = nextRoom()
    const joins = await Promise.all(Array.from({ length: 8 }, (_, i) => join((i % 2 === 0 ? one : two).url, r)))
    const states = await Promise.all(joins.map((peer) => roomState(peer.client)))
    const hosts = new Set(states.map((state) => JSON.stringify(state.hosts)))
    expect(hosts.size).toBe(1)
    expect(states[0]?.hosts).toHaveLength(1)
  })

  it('passes the role to the longest-present member when the host on the other node leaves; make-host crosses nodes', async () => {
    const [one, two] = await twoNodes()
    const r = nextRoom()
    const ada = await join(one.url, r)
    const bob = await join(two.url, r)
    const cy = await join(one.url, r)
    ada.client.send({ type: 'leave' })
    for (const { client } of [bob, cy]) expect(await roomState(client, (s) => !s.hosts.includes(ada.peerId))).toMatchObject({ hosts: [bob.peerId] })
    // Every node tells a newcomer the same.
    const [dee, eve] = [await join(one.url, r), await join(two.url, r)]
    expect(await roomState(dee.client)).toEqual({ type: 'room-state', locked: false, hosts: [bob.peerId] })
    expect(await roomState(eve.client)).toEqual({ type: 'room-state', locked: false, hosts: [bob.peerId] })
    bob.client.send({ type: 'lock', locked: true })
    expect(await roomState(cy.client, (s) => s.locked)).toEqual({ type: 'room-state', locked: true, hosts: [bob.peerId] })
    // make-host from node two to a member on node one: the old host by arrival gives its role up.
    bob.client.send({ type: 'make-host', peer: cy.peerId })
    for (const { client } of [cy, dee, eve]) expect(await roomState(client, (s) => s.hosts.includes(cy.peerId))).toMatchObject({ hosts: [cy.peerId] })
    bob.client.send({ type: 'lock', locked: false })
    expect(await bob.client.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: 'lock' })
    cy.client.send({ type: 'lock', locked: false })
    expect(await roomState(eve.client, (s) => !s.locked)).toEqual({ type: 'room-state', locked: false, hosts: [cy.peerId] })
  })

  it('passes the role on when the host\'s node shuts down, once the grace period is over', async () => {
    const [survivor, stopped] = await twoNodes()
    const r = nextRoom()
    const ada = await join(stopped.url, r)
    const bob = await join(survivor.url, r)
    const cy = await join(survivor.url, r)
    expect(await roomState(cy.client)).toMatchObject({ hosts: [ada.peerId] })
    await stopped.close()
    expect(await bob.client.nextOfType('peer-left', 5_000)).toEqual({ type: 'peer-left', peerId: ada.peerId, reason: 'disconnected' })
    for (const { client } of [bob, cy]) expect(await roomState(client, (s) => s.hosts.includes(bob.peerId))).toMatchObject({ hosts: [bob.peerId] })
  })

  it('passes the role on when the host\'s node is killed, once its peers are reported gone; its knocks end', { timeout: 90_000 }, async () => {
    const survivor = await node()
    const doomed = await spawnServer(clusterNodeArgs(redis.url), {}, 60_000)
    try {
      await readiness(doomed.httpUrl, 200)
      const r = nextRoom()
      const ada = await join(doomed.url, r)
      const bob = await join(survivor.url, r)
      const cy = await join(survivor.url, r)
      expect(await roomState(cy.client)).toMatchObject({ hosts: [ada.peerId] })
      // Another room, whose host is on the survivor, has a knock waiting on the doomed node.
      const r2 = nextRoom()
      const dee = await join(survivor.url, r2)
      dee.client.send({ type: 'lock', locked: true })
      await roomState(dee.client, (s) => s.locked)
      const knocker = await knock(doomed.url, r2)
      await dee.client.nextOfType('knock')
      doomed.child.kill('SIGKILL')
      await doomed.exited
      expect(await bob.client.nextOfType('peer-left', 5_000)).toEqual({ type: 'peer-left', peerId: ada.peerId, reason: 'disconnected' })
      for (const { client } of [bob, cy]) expect(await roomState(client, (s) => s.hosts.includes(bob.peerId))).toMatchObject({ hosts: [bob.peerId] })
      bob.client.send({ type: 'lock', locked: true })
      expect(await roomState(cy.client, (s) => s.locked)).toEqual({ type: 'room-state', locked: true, hosts: [bob.peerId] })
      expect(await dee.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: knocker.peerId, outcome: 'left' })
      expect(await roomState(dee.client, (s) => s.waiting?.length === 0)).toMatchObject({ waiting: [] })
    } finally {
      doomed.child.kill('SIGKILL')
    }
  })
})

describe('cluster moderation: host actions', () => {
  it('removes a member held by the other node: 4004, removedBy on both nodes, and no node resumes it', async () => {
    const [one, two] = await twoNodes({ resumeGraceMs: 5_000 })
    const r = nextRoom()
    const ada = await join(one.url, r)
    const bob = await join(two.url, r)
    const cy = await join(one.url, r)
    const dee = await join(two.url, r)
    ada.client.send({ type: 'remove', peer: bob.peerId })
    expect(await bob.client.closed).toMatchObject({ code: CLOSE_CODES.removed })
    const left = { type: 'peer-left', peerId: bob.peerId, reason: 'left', removedBy: ada.peerId }
    for (const peer of [ada, cy, dee]) expect(await peer.client.nextOfType('peer-left')).toEqual(left)
    for (const url of [one.url, two.url]) {
      const back = await join(url, r, { resumeToken: bob.welcome.resumeToken })
      expect(back.peerId).not.toBe(bob.peerId)
      expect(back.welcome.resumed).toBeUndefined()
    }
    await sleep(100)
    for (const peer of [ada, cy, dee]) expect(ofType(await peer.client.sync(), 'peer-left')).toEqual([])
  })

  it('delivers ask-mute to its target on the other node only, and refuses host actions from members on any node', async () => {
    const [one, two] = await twoNodes()
    const r = nextRoom()
    const ada = await join(one.url, r)
    const bob = await join(two.url, r)
    const cy = await join(one.url, r)
    ada.client.send({ type: 'ask-mute', peer: bob.peerId })
    expect(await bob.client.nextOfType('mute-requested')).toEqual({ type: 'mute-requested', from: ada.peerId })
    expect(ofType(await cy.client.sync(), 'mute-requested')).toEqual([])
    for (const message of [
      { type: 'lock', locked: true },
      { type: 'remove', peer: ada.peerId },
      { type: 'make-host', peer: bob.peerId },
      { type: 'ask-mute', peer: ada.peerId },
    ]) {
      bob.client.send(message)
      expect(await bob.client.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: message.type })
    }
    ada.client.send({ type: 'remove', peer: ada.peerId })
    expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/peer', ref: 'remove' })
    expect(ofType(await ada.client.sync(), 'peer-left')).toEqual([])
  })
})

describe('cluster moderation: Redis restarted empty', () => {
  it('gets the lock and the hosts back from the nodes, and later changes still reach every node', { timeout: 30_000 }, async () => {
    const [one, two] = await twoNodes()
    const r = nextRoom()
    const { ada, cy } = await lockedAcross(one, two, r)
    // Versions the nodes have seen run ahead of what a restarted Redis would count from.
    for (let i = 0; i < 10; i++) {
      ada.client.send({ type: 'lock', locked: i % 2 === 1 })
      await roomState(cy.client, (s) => s.locked === (i % 2 === 1))
    }
    await redis.restart()
    await readiness(one.httpUrl, 200)
    await readiness(two.httpUrl, 200)
    await expect.poll(async () => (await knockOrJoin(two.url, r)).type).toBe('waiting')
    const seen = cy.client.received.length
    ada.client.send({ type: 'lock', locked: false })
    await expect.poll(() => ofType(cy.client.received.slice(seen), 'room-state').at(-1)).toEqual({ type: 'room-state', locked: false, hosts: [ada.peerId] })
  })
})

/** What a join of `room` through `url` gets first: `waiting` or `welcome` (the client leaves again). */
async function knockOrJoin(url: string, room: string): Promise<Received> {
  const client = await connect(url)
  client.send({ type: 'join', room })
  const answer = await client.next((m) => m.type === 'waiting' || m.type === 'welcome')
  client.send({ type: 'leave' })
  await client.sync()
  return answer
}
