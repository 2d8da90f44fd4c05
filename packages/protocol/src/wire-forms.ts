import type { Answer, Candidate, Offer } from './client-messages.js'
import type { IceCandidate } from './primitives.js'
import type { RelayedAnswer, RelayedCandidate, RelayedOffer } from './server-messages.js'

// The protocol also carries the classic tutorial client's legacy forms (bare SDP text; a flat
// candidate string with sdpMid/sdpMLineIndex beside it). These give every reader one form.

export interface SessionDescription {
  readonly type: 'offer' | 'answer'
  readonly sdp: string
}

/** The description an offer or answer carries, whichever form it was sent in. */
export function descriptionOf(message: Offer | Answer | RelayedOffer | RelayedAnswer): SessionDescription {
  return typeof message.sdp === 'string' ? { type: message.type, sdp: message.sdp } : message.sdp
}

/** The candidate a candidate message carries, whichever form it was sent in; `null` is end-of-candidates. */
export function candidateOf(message: Candidate | RelayedCandidate): IceCandidate | null {
  const { candidate } = message
  if (candidate === null || typeof candidate !== 'string') return candidate
  return {
    candidate,
    ...(message.sdpMid !== undefined ? { sdpMid: message.sdpMid } : {}),
    ...(message.sdpMLineIndex !== undefined ? { sdpMLineIndex: message.sdpMLineIndex } : {}),
    ...(message.usernameFragment !== undefined ? { usernameFragment: message.usernameFragment } : {}),
  }
}
