import { PROTOCOL_VERSION } from '@peerlane/protocol/codec'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { PeerlaneClient } from '../src/client.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

// The server drops frames queued for a session that is away once its queue caps are reached,
// and says so in the resumed welcome. A client still waiting for an answer that was dropped
// would wait forever: it must start a fresh negotiation instead.

interface SeenOffer {
  readonly connection: number
  readonly to: string
  readonly ufrag: string | undefined
}

/** A scripted signaling server: welcomes every join (resumed from the second socket on) and records offers. */
async function scriptedSignaling(resumedWelcome: Record<string, unknown>) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  const offers: SeenOffer[] = []
  const sockets: WebSocket[] = []
  wss.on('connection', (socket) => {
    sockets.push(socket)
    const connection = sockets.length
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; room?: string; to?: string; sdp?: { sdp: string } }
      if (message.type === 'join') {
        socket.send(
          JSON.stringify({
            type: 'welcome',
            protocol: PROTOCOL_VERSION,
            peerId: 'me',
            room: message.room,
            peers: [{ peerId: 'zed' }],
            iceServers: [],
            resumeToken: 'resume-token-0123456789',
            ...(connection > 1 ? resumedWelcome : {}),
          }),
        )
      } else if (message.type === 'offer') {
        offers.push({ connection, to: message.to ?? '', ufrag: /a=ice-ufrag:(\S+)/.exec(message.sdp?.sdp ?? '')?.[1] })
      }
    })
  })
  const { port } = wss.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    offers,
    dropFirstSocket: () => sockets[0]?.terminate(),
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  }
}

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('a resumed welcome with queueOverflowed', () => {
  it('makes the client renegotiate (ICE restart, fresh offer) with every peer instead of waiting', async () => {
    const server = await scriptedSignaling({ resumed: true, queueOverflowed: true })
    cleanups.push(server.close)
    const client = new PeerlaneClient({
      url: server.url,
      WebSocket,
      RTCPeerConnection: LoopbackPeerConnection,
      logLevel: 'silent',
      reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    })
    cleanups.push(() => client.leave())
    await client.join('overflow-room')
    // Our first offer to zed goes out; its answer never comes (the server "dropped" it).
    await expect.poll(() => server.offers.length).toBe(1)
    const resumed = nextEvent(client, 'resumed')
    server.dropFirstSocket()
    expect((await resumed)[0]).toEqual({ sameSession: true })
    await expect.poll(() => server.offers.filter((offer) => offer.connection === 2).length, { timeout: 10_000 }).toBe(1)
    const [first, second] = server.offers
    expect(second?.to).toBe('zed')
    expect(second?.ufrag).toBeDefined()
    expect(second?.ufrag).not.toBe(first?.ufrag)
  }, 30_000)
})
