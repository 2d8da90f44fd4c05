export { PROTOCOL_VERSION, PEER_PROTOCOL_VERSION, type ProtocolVersion, type PeerProtocolVersion } from './version.js'
export { WIRE_LIMITS, PEER_LIMITS } from './limits.js'
export { ROOM_NAME_PATTERN, isRoomName } from './room-name.js'
export { descriptionOf, candidateOf, type SessionDescription } from './wire-forms.js'
export { encodeChunk, decodeChunk, type FileChunk } from './chunk.js'
export {
  RoomName,
  PeerId,
  PeerName,
  PeerInfo,
  SdpText,
  OfferDescription,
  AnswerDescription,
  IceCandidate,
  IceServer,
  PingId,
} from './primitives.js'
export {
  Join,
  Leave,
  Offer,
  Answer,
  Candidate,
  Ping,
  ClientMessage,
  CLIENT_MESSAGES,
  RELAY_TYPES,
  type ClientMessageType,
  type RelayMessage,
} from './client-messages.js'
export {
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
  SERVER_MESSAGES,
  type ServerMessageType,
} from './server-messages.js'
export {
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
  CapabilitySchema,
} from './room-control.js'
export { CAPABILITIES, DEFAULT_CAPABILITIES, isCapability, type Capability } from './capabilities.js'
export { PEER_CHANNELS } from './peer-channels.js'
export {
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
  PEER_MESSAGES,
  type PeerMessageType,
  type PeerControlMessage,
  type PeerFileMessage,
} from './peer-messages.js'
export { ERROR_CODES, ERROR_CODE_LIST, isErrorCode, type ErrorCode } from './error-codes.js'
export { CLOSE_CODES, CLOSE_CODE_DESCRIPTIONS, type CloseCode, type CloseCodeName } from './close-codes.js'
export { normalizeName } from './names.js'
export { SUBPROTOCOLS, subprotocolOf, chooseSubprotocol, type SubprotocolChoice } from './subprotocol.js'
export { decode, validate, encode, decodeClient, decodeServer, decodePeer, type Sender, type DecodeError, type DecodeResult } from './decode.js'
export { protocolJsonSchema, protocolJsonSchemaText, JSON_SCHEMA_FILE } from './json-schema.js'
