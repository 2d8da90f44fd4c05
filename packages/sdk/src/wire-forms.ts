import type { IceCandidate, RelayedAnswer, RelayedCandidate, RelayedOffer } from '@peerlane/protocol/codec'

// The protocol also carries the classic tutorial's legacy forms (bare SDP text, flat candidate
// fields); these normalise both forms to what RTCPeerConnection takes.

export function toDescription(message: RelayedOffer | RelayedAnswer): RTCSessionDescriptionInit {
  return typeof message.sdp === 'string' ? { type: message.type, sdp: message.sdp } : message.sdp
}

/** The candidate to add, or `null` for end-of-candidates. */
export function toCandidateInit(message: RelayedCandidate): RTCIceCandidateInit | null {
  const { candidate } = message
  if (candidate === null) return null
  if (typeof candidate !== 'string') return candidate
  return {
    candidate,
    ...(message.sdpMid !== undefined ? { sdpMid: message.sdpMid } : {}),
    ...(message.sdpMLineIndex !== undefined ? { sdpMLineIndex: message.sdpMLineIndex } : {}),
    ...(message.usernameFragment !== undefined ? { usernameFragment: message.usernameFragment } : {}),
  }
}

export function toWireCandidate(candidate: RTCIceCandidate): IceCandidate {
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid,
    sdpMLineIndex: candidate.sdpMLineIndex,
    usernameFragment: candidate.usernameFragment,
  }
}
