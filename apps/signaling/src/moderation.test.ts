// Hosts, the waiting room and host actions, over a real server and real sockets.
import { CLOSE_CODES } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'
import { mintToken } from './auth.js'
import { connect, startServer, type TestClient } from './test-support/client.js'
import { knock, roomState } from './test-support/moderation.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'

interface Joined {
  readonly client: TestClient
  readonly peerId: string
  readonly resumeToken: string
}

async function join(url: string, room: string, extra: Record<string, unknown> = {}): Promise<Joined> {
  const client = await connect(url)
  client.send({ type: 'join', room, ...extra })
  const welcome = await client.nextOfType('welcome')
  return { client, peerId: welcome.peerId, resumeToken: welcome.resumeToken ?? '' }
}

/** A locked room with its host `ada` and a member `bob` (open mode). */
async function lockedRoom(url: string) {
  const ada = await join(url, 'r', { name: 'Ada' })
  const bob = await join(url, 'r', { name: 'Bob' })
  ada.client.send({ type: 'lock', locked: true })
  await roomState(ada.client, (s) => s.locked)
  await roomState(bob.client, (s) => s.locked)
  await ada.client.nextOfType('peer-joined')
  return { ada, bob }
}

const tokenFor = (identity: string, capabilities?: string[]) =>
  mintToken({ secret: SECRET, room: 'r', identity, ttlSeconds: 60, ...(capabilities ? { capabilities: capabilities as never } : {}) })

describe('hosts', () => {
  it('makes the first member of an open room its host and tells every joiner after its welcome', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    expect(await roomState(ada.client)).toEqual({ type: 'room-state', locked: false, hosts: [ada.peerId], waiting: [] })
    expect(ada.client.received.map((m) => m.type)).toEqual(['welcome', 'room-state'])
    const bob = await join(server.url, 'r')
    expect(await roomState(bob.client)).toEqual({ type: 'room-state', locked: false, hosts: [ada.peerId] })
    expect(bob.client.received.map((m) => m.type)).toEqual(['welcome', 'room-state'])
  })

  it('passes the role to the longest-present member when the last host leaves', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    const carol = await join(server.url, 'r')
    ada.client.send({ type: 'leave' })
    for (const { client } of [bob, carol]) expect(await roomState(client, (s) => !s.hosts.includes(ada.peerId))).toMatchObject({ hosts: [bob.peerId] })
    // The new host can act: its lock reaches everyone.
    bob.client.send({ type: 'lock', locked: true })
    expect(await roomState(carol.client, (s) => s.locked)).toEqual({ type: 'room-state', locked: true, hosts: [bob.peerId] })
  })

  it('hands the role on with make-host: a host by arrival gives its own up', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    ada.client.send({ type: 'make-host', peer: bob.peerId })
    expect(await roomState(bob.client, (s) => s.hosts.includes(bob.peerId))).toMatchObject({ hosts: [bob.peerId] })
    ada.client.send({ type: 'lock', locked: true })
    expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: 'lock' })
  })

  it('in token mode, makes room-admin sessions hosts; a room-admin keeps its role when it makes another host', async () => {
    const server = await startServer({ authSecret: SECRET })
    const member = await join(server.url, 'r', { token: await tokenFor('member') })
    expect(await roomState(member.client)).toEqual({ type: 'room-state', locked: false, hosts: [] })
    member.client.send({ type: 'lock', locked: true })
    expect(await member.client.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: 'lock' })
    const admin = await join(server.url, 'r', { token: await tokenFor('admin', ['room-admin']) })
    expect(await roomState(member.client, (s) => s.hosts.length > 0)).toMatchObject({ hosts: [admin.peerId] })
    admin.client.send({ type: 'make-host', peer: member.peerId })
    expect(await roomState(member.client, (s) => s.hosts.length === 2)).toMatchObject({ hosts: [admin.peerId, member.peerId] })
    // No inheritance in token mode: when the admin leaves, the host it made stays the only one.
    admin.client.send({ type: 'leave' })
    expect(await roomState(member.client, (s) => s.hosts.length === 1)).toMatchObject({ hosts: [member.peerId] })
  })

  it('refuses every host action from a member who is not a host, with not-permitted and the type as ref', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    await ada.client.sync()
    for (const message of [
      { type: 'lock', locked: true },
      { type: 'admit', peer: ada.peerId },
      { type: 'deny', peer: ada.peerId },
      { type: 'remove', peer: ada.peerId },
      { type: 'ask-mute', peer: ada.peerId },
      { type: 'make-host', peer: bob.peerId },
    ]) {
      bob.client.send(message)
      expect(await bob.client.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: message.type })
    }
    // None had an effect: Ada heard nothing, and is still in the room.
    expect(await ada.client.sync()).toEqual([])
    expect(ada.client.received.filter((m) => m.type === 'room-state')).toHaveLength(1)
  })
})

describe('waiting room', () => {
  it('keeps a newcomer waiting and blind while the room lives, then admits it into a working call', async () => {
    const server = await startServer()
    const { ada, bob } = await lockedRoom(server.url)
    const carol = await knock(server.url, 'r', { name: 'Carol' })
    expect(carol.client.received).toEqual([{ type: 'waiting', peerId: carol.peerId, timeoutMs: 120_000 }])
    expect(await ada.client.nextOfType('knock')).toEqual({ type: 'knock', peer: { peerId: carol.peerId, name: 'Carol' } })
    expect(await roomState(ada.client, (s) => (s.waiting?.length ?? 0) > 0)).toMatchObject({ waiting: [{ peerId: carol.peerId, name: 'Carol' }] })

    // The room lives on: relays, a broadcast, a newcomer who leaves again.
    bob.client.send({ type: 'offer', to: ada.peerId, sdp: { type: 'offer', sdp: 'v=0\r\n' } })
    await ada.client.nextOfType('offer')
    ada.client.send({ type: 'candidate', candidate: null })
    await bob.client.nextOfType('candidate')
    const dan = await knock(server.url, 'r')
    ada.client.send({ type: 'admit', peer: dan.peerId })
    await dan.client.nextOfType('welcome')
    dan.client.send({ type: 'leave' })
    await bob.client.nextOfType('peer-left')
    await bob.client.nextOfType('peer-joined')
    // Whatever Carol sends but leave and ping is refused and reaches nobody.
    for (const message of [
      { type: 'offer', sdp: { type: 'offer', sdp: 'v=0\r\n' } },
      { type: 'candidate', to: ada.peerId, candidate: null },
      { type: 'lock', locked: false },
      { type: 'ask-mute', peer: ada.peerId },
    ]) {
      carol.client.send(message)
      expect(await carol.client.nextOfType('error')).toMatchObject({ code: 'not-in-room', ref: message.type })
    }
    carol.client.send({ type: 'join', room: 'r' })
    expect(await carol.client.nextOfType('error')).toMatchObject({ code: 'already-joined', ref: 'join' })
    expect(await carol.client.sync()).toEqual([])
    expect(carol.client.received.filter((m) => m.type !== 'error' && m.type !== 'pong')).toEqual([{ type: 'waiting', peerId: carol.peerId, timeoutMs: 120_000 }])
    expect((await bob.client.sync()).filter((m) => m.type === 'offer' || m.type === 'candidate')).toEqual([])

    ada.client.send({ type: 'admit', peer: carol.peerId })
    const welcome = await carol.client.nextOfType('welcome')
    expect(welcome).toMatchObject({ peerId: carol.peerId, peers: [{ peerId: ada.peerId, name: 'Ada' }, { peerId: bob.peerId, name: 'Bob' }] })
    expect(welcome.resumeToken).toEqual(expect.any(String))
    expect(await roomState(carol.client)).toEqual({ type: 'room-state', locked: true, hosts: [ada.peerId] })
    expect(await ada.client.next((m) => m.type === 'knock-ended' && m.peerId === carol.peerId)).toEqual({
      type: 'knock-ended',
      peerId: carol.peerId,
      outcome: 'admitted',
      by: ada.peerId,
    })
    expect(await bob.client.nextOfType('peer-joined')).toEqual({ type: 'peer-joined', peer: { peerId: carol.peerId, name: 'Carol' } })
    carol.client.send({ type: 'offer', to: bob.peerId, sdp: { type: 'offer', sdp: 'v=0\r\n' } })
    expect(await bob.client.nextOfType('offer')).toMatchObject({ from: carol.peerId })
  })

  it('turns a denied knock away with denied, back in the lobby, where it may knock again', async () => {
    const server = await startServer()
    const { ada } = await lockedRoom(server.url)
    const carol = await knock(server.url, 'r')
    ada.client.send({ type: 'deny', peer: carol.peerId })
    expect(await carol.client.nextOfType('error')).toMatchObject({ code: 'denied', ref: 'join' })
    expect(await ada.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: carol.peerId, outcome: 'denied', by: ada.peerId })
    // Its old peer id is gone: admitting it now finds nobody.
    ada.client.send({ type: 'admit', peer: carol.peerId })
    expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/peer', ref: 'admit' })
    carol.client.send({ type: 'join', room: 'r' })
    expect(await carol.client.nextOfType('waiting')).toMatchObject({ peerId: expect.not.stringMatching(carol.peerId) })
  })

  it('ends an unanswered knock with knock-timeout', async () => {
    const server = await startServer({ knockTimeoutMs: 100 })
    const { ada } = await lockedRoom(server.url)
    const carol = await knock(server.url, 'r')
    expect(carol.client.received[0]).toMatchObject({ type: 'waiting', timeoutMs: 100 })
    expect(await carol.client.nextOfType('error')).toMatchObject({ code: 'knock-timeout', ref: 'join' })
    expect(await ada.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: carol.peerId, outcome: 'timed-out' })
    expect(await roomState(ada.client, (s) => s.waiting?.length === 0)).toMatchObject({ waiting: [] })
  })

  it('tells the hosts when a knocker leaves or its socket closes', async () => {
    const server = await startServer()
    const { ada } = await lockedRoom(server.url)
    const carol = await knock(server.url, 'r')
    const dan = await knock(server.url, 'r')
    carol.client.send({ type: 'leave' })
    expect(await ada.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: carol.peerId, outcome: 'left' })
    dan.client.ws.close()
    expect(await ada.client.nextOfType('knock-ended')).toEqual({ type: 'knock-ended', peerId: dan.peerId, outcome: 'left' })
  })

  it('bounds the waiting list (room-full past maxWaitingPerRoom) and still enforces room-full on admission', async () => {
    const server = await startServer({ maxWaitingPerRoom: 1, maxPeersPerRoom: 2 })
    const { ada } = await lockedRoom(server.url)
    const carol = await knock(server.url, 'r')
    const dan = await connect(server.url)
    dan.send({ type: 'join', room: 'r' })
    expect(await dan.nextOfType('error')).toMatchObject({ code: 'room-full', ref: 'join' })
    ada.client.send({ type: 'admit', peer: carol.peerId })
    expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'room-full', ref: 'admit' })
    // Carol still waits: nothing reached her.
    expect(await carol.client.sync()).toEqual([])
  })

  it('charges denied and withdrawn knocks to the join budget', async () => {
    const server = await startServer({ joinFailuresPerIpPerMinute: 3 })
    const ada = await join(server.url, 'r')
    ada.client.send({ type: 'lock', locked: true })
    await roomState(ada.client, (s) => s.locked)
    // Creating the room cost one join already; a withdrawn and a denied knock spend the rest.
    const quitter = await knock(server.url, 'r')
    quitter.client.send({ type: 'leave' })
    await ada.client.nextOfType('knock-ended')
    const carol = await knock(server.url, 'r')
    ada.client.send({ type: 'deny', peer: carol.peerId })
    await carol.client.nextOfType('error')
    carol.client.send({ type: 'join', room: 'r' })
    expect(await carol.client.nextOfType('error')).toMatchObject({ code: 'too-many-joins', ref: 'join' })
  })

  it('with lockRooms, new rooms start locked: the first member (host) goes in, the next one knocks', async () => {
    const server = await startServer({ lockRooms: true })
    const ada = await join(server.url, 'r')
    expect(await roomState(ada.client)).toMatchObject({ locked: true, hosts: [ada.peerId] })
    const bob = await knock(server.url, 'r')
    expect(await ada.client.nextOfType('knock')).toMatchObject({ peer: { peerId: bob.peerId } })
  })

  it('in token mode, a locked room with no host keeps knocks waiting for a room-admin, who goes straight in', async () => {
    const server = await startServer({ authSecret: SECRET, lockRooms: true })
    const bob = await knock(server.url, 'r', { token: await tokenFor('bob') })
    const admin = await join(server.url, 'r', { token: await tokenFor('admin', ['room-admin']) })
    expect(await roomState(admin.client)).toEqual({ type: 'room-state', locked: true, hosts: [admin.peerId], waiting: [{ peerId: bob.peerId }] })
    admin.client.send({ type: 'admit', peer: bob.peerId })
    expect(await bob.client.nextOfType('welcome')).toMatchObject({ peerId: bob.peerId, capabilities: ['publish-audio', 'publish-video', 'share-screen', 'send-files'] })
  })

  it('never sends room-state to a tutorial client (it gets no welcome), not even when it inherits the host role', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const tutorial = await connect(`${server.url}/?room=r`)
    tutorial.send({ type: 'offer', sdp: 'v=0\r\n' })
    const { peer } = await ada.client.nextOfType('peer-joined')
    const bob = await join(server.url, 'r')
    ada.client.send({ type: 'leave' })
    expect(await roomState(bob.client, (s) => s.hosts.includes(peer.peerId))).toMatchObject({ hosts: [peer.peerId] })
    await tutorial.sync()
    expect(tutorial.received.filter((m) => m.type === 'room-state')).toEqual([])
  })

  it('keeps a tutorial client that relays without join out of a locked room', async () => {
    const server = await startServer()
    const { ada } = await lockedRoom(server.url)
    const lurker = await connect(`${server.url}/?room=r`)
    // A lobby listener hears nothing of the locked room's members either.
    ada.client.send({ type: 'candidate', candidate: null })
    lurker.send({ type: 'offer', sdp: 'v=0\r\n' })
    expect(await lurker.nextOfType('error')).toMatchObject({ code: 'not-permitted', ref: 'offer' })
    expect(await lurker.sync()).toEqual([])
  })
})

describe('host actions', () => {
  it('removes a member: its socket closes with 4004, the room hears removedBy, and its resume token is dead', async () => {
    const server = await startServer({ resumeGraceMs: 5_000 })
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    const carol = await join(server.url, 'r')
    ada.client.send({ type: 'remove', peer: bob.peerId })
    expect(await bob.client.closed).toMatchObject({ code: CLOSE_CODES.removed })
    const left = { type: 'peer-left', peerId: bob.peerId, reason: 'left', removedBy: ada.peerId }
    expect(await carol.client.nextOfType('peer-left')).toEqual(left)
    expect(await ada.client.nextOfType('peer-left')).toEqual(left)
    const back = await join(server.url, 'r', { resumeToken: bob.resumeToken })
    expect(back.peerId).not.toBe(bob.peerId)
    expect(back.client.received[0]).not.toHaveProperty('resumed')
  })

  it('passes the host role on when a host is removed by another (token mode: its admin)', async () => {
    const server = await startServer({ authSecret: SECRET })
    const admin = await join(server.url, 'r', { token: await tokenFor('admin', ['room-admin']) })
    const other = await join(server.url, 'r', { token: await tokenFor('other', ['room-admin']) })
    admin.client.send({ type: 'remove', peer: other.peerId })
    expect(await other.client.closed).toMatchObject({ code: CLOSE_CODES.removed })
    expect(await roomState(admin.client, (s) => s.hosts.length === 1)).toMatchObject({ hosts: [admin.peerId] })
  })

  it('delivers ask-mute to its target only', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const bob = await join(server.url, 'r')
    const carol = await join(server.url, 'r')
    ada.client.send({ type: 'ask-mute', peer: bob.peerId })
    expect(await bob.client.nextOfType('mute-requested')).toEqual({ type: 'mute-requested', from: ada.peerId })
    expect((await carol.client.sync()).filter((m) => m.type === 'mute-requested')).toEqual([])
  })

  it('answers a host action on an unknown peer (or itself) with unknown-peer at /peer', async () => {
    const server = await startServer()
    const ada = await join(server.url, 'r')
    const elsewhere = await join(server.url, 'other-room')
    for (const type of ['admit', 'deny', 'remove', 'ask-mute', 'make-host']) {
      ada.client.send({ type, peer: elsewhere.peerId })
      expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/peer', ref: type })
    }
    for (const type of ['remove', 'ask-mute']) {
      ada.client.send({ type, peer: ada.peerId })
      expect(await ada.client.nextOfType('error')).toMatchObject({ code: 'unknown-peer', path: '/peer', ref: type })
    }
    expect(await elsewhere.client.sync()).toEqual([])
  })
})
