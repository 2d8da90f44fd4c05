import { PEER_LIMITS, type PeerChat } from '@peerlane/protocol/codec'
import type { PeerlaneClient } from './client.js'
import { Emitter } from './emitter.js'
import { PeerlaneError } from './errors.js'
import type { RemotePeer } from './remote-peer.js'
import { utf8Length } from './text-bounds.js'
import { TokenBucket, type BucketRate } from './token-bucket.js'

// Chat, a feature an app adds to its client (`useChat(client)`): it rides the SDK's control
// channel, and a plain call that never chats does not bundle it.

export interface ChatMessage {
  readonly id: string
  /** The sender's peer id (your own for messages you sent). */
  readonly from: string
  /** The sender's display name, when they gave one. */
  readonly name?: string
  readonly text: string
  /** The sender's clock, ms since the epoch. */
  readonly sentAt: number
  /** Your clock, ms since the epoch. */
  readonly receivedAt: number
  /** True for messages you sent. */
  readonly local: boolean
}

/** How much chat one peer may send us; the excess is dropped and reported (`dropped`). */
export interface ChatRateLimit {
  /** Default 50 messages a second, bursts of 200. */
  readonly messages: BucketRate
  /** UTF-8 bytes of message text. Default 64 KiB a second, bursts of 256 KiB. */
  readonly bytes: BucketRate
}

export const DEFAULT_CHAT_RATE: ChatRateLimit = {
  messages: { perSecond: 50, burst: 200 },
  bytes: { perSecond: 64 * 1024, burst: 256 * 1024 },
}

export interface ChatOptions {
  /** Per-peer limit on incoming chat; the excess is dropped and reported by `dropped`. */
  readonly rate?: Partial<ChatRateLimit>
}

export interface ChatEvents {
  /** A chat message from another participant (your own are returned by `send`). */
  message: (message: ChatMessage) => void
  /** Chat from `peer` went over the rate limit and was dropped; `dropped` counts all so far. */
  dropped: (event: { readonly peer: RemotePeer; readonly dropped: number }) => void
}

/**
 * Chat waiting for one peer's channel to open: the newest this many are kept. Each is at most
 * `PEER_LIMITS.chatLength` characters, so the bytes held are bounded too (≤ 1.2 MB per peer).
 */
const MAX_PENDING = 100
/** Drops are reported at most this often per peer. */
const REPORT_EVERY_MS = 1000

interface PeerChatState {
  readonly bucket: TokenBucket
  // Chat sent before the peer's channel opened, delivered on open.
  readonly pending: PeerChat[]
  dropped: number
  reportedAt: number
  attached: boolean
}

/** Adds chat to `client`: `send` to everyone, `message` events from the others. */
export function useChat(client: PeerlaneClient, options: ChatOptions = {}): Chat {
  return new Chat(client, { ...DEFAULT_CHAT_RATE, ...options.rate })
}

export class Chat extends Emitter<ChatEvents> {
  readonly #peers = new WeakMap<RemotePeer, PeerChatState>()
  readonly #disposers: Array<() => void> = []
  #nextMessage = 1

  readonly #client: PeerlaneClient
  readonly #rate: ChatRateLimit
  constructor(
    client: PeerlaneClient,
    rate: ChatRateLimit,
  ) {
    super()
    this.#client = client
    this.#rate = rate
    this.#disposers.push(client.on('channel-open', (peer) => this.#attach(peer)))
    for (const peer of client.peers.values()) this.#attach(peer)
  }

  /** Sends a chat message to everyone; peers still connecting get it once their channel opens. */
  send(text: string): ChatMessage {
    const from = this.#client.peerId
    if (from === undefined) throw PeerlaneError.invalidState('send() while not in a room')
    if (text.trim() === '' || text.length > PEER_LIMITS.chatLength) {
      throw PeerlaneError.invalidArgument(`A chat message is 1–${PEER_LIMITS.chatLength} characters, not only spaces`)
    }
    const sentAt = Date.now()
    const id = `${from}-${this.#nextMessage++}`
    const frame: PeerChat = { type: 'chat', id, text, sentAt }
    for (const peer of this.#client.peers.values()) {
      if (peer.sendControl(frame)) continue
      const { pending } = this.#stateOf(peer)
      if (pending.push(frame) > MAX_PENDING) pending.shift()
    }
    return { id, from, text, sentAt, receivedAt: sentAt, local: true }
  }

  /** Stops listening; messages sent afterwards are not seen. */
  close(): void {
    for (const dispose of this.#disposers.splice(0)) dispose()
  }

  #stateOf(peer: RemotePeer): PeerChatState {
    let state = this.#peers.get(peer)
    if (!state) {
      state = { bucket: new TokenBucket(this.#rate.messages, this.#rate.bytes), pending: [], dropped: 0, reportedAt: -Infinity, attached: false }
      this.#peers.set(peer, state)
    }
    return state
  }

  #attach(peer: RemotePeer): void {
    const channels = peer.peerChannels
    const state = this.#stateOf(peer)
    if (!channels || !peer.channelOpen || state.attached) return
    state.attached = true
    const off = channels.on('control', (frame) => {
      if (frame.type === 'chat') this.#receive(peer, state, frame)
    })
    this.#disposers.push(off)
    for (const frame of state.pending.splice(0)) peer.sendControl(frame)
  }

  #receive(peer: RemotePeer, state: PeerChatState, frame: PeerChat): void {
    if (!state.bucket.take(utf8Length(frame.text))) {
      state.dropped += 1
      const now = Date.now()
      if (now - state.reportedAt < REPORT_EVERY_MS) return
      state.reportedAt = now
      this.emit('dropped', { peer, dropped: state.dropped })
      return
    }
    this.emit('message', {
      id: frame.id,
      from: peer.id,
      ...(peer.name !== undefined ? { name: peer.name } : {}),
      text: frame.text,
      sentAt: frame.sentAt,
      receivedAt: Date.now(),
      local: false,
    })
  }
}
