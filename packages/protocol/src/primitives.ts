import { Type, type Static } from '@sinclair/typebox'
import { WIRE_LIMITS } from './limits.js'


export const RoomName = Type.String({
  pattern: `^[A-Za-z0-9_-]{1,${WIRE_LIMITS.roomLength}}$`,
  description: 'Room name: 1–64 characters of A–Z, a–z, 0–9, _ and -.',
})
export type RoomName = Static<typeof RoomName>

export const PeerId = Type.String({
  pattern: `^[A-Za-z0-9_-]{1,${WIRE_LIMITS.peerIdLength}}$`,
  description: 'Peer id, assigned by the server.',
})
export type PeerId = Static<typeof PeerId>

export const PeerName = Type.String({
  minLength: 1,
  maxLength: WIRE_LIMITS.nameLength,
  description: 'Display name chosen by the participant.',
})
export type PeerName = Static<typeof PeerName>

export const PeerInfo = Type.Object({ peerId: PeerId, name: Type.Optional(PeerName) })
export type PeerInfo = Static<typeof PeerInfo>

export const SdpText = Type.String({ minLength: 1, maxLength: WIRE_LIMITS.sdpLength })
export type SdpText = Static<typeof SdpText>

const description = <T extends 'offer' | 'answer'>(type: T) =>
  Type.Object({ type: Type.Literal(type), sdp: SdpText }, { additionalProperties: false })

export const OfferDescription = description('offer')
export type OfferDescription = Static<typeof OfferDescription>
export const AnswerDescription = description('answer')
export type AnswerDescription = Static<typeof AnswerDescription>

export const CandidateText = Type.String({ maxLength: WIRE_LIMITS.candidateLength })
export const SdpMid = Type.String({ maxLength: WIRE_LIMITS.sdpMidLength })
export const SdpMLineIndex = Type.Integer({ minimum: 0, maximum: WIRE_LIMITS.maxMLineIndex })
export const UsernameFragment = Type.String({ maxLength: WIRE_LIMITS.usernameFragmentLength })

/** The JSON form of an `RTCIceCandidate` (what `candidate.toJSON()` gives). */
export const IceCandidate = Type.Object(
  {
    candidate: CandidateText,
    sdpMid: Type.Optional(Type.Union([SdpMid, Type.Null()])),
    sdpMLineIndex: Type.Optional(Type.Union([SdpMLineIndex, Type.Null()])),
    usernameFragment: Type.Optional(Type.Union([UsernameFragment, Type.Null()])),
  },
  { additionalProperties: false },
)
export type IceCandidate = Static<typeof IceCandidate>

export const IceServer = Type.Object({
  urls: Type.Union([Type.String(), Type.Array(Type.String())]),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
})
export type IceServer = Static<typeof IceServer>

export const PingId = Type.Union([
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  Type.String({ maxLength: WIRE_LIMITS.pingIdLength }),
])
export type PingId = Static<typeof PingId>
