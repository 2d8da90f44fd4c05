import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { WIRE_LIMITS } from '@peerlane/protocol/codec'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { useChat } from '../src/chat.js'
import { PeerlaneClient } from '../src/client.js'
import type { PeerlaneError } from '../src/errors.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

// A peer shapes the answer it gets: an offer of many tiny m-sections (ICE and DTLS attributes
// once, at session level) is answered with every attribute repeated per section, several
// times longer. Sent unchecked, that answer got the victim's own socket closed (1009).
let server: SignalingServer
const clients: PeerlaneClient[] = []
const sockets: WebSocket[] = []
let roomCounter = 0

beforeAll(async () => {
  server = await createSignalingServer({ port: 0, host: '127.0.0.1' })
})
afterAll(() => server.close())
afterEach(() => {
  for (const client of clients.splice(0)) client.leave()
  for (const socket of sockets.splice(0)) socket.close()
})

function makeClient(): PeerlaneClient {
  const client = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
  clients.push(client)
  return client
}

/** A valid offer under the SDP cap whose answer (from werift, as from Chromium) is far over the frame limit. */
function amplifyingOffer(sections: number): string {
  const fingerprint = Array.from({ length: 32 }, () => 'AB').join(':')
  const mids = Array.from({ length: sections }, (_, i) => String(i))
  const lines = ['v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', 'a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx']
  lines.push(`a=fingerprint:sha-256 ${fingerprint}`, 'a=setup:actpass', `a=group:BUNDLE ${mids.join(' ')}`)
  for (const mid of mids) lines.push('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2')
  return `${lines.join('\r\n')}\r\n`
}

/** A scripted signaling client: joins with a raw socket and records what the server relays to it. */
async function hostilePeer(room: string): Promise<{ socket: WebSocket; peerId: string; received: Array<{ type: string }> }> {
  const socket = new WebSocket(server.url)
  sockets.push(socket)
  const received: Array<{ type: string; peerId?: string }> = []
  socket.on('message', (data) => received.push(JSON.parse(String(data)) as { type: string }))
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  socket.send(JSON.stringify({ type: 'join', room }))
  await expect.poll(() => received.find((m) => m.type === 'welcome')).toBeDefined()
  const welcome = received.find((m) => m.type === 'welcome') as { peerId: string }
  return { socket, peerId: welcome.peerId, received }
}

describe('a hostile peer’s offer', () => {
  it('whose answer would exceed the frame limit is rolled back: the victim keeps its socket and its call', async () => {
    const sdp = amplifyingOffer(250)
    expect(sdp.length).toBeLessThan(WIRE_LIMITS.sdpLength)
    const room = `hostile-${process.pid}-${++roomCounter}`
    const victim = makeClient()
    const victimId = (await victim.join(room)).peerId
    const friend = makeClient()
    const opened = nextEvent(victim, 'channel-open', undefined, 20_000)
    await friend.join(room)
    await opened
    const states: string[] = []
    victim.on('state', (state) => states.push(state))
    const errors: PeerlaneError[] = []
    victim.on('error', (error) => errors.push(error))

    const hostile = await hostilePeer(room)
    for (let round = 1; round <= 2; round++) {
      const failed = nextEvent(victim, 'error', (error) => error.code === 'negotiation-failed', 30_000)
      hostile.socket.send(JSON.stringify({ type: 'offer', to: victimId, sdp: { type: 'offer', sdp } }))
      const [error] = await failed
      expect(error.peerId).toBe(hostile.peerId)
    }
    expect(errors.every((error) => error.code === 'negotiation-failed')).toBe(true)
    expect(hostile.received.some((m) => m.type === 'answer')).toBe(false)
    expect(states).toEqual([])
    expect(victim.state).toBe('joined')

    // The call goes on: chat reaches the friend, and a newcomer still connects through signaling.
    const chat = nextEvent(useChat(friend), 'message')
    useChat(victim).send('still here')
    expect((await chat)[0].text).toBe('still here')
    const newcomer = makeClient()
    const reached = nextEvent(victim, 'channel-open', (peer) => peer.id === newcomer.peerId, 20_000)
    await newcomer.join(room)
    await reached
    expect(states).toEqual([])
  }, 90_000)
})
