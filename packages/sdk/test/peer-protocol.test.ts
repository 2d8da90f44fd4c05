import { invalidVectors, validVectors } from '@peerlane/protocol/vectors'
import { PEER_CHANNELS, PEER_PROTOCOL_VERSION } from '@peerlane/protocol/codec'
import { createSignalingServer, type SignalingServer } from '@peerlane/signaling'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { useChat, type ChatMessage } from '../src/chat.js'
import { PeerlaneClient } from '../src/client.js'
import type { PeerConnectionConstructor } from '../src/environment.js'
import type { PeerlaneError } from '../src/errors.js'
import { readPeerFrame, type PeerChannelName } from '../src/peer-frames.js'
import { nextEvent } from './helpers.js'
import { LoopbackPeerConnection } from './werift.js'

const valid = validVectors().filter((v) => v.from === 'peer')
const invalid = invalidVectors().filter((v) => v.from === 'peer')

// The channel a vector's frame travels on: file frames on files, everything else on control.
function channelOf(frame: string): PeerChannelName {
  try {
    const type = (JSON.parse(frame) as { type?: unknown }).type
    return typeof type === 'string' && type.startsWith('file-') ? 'files' : 'control'
  } catch {
    return 'control'
  }
}

describe('peer golden vectors through the SDK’s frame reader', () => {
  it('accepts every valid vector as the same message and refuses every invalid one precisely', () => {
    expect(valid.length).toBeGreaterThan(5)
    expect(invalid.length).toBeGreaterThan(5)
    for (const vector of valid) {
      const result = readPeerFrame(channelOf(vector.frame) as 'control', vector.frame)
      expect(result, vector.name).toEqual({ ok: true, message: JSON.parse(vector.frame) })
    }
    for (const vector of invalid) {
      const result = readPeerFrame(channelOf(vector.frame) as 'control', vector.frame)
      expect(result, vector.name).toEqual({ ok: false, error: expect.objectContaining(vector.error) })
    }
  })

  it('refuses a frame on the wrong channel', () => {
    const chat = JSON.stringify({ type: 'chat', id: 'm', text: 'hi', sentAt: 1 })
    expect(readPeerFrame('files', chat)).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid-message', path: '/type' }) })
  })
})

// A real werift peer whose SDK speaks another peer protocol version, and that then sends every
// golden vector over the real channels: the receiving SDK reports the version, drops and counts
// the invalid frames, and acts on the valid ones.
let server: SignalingServer
const clients: PeerlaneClient[] = []
beforeAll(async () => {
  server = await createSignalingServer({ port: 0, host: '127.0.0.1' })
})
afterAll(() => server.close())
afterEach(() => {
  for (const client of clients.splice(0)) client.leave()
})

const OUR_HELLO = JSON.stringify({ type: 'hello', version: PEER_PROTOCOL_VERSION })

/** werift, with `hello` rewritten to `version`, and the opened channels handed to `onChannel`. */
function otherVersion(version: number, onChannel: (label: string, channel: RTCDataChannel) => void): PeerConnectionConstructor {
  const Base = LoopbackPeerConnection as unknown as new (config?: RTCConfiguration) => RTCPeerConnection
  return class extends Base {
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init)
      const send = channel.send.bind(channel) as (data: string | Uint8Array) => void
      channel.send = ((data: string | Uint8Array) =>
        send(data === OUR_HELLO ? JSON.stringify({ type: 'hello', version }) : data)) as RTCDataChannel['send']
      channel.addEventListener('open', () => onChannel(label, channel))
      return channel
    }
  } as unknown as PeerConnectionConstructor
}

describe('a peer on another peer protocol version', () => {
  it('is reported as peer-incompatible, and its invalid frames are counted and reported, not silently dropped', async () => {
    const room = `peer-protocol-${process.pid}`
    const a = new PeerlaneClient({ url: server.url, WebSocket, RTCPeerConnection: LoopbackPeerConnection, logLevel: 'silent' })
    clients.push(a)
    await a.join(room)
    const channels = new Map<string, RTCDataChannel>()
    const b = new PeerlaneClient({
      url: server.url,
      WebSocket,
      RTCPeerConnection: otherVersion(PEER_PROTOCOL_VERSION + 1, (label, channel) => channels.set(label, channel)),
      logLevel: 'silent',
    })
    clients.push(b)
    const incompatible = nextEvent(a, 'peer-incompatible', undefined, 20_000)
    const firstRefusal = nextEvent(a, 'peer-protocol-error', undefined, 20_000)
    const { peerId: bId } = await b.join(room)
    const [{ peer, error }] = await incompatible
    expect(peer.id).toBe(bId)
    expect(error.code).toBe('peer-incompatible')
    expect(peer.protocolVersion).toBe(PEER_PROTOCOL_VERSION + 1)

    await expect.poll(() => channels.size, { timeout: 10_000 }).toBe(2)
    const chats: ChatMessage[] = []
    useChat(a).on('message', (message) => chats.push(message))
    for (const vector of [...invalid, ...valid]) {
      const label = channelOf(vector.frame) === 'files' ? PEER_CHANNELS.files.label : PEER_CHANNELS.control.label
      channels.get(label)?.send(vector.frame)
    }
    channels.get(PEER_CHANNELS.control.label)?.send(JSON.stringify({ type: 'chat', id: 'end', text: 'end', sentAt: 1 }))
    await expect.poll(() => chats.some((chat) => chat.id === 'end'), { timeout: 10_000 }).toBe(true)

    const [report] = await firstRefusal
    expect(report.peer.id).toBe(bId)
    expect(report.error.code).toBe('peer-protocol-error')
    expect((report.error as PeerlaneError).cause).toEqual(expect.objectContaining(invalid[0]?.error))
    expect(peer.invalidFrames).toBe(invalid.length)
    const validChats = valid.filter((v) => JSON.parse(v.frame).type === 'chat').length
    expect(chats.length).toBe(validChats + 1)
  })
})
