import type { ClientMessage, RelayedAnswer, RelayedCandidate, RelayedOffer } from '@peerlane/protocol/codec'
import { PeerlaneError } from './errors.js'
import type { Logger } from './logger.js'
import type { PeerConnectionConstructor } from './environment.js'
import { toCandidateInit, toDescription, toWireCandidate } from './wire-forms.js'

export type Signal = (message: ClientMessage) => void

export interface PeerSessionOptions {
  readonly peerId: string
  /** The polite peer yields on an offer collision; exactly one side of a pair is polite. */
  readonly polite: boolean
  readonly configuration: RTCConfiguration
  readonly PeerConnection: PeerConnectionConstructor
  readonly signal: Signal
  readonly log: Logger
  readonly onError: (error: PeerlaneError) => void
}

/**
 * One RTCPeerConnection to one remote peer, negotiated with the W3C "perfect negotiation"
 * pattern: either side may renegotiate at any time, and collisions resolve by role.
 */
export class PeerSession {
  readonly connection: RTCPeerConnection
  private makingOffer = false
  private ignoreOffer = false
  private settingRemoteAnswerPending = false
  // Signaling for one peer is applied strictly in arrival order, never interleaved.
  private queue: Promise<void> = Promise.resolve()
  private closed = false

  constructor(private readonly options: PeerSessionOptions) {
    const pc = new options.PeerConnection(options.configuration)
    this.connection = pc
    pc.onnegotiationneeded = () => void this.makeOffer()
    pc.onicecandidate = ({ candidate }) => {
      options.signal({ type: 'candidate', to: options.peerId, candidate: candidate ? toWireCandidate(candidate) : null })
    }
  }

  get peerId(): string {
    return this.options.peerId
  }

  /** Sends every track of `stream` to the peer. */
  addStream(stream: MediaStream): void {
    for (const track of stream.getTracks()) this.connection.addTrack(track, stream)
  }

  /** Lets a peer with nothing to send still receive audio and video. */
  receiveOnly(): void {
    this.connection.addTransceiver('audio', { direction: 'recvonly' })
    this.connection.addTransceiver('video', { direction: 'recvonly' })
  }

  /** Applies a relayed offer, answer or candidate, in order with the others. */
  receive(message: RelayedOffer | RelayedAnswer | RelayedCandidate): Promise<void> {
    this.queue = this.queue.then(() => this.apply(message)).catch((cause: unknown) => this.fail(cause))
    return this.queue
  }

  close(): void {
    this.closed = true
    this.connection.onnegotiationneeded = null
    this.connection.onicecandidate = null
    this.connection.close()
  }

  private async makeOffer(): Promise<void> {
    try {
      this.makingOffer = true
      await this.connection.setLocalDescription()
      const description = this.connection.localDescription
      if (this.closed || !description || description.type !== 'offer') return
      this.options.signal({ type: 'offer', to: this.peerId, sdp: { type: 'offer', sdp: description.sdp } })
    } catch (cause) {
      this.fail(cause)
    } finally {
      this.makingOffer = false
    }
  }

  private async apply(message: RelayedOffer | RelayedAnswer | RelayedCandidate): Promise<void> {
    if (this.closed) return
    const pc = this.connection
    if (message.type === 'candidate') {
      try {
        await pc.addIceCandidate(toCandidateInit(message) ?? undefined)
      } catch (cause) {
        // Candidates belonging to an offer we ignored are expected to fail.
        if (!this.ignoreOffer) throw cause
      }
      return
    }
    const description = toDescription(message)
    const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswerPending)
    const offerCollision = description.type === 'offer' && !readyForOffer
    this.ignoreOffer = !this.options.polite && offerCollision
    if (this.ignoreOffer) {
      this.options.log.debug(`ignoring colliding offer from ${this.peerId}`)
      return
    }
    this.settingRemoteAnswerPending = description.type === 'answer'
    // setRemoteDescription rolls back our own pending offer implicitly when we are polite.
    await pc.setRemoteDescription(description)
    this.settingRemoteAnswerPending = false
    if (description.type === 'offer') {
      await pc.setLocalDescription()
      const answer = pc.localDescription
      if (this.closed || !answer) return
      this.options.signal({ type: 'answer', to: this.peerId, sdp: { type: 'answer', sdp: answer.sdp } })
    }
  }

  private fail(cause: unknown): void {
    if (this.closed) return
    this.options.log.warn(`negotiation with ${this.peerId} failed`, cause)
    this.options.onError(PeerlaneError.negotiation(this.peerId, cause))
  }
}
