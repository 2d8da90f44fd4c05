import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient } from '../src/client.js'
import type { PeerlaneError } from '../src/errors.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

const SECRET = 'reconnect-test-secret'
const servers: SignalingServer[] = []
const clients: PeerlaneClient[] = []

afterEach(async () => {
  for (const client of clients.splice(0)) client.leave()
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function serve(port = 0): Promise<SignalingServer> {
  const server = await createSignalingServer({ port, resumeSecret: SECRET, resumeGraceMs: 5_000, shutdownTimeoutMs: 100 })
  servers.push(server)
  return server
}

/** The resume token of the last `welcome` any test client received, read off the wire. */
let lastResumeToken: string | undefined
class WatchedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols)
    this.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; resumeToken?: string }
      if (message.type === 'welcome') lastResumeToken = message.resumeToken
    })
  }
}

function client(url: string): PeerlaneClient {
  const c = new PeerlaneClient({
    url,
    WebSocket: WatchedWebSocket,
    RTCPeerConnection: LoopbackPeerConnection,
    reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
    logLevel: 'silent',
  })
  clients.push(c)
  return c
}

async function connectedPair(url: string) {
  const a = client(url)
  const b = client(url)
  await a.join('resume-room')
  const aUp = nextEvent(a, 'connection-state', (e) => e.state === 'connected', 20_000)
  const bUp = nextEvent(b, 'connection-state', (e) => e.state === 'connected', 20_000)
  await b.join('resume-room')
  await Promise.all([aUp, bUp])
  return { a, b }
}

describe('reconnect and resume', () => {
  it('survives a signaling server restart: same ids, no peer-left, connections kept, renegotiation works', async () => {
    const first = await serve()
    const { a, b } = await connectedPair(first.url)
    const ids = [a.peerId, b.peerId]
    const aConnection = a.peers.get(b.peerId ?? '')?.rawConnection
    const lost: string[] = []
    const errors: PeerlaneError[] = []
    for (const c of [a, b]) {
      c.on('peer-left', (peer) => lost.push(peer.id))
      c.on('error', (error) => errors.push(error))
    }
    const states: string[] = []
    a.on('state', (state) => states.push(state))
    const aResumed = nextEvent(a, 'resumed', undefined, 15_000)
    const bResumed = nextEvent(b, 'resumed', undefined, 15_000)

    await first.close()
    servers.splice(servers.indexOf(first), 1)
    await serve(first.port)
    const [[aEvent], [bEvent]] = await Promise.all([aResumed, bResumed])

    expect([aEvent.sameSession, bEvent.sameSession]).toEqual([true, true])
    expect([a.peerId, b.peerId]).toEqual(ids)
    expect(states).toEqual(['reconnecting', 'joined'])
    expect(a.peers.get(b.peerId ?? '')?.rawConnection).toBe(aConnection)
    expect(aConnection?.connectionState).toBe('connected')

    // A renegotiation through the new server: an ICE restart needs a full offer/answer round.
    const before = aConnection?.remoteDescription?.sdp
    a.restartIce()
    await expect.poll(() => aConnection?.remoteDescription?.sdp !== before && aConnection?.signalingState === 'stable', { timeout: 15_000 }).toBe(true)
    expect(lost).toEqual([])
    expect(errors.map((e) => `${e.code}: ${e.message}`)).toEqual([])
  }, 60_000)

  it('starts afresh when the server no longer knows the session', async () => {
    const first = await serve()
    const { a } = await connectedPair(first.url)
    const oldId = a.peerId
    await first.close()
    servers.splice(servers.indexOf(first), 1)
    const second = await createSignalingServer({ port: first.port, resumeSecret: 'another-secret', shutdownTimeoutMs: 100 })
    servers.push(second)
    const left = nextEvent(a, 'peer-left', undefined, 15_000)
    const [resumed] = await nextEvent(a, 'resumed', undefined, 15_000)
    expect(resumed.sameSession).toBe(false)
    expect(a.peerId).not.toBe(oldId)
    await left
  }, 60_000)

  it('does not reconnect when told it was replaced', async () => {
    const server = await serve()
    const a = client(server.url)
    await a.join('replaced-room')
    const token = lastResumeToken
    expect(token).toBeDefined()
    const raw = new WebSocket(server.url)
    await new Promise((resolve) => raw.once('open', resolve))
    const closed = nextEvent(a, 'state', (state) => state === 'closed')
    raw.send(JSON.stringify({ type: 'join', room: 'replaced-room', resumeToken: token }))
    await closed
    raw.close()
  })
})
