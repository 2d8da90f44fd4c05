import { Type, type Static } from '@sinclair/typebox'
import { WIRE_LIMITS } from './limits.js'
import { ROOM_NAME_PATTERN } from './room-name.js'


export const RoomName = Type.String({
  pattern: ROOM_NAME_PATTERN,
  description: 'Room name: 1–64 characters of A–Z, a–z, 0–9, _ and -.',
})
export type RoomName = Static<typeof RoomName>

export const PeerId = Type.String({
  pattern: `^[A-Za-z0-9_-]{1,${WIRE_LIMITS.peerIdLength}}$`,
  description: 'Peer id, assigned by the server.',
})
export type PeerId = Static<typeof PeerId>

// What a display name may not contain: C0/C1 controls and DEL (NUL, newlines, ESC and so ANSI
// sequences), line/paragraph separators, bidi embeddings, overrides and isolates (which reorder
// what follows them on screen), and lone surrogates (not text at all). It must also show
// something: blank names and names of invisible characters only (zero-width spaces, fillers,
// variation selectors) are refused. The pattern is written to mean the same with and without
// the regex `u` flag, so every JSON Schema validator reads it alike.
const FORBIDDEN_IN_NAME = '[\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069]'
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]'
const VISIBLE =
  '[^\\s\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u2060-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0]'

export const PeerName = Type.String({
  minLength: 1,
  maxLength: WIRE_LIMITS.nameLength,
  pattern: `^(?!.*${FORBIDDEN_IN_NAME})(?!.*(?:${LONE_SURROGATE}))(?=.*${VISIBLE}).*$`,
  description:
    'Display name chosen by the participant: 1–64 characters with at least one visible one; no control characters, line separators, bidi controls or lone surrogates. Servers NFC-normalise it.',
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
