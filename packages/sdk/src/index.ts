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
export type { ChatMessage, MediaState, PeerFeatureEvents, SendFileOptions } from './peer-features.js'
export {
  IncomingFileTransfer,
  OutgoingFileTransfer,
  type FileTransferEvents,
  type TransferProgress,
  type TransferResult,
  type TransferState,
} from './file-transfer.js'
export { MAX_CHAT_LENGTH } from './peer-messages.js'
export {
  QUALITY_PRESETS,
  presetForRoomSize,
  type EncodingLimits,
  type QualityPreset,
  type VideoCodecMimeType,
} from './quality.js'
export { summarizeStats, type DirectionStats, type PeerStats, type StatsSample, type VideoStreamStats } from './stats.js'
export { Sha256 } from './sha256.js'
export { PeerlaneError, SDK_ERROR_CODES, type PeerlaneErrorCode, type SdkErrorCode } from './errors.js'
export type { WebSocketConstructor, WebSocketLike, PeerConnectionConstructor } from './environment.js'
export { createLogger, type Logger, type LogLevel } from './logger.js'
export { PROTOCOL_VERSION, ERROR_CODES, type ErrorCode, type PeerLeftReason } from '@peerlane/protocol/codec'
