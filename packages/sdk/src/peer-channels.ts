import { Emitter } from './emitter.js'
import type { Logger } from './logger.js'
import {
  decodeChunk,
  decodeControlFrame,
  decodeFileControlFrame,
  type ControlFrame,
  type FileControlFrame,
} from './peer-messages.js'

/**
 * Fixed ids for `negotiated: true` channels: both sides create the same channels themselves, so
 * they need no extra signaling, cannot collide, and a late joiner gets them in its first offer.
 */
export const CONTROL_CHANNEL = { label: 'peerlane-control', id: 0 } as const
export const FILE_CHANNEL = { label: 'peerlane-files', id: 1 } as const

/** Stop queueing file chunks above this many buffered bytes… */
const BUFFER_HIGH_BYTES = 1024 * 1024
/** …and resume when the channel has drained below this. */
const BUFFER_LOW_BYTES = 256 * 1024

export interface PeerChannelsEvents {
  open: () => void
  control: (frame: ControlFrame) => void
  'file-control': (frame: FileControlFrame) => void
  chunk: (id: number, payload: Uint8Array) => void
  close: () => void
}

// Browsers deliver ArrayBuffer (with binaryType 'arraybuffer'); werift delivers a Buffer.
function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return undefined
}

/** The two data channels Peerlane keeps to one peer: control (chat, media state) and files. */
export class PeerChannels extends Emitter<PeerChannelsEvents> {
  private readonly control: RTCDataChannel
  private readonly files: RTCDataChannel
  private opened = false
  private closed = false

  constructor(connection: RTCPeerConnection, private readonly log: Logger) {
    super()
    this.control = connection.createDataChannel(CONTROL_CHANNEL.label, { negotiated: true, id: CONTROL_CHANNEL.id, ordered: true })
    this.files = connection.createDataChannel(FILE_CHANNEL.label, { negotiated: true, id: FILE_CHANNEL.id, ordered: true })
    for (const channel of [this.control, this.files]) {
      channel.binaryType = 'arraybuffer'
      channel.addEventListener('open', () => this.checkOpen())
      channel.addEventListener('close', () => this.markClosed())
    }
    this.files.bufferedAmountLowThreshold = BUFFER_LOW_BYTES
    this.control.addEventListener('message', ({ data }) => {
      const frame = typeof data === 'string' ? decodeControlFrame(data) : undefined
      if (frame) this.emit('control', frame)
      else this.log.warn('invalid control frame from peer dropped')
    })
    this.files.addEventListener('message', ({ data }) => {
      if (typeof data === 'string') {
        const frame = decodeFileControlFrame(data)
        if (frame) this.emit('file-control', frame)
        else this.log.warn('invalid file frame from peer dropped')
        return
      }
      const chunk = toBytes(data)
      const decoded = chunk && decodeChunk(chunk)
      if (decoded) this.emit('chunk', decoded.id, decoded.payload)
      else this.log.warn('invalid file chunk from peer dropped')
    })
    this.checkOpen()
  }

  get isOpen(): boolean {
    return this.control.readyState === 'open' && this.files.readyState === 'open'
  }

  /** Sends on the control channel; false when it is not open (the frame is dropped). */
  sendControl(frame: ControlFrame): boolean {
    if (this.control.readyState !== 'open') return false
    this.control.send(JSON.stringify(frame))
    return true
  }

  sendFileControl(frame: FileControlFrame): boolean {
    if (this.files.readyState !== 'open') return false
    this.files.send(JSON.stringify(frame))
    return true
  }

  /**
   * Queues one binary chunk, first waiting while the channel holds more than it can drain soon:
   * without this a large file would pile up in the channel's buffer (and the sender's memory),
   * and browsers close a channel whose buffer overflows. Resolves false if the channel closed.
   */
  async sendChunk(frame: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const channel = this.files
    if (channel.bufferedAmount > BUFFER_HIGH_BYTES) {
      await new Promise<void>((resolve) => {
        const done = () => {
          channel.removeEventListener('bufferedamountlow', done)
          channel.removeEventListener('close', done)
          resolve()
        }
        channel.addEventListener('bufferedamountlow', done)
        channel.addEventListener('close', done)
      })
    }
    if (channel.readyState !== 'open') return false
    channel.send(frame)
    return true
  }

  close(): void {
    this.control.close()
    this.files.close()
  }

  // Either channel closing ends the link: both ride the same SCTP association.
  private markClosed(): void {
    if (this.closed) return
    this.closed = true
    this.emit('close')
  }

  private checkOpen(): void {
    if (this.opened || !this.isOpen) return
    this.opened = true
    this.emit('open')
  }
}
