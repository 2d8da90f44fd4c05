import { createHash, randomBytes } from 'node:crypto'
import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient } from '../src/client.js'
import { PeerlaneError } from '../src/errors.js'
import type { FileLimits, IncomingFileTransfer, TransferResult } from '../src/file-transfer.js'
import { useChat, type Chat, type ChatMessage, type ChatRateLimit } from '../src/chat.js'
import { useFiles, type Files } from '../src/files.js'
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

interface Limits {
  readonly files?: Partial<FileLimits>
  readonly chatRate?: Partial<ChatRateLimit>
}

/** A client with the chat and files features, as an app adds them. */
type Participant = PeerlaneClient & { readonly chat: Chat; readonly files: Files }

function makeClient(limits: Limits = {}): Participant {
  const client = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
  clients.push(client)
  return Object.assign(client, { chat: useChat(client, { rate: limits.chatRate }), files: useFiles(client, limits.files) })
}

/** Two clients in a fresh room whose data channels to each other are open; `b` gets `bLimits`. */
async function pair(aLimits: Limits = {}, bLimits: Limits = {}): Promise<{ a: Participant; b: Participant; aId: string; bId: string }> {
  const room = `features-${process.pid}-${++roomCounter}`
  const a = makeClient(aLimits)
  const aId = (await a.join(room, { name: 'Ada' })).peerId
  const b = makeClient(bLimits)
  const aOpen = nextEvent(a, 'channel-open', undefined, 20_000)
  const bOpen = nextEvent(b, 'channel-open', undefined, 20_000)
  const bId = (await b.join(room, { name: 'Bob' })).peerId
  await Promise.all([aOpen, bOpen])
  return { a, b, aId, bId }
}

const errorCode = (result: TransferResult) => (result.state === 'complete' ? 'complete' : result.error.code)
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

describe('chat over the data channel', () => {
  it('delivers messages in order with the sender’s id and name, both ways', async () => {
    const { a, b, aId, bId } = await pair()
    const atB: ChatMessage[] = []
    b.chat.on('message', (message) => atB.push(message))
    const sent = ['one', 'two', 'three'].map((text) => a.chat.send(text))
    expect(sent.every((message) => message.local && message.from === aId)).toBe(true)
    await expect.poll(() => atB.length, { timeout: 10_000 }).toBe(3)
    expect(atB.map((m) => [m.text, m.from, m.name, m.local])).toEqual([
      ['one', aId, 'Ada', false],
      ['two', aId, 'Ada', false],
      ['three', aId, 'Ada', false],
    ])
    expect(atB.map((m) => m.id)).toEqual(sent.map((m) => m.id))
    const [reply] = await Promise.all([nextEvent(a.chat, 'message'), b.chat.send('back')])
    expect([reply[0].text, reply[0].from, reply[0].name]).toEqual(['back', bId, 'Bob'])
  }, 30_000)

  it('refuses empty and over-long messages with invalid-argument', async () => {
    const { a } = await pair()
    for (const text of ['', '   ', 'x'.repeat(4001)]) {
      const error = (() => {
        try {
          a.chat.send(text)
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
    expect(state).toEqual({ audioMuted: true, videoOff: false, screenSharing: false, recording: false })
    expect(b.mediaStateOf(aId)).toEqual(state)
  }, 30_000)

  it('announces that a participant records the call, and when they stop', async () => {
    const { a, b, aId } = await pair()
    const started = nextEvent(b, 'media-state', (e) => e.state.recording)
    a.setMediaState({ recording: true })
    expect(a.mediaState.recording).toBe(true)
    const [{ peer, state }] = await started
    expect(peer.id).toBe(aId)
    expect(state).toEqual({ audioMuted: false, videoOff: false, screenSharing: false, recording: true })
    expect(b.peers.get(aId)?.mediaState.recording).toBe(true)
    const stopped = nextEvent(b, 'media-state', (e) => !e.state.recording)
    a.setMediaState({ recording: false })
    await stopped
    expect(b.mediaStateOf(aId)?.recording).toBe(false)
  }, 30_000)
})

describe('file transfer over the data channel', () => {
  it('sends a 1 MiB file that arrives whole, with progress on both sides and a matching SHA-256', async () => {
    const { a, b, bId } = await pair()
    const data = new Uint8Array(randomBytes(1024 * 1024 + 123))
    const incoming = nextEvent(b.files, 'file')
    const transfer = a.files.send(new Blob([data], { type: 'application/octet-stream' }), { to: bId, name: 'blob.bin' })
    const sentProgress: number[] = []
    transfer.on('progress', ({ bytes }) => sentProgress.push(bytes))
    const [received, from] = await incoming
    expect([received.name, received.size, received.mimeType, from.id]).toEqual(['blob.bin', data.length, 'application/octet-stream', a.peerId])
    expect(received.state).toBe('offered')
    const receivedProgress: number[] = []
    received.on('progress', ({ bytes }) => receivedProgress.push(bytes))
    received.accept()
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
    const incoming = nextEvent(b.files, 'file')
    const transfer = a.files.send(new Blob([new Uint8Array(8 * 1024 * 1024)]), { name: 'big.bin' })
    const [received] = await incoming
    received.accept()
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
    const incoming = nextEvent(b.files, 'file')
    const transfer = a.files.send(new Blob([new Uint8Array(8 * 1024 * 1024)]), { name: 'big.bin' })
    const [received] = (await incoming) as [IncomingFileTransfer, unknown]
    received.accept()
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
      a.files.send(new Blob(['x']), { to: 'nobody' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(PeerlaneError)
    expect((error as PeerlaneError).code).toBe('invalid-argument')
  }, 30_000)
})

describe('incoming files against a hostile or careless sender', () => {

  it('types a received text/html file application/octet-stream, keeping the claimed type as metadata only', async () => {
    const { a, b } = await pair()
    const incoming = nextEvent(b.files, 'file')
    a.files.send(new Blob(['<script>alert(1)</script>'], { type: 'text/html' }), { name: 'x.html' })
    const [received] = await incoming
    expect(received.mimeType).toBe('text/html')
    received.accept()
    expect(await received.finished).toEqual({ state: 'complete' })
    expect(received.file?.type).toBe('application/octet-stream')
  }, 30_000)

  it('declines offers over the size limit before the app sees them; the sender learns transfer-declined', async () => {
    const { a, b } = await pair({}, { files: { maxIncomingBytes: 1000 } })
    const offered: string[] = []
    b.files.on('file', (transfer) => offered.push(transfer.name))
    const fits = nextEvent(b.files, 'file')
    const big = a.files.send(new Blob([new Uint8Array(1001)]), { name: 'big.bin' })
    a.files.send(new Blob([new Uint8Array(1000)]), { name: 'fits.bin' })
    expect(errorCode(await big.finished)).toBe('transfer-declined')
    expect((await fits)[0].name).toBe('fits.bin')
    expect(offered).toEqual(['fits.bin'])
  }, 30_000)

  it('an offer the app declines ends on the sender with transfer-declined and streams nothing', async () => {
    const { a, b } = await pair()
    const incoming = nextEvent(b.files, 'file')
    const transfer = a.files.send(new Blob([new Uint8Array(4 * 1024 * 1024)]), { name: 'nope.bin' })
    let sent = 0
    transfer.on('progress', ({ bytes }) => (sent = bytes))
    const [received] = await incoming
    received.decline()
    expect(errorCode(await transfer.finished)).toBe('transfer-declined')
    expect(errorCode(await received.finished)).toBe('transfer-cancelled')
    expect(sent).toBe(0)
  }, 30_000)

  it('declines offers beyond the per-peer cap of concurrent incoming transfers (too-many)', async () => {
    const { a, b } = await pair({}, { files: { maxIncomingPerPeer: 2 } })
    const offered: IncomingFileTransfer[] = []
    b.files.on('file', (transfer) => offered.push(transfer))
    const transfers = [1, 2, 3].map((n) => a.files.send(new Blob([new Uint8Array(10)]), { name: `f${n}.bin` }))
    expect(errorCode(await transfers[2]!.finished)).toBe('transfer-declined')
    expect(offered.map((t) => t.name)).toEqual(['f1.bin', 'f2.bin'])
    // A slot frees when a transfer ends, and the next offer is welcome again.
    offered[0]!.accept()
    expect(errorCode(await offered[0]!.finished)).toBe('complete')
    const next = nextEvent(b.files, 'file')
    a.files.send(new Blob([new Uint8Array(10)]), { name: 'f4.bin' })
    expect((await next)[0].name).toBe('f4.bin')
  }, 30_000)

  it('a sender that stops sending fails on both sides with transfer-stalled after the receiver’s stall timeout', async () => {
    const { a, b } = await pair({ files: { stallTimeoutMs: 60_000 } }, { files: { stallTimeoutMs: 500 } })
    const incoming = nextEvent(b.files, 'file')
    const transfer = a.files.send(new NeverReadBlob([new Uint8Array(100_000)]), { name: 'stuck.bin' })
    const [received] = await incoming
    received.accept()
    expect(errorCode(await received.finished)).toBe('transfer-stalled')
    expect(errorCode(await transfer.finished)).toBe('transfer-stalled')
  }, 30_000)

  it('the sender gives up on a stalled leg too, after its own stall timeout', async () => {
    const { a, b } = await pair({ files: { stallTimeoutMs: 500 } }, { files: { stallTimeoutMs: 60_000 } })
    const incoming = nextEvent(b.files, 'file')
    const transfer = a.files.send(new NeverReadBlob([new Uint8Array(100_000)]), { name: 'stuck.bin' })
    const [received] = await incoming
    received.accept()
    expect(errorCode(await transfer.finished)).toBe('transfer-stalled')
    expect(errorCode(await received.finished)).toBe('transfer-stalled')
  }, 30_000)
})

describe('features an app did not add', () => {
  it('a file offered to a client without useFiles is declined at once, not left to stall', async () => {
    const room = `features-${process.pid}-${++roomCounter}`
    const a = makeClient({ files: { stallTimeoutMs: 60_000 } })
    await a.join(room)
    const plain = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
    clients.push(plain)
    const open = nextEvent(a, 'channel-open', undefined, 20_000)
    const { peerId } = await plain.join(room)
    await open
    const result = await a.files.send(new Blob([new Uint8Array(10)]), { to: peerId, name: 'unwanted.bin' }).finished
    expect(errorCode(result)).toBe('transfer-declined')
  }, 30_000)
})

describe('chat rate limit', () => {
  it('drops a peer’s chat beyond its token bucket and reports the count', async () => {
    const { a, b } = await pair({}, { chatRate: { messages: { perSecond: 0.001, burst: 5 } } })
    const atB: string[] = []
    b.chat.on('message', (message) => atB.push(message.text))
    const dropped = nextEvent(b.chat, 'dropped')
    for (let n = 1; n <= 20; n++) a.chat.send(`m${n}`)
    const [report] = await dropped
    expect(report.peer.id).toBe(a.peerId)
    expect(report.dropped).toBeGreaterThanOrEqual(1)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(atB).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
  }, 30_000)

  it('bounds chat bytes too: a few maximal messages use up the byte budget', async () => {
    const { a, b } = await pair({}, { chatRate: { bytes: { perSecond: 1, burst: 10_000 } } })
    const atB: number[] = []
    b.chat.on('message', (message) => atB.push(message.text.length))
    const dropped = nextEvent(b.chat, 'dropped')
    for (let n = 0; n < 3; n++) a.chat.send('x'.repeat(4000))
    await dropped
    expect(atB).toEqual([4000, 4000])
  }, 30_000)
})

/** A file whose bytes never come: its reads hang, as a sender whose disk or tab froze. */
class NeverReadBlob extends Blob {
  override slice(): Blob {
    return { arrayBuffer: () => new Promise<ArrayBuffer>(() => {}) } as unknown as Blob
  }
}
