import { Type, type Static } from '@sinclair/typebox'
import { PEER_LIMITS } from './limits.js'
import { PEER_PROTOCOL_VERSION } from './version.js'

// The peer protocol: what two SDKs send each other over their data channels. It never touches
// the signaling server, but it is a contract between SDK versions (a peer may run any client),
// so it is defined, validated, versioned and drift-gated here like the signaling protocol.
// Peer messages are read tolerantly (unknown properties allowed) so a newer SDK can add
// optional fields; the receiver builds its state from the named fields only.

const TransferId = Type.Integer({ minimum: 0, maximum: 0xffff_ffff, description: 'The sender’s transfer id (a uint32, also in every chunk header).' })
const ShortId = Type.String({ minLength: 1, maxLength: PEER_LIMITS.idLength })

export const PeerHello = Type.Object(
  {
    type: Type.Literal('hello'),
    version: Type.Integer({ minimum: 1, maximum: 65_535, description: 'The sender’s PEER_PROTOCOL_VERSION.' }),
  },
  { description: `Sent by both sides as soon as the control channel opens. A peer whose version differs from ${PEER_PROTOCOL_VERSION} is reported as incompatible instead of having its frames dropped silently.` },
)
export type PeerHello = Static<typeof PeerHello>

export const PeerChat = Type.Object(
  {
    type: Type.Literal('chat'),
    id: ShortId,
    text: Type.String({ minLength: 1, maxLength: PEER_LIMITS.chatLength }),
    sentAt: Type.Number({ description: 'The sender’s clock, ms since the epoch.' }),
  },
  { description: 'A chat message to this peer.' },
)
export type PeerChat = Static<typeof PeerChat>

export const PeerMediaState = Type.Object(
  {
    type: Type.Literal('media-state'),
    audioMuted: Type.Boolean(),
    videoOff: Type.Boolean(),
    screenStreamId: Type.Union([Type.String({ minLength: 1, maxLength: PEER_LIMITS.streamIdLength }), Type.Null()], {
      description: 'The id of the stream carrying the sender’s screen share, or null when not sharing.',
    }),
    recording: Type.Optional(
      Type.Boolean({ description: 'The sender is recording the call; apps show everyone an indicator. Absent means false.' }),
    ),
  },
  { description: 'What the sender publishes: mute, camera off, and which stream is its screen.' },
)
export type PeerMediaState = Static<typeof PeerMediaState>

export const PeerFileOffer = Type.Object(
  {
    type: Type.Literal('file-offer'),
    id: TransferId,
    name: Type.String({ minLength: 1, maxLength: PEER_LIMITS.fileNameLength }),
    size: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Bytes; the receiver declines offers over its own limit.' }),
    mimeType: Type.String({ maxLength: PEER_LIMITS.mimeTypeLength, description: 'Metadata only: receivers type the Blob application/octet-stream.' }),
  },
  { description: 'The sender proposes a file; nothing is streamed before `file-accept`.' },
)
export type PeerFileOffer = Static<typeof PeerFileOffer>

export const PeerFileAccept = Type.Object({ type: Type.Literal('file-accept'), id: TransferId }, { description: 'The receiver wants the file: the sender starts streaming chunks.' })
export type PeerFileAccept = Static<typeof PeerFileAccept>

export const PeerFileDeclineReason = Type.Union([Type.Literal('declined'), Type.Literal('too-large'), Type.Literal('too-many')])
export type PeerFileDeclineReason = Static<typeof PeerFileDeclineReason>

export const PeerFileDecline = Type.Object(
  { type: Type.Literal('file-decline'), id: TransferId, reason: PeerFileDeclineReason },
  { description: 'The receiver turned the offer down: its user said no, or it was over the receiver’s size or concurrency limits.' },
)
export type PeerFileDecline = Static<typeof PeerFileDecline>

export const PeerFileEnd = Type.Object(
  { type: Type.Literal('file-end'), id: TransferId, sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { description: 'Every chunk is sent; the receiver checks the size and this SHA-256.' },
)
export type PeerFileEnd = Static<typeof PeerFileEnd>

export const PeerFileCancel = Type.Object(
  {
    type: Type.Literal('file-cancel'),
    id: TransferId,
    side: Type.Union([Type.Literal('sender'), Type.Literal('receiver')], { description: 'Who cancelled: ids are the sender’s, so this says whose table `id` belongs to.' }),
    reason: Type.Optional(Type.Literal('stalled', { description: 'The side gave up because the other went silent, rather than by choice.' })),
  },
  { description: 'A transfer stops before it completes.' },
)
export type PeerFileCancel = Static<typeof PeerFileCancel>

export const PeerFileReceived = Type.Object(
  { type: Type.Literal('file-received'), id: TransferId, ok: Type.Boolean({ description: 'False when the SHA-256 or the size did not match.' }) },
  { description: 'The receiver’s verdict on a completed transfer.' },
)
export type PeerFileReceived = Static<typeof PeerFileReceived>

export const PEER_MESSAGES = {
  hello: PeerHello,
  chat: PeerChat,
  'media-state': PeerMediaState,
  'file-offer': PeerFileOffer,
  'file-accept': PeerFileAccept,
  'file-decline': PeerFileDecline,
  'file-end': PeerFileEnd,
  'file-cancel': PeerFileCancel,
  'file-received': PeerFileReceived,
} as const

export const PeerMessage = Type.Union([PeerHello, PeerChat, PeerMediaState, PeerFileOffer, PeerFileAccept, PeerFileDecline, PeerFileEnd, PeerFileCancel, PeerFileReceived])
export type PeerMessage = Static<typeof PeerMessage>
export type PeerMessageType = PeerMessage['type']
/** Frames of the control channel. */
export type PeerControlMessage = PeerHello | PeerChat | PeerMediaState
/** Text frames of the file channel. */
export type PeerFileMessage = PeerFileOffer | PeerFileAccept | PeerFileDecline | PeerFileEnd | PeerFileCancel | PeerFileReceived
