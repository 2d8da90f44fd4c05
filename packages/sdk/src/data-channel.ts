import { PEER_CHANNELS } from '@peerlane/protocol/codec'
import { drained, watchDrain } from './channel-drain.js'
import type { PeerlaneClient } from './client.js'
import { Emitter } from './emitter.js'
import { PeerlaneError } from './errors.js'
import type { RemotePeer } from './remote-peer.js'

// The data API: an app's own messages to the others, over data channels the SDK creates beside
// its own. Each label is one `negotiated: true` channel on every peer connection, with an id both
// sides derive from the label, so no signaling is needed and nothing renegotiates (the
// connection's data section exists by then). A separate module: an app that never sends data of
// its own does not bundle it.

/** Largest message `send` takes, in bytes (UTF-8 for text); larger incoming ones are dropped and counted. */
export const MAX_DATA_MESSAGE_BYTES = 64 * 1024
/** App channel ids: above the SDK's own (`PEER_CHANNELS`, with room to grow), below SCTP's usual stream count. */
const FIRST_APP_ID = 16
const APP_IDS = 1008

export type DataMessage = string | Uint8Array

export interface DataChannelOptions {
  /** The SCTP stream id; default derived from the label. Both sides must use the same. */
  readonly id?: number
  /** Default true. Unordered channels deliver each message as soon as it arrives. */
  readonly ordered?: boolean
}

export interface DataChannelEvents {
  message: (event: { readonly peer: RemotePeer; readonly data: DataMessage }) => void
  /** The channel to `peer` opened: `send` reaches it from now on. */
  open: (peer: RemotePeer) => void
  /** Incoming messages over `MAX_DATA_MESSAGE_BYTES` were dropped; `dropped` counts all so far. */
  dropped: (event: { readonly peer: RemotePeer; readonly dropped: number }) => void
}

const utf8 = new TextEncoder()
const inUse = new WeakMap<PeerlaneClient, Map<number, string>>()

/** FNV-1a of the label, folded into the app id range: the same on every side without signaling. */
function idFor(label: string): number {
  let hash = 0x811c9dc5
  for (const byte of utf8.encode(label)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return FIRST_APP_ID + (hash % APP_IDS)
}

function sizeOf(data: DataMessage): number {
  return typeof data === 'string' ? utf8.encode(data).length : data.byteLength
}

/**
 * Opens the app channel `label` to everyone in the room, now and as they join. Messages are
 * strings or bytes up to `MAX_DATA_MESSAGE_BYTES`; `send` applies backpressure per peer.
 */
export function openDataChannel(client: PeerlaneClient, label: string, options: DataChannelOptions = {}): PeerlaneDataChannel {
  const id = options.id ?? idFor(label)
  if (!Number.isInteger(id) || id < FIRST_APP_ID || id >= FIRST_APP_ID + APP_IDS) {
    throw PeerlaneError.invalidArgument(`A data channel id is an integer in ${FIRST_APP_ID}–${FIRST_APP_ID + APP_IDS - 1}`)
  }
  if (label === PEER_CHANNELS.control.label || label === PEER_CHANNELS.files.label) throw PeerlaneError.invalidArgument(`"${label}" is the SDK's own channel`)
  const ids = inUse.get(client) ?? new Map<number, string>()
  inUse.set(client, ids)
  const taken = ids.get(id)
  if (taken !== undefined) throw PeerlaneError.invalidArgument(`Data channel "${label}" would share id ${id} with "${taken}"; pass options.id`)
  ids.set(id, label)
  return new PeerlaneDataChannel(client, label, id, options.ordered ?? true, () => ids.delete(id))
}

export class PeerlaneDataChannel extends Emitter<DataChannelEvents> {
  readonly #channels = new Map<string, { readonly peer: RemotePeer; readonly channel: RTCDataChannel; dropped: number }>()
  readonly #disposers: Array<() => void> = []
  #closed = false

  readonly #client: PeerlaneClient
  readonly #ordered: boolean
  readonly #release: () => void
  constructor(
    client: PeerlaneClient,
    readonly label: string,
    readonly id: number,
    ordered: boolean,
    release: () => void,
  ) {
    super()
    this.#client = client
    this.#ordered = ordered
    this.#release = release
    for (const peer of client.peers.values()) if (peer.channelOpen) this.#attach(peer)
    this.#disposers.push(
      client.on('channel-open', (peer) => this.#attach(peer)),
      client.on('peer-left', (peer) => this.#channels.delete(peer.id)),
    )
  }

  /** Peers whose channel is open now. */
  get openPeers(): string[] {
    return [...this.#channels.values()].filter(({ channel }) => channel.readyState === 'open').map(({ peer }) => peer.id)
  }

  /** Bytes queued on the channel to `peerId` and not yet sent (0 when there is no channel). */
  bufferedAmount(peerId: string): number {
    return this.#channels.get(peerId)?.channel.bufferedAmount ?? 0
  }

  /**
   * Sends `data` to one peer, several, or everyone (default). Resolves once it is queued on every
   * target; while a peer's channel holds more than 1 MiB it first waits for it to drain, so a
   * fast sender cannot pile up memory. Rejects with `channel-unavailable` naming a peer whose
   * channel is not open, `invalid-argument` for an unknown peer or an over-long message.
   */
  async send(data: DataMessage, to?: string | readonly string[]): Promise<void> {
    if (this.#closed) throw PeerlaneError.invalidState(`send() on closed data channel "${this.label}"`)
    if (sizeOf(data) > MAX_DATA_MESSAGE_BYTES) throw PeerlaneError.invalidArgument(`A data message is at most ${MAX_DATA_MESSAGE_BYTES} bytes`)
    const targets = to === undefined ? [...this.#client.peers.keys()] : typeof to === 'string' ? [to] : [...to]
    for (const peerId of targets) if (!this.#client.peers.has(peerId)) throw PeerlaneError.invalidArgument(`No peer ${peerId} in the room`)
    await Promise.all(targets.map((peerId) => this.#sendTo(peerId, data)))
  }

  /** Stops using the channel on every connection (its id may then be reused). */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const dispose of this.#disposers.splice(0)) dispose()
    for (const { channel } of this.#channels.values()) channel.close()
    this.#channels.clear()
    this.#release()
  }

  async #sendTo(peerId: string, data: DataMessage): Promise<void> {
    const entry = this.#channels.get(peerId)
    if (!entry || entry.channel.readyState !== 'open') throw PeerlaneError.channelUnavailable(peerId)
    const { channel } = entry
    await drained(channel)
    if (channel.readyState !== 'open') throw PeerlaneError.channelUnavailable(peerId)
    channel.send(data as string)
  }

  #attach(peer: RemotePeer): void {
    if (this.#closed || this.#channels.has(peer.id)) return
    const channel = peer.rawConnection.createDataChannel(this.label, { negotiated: true, id: this.id, ordered: this.#ordered })
    channel.binaryType = 'arraybuffer'
    watchDrain(channel)
    const entry = { peer, channel, dropped: 0 }
    this.#channels.set(peer.id, entry)
    const opened = () => this.emit('open', peer)
    if (channel.readyState === 'open') opened()
    else channel.addEventListener('open', opened)
    channel.addEventListener('message', ({ data }: MessageEvent) => {
      const message: DataMessage | undefined =
        typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined
      if (message === undefined || sizeOf(message) > MAX_DATA_MESSAGE_BYTES) {
        entry.dropped += 1
        this.emit('dropped', { peer, dropped: entry.dropped })
        return
      }
      this.emit('message', { peer, data: message })
    })
  }
}
