import { Type, type Static } from '@sinclair/typebox'
import { CAPABILITIES } from './capabilities.js'
import { PeerId, PeerInfo } from './primitives.js'

// Waiting room and host moderation. Client messages here are host actions: the server refuses
// them from anyone else with `not-permitted` (`ref` names the type). Server messages are read
// tolerantly, like every server message.
const strict = { additionalProperties: false } as const

export const Lock = Type.Object(
  { type: Type.Literal('lock'), locked: Type.Boolean() },
  { ...strict, description: 'Host: lock the room (newcomers knock and wait for a host to admit them) or unlock it. Every member hears `room-state`.' },
)
export type Lock = Static<typeof Lock>

export const Admit = Type.Object(
  { type: Type.Literal('admit'), peer: PeerId },
  { ...strict, description: 'Host: let a waiting peer in. It gets `welcome`, the room `peer-joined`, every host `knock-ended`.' },
)
export type Admit = Static<typeof Admit>

export const Deny = Type.Object(
  { type: Type.Literal('deny'), peer: PeerId },
  { ...strict, description: 'Host: turn a waiting peer away. It gets the error `denied`, every host `knock-ended`.' },
)
export type Deny = Static<typeof Deny>

export const Remove = Type.Object(
  { type: Type.Literal('remove'), peer: PeerId },
  { ...strict, description: 'Host: remove a member. The server closes its socket with 4004 (`removed`), revokes its resume token and tells the room `peer-left` with `removedBy`.' },
)
export type Remove = Static<typeof Remove>

export const AskMute = Type.Object(
  { type: Type.Literal('ask-mute'), peer: PeerId },
  { ...strict, description: 'Host: ask a member to mute its microphone. It gets `mute-requested`; its SDK mutes locally and announces it. Nobody can unmute someone else.' },
)
export type AskMute = Static<typeof AskMute>

export const MakeHost = Type.Object(
  { type: Type.Literal('make-host'), peer: PeerId },
  { ...strict, description: 'Host: hand the host role to a member. A host by arrival order gives its role up; a host by `room-admin` grant stays one.' },
)
export type MakeHost = Static<typeof MakeHost>

export const Waiting = Type.Object(
  {
    type: Type.Literal('waiting'),
    peerId: PeerId,
    timeoutMs: Type.Integer({ minimum: 0, description: 'How long the server keeps you waiting before the error `knock-timeout`.' }),
  },
  { description: 'The answer to a `join` of a locked room: you wait for a host. Nothing about the room reaches you meanwhile; `welcome` follows if a host admits you, the error `denied` or `knock-timeout` if not.' },
)
export type Waiting = Static<typeof Waiting>

export const Knock = Type.Object(
  { type: Type.Literal('knock'), peer: PeerInfo },
  { description: 'To hosts: someone is waiting to join your locked room. Answer with `admit` or `deny`.' },
)
export type Knock = Static<typeof Knock>

export const KnockOutcome = Type.Union([Type.Literal('admitted'), Type.Literal('denied'), Type.Literal('timed-out'), Type.Literal('left')])
export type KnockOutcome = Static<typeof KnockOutcome>

export const KnockEnded = Type.Object(
  {
    type: Type.Literal('knock-ended'),
    peerId: PeerId,
    outcome: KnockOutcome,
    by: Type.Optional(PeerId),
  },
  { description: 'To hosts: a knock is over — admitted or denied (by the host `by`), timed out, or the knocker went away. It is also the typed result of your own `admit`/`deny`.' },
)
export type KnockEnded = Static<typeof KnockEnded>

export const RoomState = Type.Object(
  {
    type: Type.Literal('room-state'),
    locked: Type.Boolean(),
    hosts: Type.Array(PeerId, { description: 'The members who are hosts now.' }),
    waiting: Type.Optional(Type.Array(PeerInfo, { description: 'To hosts only: who is waiting to be admitted.' })),
  },
  { description: 'Who moderates the room and whether it is locked: sent after `welcome` and whenever it changes.' },
)
export type RoomState = Static<typeof RoomState>

export const MuteRequested = Type.Object(
  { type: Type.Literal('mute-requested'), from: PeerId },
  { description: 'A host (`from`) asks you to mute your microphone.' },
)
export type MuteRequested = Static<typeof MuteRequested>

export const CapabilitySchema = Type.Union(CAPABILITIES.map((cap) => Type.Literal(cap)))
