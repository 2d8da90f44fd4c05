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
export { DEFAULT_CHAT_RATE, type ChatMessage, type ChatRateLimit, type MediaState, type PeerFeatureEvents, type SendFileOptions } from './peer-features.js'
export type { BucketRate } from './token-bucket.js'
export { DEFAULT_MAX_FRAME_BYTES } from './frame-limits.js'
export {
  DEFAULT_FILE_LIMITS,
  RECEIVED_FILE_TYPE,
  IncomingFileTransfer,
  OutgoingFileTransfer,
  type FileLimits,
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
