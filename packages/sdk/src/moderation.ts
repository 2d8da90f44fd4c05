import { CAPABILITIES, type Capability, type ClientMessage, type KnockOutcome, type PeerInfo, type Welcome } from '@peerlane/protocol/codec'
import { PeerlaneError } from './errors.js'
import type { RoomControlMessage } from './signaling-session.js'

/** The room's lock and hosts as the server last told them; `waiting` only when you are a host. */
export interface RoomControlState {
  readonly locked: boolean
  readonly hosts: readonly string[]
  readonly waiting: readonly PeerInfo[]
}

/** Waiting-room and moderation events of the room (part of `ClientEvents`). */
export interface ModerationEvents {
  /** The room is locked: you wait for a host (`join()` resolves once admitted, rejects with `denied` or `knock-timeout`). */
  waiting: (event: { readonly peerId: string; readonly timeoutMs: number }) => void
  /** To hosts: someone knocks; answer with `admit(peerId)` or `deny(peerId)`. */
  knock: (peer: PeerInfo) => void
  /** To hosts: a knock ended (admitted or denied by the host `by`, timed out, or the knocker left). */
  'knock-ended': (event: { readonly peerId: string; readonly outcome: KnockOutcome; readonly by: string | undefined }) => void
  /** The room's lock or hosts changed (and, for hosts, who waits). */
  'room-state': (state: RoomControlState) => void
  /** A host asked you to mute: the SDK has muted your microphone and told everyone. */
  'mute-requested': (event: { readonly from: string }) => void
  /** A host removed you from the room; the session has ended and does not reconnect. */
  removed: () => void
}

/** What the moderation needs of the room. */
export interface ModerationHost {
  send(message: ClientMessage): void
  readonly selfId: () => string | undefined
  emit<K extends keyof ModerationEvents>(event: K, ...args: Parameters<ModerationEvents[K]>): void
  /** Mutes the local microphone and announces it (`media-state`). */
  muteMicrophone(): void
}

/**
 * The room's moderation: what the server says about hosts, the lock and knocks, what this session
 * may do (`welcome.capabilities`), and the host actions. Actions the session may not take throw
 * `not-permitted` before anything is sent; the server would refuse them too.
 */
export class RoomModeration {
  #current: RoomControlState = { locked: false, hosts: [], waiting: [] }
  // A server older than capabilities sends none: it enforces nothing, so everything is allowed.
  #granted: readonly Capability[] = CAPABILITIES

  readonly #host: ModerationHost
  constructor(host: ModerationHost) {
    this.#host = host
  }

  get state(): RoomControlState {
    return this.#current
  }

  get capabilities(): readonly Capability[] {
    return this.#granted
  }

  get isHost(): boolean {
    const self = this.#host.selfId()
    return self !== undefined && this.#current.hosts.includes(self)
  }

  welcomed(welcome: Welcome): void {
    this.#granted = welcome.capabilities ?? CAPABILITIES
  }

  may(capability: Capability): boolean {
    return this.#granted.includes(capability)
  }

  /** Throws `not-permitted` unless the session holds `capability`. */
  require(capability: Capability, action: string): void {
    if (!this.may(capability)) throw new PeerlaneError('not-permitted', `${action} needs the ${capability} capability, which this session lacks`)
  }

  handle(message: RoomControlMessage): void {
    switch (message.type) {
      case 'waiting':
        return this.#host.emit('waiting', { peerId: message.peerId, timeoutMs: message.timeoutMs })
      case 'knock':
        return this.#host.emit('knock', message.peer)
      case 'knock-ended':
        return this.#host.emit('knock-ended', { peerId: message.peerId, outcome: message.outcome, by: message.by })
      case 'room-state':
        this.#current = { locked: message.locked, hosts: message.hosts, waiting: message.waiting ?? [] }
        return this.#host.emit('room-state', this.#current)
      case 'mute-requested':
        // Only ever towards mute: a request can never turn a microphone on.
        this.#host.muteMicrophone()
        return this.#host.emit('mute-requested', { from: message.from })
    }
  }

  lock(locked: boolean): void {
    this.#act('lock', { type: 'lock', locked })
  }

  admit(peerId: string): void {
    this.#act('admit', { type: 'admit', peer: peerId })
  }

  deny(peerId: string): void {
    this.#act('deny', { type: 'deny', peer: peerId })
  }

  remove(peerId: string): void {
    this.#act('remove', { type: 'remove', peer: peerId })
  }

  askToMute(peerId: string): void {
    this.#act('askToMute', { type: 'ask-mute', peer: peerId })
  }

  makeHost(peerId: string): void {
    this.#act('makeHost', { type: 'make-host', peer: peerId })
  }

  #act(action: string, message: ClientMessage): void {
    if (!this.isHost) throw new PeerlaneError('not-permitted', `${action}() is for hosts of the room`)
    this.#host.send(message)
  }
}
