// The room's moderation API against the real signaling server, with werift peers.
import { CLOSE_CODES } from '@peerlane/protocol/codec'
import { createSignalingServer, mintToken, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient, type PeerlaneClientOptions } from '../src/client.js'
import { PeerlaneError } from '../src/errors.js'
import { useFiles } from '../src/files.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
let open: SignalingServer
let guarded: SignalingServer
const clients: PeerlaneClient[] = []
let roomCounter = 0
const freshRoom = () => `moderation-${process.pid}-${++roomCounter}`

beforeAll(async () => {
  open = await createSignalingServer({ port: 0, host: '127.0.0.1', knockTimeoutMs: 1_000 })
  guarded = await createSignalingServer({ port: 0, host: '127.0.0.1', authSecret: SECRET })
})
afterAll(async () => {
  await open.close()
  await guarded.close()
})
afterEach(() => {
  for (const client of clients.splice(0)) client.leave()
})

function makeClient(server: SignalingServer = open, options: Partial<PeerlaneClientOptions> = {}): PeerlaneClient {
  const client = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent', ...options })
  clients.push(client)
  return client
}

/** A room whose host (the first member) has locked it. */
async function lockedRoom(): Promise<{ room: string; host: PeerlaneClient }> {
  const room = freshRoom()
  const host = makeClient()
  const hosted = nextEvent(host, 'room-state', (state) => state.hosts.length > 0)
  await host.join(room, { name: 'Host' })
  await hosted
  expect(host.isHost).toBe(true)
  const locked = nextEvent(host, 'room-state', (state) => state.locked)
  host.lock(true)
  await locked
  return { room, host }
}

describe('waiting room', () => {
  it('keeps join pending while waiting, and resolves it when the host admits', async () => {
    const { room, host } = await lockedRoom()
    const guest = makeClient()
    const waiting = nextEvent(guest, 'waiting')
    const knocked = nextEvent(host, 'knock')
    const joining = guest.join(room, { name: 'Guest' })
    const [{ peerId }] = await waiting
    const [peer] = await knocked
    expect(peer).toEqual({ peerId, name: 'Guest' })
    expect(host.roomState.waiting).toEqual([{ peerId, name: 'Guest' }])
    const arrived = nextEvent(host, 'peer-joined')
    host.admit(peerId)
    const info = await joining
    expect(info.peerId).toBe(peerId)
    expect(info.peers.map((p) => p.id)).toEqual([host.peerId])
    expect((await arrived)[0].id).toBe(peerId)
    await nextEvent(guest, 'connection-state', ({ state }) => state === 'connected', 20_000)
  })

  it('rejects join with denied when the host says no, and with knock-timeout when nobody answers', async () => {
    const { room, host } = await lockedRoom()
    const denied = makeClient()
    const knocked = nextEvent(host, 'knock')
    const joining = denied.join(room)
    host.deny((await knocked)[0].peerId)
    await expect(joining).rejects.toMatchObject({ code: 'denied' })
    const ignored = makeClient()
    await expect(ignored.join(room)).rejects.toMatchObject({ code: 'knock-timeout' })
  })
})

describe('host actions', () => {
  it('throws not-permitted for host actions when not a host, before sending anything', async () => {
    const room = freshRoom()
    const host = makeClient()
    await host.join(room)
    const member = makeClient()
    const told = nextEvent(member, 'room-state')
    await member.join(room)
    expect((await told)[0].hosts).toEqual([host.peerId])
    expect(member.isHost).toBe(false)
    for (const act of [() => member.lock(true), () => member.remove(host.peerId ?? ''), () => member.askToMute(host.peerId ?? '')]) {
      expect(act).toThrow(expect.objectContaining({ code: 'not-permitted' }) as PeerlaneError)
    }
  })

  it('removal ends the removed session for good: removed event, closed, no reconnect', async () => {
    const room = freshRoom()
    const host = makeClient()
    const hosted = nextEvent(host, 'room-state')
    await host.join(room)
    await hosted
    const member = makeClient()
    const info = await member.join(room)
    const removed = nextEvent(member, 'removed')
    const lost = nextEvent(member, 'error', (error) => error.code === 'connection-lost')
    const left = nextEvent(host, 'peer-left')
    host.remove(info.peerId)
    await removed
    expect((await lost)[0].closeCode).toBe(CLOSE_CODES.removed)
    expect((await left)[0].id).toBe(info.peerId)
    expect(member.state).toBe('closed')
  })

  it('a mute request mutes the local microphone and says so', async () => {
    const room = freshRoom()
    const host = makeClient()
    const hosted = nextEvent(host, 'room-state')
    await host.join(room)
    await hosted
    const member = makeClient()
    const info = await member.join(room)
    const asked = nextEvent(member, 'mute-requested')
    host.askToMute(info.peerId)
    expect((await asked)[0]).toEqual({ from: host.peerId })
    expect(member.mediaState.audioMuted).toBe(true)
  })
})

describe('capabilities', () => {
  it('exposes the grant and refuses screen sharing and files beyond it with not-permitted', async () => {
    const room = freshRoom()
    const token = await mintToken({ secret: SECRET, room, identity: 'viewer', ttlSeconds: 60, capabilities: ['publish-audio'] })
    const viewer = makeClient(guarded)
    await viewer.join(room, { token })
    expect(viewer.capabilities).toEqual(['publish-audio'])
    const other = makeClient(guarded)
    await other.join(room, { token: await mintToken({ secret: SECRET, room, identity: 'other', ttlSeconds: 60 }) })
    expect(other.capabilities).toEqual(['publish-audio', 'publish-video', 'share-screen', 'send-files'])
    await nextEvent(viewer, 'peer-joined')
    expect(() => useFiles(viewer).send(new Blob(['x']))).toThrow(expect.objectContaining({ code: 'not-permitted' }) as PeerlaneError)
    expect(() => viewer.startScreenShare({} as MediaStream)).toThrow(expect.objectContaining({ code: 'not-permitted' }) as PeerlaneError)
    await expect(viewer.replaceTrack('video', { kind: 'video' } as MediaStreamTrack)).rejects.toMatchObject({ code: 'not-permitted' })
  })
})
