import {
  decodeChunk,
  encode,
  PEER_CHANNELS,
  PEER_PROTOCOL_VERSION,
  type DecodeError,
  type PeerControlMessage,
  type PeerFileMessage,
} from '@peerlane/protocol/codec'
import { Emitter } from './emitter.js'
import type { Logger } from './logger.js'
import { readPeerFrame, type PeerChannelName } from './peer-frames.js'

export interface PeerChannelsEvents {
  open: () => void
  control: (frame: PeerControlMessage) => void
  'file-control': (frame: PeerFileMessage) => void
  /** A frame the peer protocol refuses (or a chunk that is no chunk); it was dropped. */
  invalid: (error: DecodeError, channel: PeerChannelName) => void
  chunk: (id: number, payload: Uint8Array) => void
  close: () => void
}

const BINARY_ON_CONTROL: DecodeError = { code: 'invalid-message', message: 'A binary frame on the control channel', path: '' }
const BAD_CHUNK: DecodeError = { code: 'invalid-message', message: 'A binary frame shorter than a chunk header or longer than a chunk', path: '' }

// Browsers deliver ArrayBuffer (with binaryType 'arraybuffer'); werift delivers a Buffer.
function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return undefined
}

/**
 * The two data channels Peerlane keeps to one peer: control (hello, chat, media state) and files.
 * Both are `negotiated: true` with the protocol's fixed ids: both sides create them, so they need
 * no extra signaling, cannot collide, and a late joiner gets them in its first offer. The first
 * frame on control is our `hello` with the peer protocol version.
 */
export class PeerChannels extends Emitter<PeerChannelsEvents> {
  readonly #control: RTCDataChannel
  readonly #files: RTCDataChannel
  #opened = false
  #closed = false

  readonly #log: Logger
  constructor(connection: RTCPeerConnection, log: Logger) {
    super()
    this.#log = log
    const { control, files } = PEER_CHANNELS
    this.#control = connection.createDataChannel(control.label, { negotiated: true, id: control.id, ordered: true })
    this.#files = connection.createDataChannel(files.label, { negotiated: true, id: files.id, ordered: true })
    this.#control.addEventListener('open', () => this.sendControl({ type: 'hello', version: PEER_PROTOCOL_VERSION }))
    for (const channel of [this.#control, this.#files]) {
      channel.binaryType = 'arraybuffer'
      channel.addEventListener('open', () => this.#checkOpen())
      channel.addEventListener('close', () => this.#markClosed())
    }
    this.#control.addEventListener('message', ({ data }) => {
      if (typeof data !== 'string') return this.#refuse(BINARY_ON_CONTROL, 'control')
      const result = readPeerFrame('control', data)
      if (result.ok) this.emit('control', result.message)
      else this.#refuse(result.error, 'control')
    })
    this.#files.addEventListener('message', ({ data }) => {
      if (typeof data === 'string') {
        const result = readPeerFrame('files', data)
        if (!result.ok) return this.#refuse(result.error, 'files')
        // Files are a feature the app opts into (`useFiles`): without it, an offer is declined at
        // once rather than left to stall on the sender's side.
        if (this.listens('file-control')) this.emit('file-control', result.message)
        else if (result.message.type === 'file-offer') this.sendFileControl({ type: 'file-decline', id: result.message.id, reason: 'declined' })
        return
      }
      const bytes = toBytes(data)
      const chunk = bytes && decodeChunk(bytes)
      if (chunk) this.emit('chunk', chunk.id, chunk.payload)
      else this.#refuse(BAD_CHUNK, 'files')
    })
    this.#checkOpen()
  }

  get isOpen(): boolean {
    return this.#control.readyState === 'open' && this.#files.readyState === 'open'
  }

  /** Sends on the control channel; false when it is not open (the frame is dropped). */
  sendControl(frame: PeerControlMessage): boolean {
    if (this.#control.readyState !== 'open') return false
    this.#control.send(encode(frame))
    return true
  }

  sendFileControl(frame: PeerFileMessage): boolean {
    if (this.#files.readyState !== 'open') return false
    this.#files.send(encode(frame))
    return true
  }

  /** @internal The files channel itself, for the files feature's chunks (sent with backpressure there). */
  get filesChannel(): RTCDataChannel {
    return this.#files
  }

  close(): void {
    this.#control.close()
    this.#files.close()
  }

  #refuse(error: DecodeError, channel: PeerChannelName): void {
    this.#log.debug(`invalid ${channel} frame from peer dropped: ${error.message}`)
    this.emit('invalid', error, channel)
  }

  // Either channel closing ends the link: both ride the same SCTP association.
  #markClosed(): void {
    if (this.#closed) return
    this.#closed = true
    this.emit('close')
  }

  #checkOpen(): void {
    if (this.#opened || !this.isOpen) return
    this.#opened = true
    this.emit('open')
  }
}
