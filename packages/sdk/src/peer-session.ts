import { candidateOf, descriptionOf, type ClientMessage, type IceCandidate, type RelayedAnswer, type RelayedCandidate, type RelayedOffer } from '@peerlane/protocol/codec'
import { PeerlaneError } from './errors.js'
import type { Logger } from './logger.js'
import type { PeerConnectionConstructor } from './environment.js'
import { frameRefusal } from './frame-limits.js'

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
  /** How long ICE may stay `disconnected` before an ICE restart (it often recovers alone). */
  readonly disconnectedRestartMs: number
  /** The server's frame limit in bytes: a description that would not fit is rolled back, never sent. */
  readonly maxFrameBytes: number
}

function toWireCandidate(candidate: RTCIceCandidate): IceCandidate {
  return { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex, usernameFragment: candidate.usernameFragment }
}

/**
 * One RTCPeerConnection to one remote peer, negotiated with the W3C "perfect negotiation"
 * pattern: either side may renegotiate at any time, and collisions resolve by role.
 */
export class PeerSession {
  readonly connection: RTCPeerConnection
  #makingOffer = false
  #ignoreOffer = false
  #settingRemoteAnswerPending = false
  // Signaling for one peer (inbound messages and our own offers) runs strictly in order.
  #queue: Promise<void> = Promise.resolve()
  #closed = false
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined
  // Candidates gathered while our description is being set wait for that description to be
  // sent: some stacks (werift) emit them before setLocalDescription resolves, and a candidate
  // that overtakes its offer matches no media section at the far end.
  #heldCandidates: ClientMessage[] | undefined

  readonly #options: PeerSessionOptions
  constructor(options: PeerSessionOptions) {
    this.#options = options
    const pc = new options.PeerConnection(options.configuration)
    this.connection = pc
    // Offers join the same queue as inbound signaling: an offer made while an answer is still
    // being sent could otherwise overtake that answer on the wire.
    pc.onnegotiationneeded = () => void this.#enqueue(() => this.#makeOffer())
    pc.onicecandidate = ({ candidate }) => {
      const message: ClientMessage = { type: 'candidate', to: options.peerId, candidate: candidate ? toWireCandidate(candidate) : null }
      if (this.#heldCandidates) this.#heldCandidates.push(message)
      else options.signal(message)
    }
    pc.oniceconnectionstatechange = () => this.#watchIce()
  }

  get peerId(): string {
    return this.#options.peerId
  }

  /** Applies a relayed offer, answer or candidate, in order with the others. */
  receive(message: RelayedOffer | RelayedAnswer | RelayedCandidate): Promise<void> {
    return this.#enqueue(() => this.#apply(message))
  }

  /** Gathers fresh candidates and renegotiates; the path may have changed (new network, NAT rebinding). */
  restartIce(): void {
    if (this.#closed) return
    this.#options.log.info(`ICE restart with ${this.peerId}`)
    this.connection.restartIce()
  }

  /**
   * Starts negotiating afresh after signaling from this peer was lost: an offer of ours still
   * awaiting its answer is rolled back, and an ICE restart makes a new offer (the path may have
   * changed too, while we were away).
   */
  renegotiate(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#closed) return
      if (this.connection.signalingState === 'have-local-offer') await this.connection.setLocalDescription({ type: 'rollback' })
      this.restartIce()
      // Offer now rather than wait for `negotiationneeded`: werift fires none after a rollback
      // (browsers do, and the offer that event queues then finds us no longer stable).
      await this.#makeOffer()
    })
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#disconnectedTimer)
    this.connection.onnegotiationneeded = null
    this.connection.onicecandidate = null
    this.connection.oniceconnectionstatechange = null
    this.connection.close()
  }

  #watchIce(): void {
    const state = this.connection.iceConnectionState
    clearTimeout(this.#disconnectedTimer)
    this.#disconnectedTimer = undefined
    if (state === 'failed') this.restartIce()
    else if (state === 'disconnected') {
      this.#disconnectedTimer = setTimeout(() => this.restartIce(), this.#options.disconnectedRestartMs)
    }
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(task).catch((cause: unknown) => this.#fail(cause))
    return this.#queue
  }

  async #makeOffer(): Promise<void> {
    // Browsers fire negotiationneeded once, in `stable`; some stacks (werift) fire it per
    // change. A second offer mid-negotiation would get an answer we can no longer apply.
    if (this.#makingOffer || this.connection.signalingState !== 'stable') return
    try {
      this.#makingOffer = true
      this.#heldCandidates = []
      await this.connection.setLocalDescription()
      const description = this.connection.localDescription
      if (this.#closed || !description || description.type !== 'offer') return
      const offer: ClientMessage = { type: 'offer', to: this.peerId, sdp: { type: 'offer', sdp: description.sdp } }
      const refusal = frameRefusal(offer, this.#options.maxFrameBytes)
      if (refusal) {
        // The server would refuse it and both sides would wait forever in have-local-offer.
        await this.connection.setLocalDescription({ type: 'rollback' })
        throw new Error(`${refusal}; rolled back (reuse transceivers with replaceTrack instead of adding more)`)
      }
      this.#options.log.debug(`offer to ${this.peerId}`)
      this.#options.signal(offer)
    } catch (cause) {
      this.#fail(cause)
    } finally {
      this.#makingOffer = false
      this.#releaseCandidates()
    }
  }

  async #apply(message: RelayedOffer | RelayedAnswer | RelayedCandidate): Promise<void> {
    if (this.#closed) return
    const pc = this.connection
    if (message.type === 'candidate') {
      try {
        await pc.addIceCandidate(candidateOf(message) ?? undefined)
      } catch (cause) {
        // Candidates belonging to an offer we ignored are expected to fail.
        if (!this.#ignoreOffer) throw cause
      }
      return
    }
    const description = descriptionOf(message)
    this.#options.log.debug(`${description.type} from ${this.peerId} in ${pc.signalingState}${this.#options.polite ? ' (polite)' : ''}`)
    const readyForOffer = !this.#makingOffer && (pc.signalingState === 'stable' || this.#settingRemoteAnswerPending)
    const offerCollision = description.type === 'offer' && !readyForOffer
    this.#ignoreOffer = !this.#options.polite && offerCollision
    if (this.#ignoreOffer) {
      this.#options.log.debug(`ignoring colliding offer from ${this.peerId}`)
      return
    }
    this.#settingRemoteAnswerPending = description.type === 'answer'
    // setRemoteDescription rolls back our own pending offer implicitly when we are polite.
    await pc.setRemoteDescription(description)
    this.#settingRemoteAnswerPending = false
    if (description.type === 'offer') {
      // An explicit answer, not `pc.localDescription` read back afterwards: a stack that
      // starts its next offer as soon as we are stable (werift does) would have replaced it.
      const answer = await pc.createAnswer()
      if (!answer.sdp) return
      const message: ClientMessage = { type: 'answer', to: this.peerId, sdp: { type: 'answer', sdp: answer.sdp } }
      const refusal = frameRefusal(message, this.#options.maxFrameBytes)
      if (refusal) {
        // The peer chose the offer (hundreds of m-sections make an answer several times its
        // size); sending the answer would get our own socket closed (1009). Back to stable instead.
        await pc.setRemoteDescription({ type: 'rollback' })
        throw new Error(`${refusal}; the peer's offer was rolled back`)
      }
      this.#heldCandidates = []
      try {
        await pc.setLocalDescription(answer)
        if (this.#closed) return
        this.#options.signal(message)
      } finally {
        this.#releaseCandidates()
      }
    }
  }

  #releaseCandidates(): void {
    const held = this.#heldCandidates ?? []
    this.#heldCandidates = undefined
    if (!this.#closed) for (const message of held) this.#options.signal(message)
  }

  #fail(cause: unknown): void {
    if (this.#closed) return
    this.#options.log.warn(`negotiation with ${this.peerId} failed`, cause)
    this.#options.onError(PeerlaneError.negotiation(this.peerId, cause))
  }
}
