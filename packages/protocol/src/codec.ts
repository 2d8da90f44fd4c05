// The browser-weight entry (`@peerlane/protocol/codec`): decode/encode, codes, version and the
// message types, without TypeBox's runtime. The SDK imports from here.
export { PROTOCOL_VERSION, PEER_PROTOCOL_VERSION, type ProtocolVersion, type PeerProtocolVersion } from './version.js'
export { WIRE_LIMITS, PEER_LIMITS } from './limits.js'
export { ROOM_NAME_PATTERN, isRoomName } from './room-name.js'
export { descriptionOf, candidateOf, type SessionDescription } from './wire-forms.js'
export { encodeChunk, decodeChunk, type FileChunk } from './chunk.js'
export { ERROR_CODES, ERROR_CODE_LIST, isErrorCode, type ErrorCode } from './error-codes.js'
export { CLOSE_CODES, CLOSE_CODE_DESCRIPTIONS, type CloseCode, type CloseCodeName } from './close-codes.js'
export { normalizeName } from './names.js'
export { SUBPROTOCOLS, subprotocolOf, chooseSubprotocol, type SubprotocolChoice } from './subprotocol.js'
// `decodeServer`/`decodePeer` pull in only their sender's schema: a browser bundle that uses them
// (the SDK) leaves the client messages out; `decode(text, sender)` carries all three.
export { decode, validate, encode, decodeClient, decodeServer, decodePeer, type Sender, type DecodeError, type DecodeResult } from './decode.js'
export type {
  Join,
  Leave,
  Offer,
  Answer,
  Candidate,
  Ping,
  ClientMessage,
  ClientMessageType,
  RelayMessage,
} from './client-messages.js'
export type {
  Welcome,
  PeerJoined,
  PeerLeft,
  PeerLeftReason,
  RelayedOffer,
  RelayedAnswer,
  RelayedCandidate,
  Pong,
  Draining,
  IceServersUpdate,
  ErrorMessage,
  ServerMessage,
  ServerMessageType,
} from './server-messages.js'
export type {
  Lock,
  Admit,
  Deny,
  Remove,
  AskMute,
  MakeHost,
  Waiting,
  Knock,
  KnockEnded,
  KnockOutcome,
  RoomState,
  MuteRequested,
} from './room-control.js'
export { CAPABILITIES, DEFAULT_CAPABILITIES, isCapability, type Capability } from './capabilities.js'
export { PEER_CHANNELS } from './peer-channels.js'
export type {
  PeerHello,
  PeerChat,
  PeerMediaState,
  PeerFileOffer,
  PeerFileAccept,
  PeerFileDecline,
  PeerFileDeclineReason,
  PeerFileEnd,
  PeerFileCancel,
  PeerFileReceived,
  PeerMessage,
  PeerMessageType,
  PeerControlMessage,
  PeerFileMessage,
} from './peer-messages.js'
export type { PeerId, PeerInfo, RoomName, IceCandidate, IceServer } from './primitives.js'
