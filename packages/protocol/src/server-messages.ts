import { Type, type Static } from '@sinclair/typebox'
import { ERROR_CODE_LIST } from './error-codes.js'
import { Answer, Candidate, Offer } from './client-messages.js'
import { IceServer, PeerId, PeerInfo, PingId, RoomName } from './primitives.js'
import { WIRE_LIMITS } from './limits.js'
import { PROTOCOL_VERSION } from './version.js'
import { CapabilitySchema, KnockEnded, Knock, MuteRequested, RoomState, Waiting } from './room-control.js'

// Server messages are read tolerantly (unknown properties allowed) so a newer server can add
// fields without breaking older clients; a breaking change bumps PROTOCOL_VERSION instead.

export const Welcome = Type.Object({
  type: Type.Literal('welcome'),
  protocol: Type.Literal(PROTOCOL_VERSION),
  peerId: PeerId,
  room: RoomName,
  peers: Type.Array(PeerInfo),
  iceServers: Type.Array(IceServer),
  resumeToken: Type.Optional(
    Type.String({
      minLength: 16,
      maxLength: WIRE_LIMITS.resumeTokenLength,
      description: 'Secret that lets this session rejoin as the same peer after its socket drops (`join.resumeToken`).',
    }),
  ),
  resumed: Type.Optional(
    Type.Boolean({ description: 'True when this welcome continues an earlier session: same peer id, queued messages follow.' }),
  ),
  queueOverflowed: Type.Optional(
    Type.Boolean({
      description:
        'True on a resumed welcome when the server dropped messages queued for this session (its queue caps were reached): renegotiate with every peer instead of waiting for them.',
    }),
  ),
  capabilities: Type.Optional(
    Type.Array(CapabilitySchema, {
      description: 'What this session may do (from its token; every publish capability without one). The server refuses the rest with `not-permitted`. Absent from older servers: assume all.',
    }),
  ),
}, { description: 'The answer to a successful `join`: your peer id, who is already in the room, ICE servers and a resume token.' })
export type Welcome = Static<typeof Welcome>

export const PeerJoined = Type.Object(
  { type: Type.Literal('peer-joined'), peer: PeerInfo },
  { description: 'Someone joined your room. By convention the newcomer sends the offers.' },
)
export type PeerJoined = Static<typeof PeerJoined>

export const PeerLeftReason = Type.Union([
  Type.Literal('left'),
  Type.Literal('disconnected'),
  Type.Literal('replaced'),
])
export type PeerLeftReason = Static<typeof PeerLeftReason>

export const PeerLeft = Type.Object(
  {
    type: Type.Literal('peer-left'),
    peerId: PeerId,
    reason: PeerLeftReason,
    removedBy: Type.Optional(PeerId),
  },
  { description: 'A peer left your room: on purpose (`left`; with `removedBy`, a host removed it), its connection was lost past the resume grace period (`disconnected`), or a newer session took over (`replaced`).' },
)
export type PeerLeft = Static<typeof PeerLeft>

// A relayed message is the client's message with `to` dropped and `from` stamped by the server.
const relayed = <T extends typeof Offer | typeof Answer | typeof Candidate>(schema: T) =>
  Type.Composite([Type.Omit(schema, ['to', 'from']), Type.Object({ from: PeerId })], {
    additionalProperties: true,
    description: `A peer's \`${String(schema.properties.type.const)}\`, relayed: \`to\` dropped, \`from\` stamped by the server with the sender's peer id.`,
  })

export const RelayedOffer = relayed(Offer)
export type RelayedOffer = Static<typeof RelayedOffer>
export const RelayedAnswer = relayed(Answer)
export type RelayedAnswer = Static<typeof RelayedAnswer>
export const RelayedCandidate = relayed(Candidate)
export type RelayedCandidate = Static<typeof RelayedCandidate>

export const Draining = Type.Object({
  type: Type.Literal('draining'),
  reconnectAfterMs: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Suggested delay before reconnecting to resume the session.' }),
  ),
}, { description: 'The server is shutting down: reconnect (to another node, or after `reconnectAfterMs`) and resume.' })
export type Draining = Static<typeof Draining>

export const IceServersUpdate = Type.Object(
  { type: Type.Literal('ice-servers'), iceServers: Type.Array(IceServer) },
  {
    description:
      'Fresh ICE servers, e.g. TURN credentials renewed before the ones in `welcome` expire. Clients apply them (`setConfiguration`) to every connection without interrupting calls.',
  },
)
export type IceServersUpdate = Static<typeof IceServersUpdate>

export const Pong = Type.Object(
  { type: Type.Literal('pong'), id: Type.Optional(PingId) },
  { description: 'The answer to `ping`, with its `id`.' },
)
export type Pong = Static<typeof Pong>

export const ErrorCodeSchema = Type.Union(ERROR_CODE_LIST.map((code) => Type.Literal(code)))

export const ErrorMessage = Type.Object({
  type: Type.Literal('error'),
  code: ErrorCodeSchema,
  message: Type.String({ maxLength: WIRE_LIMITS.errorMessageLength }),
  path: Type.Optional(Type.String()),
  ref: Type.Optional(Type.String()),
}, { description: 'Something you sent was refused, or a condition needs your attention (`code`). The connection stays open unless the code says otherwise.' })
export type ErrorMessage = Static<typeof ErrorMessage>

export const SERVER_MESSAGES = {
  welcome: Welcome,
  'peer-joined': PeerJoined,
  'peer-left': PeerLeft,
  offer: RelayedOffer,
  answer: RelayedAnswer,
  candidate: RelayedCandidate,
  pong: Pong,
  draining: Draining,
  'ice-servers': IceServersUpdate,
  error: ErrorMessage,
  waiting: Waiting,
  knock: Knock,
  'knock-ended': KnockEnded,
  'room-state': RoomState,
  'mute-requested': MuteRequested,
} as const

export const ServerMessage = Type.Union([
  Welcome,
  PeerJoined,
  PeerLeft,
  RelayedOffer,
  RelayedAnswer,
  RelayedCandidate,
  Pong,
  Draining,
  IceServersUpdate,
  ErrorMessage,
  Waiting,
  Knock,
  KnockEnded,
  RoomState,
  MuteRequested,
])
export type ServerMessage = Static<typeof ServerMessage>
export type ServerMessageType = ServerMessage['type']
