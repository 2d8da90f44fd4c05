import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient } from '../src/client.js'
import { MAX_DATA_MESSAGE_BYTES, openDataChannel, type DataMessage } from '../src/data-channel.js'
import type { PeerlaneError } from '../src/errors.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

// The data API between two werift peers through a real signaling server.
let server: SignalingServer
const clients: PeerlaneClient[] = []
beforeAll(async () => {
  server = await createSignalingServer({ port: 0, host: '127.0.0.1' })
})
afterAll(() => server.close())
afterEach(() => {
  for (const client of clients.splice(0)) client.leave()
})

function makeClient(): PeerlaneClient {
  const client = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
  clients.push(client)
  return client
}

it('round-trips text and bytes both ways, and a fast sender waits for the channel to drain', async () => {
  const a = makeClient()
  const aId = (await a.join('data-api')).peerId
  const b = makeClient()
  const aGame = openDataChannel(a, 'game')
  const bGame = openDataChannel(b, 'game')
  const opened = Promise.all([new Promise((resolve) => aGame.on('open', resolve)), new Promise((resolve) => bGame.on('open', resolve))])
  const bId = (await b.join('data-api')).peerId
  await opened

  const atA: DataMessage[] = []
  aGame.on('message', ({ peer, data }) => peer.id === bId && atA.push(data))
  await bGame.send('hello a', aId)
  await bGame.send(new Uint8Array([1, 2, 3]))
  await expect.poll(() => atA.length, { timeout: 10_000 }).toBe(2)
  expect(atA[0]).toBe('hello a')
  expect([...(atA[1] as Uint8Array)]).toEqual([1, 2, 3])

  // 8 MiB in 64 KiB messages: without backpressure all of it would sit in the channel's buffer.
  const received: number[] = []
  bGame.on('message', ({ data }) => received.push((data as Uint8Array)[0] ?? -1))
  let maxBuffered = 0
  for (let i = 0; i < 128; i++) {
    await aGame.send(new Uint8Array(MAX_DATA_MESSAGE_BYTES).fill(i % 256), bId)
    maxBuffered = Math.max(maxBuffered, aGame.bufferedAmount(bId))
  }
  expect(maxBuffered).toBeLessThanOrEqual(1024 * 1024 + MAX_DATA_MESSAGE_BYTES)
  await expect.poll(() => received.length, { timeout: 30_000 }).toBe(128)
  expect(received).toEqual(Array.from({ length: 128 }, (_, i) => i % 256))
}, 60_000)

it('refuses what it cannot send with a coded error', async () => {
  const a = makeClient()
  await a.join('data-api-errors')
  const chat = openDataChannel(a, 'chat-2')
  await expect(chat.send('x'.repeat(MAX_DATA_MESSAGE_BYTES + 1))).rejects.toMatchObject({ code: 'invalid-argument' })
  await expect(chat.send('x', 'p_nobody')).rejects.toMatchObject({ code: 'invalid-argument' })
  expect(() => openDataChannel(a, 'other', { id: chat.id })).toThrow(expect.objectContaining({ code: 'invalid-argument' }) as PeerlaneError)
  expect(() => openDataChannel(a, 'low', { id: 1 })).toThrow(expect.objectContaining({ code: 'invalid-argument' }) as PeerlaneError)
  const b = makeClient()
  const joined = nextEvent(a, 'peer-joined')
  await b.join('data-api-errors')
  const [peer] = await joined
  // Before the peer's channels open there is nothing to send on.
  await expect(chat.send('x', peer.id)).rejects.toMatchObject({ code: 'channel-unavailable' })
})
