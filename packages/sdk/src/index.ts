export {
  PeerlaneClient,
  type PeerlaneClientOptions,
  type JoinOptions,
  type JoinInfo,
  type TrackEvent,
  type ClientEvents,
  type ClientState,
  type SendFileOptions,
} from './client.js'
export {
  openDataChannel,
  PeerlaneDataChannel,
  MAX_DATA_MESSAGE_BYTES,
  type DataChannelEvents,
  type DataChannelOptions,
  type DataMessage,
} from './data-channel.js'
export { RemotePeer, type PeerStreams, type RemotePeerEvents } from './remote-peer.js'
export type { MediaState } from './local-media.js'
export type { ModerationEvents, RoomControlState } from './moderation.js'
export type { SessionState } from './signaling-session.js'
export { DEFAULT_CHAT_RATE, type ChatMessage, type ChatRateLimit } from './chat.js'
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
export {
  QUALITY_PRESETS,
  presetForRoomSize,
  type EncodingLimits,
  type QualityPreset,
  type VideoCodecMimeType,
} from './quality.js'
export { summarizeStats, type DirectionStats, type PeerStats, type StatsSample, type VideoStreamStats } from './stats.js'
export { Sha256 } from './sha256.js'
export type { SafetyNumber } from './safety-number.js'
export { PeerlaneError, SDK_ERROR_CODES, type PeerlaneErrorCode, type SdkErrorCode } from './errors.js'
export type { WebSocketConstructor, WebSocketLike, PeerConnectionConstructor } from './environment.js'
export { createLogger, type Logger, type LogLevel } from './logger.js'
export { PROTOCOL_VERSION, PEER_PROTOCOL_VERSION, PEER_LIMITS, WIRE_LIMITS, isRoomName, ERROR_CODES, CAPABILITIES, type Capability, type ErrorCode, type PeerLeftReason } from '@peerlane/protocol/codec'
