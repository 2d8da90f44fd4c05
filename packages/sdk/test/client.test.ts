import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient, type PeerlaneClientOptions } from '../src/client.js'
import { PeerlaneError } from '../src/errors.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

let server: SignalingServer
const clients: PeerlaneClient[] = []
let roomCounter = 0
const freshRoom = () => `sdk-test-${process.pid}-${++roomCounter}`

beforeAll(async () => {
  server = await createSignalingServer({ port: 0, host: '127.0.0.1', maxPeersPerRoom: 3, resumeGraceMs: 200 })
})
afterAll(() => server.close())
afterEach(() => {
  for (const client of clients.splice(0)) client.leave()
})

function makeClient(options: Partial<PeerlaneClientOptions> = {}): PeerlaneClient {
  const client = new PeerlaneClient({
    url: server.url,
    WebSocket,
    RTCPeerConnection: LoopbackPeerConnection,
    logLevel: 'silent',
    ...options,
  })
  clients.push(client)
  return client
}

describe('PeerlaneClient', () => {
  it('joins a room and learns its peer id', async () => {
    const client = makeClient()
    const states: string[] = []
    client.on('state', (state) => states.push(state))
    const room = freshRoom()
    const info = await client.join(room, { name: 'Ada' })
    expect(info.room).toBe(room)
    expect(info.peerId).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(info.peers).toEqual([])
    expect(client.peerId).toBe(info.peerId)
    expect(states).toEqual(['connecting', 'joined'])
  })

  it('sees peers already present and peers joining later, with names', async () => {
    const room = freshRoom()
    const first = makeClient()
    const firstInfo = await first.join(room, { name: 'first' })
    const joinedSeen = nextEvent(first, 'peer-joined')
    const second = makeClient()
    const secondInfo = await second.join(room, { name: 'second' })
    expect(secondInfo.peers.map((p) => [p.id, p.name])).toEqual([[firstInfo.peerId, 'first']])
    const [peer] = await joinedSeen
    expect([peer.id, peer.name]).toEqual([secondInfo.peerId, 'second'])
    expect([...first.peers.keys()]).toEqual([secondInfo.peerId])
  })

  it('rejects join with the server’s coded error', async () => {
    const client = makeClient()
    const error = await client.join('not a valid room!').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PeerlaneError)
    expect((error as PeerlaneError).code).toBe('invalid-message')
    expect(client.state).toBe('closed')
  })

  it('rejects join into a full room with room-full', async () => {
    const room = freshRoom()
    for (let i = 0; i < 3; i++) await makeClient().join(room)
    const error = await makeClient().join(room).catch((e: unknown) => e)
    expect((error as PeerlaneError).code).toBe('room-full')
  })

  it('fails with connection-failed when nothing listens', async () => {
    const client = makeClient({ url: 'ws://127.0.0.1:1' })
    const error = await client.join(freshRoom()).catch((e: unknown) => e)
    expect((error as PeerlaneError).code).toBe('connection-failed')
  })

  it('refuses a second join while joined', async () => {
    const client = makeClient()
    await client.join(freshRoom())
    const error = await client.join(freshRoom()).catch((e: unknown) => e)
    expect((error as PeerlaneError).code).toBe('invalid-state')
  })

  it('tells the others when a peer’s socket drops without a word (after the resume grace period)', async () => {
    const room = freshRoom()
    const stay = makeClient()
    await stay.join(room)
    const joined = nextEvent(stay, 'peer-joined')
    const raw = new WebSocket(server.url)
    await new Promise((resolve) => raw.once('open', resolve))
    raw.send(JSON.stringify({ type: 'join', room }))
    const [peer] = await joined
    const left = nextEvent(stay, 'peer-left')
    raw.terminate()
    const [gone, reason] = await left
    expect([gone.id, reason]).toEqual([peer.id, 'disconnected'])
  })

  it('tells the others when a peer leaves', async () => {
    const room = freshRoom()
    const stay = makeClient()
    await stay.join(room)
    const leaver = makeClient()
    const leaverInfo = await leaver.join(room)
    const left = nextEvent(stay, 'peer-left')
    leaver.leave()
    const [peer, reason] = await left
    expect([peer.id, reason]).toEqual([leaverInfo.peerId, 'left'])
    expect(stay.peers.size).toBe(0)
    expect(leaver.state).toBe('closed')
  })

  it('connects two Node peers over WebRTC through the server', async () => {
    const room = freshRoom()
    const a = makeClient()
    await a.join(room)
    const b = makeClient()
    const aConnected = nextEvent(a, 'connection-state', (e) => e.state === 'connected', 20_000)
    const bConnected = nextEvent(b, 'connection-state', (e) => e.state === 'connected', 20_000)
    const errors: PeerlaneError[] = []
    a.on('error', (e) => errors.push(e))
    b.on('error', (e) => errors.push(e))
    const bInfo = await b.join(room)
    const [[aEvent], [bEvent]] = await Promise.all([aConnected, bConnected])
    expect(aEvent.peer.id).toBe(bInfo.peerId)
    expect(bEvent.peer.id).toBe(a.peerId)
    expect(errors).toEqual([])
  }, 30_000)

  it('refuses to send an offer the protocol would reject, and rolls it back', async () => {
    const room = freshRoom()
    const a = makeClient()
    await a.join(room)
    const b = makeClient()
    const aConnected = nextEvent(a, 'connection-state', (e) => e.state === 'connected', 20_000)
    await b.join(room)
    const [[{ peer }]] = await Promise.all([aConnected])
    const failed = nextEvent(a, 'error', (e) => e.code === 'negotiation-failed', 20_000)
    for (let i = 0; i < 120; i++) peer.rawConnection.addTransceiver('audio', { direction: 'sendrecv' })
    const [error] = await failed
    expect(error.peerId).toBe(peer.id)
    expect(error.message).toMatch(/exceeds the protocol/)
    expect(peer.rawConnection.signalingState).toBe('stable')
  }, 30_000)
})
