import { Type, type Static } from '@sinclair/typebox'
import {
  AnswerDescription,
  CandidateText,
  IceCandidate,
  OfferDescription,
  PeerId,
  PeerName,
  PingId,
  RoomName,
  SdpMid,
  SdpMLineIndex,
  SdpText,
  UsernameFragment,
} from './primitives.js'
import { WIRE_LIMITS } from './limits.js'
import { Admit, AskMute, Deny, Lock, MakeHost, Remove } from './room-control.js'

// Client messages are strict (no unknown properties): whatever validates is exactly what the
// server relays, so nothing unexpected can ride along to another peer.
const strict = { additionalProperties: false } as const

// A client may send `from` (some tutorial clients do); it is never trusted: the server
// replaces it with the sender's real peer id before relaying.
const ignoredFrom = Type.Optional(Type.Unknown({ description: 'Ignored: the server stamps the sender’s peer id.' }))

export const Join = Type.Object(
  {
    type: Type.Literal('join'),
    room: RoomName,
    name: Type.Optional(PeerName),
    token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: WIRE_LIMITS.tokenLength,
        description: 'Room token (a JWT from the application’s backend) when the server requires one.',
      }),
    ),
    resumeToken: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: WIRE_LIMITS.resumeTokenLength,
        description: 'From an earlier `welcome`: rejoin as the same peer if the server still holds the session.',
      }),
    ),
  },
  { ...strict, description: 'Enter a room. The server answers `welcome` (or an `error`) and tells the room `peer-joined`.' },
)
export type Join = Static<typeof Join>

export const Leave = Type.Object(
  { type: Type.Literal('leave') },
  { ...strict, description: 'Leave the room on purpose: the room hears `peer-left` (reason `left`) and the session cannot be resumed.' },
)
export type Leave = Static<typeof Leave>

// `sdp` may also be a bare SDP string: the classic tutorial client sends `{ type: 'offer', sdp }`
// with `sdp = offer.sdp`, and the server relays that form unchanged.
export const Offer = Type.Object(
  {
    type: Type.Literal('offer'),
    to: Type.Optional(PeerId),
    from: ignoredFrom,
    sdp: Type.Union([OfferDescription, SdpText], {
      description: 'An offer description `{ type: "offer", sdp }`, or the SDP text alone (legacy).',
    }),
  },
  { ...strict, description: 'An SDP offer for the peer `to` (or, without `to`, every other peer of the room). Relayed with `from` stamped.' },
)
export type Offer = Static<typeof Offer>

export const Answer = Type.Object(
  {
    type: Type.Literal('answer'),
    to: Type.Optional(PeerId),
    from: ignoredFrom,
    sdp: Type.Union([AnswerDescription, SdpText], {
      description: 'An answer description `{ type: "answer", sdp }`, or the SDP text alone (legacy).',
    }),
  },
  { ...strict, description: 'An SDP answer to an offer from `to`. Relayed with `from` stamped.' },
)
export type Answer = Static<typeof Answer>

// `candidate: null` is the end-of-candidates marker. The legacy flat form (a candidate string
// with `sdpMid`/`sdpMLineIndex` beside it) is what the classic tutorial client sends.
export const Candidate = Type.Object(
  {
    type: Type.Literal('candidate'),
    to: Type.Optional(PeerId),
    from: ignoredFrom,
    candidate: Type.Union([IceCandidate, CandidateText, Type.Null()], {
      description: 'An RTCIceCandidateInit, null for end of candidates, or the candidate line alone (legacy).',
    }),
    sdpMid: Type.Optional(Type.Union([SdpMid, Type.Null()])),
    sdpMLineIndex: Type.Optional(Type.Union([SdpMLineIndex, Type.Null()])),
    usernameFragment: Type.Optional(Type.Union([UsernameFragment, Type.Null()])),
  },
  { ...strict, description: 'A trickled ICE candidate for the peer `to`. Relayed with `from` stamped.' },
)
export type Candidate = Static<typeof Candidate>

export const Ping = Type.Object(
  { type: Type.Literal('ping'), id: Type.Optional(PingId) },
  { ...strict, description: 'Keepalive: the server answers `pong` with the same `id`.' },
)
export type Ping = Static<typeof Ping>

export const CLIENT_MESSAGES = {
  join: Join,
  leave: Leave,
  offer: Offer,
  answer: Answer,
  candidate: Candidate,
  ping: Ping,
  lock: Lock,
  admit: Admit,
  deny: Deny,
  remove: Remove,
  'ask-mute': AskMute,
  'make-host': MakeHost,
} as const

export const ClientMessage = Type.Union([Join, Leave, Offer, Answer, Candidate, Ping, Lock, Admit, Deny, Remove, AskMute, MakeHost])
export type ClientMessage = Static<typeof ClientMessage>
export type ClientMessageType = ClientMessage['type']

/** Client messages the server relays to other peers of the room. */
export type RelayMessage = Offer | Answer | Candidate
export const RELAY_TYPES = ['offer', 'answer', 'candidate'] as const satisfies readonly RelayMessage['type'][]
