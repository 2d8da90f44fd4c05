import type { PeerlaneClient } from './client.js'
import { Emitter } from './emitter.js'
import { PeerlaneError } from './errors.js'
import { DEFAULT_FILE_LIMITS, OutgoingFileTransfer, PeerFileLink, type FileLimits, type IncomingFileTransfer } from './file-transfer.js'
import type { RemotePeer } from './remote-peer.js'

// File transfer, a feature an app adds to its client (`useFiles(client)`): it streams over the
// SDK's files channel with SHA-256 checks. Without it, a peer's file offers are declined at once.

export interface SendFileOptions {
  /** A peer id or several; default everyone in the room. */
  readonly to?: string | readonly string[]
  /** Default the `File`'s own name, else `file`. */
  readonly name?: string
}

export interface FilesEvents {
  /**
   * A peer offers a file: call `accept()` to receive it or `decline()`. Offers over
   * `maxIncomingBytes`, or beyond `maxIncomingPerPeer` at once, are declined before this fires.
   */
  file: (transfer: IncomingFileTransfer, peer: RemotePeer) => void
}

/** Adds file transfer to `client`; `limits` bound what peers may send you (see `FileLimits`). */
export function useFiles(client: PeerlaneClient, limits: Partial<FileLimits> = {}): Files {
  return new Files(client, { ...DEFAULT_FILE_LIMITS, ...limits })
}

export class Files extends Emitter<FilesEvents> {
  readonly #links = new Map<string, PeerFileLink>()
  readonly #disposers: Array<() => void>
  #nextTransfer = 1

  readonly #client: PeerlaneClient
  readonly #limits: FileLimits
  constructor(
    client: PeerlaneClient,
    limits: FileLimits,
  ) {
    super()
    this.#client = client
    this.#limits = limits
    this.#disposers = [
      client.on('channel-open', (peer) => this.#attach(peer)),
      client.on('peer-left', (peer) => this.#detach(peer.id, `${peer.id} left during the transfer`)),
      client.on('state', (state) => {
        if (state === 'closed') for (const id of [...this.#links.keys()]) this.#detach(id, 'the call ended during the transfer')
      }),
    ]
    for (const peer of client.peers.values()) this.#attach(peer)
  }

  /**
   * Sends `file` to one peer, several, or everyone, streamed in ≤ 16 KiB chunks with
   * backpressure and checked by SHA-256 on arrival. Returns at once; follow the transfer's
   * `progress` and `end` events or await `finished`.
   */
  send(file: Blob, options: SendFileOptions = {}): OutgoingFileTransfer {
    const peers = this.#client.peers
    if (this.#client.peerId === undefined) throw PeerlaneError.invalidState('send() while not in a room')
    const to = options.to === undefined ? [...peers.keys()] : typeof options.to === 'string' ? [options.to] : [...options.to]
    const unknown = to.find((peerId) => !peers.has(peerId))
    if (unknown !== undefined) throw PeerlaneError.invalidArgument(`No peer ${unknown} in the room`)
    if (to.length === 0) throw PeerlaneError.invalidState('send() with nobody else in the room')
    const name = options.name ?? ((file as { name?: unknown }).name as string | undefined) ?? 'file'
    const transfer = new OutgoingFileTransfer(`out-${this.#nextTransfer++}`, file, name || 'file', to)
    for (const peerId of to) {
      const link = this.#links.get(peerId)
      if (link) link.send(transfer)
      else transfer.legEnded(peerId, { state: 'failed', error: PeerlaneError.channelUnavailable(peerId) })
    }
    return transfer
  }

  /** Stops handling files: transfers under way fail, later offers are declined. */
  close(): void {
    for (const dispose of this.#disposers.splice(0)) dispose()
    for (const id of [...this.#links.keys()]) this.#detach(id, 'file transfer was closed')
  }

  #attach(peer: RemotePeer): void {
    const channels = peer.peerChannels
    if (!channels || !peer.channelOpen || this.#links.has(peer.id)) return
    this.#links.set(peer.id, new PeerFileLink(peer.id, channels, this.#limits, (transfer) => this.emit('file', transfer, peer), this.#client.log))
  }

  #detach(peerId: string, why: string): void {
    const link = this.#links.get(peerId)
    if (!link) return
    this.#links.delete(peerId)
    link.close(new PeerlaneError('transfer-failed', why, { peerId }))
  }
}
