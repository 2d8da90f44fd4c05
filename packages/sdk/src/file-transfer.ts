// Over 300 lines: both directions of a transfer share one wire state machine (offer, accept, chunks, verdict, stall), kept together.
import { encodeChunk, PEER_LIMITS, type PeerFileDeclineReason as FileDeclineReason, type PeerFileMessage as FileControlFrame } from '@peerlane/protocol/codec'
import { drained, watchDrain } from './channel-drain.js'
import { Emitter } from './emitter.js'
import { PeerlaneError } from './errors.js'
import type { Logger } from './logger.js'
import type { PeerChannels } from './peer-channels.js'
import { truncateText } from './text-bounds.js'
import { Sha256 } from './sha256.js'

/** Payload bytes per chunk frame. */
const CHUNK_PAYLOAD_BYTES = PEER_LIMITS.chunkFrameBytes - PEER_LIMITS.chunkHeaderBytes
/** A MIME type we announce: printable ASCII within the protocol's cap; anything else is sent as ''. */
const MIME_TYPE = new RegExp(`^[\\x20-\\x7e]{0,${PEER_LIMITS.mimeTypeLength}}$`)
/** The sender reads the file this many chunks at a time, so memory stays flat whatever its size. */
const READ_CHUNKS = 64
/** The receiver folds every this many chunks into one Blob, which browsers may page out to disk. */
const FOLD_CHUNKS = 64

/** What every received file is typed as: the sender's claimed type is metadata, never how the file is served. */
export const RECEIVED_FILE_TYPE = 'application/octet-stream'

/** Limits on what peers may send this client; each has a default. */
export interface FileLimits {
  /** Largest file accepted; bigger offers are declined (`too-large`) before the app sees them. Default 1 GiB. */
  readonly maxIncomingBytes: number
  /** Incoming transfers from one peer at once, offered or arriving; further offers are declined (`too-many`). Default 4. */
  readonly maxIncomingPerPeer: number
  /** A transfer without progress for this long fails on both sides with `transfer-stalled`. Default 30000 ms. */
  readonly stallTimeoutMs: number
}

export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxIncomingBytes: 1024 * 1024 * 1024,
  maxIncomingPerPeer: 4,
  stallTimeoutMs: 30_000,
}

/** `offered`: an incoming file waits for `accept()` or `decline()`; nothing is streamed before. */
export type TransferState = 'offered' | 'active' | 'complete' | 'cancelled' | 'failed'

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
  #current: TransferState
  #resolveFinished!: (result: TransferResult) => void
  /** Settles once with how the transfer ended; never rejects. */
  readonly finished: Promise<TransferResult> = new Promise((resolve) => (this.#resolveFinished = resolve))

  constructor(
    readonly id: string,
    readonly name: string,
    readonly size: number,
    /** The type the sender claims; received files are always typed `application/octet-stream`. */
    readonly mimeType: string,
    initial: TransferState,
  ) {
    super()
    this.#current = initial
  }

  get state(): TransferState {
    return this.#current
  }

  abstract cancel(): void

  protected start(): void {
    if (this.#current === 'offered') this.#current = 'active'
  }

  protected end(result: TransferResult): boolean {
    if (this.#current !== 'active' && this.#current !== 'offered') return false
    this.#current = result.state
    this.emit('end', result)
    this.#resolveFinished(result)
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
const stalled = (peerId: string, ms: number) =>
  new PeerlaneError('transfer-stalled', `The transfer with ${peerId} made no progress for ${ms} ms`, { peerId })
const DECLINED_BECAUSE: Record<FileDeclineReason, string> = {
  declined: 'they said no',
  'too-large': 'it is larger than they accept',
  'too-many': 'they are already receiving as many files from you as they accept',
}
const declined = (peerId: string, reason: FileDeclineReason) =>
  new PeerlaneError('transfer-declined', `${peerId} declined the file: ${DECLINED_BECAUSE[reason]}`, { peerId })

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
  readonly #legs = new Map<string, Leg>()
  readonly #cancellers: Array<() => void> = []

  constructor(id: string, readonly file: Blob, name: string, readonly peerIds: readonly string[]) {
    super(id, name, file.size, file.type, 'active')
    for (const peerId of peerIds) this.#legs.set(peerId, { peerId, bytes: 0, state: 'active' })
  }

  /** The state of each recipient's leg, by peer id. */
  get recipients(): ReadonlyMap<string, TransferState> {
    return new Map([...this.#legs].map(([id, leg]) => [id, leg.state]))
  }

  cancel(): void {
    for (const cancelLeg of this.#cancellers.splice(0)) cancelLeg()
  }

  /** @internal Wires one leg's cancel to its link. */
  addCanceller(cancelLeg: () => void): void {
    this.#cancellers.push(cancelLeg)
  }

  /** @internal */
  legProgress(peerId: string, bytes: number): void {
    const leg = this.#legs.get(peerId)
    if (!leg || leg.state !== 'active') return
    leg.bytes = bytes
    let sum = 0
    for (const each of this.#legs.values()) sum += each.state === 'active' || each.state === 'complete' ? each.bytes : 0
    this.progress(sum, this.size * this.#legs.size)
  }

  /** @internal */
  legEnded(peerId: string, result: TransferResult): void {
    const leg = this.#legs.get(peerId)
    if (!leg || leg.state !== 'active') return
    leg.state = result.state
    const states = [...this.#legs.values()].map((each) => each.state)
    if (states.includes('active')) return
    if (states.includes('complete')) this.end({ state: 'complete' })
    else if (states.every((state) => state === 'cancelled')) this.end(result.state === 'cancelled' ? result : { state: 'cancelled', error: cancelled('the other side') })
    else this.end(result.state === 'failed' ? result : { state: 'failed', error: failed('no recipient got the file', peerId) })
  }
}

/** What the receiving link does when the app decides on an incoming transfer. */
export interface IncomingControls {
  readonly accept: () => void
  /** Declines an offered transfer or cancels an active one. */
  readonly cancel: () => void
}

/**
 * A file offered by one peer. It starts `offered`: nothing arrives until `accept()`; `decline()`
 * tells the sender no. `file` holds it once the transfer is `complete`.
 */
export class IncomingFileTransfer extends FileTransfer {
  #received: Blob | undefined

  readonly #controls: IncomingControls
  constructor(id: string, readonly from: string, name: string, size: number, mimeType: string, controls: IncomingControls) {
    super(id, name, size, mimeType, 'offered')
    this.#controls = controls
  }

  /** The verified file, typed `application/octet-stream`, once `state` is `complete`. */
  get file(): Blob | undefined {
    return this.#received
  }

  /** Asks the sender to start streaming; only while `offered`. */
  accept(): void {
    if (this.state !== 'offered') return
    this.start()
    this.#controls.accept()
  }

  /** Turns the offer down (the sender's transfer ends with `transfer-declined`); only while `offered`. */
  decline(): void {
    if (this.state === 'offered') this.#controls.cancel()
  }

  /** Declines while offered, stops the transfer while active. */
  cancel(): void {
    this.#controls.cancel()
  }

  /** @internal */
  update(bytes: number): void {
    this.progress(bytes, this.size)
  }

  /** @internal */
  finish(result: TransferResult, file?: Blob): void {
    if (result.state === 'complete') this.#received = file
    this.end(result)
  }
}

interface Receiving {
  readonly transfer: IncomingFileTransfer
  readonly hash: Sha256
  readonly parts: BlobPart[]
  readonly folded: Blob[]
  bytes: number
  readonly stall: StallWatch
}

interface Sending {
  readonly transfer: OutgoingFileTransfer
  cancelled: boolean
  /** Resolves with the receiver's answer to the offer: true to stream, a reason when declined. */
  answer: ((accepted: true | FileDeclineReason) => void) | undefined
  /** Resolves when the receiver reports its verdict. */
  verdict: ((ok: boolean) => void) | undefined
  readonly stall: StallWatch
}

/**
 * Calls `onStall` once nothing called `touch()` for `ms`. One timer per transfer, re-armed only
 * when it fires, rather than a new timer for every 16 KiB chunk.
 */
class StallWatch {
  #last = 0
  #timer: ReturnType<typeof setTimeout> | undefined

  readonly #ms: number
  readonly #onStall: () => void
  constructor(ms: number, onStall: () => void) {
    this.#ms = ms
    this.#onStall = onStall
  }

  touch(): void {
    this.#last = Date.now()
    if (this.#timer === undefined) this.#arm(this.#ms)
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(() => {
      const quiet = Date.now() - this.#last
      if (quiet >= this.#ms) {
        this.#timer = undefined
        this.#onStall()
      } else this.#arm(this.#ms - quiet)
    }, delay)
  }
}

/**
 * The file side of the link to one peer: streams outgoing legs chunk by chunk and assembles
 * incoming files, over the peer's file channel.
 */
export class PeerFileLink {
  #nextId = 1
  readonly #sending = new Map<number, Sending>()
  readonly #receiving = new Map<number, Receiving>()
  readonly #disposers: Array<() => void>

  readonly #peerId: string
  readonly #channels: PeerChannels
  readonly #limits: FileLimits
  readonly #onIncoming: (transfer: IncomingFileTransfer) => void
  readonly #log: Logger
  constructor(peerId: string, channels: PeerChannels, limits: FileLimits, onIncoming: (transfer: IncomingFileTransfer) => void, log: Logger) {
    this.#peerId = peerId
    this.#channels = channels
    this.#limits = limits
    this.#onIncoming = onIncoming
    this.#log = log
    this.#disposers = [
      channels.on('file-control', (frame) => this.#handle(frame)),
      channels.on('chunk', (id, payload) => this.#receiveChunk(id, payload)),
      channels.on('close', () => this.#abortAll(failed('the connection closed', peerId))),
    ]
    watchDrain(channels.filesChannel)
  }

  /** Streams `transfer.file` to this peer as one leg of `transfer`. */
  send(transfer: OutgoingFileTransfer): void {
    const id = this.#nextId++
    // A sender stuck reading its file, on a channel that never drains, or awaiting a verdict that
    // never comes would hold the leg forever: no progress for `stallTimeoutMs` ends it.
    const stall = new StallWatch(this.#limits.stallTimeoutMs, () => {
      this.#channels.sendFileControl({ type: 'file-cancel', id, side: 'sender', reason: 'stalled' })
      this.#endLeg(id, { state: 'failed', error: stalled(this.#peerId, this.#limits.stallTimeoutMs) })
    })
    const entry: Sending = { transfer, cancelled: false, answer: undefined, verdict: undefined, stall }
    this.#sending.set(id, entry)
    transfer.addCanceller(() => {
      if (!this.#sending.has(id) || entry.cancelled) return
      entry.cancelled = true
      this.#channels.sendFileControl({ type: 'file-cancel', id, side: 'sender' })
      this.#endLeg(id, { state: 'cancelled', error: cancelled('you', this.#peerId) })
    })
    void this.#stream(id, entry).then(
      (result) => this.#endLeg(id, result),
      (cause: unknown) => this.#endLeg(id, { state: 'failed', error: failed('the file could not be read', this.#peerId, cause) }),
    )
  }

  /** Ends every transfer with this peer (e.g. it left) and stops listening to its channel. */
  close(error: PeerlaneError): void {
    for (const dispose of this.#disposers.splice(0)) dispose()
    this.#abortAll(error)
  }

  #abortAll(error: PeerlaneError): void {
    for (const id of [...this.#sending.keys()]) this.#endLeg(id, { state: 'failed', error })
    for (const id of [...this.#receiving.keys()]) this.#endIncoming(id, { state: 'failed', error })
  }

  async #stream(id: number, entry: Sending): Promise<TransferResult> {
    const { transfer } = entry
    const name = truncateText(transfer.name, PEER_LIMITS.fileNameLength) || 'file'
    const mimeType = MIME_TYPE.test(transfer.mimeType) ? transfer.mimeType : ''
    const answer = new Promise<true | FileDeclineReason>((resolve) => (entry.answer = resolve))
    if (!this.#channels.sendFileControl({ type: 'file-offer', id, name, size: transfer.size, mimeType })) {
      return { state: 'failed', error: PeerlaneError.channelUnavailable(this.#peerId) }
    }
    // The receiver's person may take their time to decide: no stall clock runs before the answer.
    const accepted = await answer
    if (entry.cancelled) return { state: 'cancelled', error: cancelled('you', this.#peerId) }
    if (accepted !== true) return { state: 'cancelled', error: declined(this.#peerId, accepted) }
    entry.stall.touch()
    const hash = new Sha256()
    const readBytes = CHUNK_PAYLOAD_BYTES * READ_CHUNKS
    let sent = 0
    for (let offset = 0; offset < transfer.size; offset += readBytes) {
      // Only this slice is in memory: a Blob backed by a file on disk is read piece by piece.
      const block = new Uint8Array(await transfer.file.slice(offset, offset + readBytes).arrayBuffer())
      hash.update(block)
      for (let at = 0; at < block.length; at += CHUNK_PAYLOAD_BYTES) {
        if (entry.cancelled) return { state: 'cancelled', error: cancelled('you', this.#peerId) }
        const payload = block.subarray(at, at + CHUNK_PAYLOAD_BYTES)
        if (!(await this.#sendChunk(encodeChunk(id, payload)))) {
          return { state: 'failed', error: failed('the connection closed', this.#peerId) }
        }
        sent += payload.length
        entry.stall.touch()
        transfer.legProgress(this.#peerId, sent)
      }
    }
    if (entry.cancelled) return { state: 'cancelled', error: cancelled('you', this.#peerId) }
    const verdict = new Promise<boolean>((resolve) => (entry.verdict = resolve))
    this.#channels.sendFileControl({ type: 'file-end', id, sha256: hash.digestHex() })
    if (await verdict) return { state: 'complete' }
    return { state: 'failed', error: corrupt(this.#peerId, 'the receiver’s SHA-256 or size did not match') }
  }

  /**
   * Queues one binary chunk, first waiting while the channel holds more than it can drain soon:
   * without this a large file would pile up in the channel's buffer (and the sender's memory),
   * and browsers close a channel whose buffer overflows. Resolves false if the channel closed.
   */
  async #sendChunk(frame: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const channel = this.#channels.filesChannel
    await drained(channel)
    if (channel.readyState !== 'open') return false
    channel.send(frame)
    return true
  }

  #endLeg(id: number, result: TransferResult): void {
    const entry = this.#sending.get(id)
    if (!entry) return
    this.#sending.delete(id)
    entry.stall.stop()
    entry.cancelled = true
    entry.answer?.('declined')
    entry.verdict?.(false)
    entry.transfer.legEnded(this.#peerId, result)
  }

  #handle(frame: FileControlFrame): void {
    switch (frame.type) {
      case 'file-offer':
        this.#offered(frame.id, frame.name, frame.size, frame.mimeType)
        return
      case 'file-accept':
        this.#sending.get(frame.id)?.answer?.(true)
        return
      case 'file-decline':
        this.#sending.get(frame.id)?.answer?.(frame.reason)
        return
      case 'file-end':
        this.#complete(frame.id, frame.sha256)
        return
      case 'file-received': {
        const entry = this.#sending.get(frame.id)
        if (entry?.verdict) entry.verdict(frame.ok)
        // A receiver may give up before the end (e.g. more bytes than announced).
        else if (!frame.ok) this.#endLeg(frame.id, { state: 'failed', error: corrupt(this.#peerId, 'the receiver rejected it') })
        return
      }
      case 'file-cancel': {
        const error = frame.reason === 'stalled' ? stalled(this.#peerId, this.#limits.stallTimeoutMs) : cancelled('the other side', this.#peerId)
        const state = frame.reason === 'stalled' ? 'failed' : 'cancelled'
        if (frame.side === 'receiver') this.#endLeg(frame.id, { state, error })
        else this.#endIncoming(frame.id, { state, error })
        return
      }
    }
  }

  #offered(id: number, name: string, size: number, mimeType: string): void {
    if (this.#receiving.has(id)) return
    const refusal: FileDeclineReason | undefined =
      size > this.#limits.maxIncomingBytes ? 'too-large' : this.#receiving.size >= this.#limits.maxIncomingPerPeer ? 'too-many' : undefined
    if (refusal) {
      this.#log.info(`file offer from ${this.#peerId} declined: ${refusal}`)
      this.#channels.sendFileControl({ type: 'file-decline', id, reason: refusal })
      return
    }
    const transfer = new IncomingFileTransfer(`${this.#peerId}/${id}`, this.#peerId, name, size, mimeType, {
      accept: () => {
        const entry = this.#receiving.get(id)
        if (!entry) return
        this.#channels.sendFileControl({ type: 'file-accept', id })
        entry.stall.touch()
      },
      cancel: () => {
        const entry = this.#receiving.get(id)
        if (!entry) return
        const offeredOnly = entry.transfer.state === 'offered'
        this.#channels.sendFileControl(offeredOnly ? { type: 'file-decline', id, reason: 'declined' } : { type: 'file-cancel', id, side: 'receiver' })
        this.#endIncoming(id, { state: 'cancelled', error: cancelled('you', this.#peerId) })
      },
    })
    const stall = new StallWatch(this.#limits.stallTimeoutMs, () => {
      this.#channels.sendFileControl({ type: 'file-cancel', id, side: 'receiver', reason: 'stalled' })
      this.#endIncoming(id, { state: 'failed', error: stalled(this.#peerId, this.#limits.stallTimeoutMs) })
    })
    this.#receiving.set(id, { transfer, hash: new Sha256(), parts: [], folded: [], bytes: 0, stall })
    this.#onIncoming(transfer)
  }

  #endIncoming(id: number, result: TransferResult, file?: Blob): void {
    const entry = this.#receiving.get(id)
    if (!entry) return
    this.#receiving.delete(id)
    entry.stall.stop()
    entry.transfer.finish(result, file)
  }

  #receiveChunk(id: number, payload: Uint8Array): void {
    // Chunks still in flight after a cancel belong to no transfer any more; they are dropped, and
    // so are chunks for an offer not accepted yet (a sender may not stream before the answer).
    const entry = this.#receiving.get(id)
    if (!entry || entry.transfer.state !== 'active') return
    entry.stall.touch()
    entry.bytes += payload.length
    if (entry.bytes > entry.transfer.size) {
      this.#reject(id, 'more bytes than announced')
      return
    }
    entry.hash.update(payload)
    // The channel may reuse its receive buffer: keep a copy.
    entry.parts.push(payload.slice())
    if (entry.parts.length >= FOLD_CHUNKS) entry.folded.push(new Blob(entry.parts.splice(0)))
    entry.transfer.update(entry.bytes)
  }

  #complete(id: number, sha256: string): void {
    const entry = this.#receiving.get(id)
    if (!entry || entry.transfer.state !== 'active') return
    if (entry.bytes !== entry.transfer.size) {
      this.#reject(id, `${entry.bytes} of ${entry.transfer.size} bytes arrived`)
      return
    }
    if (entry.hash.digestHex() !== sha256) {
      this.#reject(id, 'SHA-256 mismatch')
      return
    }
    this.#channels.sendFileControl({ type: 'file-received', id, ok: true })
    // Never the claimed type: a `text/html` blob opened from the app would run in its origin.
    const file = new Blob([...entry.folded, new Blob(entry.parts)], { type: RECEIVED_FILE_TYPE })
    this.#endIncoming(id, { state: 'complete' }, file)
  }

  #reject(id: number, why: string): void {
    this.#channels.sendFileControl({ type: 'file-received', id, ok: false })
    this.#endIncoming(id, { state: 'failed', error: corrupt(this.#peerId, why) })
  }
}
