export {
  PeerlaneClient,
  type PeerlaneClientOptions,
  type JoinOptions,
  type JoinInfo,
  type RemotePeer,
  type TrackEvent,
  type ClientEvents,
  type ClientState,
} from './client.js'
export { PeerlaneError, SDK_ERROR_CODES, type PeerlaneErrorCode, type SdkErrorCode } from './errors.js'
export type { WebSocketConstructor, WebSocketLike, PeerConnectionConstructor } from './environment.js'
export { createLogger, type Logger, type LogLevel } from './logger.js'
export { PROTOCOL_VERSION, ERROR_CODES, type ErrorCode, type PeerLeftReason } from '@peerlane/protocol/codec'
