import { Emitter } from './emitter.js'
import { PeerlaneError } from './errors.js'
import type { PeerChannels } from './peer-channels.js'
import {
  CHUNK_FRAME_BYTES,
  CHUNK_HEADER_BYTES,
  encodeChunk,
  MAX_FILE_NAME_LENGTH,
  type FileControlFrame,
} from './peer-messages.js'
import { Sha256 } from './sha256.js'

/** Payload bytes per chunk frame. */
const CHUNK_PAYLOAD_BYTES = CHUNK_FRAME_BYTES - CHUNK_HEADER_BYTES
/** The sender reads the file this many chunks at a time, so memory stays flat whatever its size. */
const READ_CHUNKS = 64
/** The receiver folds every this many chunks into one Blob, which browsers may page out to disk. */
const FOLD_CHUNKS = 64

export type TransferState = 'active' | 'complete' | 'cancelled' | 'failed'

/** How a transfer ended: errors are values here, with `transfer-*` codes. */
export type TransferResult =
  | { readonly state: 'complete' }
  | { readonly state: 'cancelled' | 'failed'; readonly error: PeerlaneError }

export interface TransferProgress {
  readonly bytes: number
  readonly total: number
}

export interface FileTransferEvents {
  progress: (progress: TransferProgress) => void
  end: (result: TransferResult) => void
}

/** What both directions share: a state that only moves forward, progress and an end result. */
abstract class FileTransfer extends Emitter<FileTransferEvents> {
  private current: TransferState = 'active'
  private resolveFinished!: (result: TransferResult) => void
  /** Settles once with how the transfer ended; never rejects. */
  readonly finished: Promise<TransferResult> = new Promise((resolve) => (this.resolveFinished = resolve))

  constructor(
    readonly id: string,
    readonly name: string,
    readonly size: number,
    readonly mimeType: string,
  ) {
    super()
  }

  get state(): TransferState {
    return this.current
  }

  abstract cancel(): void

  protected end(result: TransferResult): boolean {
    if (this.current !== 'active') return false
    this.current = result.state
    this.emit('end', result)
    this.resolveFinished(result)
    return true
  }

  protected progress(bytes: number, total: number): void {
    this.emit('progress', { bytes, total })
  }
}

const cancelled = (by: 'you' | 'the other side', peerId?: string) =>
  new PeerlaneError('transfer-cancelled', `The transfer was cancelled by ${by}`, peerId === undefined ? undefined : { peerId })
const failed = (why: string, peerId: string, cause?: unknown) =>
  new PeerlaneError('transfer-failed', `The transfer to or from ${peerId} failed: ${why}`, { peerId, cause })
const corrupt = (peerId: string, why: string) =>
  new PeerlaneError('transfer-corrupt', `The file exchanged with ${peerId} is corrupt: ${why}`, { peerId })

/** One recipient's share of an outgoing transfer. */
interface Leg {
  readonly peerId: string
  bytes: number
  state: TransferState
}

/**
 * A file being sent to one or more peers. Each recipient is a separate stream ("leg"); the
 * transfer ends `complete` once every leg ended and at least one recipient verified the file,
 * `cancelled` when all legs were cancelled, and `failed` otherwise.
 */
export class OutgoingFileTransfer extends FileTransfer {
  private readonly legs = new Map<string, Leg>()
  private readonly cancellers: Array<() => void> = []

  constructor(id: string, readonly file: Blob, name: string, readonly peerIds: readonly string[]) {
    super(id, name, file.size, file.type)
    for (const peerId of peerIds) this.legs.set(peerId, { peerId, bytes: 0, state: 'active' })
  }

  /** The state of each recipient's leg, by peer id. */
  get recipients(): ReadonlyMap<string, TransferState> {
    return new Map([...this.legs].map(([id, leg]) => [id, leg.state]))
  }

  cancel(): void {
    for (const cancelLeg of this.cancellers.splice(0)) cancelLeg()
  }

  /** @internal Wires one leg's cancel to its link. */
  addCanceller(cancelLeg: () => void): void {
    this.cancellers.push(cancelLeg)
  }

  /** @internal */
  legProgress(peerId: string, bytes: number): void {
    const leg = this.legs.get(peerId)
    if (!leg || leg.state !== 'active') return
    leg.bytes = bytes
    let sum = 0
    for (const each of this.legs.values()) sum += each.state === 'active' || each.state === 'complete' ? each.bytes : 0
    this.progress(sum, this.size * this.legs.size)
  }

  /** @internal */
  legEnded(peerId: string, result: TransferResult): void {
    const leg = this.legs.get(peerId)
    if (!leg || leg.state !== 'active') return
    leg.state = result.state
    const states = [...this.legs.values()].map((each) => each.state)
    if (states.includes('active')) return
    if (states.includes('complete')) this.end({ state: 'complete' })
    else if (states.every((state) => state === 'cancelled')) this.end(result.state === 'cancelled' ? result : { state: 'cancelled', error: cancelled('the other side') })
    else this.end(result.state === 'failed' ? result : { state: 'failed', error: failed('no recipient got the file', peerId) })
  }
}

/** A file arriving from one peer; `file` holds it once the transfer is `complete`. */
export class IncomingFileTransfer extends FileTransfer {
  private received: Blob | undefined
  private readonly canceller: () => void

  constructor(id: string, readonly from: string, name: string, size: number, mimeType: string, canceller: () => void) {
    super(id, name, size, mimeType)
    this.canceller = canceller
  }

  /** The verified file, once `state` is `complete`. */
  get file(): Blob | undefined {
    return this.received
  }

  cancel(): void {
    this.canceller()
  }

  /** @internal */
  update(bytes: number): void {
    this.progress(bytes, this.size)
  }

  /** @internal */
  finish(result: TransferResult, file?: Blob): void {
    if (result.state === 'complete') this.received = file
    this.end(result)
  }
}

interface Receiving {
  readonly transfer: IncomingFileTransfer
  readonly hash: Sha256
  readonly parts: BlobPart[]
  readonly folded: Blob[]
  bytes: number
}

interface Sending {
  readonly transfer: OutgoingFileTransfer
  cancelled: boolean
  /** Resolves when the receiver reports its verdict. */
  verdict: ((ok: boolean) => void) | undefined
}

/**
 * The file side of the link to one peer: streams outgoing legs chunk by chunk and assembles
 * incoming files, over the peer's file channel.
 */
export class PeerFileLink {
  private nextId = 1
  private readonly sending = new Map<number, Sending>()
  private readonly receiving = new Map<number, Receiving>()

  constructor(
    private readonly peerId: string,
    private readonly channels: PeerChannels,
    private readonly onIncoming: (transfer: IncomingFileTransfer) => void,
  ) {
    channels.on('file-control', (frame) => this.handle(frame))
    channels.on('chunk', (id, payload) => this.receiveChunk(id, payload))
    channels.on('close', () => this.abortAll(failed('the connection closed', peerId)))
  }

  /** Streams `transfer.file` to this peer as one leg of `transfer`. */
  send(transfer: OutgoingFileTransfer): void {
    const id = this.nextId++
    const entry: Sending = { transfer, cancelled: false, verdict: undefined }
    this.sending.set(id, entry)
    transfer.addCanceller(() => {
      if (!this.sending.has(id) || entry.cancelled) return
      entry.cancelled = true
      this.channels.sendFileControl({ type: 'file-cancel', id, side: 'sender' })
      this.endLeg(id, { state: 'cancelled', error: cancelled('you', this.peerId) })
    })
    void this.stream(id, entry).then(
      (result) => this.endLeg(id, result),
      (cause: unknown) => this.endLeg(id, { state: 'failed', error: failed('the file could not be read', this.peerId, cause) }),
    )
  }

  /** Ends every transfer with this peer, e.g. because the peer left. */
  abortAll(error: PeerlaneError): void {
    for (const id of [...this.sending.keys()]) this.endLeg(id, { state: 'failed', error })
    for (const [id, entry] of [...this.receiving]) {
      this.receiving.delete(id)
      entry.transfer.finish({ state: 'failed', error })
    }
  }

  private async stream(id: number, entry: Sending): Promise<TransferResult> {
    const { transfer } = entry
    const name = transfer.name.slice(0, MAX_FILE_NAME_LENGTH)
    if (!this.channels.sendFileControl({ type: 'file-offer', id, name, size: transfer.size, mimeType: transfer.mimeType })) {
      return { state: 'failed', error: PeerlaneError.channelUnavailable(this.peerId) }
    }
    const hash = new Sha256()
    const readBytes = CHUNK_PAYLOAD_BYTES * READ_CHUNKS
    let sent = 0
    for (let offset = 0; offset < transfer.size; offset += readBytes) {
      // Only this slice is in memory: a Blob backed by a file on disk is read piece by piece.
      const block = new Uint8Array(await transfer.file.slice(offset, offset + readBytes).arrayBuffer())
      hash.update(block)
      for (let at = 0; at < block.length; at += CHUNK_PAYLOAD_BYTES) {
        if (entry.cancelled) return { state: 'cancelled', error: cancelled('you', this.peerId) }
        const payload = block.subarray(at, at + CHUNK_PAYLOAD_BYTES)
        if (!(await this.channels.sendChunk(encodeChunk(id, payload)))) {
          return { state: 'failed', error: failed('the connection closed', this.peerId) }
        }
        sent += payload.length
        transfer.legProgress(this.peerId, sent)
      }
    }
    if (entry.cancelled) return { state: 'cancelled', error: cancelled('you', this.peerId) }
    const verdict = new Promise<boolean>((resolve) => (entry.verdict = resolve))
    this.channels.sendFileControl({ type: 'file-end', id, sha256: hash.digestHex() })
    if (await verdict) return { state: 'complete' }
    return { state: 'failed', error: corrupt(this.peerId, 'the receiver’s SHA-256 or size did not match') }
  }

  private endLeg(id: number, result: TransferResult): void {
    const entry = this.sending.get(id)
    if (!entry) return
    this.sending.delete(id)
    entry.cancelled = true
    entry.verdict?.(false)
    entry.transfer.legEnded(this.peerId, result)
  }

  private handle(frame: FileControlFrame): void {
    switch (frame.type) {
      case 'file-offer':
        this.accept(frame.id, frame.name, frame.size, frame.mimeType)
        return
      case 'file-end':
        this.complete(frame.id, frame.sha256)
        return
      case 'file-received': {
        const entry = this.sending.get(frame.id)
        if (entry?.verdict) entry.verdict(frame.ok)
        // A receiver may give up before the end (e.g. more bytes than announced).
        else if (!frame.ok) this.endLeg(frame.id, { state: 'failed', error: corrupt(this.peerId, 'the receiver rejected it') })
        return
      }
      case 'file-cancel':
        if (frame.side === 'receiver') {
          this.endLeg(frame.id, { state: 'cancelled', error: cancelled('the other side', this.peerId) })
        } else {
          const entry = this.receiving.get(frame.id)
          if (!entry) return
          this.receiving.delete(frame.id)
          entry.transfer.finish({ state: 'cancelled', error: cancelled('the other side', this.peerId) })
        }
        return
    }
  }

  private accept(id: number, name: string, size: number, mimeType: string): void {
    if (this.receiving.has(id)) return
    const transfer = new IncomingFileTransfer(`${this.peerId}/${id}`, this.peerId, name, size, mimeType, () => {
      const entry = this.receiving.get(id)
      if (!entry) return
      this.receiving.delete(id)
      this.channels.sendFileControl({ type: 'file-cancel', id, side: 'receiver' })
      entry.transfer.finish({ state: 'cancelled', error: cancelled('you', this.peerId) })
    })
    this.receiving.set(id, { transfer, hash: new Sha256(), parts: [], folded: [], bytes: 0 })
    this.onIncoming(transfer)
  }

  private receiveChunk(id: number, payload: Uint8Array): void {
    // Chunks still in flight after a cancel belong to no transfer any more; they are dropped.
    const entry = this.receiving.get(id)
    if (!entry) return
    entry.bytes += payload.length
    if (entry.bytes > entry.transfer.size) {
      this.reject(id, entry, 'more bytes than announced')
      return
    }
    entry.hash.update(payload)
    // The channel may reuse its receive buffer: keep a copy.
    entry.parts.push(payload.slice())
    if (entry.parts.length >= FOLD_CHUNKS) entry.folded.push(new Blob(entry.parts.splice(0)))
    entry.transfer.update(entry.bytes)
  }

  private complete(id: number, sha256: string): void {
    const entry = this.receiving.get(id)
    if (!entry) return
    if (entry.bytes !== entry.transfer.size) {
      this.reject(id, entry, `${entry.bytes} of ${entry.transfer.size} bytes arrived`)
      return
    }
    if (entry.hash.digestHex() !== sha256) {
      this.reject(id, entry, 'SHA-256 mismatch')
      return
    }
    this.receiving.delete(id)
    this.channels.sendFileControl({ type: 'file-received', id, ok: true })
    const file = new Blob([...entry.folded, new Blob(entry.parts)], { type: entry.transfer.mimeType })
    entry.transfer.finish({ state: 'complete' }, file)
  }

  private reject(id: number, entry: Receiving, why: string): void {
    this.receiving.delete(id)
    this.channels.sendFileControl({ type: 'file-received', id, ok: false })
    entry.transfer.finish({ state: 'failed', error: corrupt(this.peerId, why) })
  }
}
