// The core: a call (join, tracks, screen share, mute and recording state, leave, reconnect and
// resume). Chat, files, stats and connection quality, the camera quality policy and the data API
// are features with entry points of their own (`@peerlane/sdk/chat`, …): see the README.
export {
  PeerlaneClient,
  type PeerlaneClientOptions,
  type JoinOptions,
  type JoinInfo,
  type TrackEvent,
  type ClientEvents,
  type ClientState,
} from './client.js'
export { RemotePeer, type PeerStreams, type RemotePeerEvents } from './remote-peer.js'
export type { MediaState, MediaStatePatch } from './local-media.js'
export type { SessionState } from './signaling-session.js'
export type { BackoffOptions } from './backoff.js'
export { DEFAULT_MAX_FRAME_BYTES } from './frame-limits.js'
export { PeerlaneError, type PeerlaneErrorCode, type SdkErrorCode } from './errors.js'
export type { WebSocketConstructor, WebSocketLike, PeerConnectionConstructor } from './environment.js'
export { createLogger, type Logger, type LogLevel } from './logger.js'
export { PROTOCOL_VERSION, PEER_PROTOCOL_VERSION, PEER_LIMITS, WIRE_LIMITS, isRoomName, type ErrorCode, type PeerLeftReason } from '@peerlane/protocol/codec'
