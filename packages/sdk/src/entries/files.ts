/**
 * `@peerlane/sdk/files`: file transfer with backpressure and SHA-256 checks.
 * @module files
 */
export { useFiles, Files, type FilesEvents, type SendFileOptions } from '../files.js'
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
} from '../file-transfer.js'
export { Sha256 } from '../sha256.js'
