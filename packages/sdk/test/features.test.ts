import { createHash, randomBytes } from 'node:crypto'
import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient } from '../src/client.js'
import { PeerlaneError } from '../src/errors.js'
import type { IncomingFileTransfer } from '../src/file-transfer.js'
import type { ChatMessage } from '../src/peer-features.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

// Chat and files between two werift peers through a real signaling server: the data channels,
// not the server, carry them.
let server: SignalingServer
const clients: PeerlaneClient[] = []
let roomCounter = 0

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

/** Two clients in a fresh room whose data channels to each other are open. */
async function pair(): Promise<{ a: PeerlaneClient; b: PeerlaneClient; aId: string; bId: string }> {
  const room = `features-${process.pid}-${++roomCounter}`
  const a = makeClient()
  const aId = (await a.join(room, { name: 'Ada' })).peerId
  const b = makeClient()
  const aOpen = nextEvent(a, 'channel-open', undefined, 20_000)
  const bOpen = nextEvent(b, 'channel-open', undefined, 20_000)
  const bId = (await b.join(room, { name: 'Bob' })).peerId
  await Promise.all([aOpen, bOpen])
  return { a, b, aId, bId }
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

describe('chat over the data channel', () => {
  it('delivers messages in order with the sender’s id and name, both ways', async () => {
    const { a, b, aId, bId } = await pair()
    const atB: ChatMessage[] = []
    b.on('message', (message) => atB.push(message))
    const sent = ['one', 'two', 'three'].map((text) => a.sendMessage(text))
    expect(sent.every((message) => message.local && message.from === aId)).toBe(true)
    await expect.poll(() => atB.length, { timeout: 10_000 }).toBe(3)
    expect(atB.map((m) => [m.text, m.from, m.name, m.local])).toEqual([
      ['one', aId, 'Ada', false],
      ['two', aId, 'Ada', false],
      ['three', aId, 'Ada', false],
    ])
    expect(atB.map((m) => m.id)).toEqual(sent.map((m) => m.id))
    const [reply] = await Promise.all([nextEvent(a, 'message'), b.sendMessage('back')])
    expect([reply[0].text, reply[0].from, reply[0].name]).toEqual(['back', bId, 'Bob'])
  }, 30_000)

  it('refuses empty and over-long messages with invalid-argument', async () => {
    const { a } = await pair()
    for (const text of ['', '   ', 'x'.repeat(4001)]) {
      const error = (() => {
        try {
          a.sendMessage(text)
        } catch (e) {
          return e
        }
      })()
      expect((error as PeerlaneError).code).toBe('invalid-argument')
    }
  }, 30_000)

  it('announces mute and camera state to the others', async () => {
    const { a, b, aId } = await pair()
    const seen = nextEvent(b, 'media-state', (e) => e.state.audioMuted)
    a.setMediaState({ audioMuted: true })
    const [{ peer, state }] = await seen
    expect(peer.id).toBe(aId)
    expect(state).toEqual({ audioMuted: true, videoOff: false, screenSharing: false })
    expect(b.mediaStateOf(aId)).toEqual(state)
  }, 30_000)
})

describe('file transfer over the data channel', () => {
  it('sends a 1 MiB file that arrives whole, with progress on both sides and a matching SHA-256', async () => {
    const { a, b, bId } = await pair()
    const data = new Uint8Array(randomBytes(1024 * 1024 + 123))
    const incoming = nextEvent(b, 'file')
    const transfer = a.sendFile(new Blob([data], { type: 'application/octet-stream' }), { to: bId, name: 'blob.bin' })
    const sentProgress: number[] = []
    transfer.on('progress', ({ bytes }) => sentProgress.push(bytes))
    const [received, from] = await incoming
    expect([received.name, received.size, received.mimeType, from.id]).toEqual(['blob.bin', data.length, 'application/octet-stream', a.peerId])
    const receivedProgress: number[] = []
    received.on('progress', ({ bytes }) => receivedProgress.push(bytes))
    expect(await received.finished).toEqual({ state: 'complete' })
    expect(await transfer.finished).toEqual({ state: 'complete' })
    const file = received.file
    expect(file?.size).toBe(data.length)
    expect(sha256(new Uint8Array(await file!.arrayBuffer()))).toBe(sha256(data))
    expect(sentProgress.at(-1)).toBe(data.length)
    expect(receivedProgress.length).toBeGreaterThan(10)
    expect(transfer.recipients.get(bId)).toBe('complete')
  }, 30_000)

  it('stops on both sides when the receiver cancels mid-transfer', async () => {
    const { a, b } = await pair()
    const incoming = nextEvent(b, 'file')
    const transfer = a.sendFile(new Blob([new Uint8Array(8 * 1024 * 1024)]), { name: 'big.bin' })
    const [received] = await incoming
    await new Promise<void>((resolve) => {
      const off = received.on('progress', ({ bytes }) => {
        if (bytes < 256 * 1024) return
        off()
        resolve()
      })
    })
    received.cancel()
    const atReceiver = await received.finished
    const atSender = await transfer.finished
    expect(atReceiver.state).toBe('cancelled')
    expect(atSender.state).toBe('cancelled')
    expect(atSender.state !== 'complete' && atSender.error.code).toBe('transfer-cancelled')
    expect(received.file).toBeUndefined()
  }, 30_000)

  it('stops on both sides when the sender cancels mid-transfer', async () => {
    const { a, b } = await pair()
    const incoming = nextEvent(b, 'file')
    const transfer = a.sendFile(new Blob([new Uint8Array(8 * 1024 * 1024)]), { name: 'big.bin' })
    const [received] = (await incoming) as [IncomingFileTransfer, unknown]
    await new Promise<void>((resolve) => {
      const off = transfer.on('progress', ({ bytes }) => {
        if (bytes < 256 * 1024) return
        off()
        resolve()
      })
    })
    transfer.cancel()
    expect((await transfer.finished).state).toBe('cancelled')
    const atReceiver = await received.finished
    expect(atReceiver.state !== 'complete' && atReceiver.error.code).toBe('transfer-cancelled')
  }, 30_000)

  it('refuses a recipient who is not in the room with invalid-argument', async () => {
    const { a } = await pair()
    let error: unknown
    try {
      a.sendFile(new Blob(['x']), { to: 'nobody' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PeerlaneError)
    expect((error as PeerlaneError).code).toBe('invalid-argument')
  }, 30_000)
})
