/**
 * Size caps on wire fields, in characters. They bound what a valid message can carry; the
 * server's frame limit (64 KiB of bytes on the wire by default) is enforced separately, and
 * real SDPs (a few KiB) sit far below both.
 */
export const WIRE_LIMITS = {
  roomLength: 64,
  peerIdLength: 64,
  nameLength: 64,
  tokenLength: 4096,
  resumeTokenLength: 256,
  sdpLength: 32_000,
  candidateLength: 1024,
  sdpMidLength: 64,
  usernameFragmentLength: 256,
  maxMLineIndex: 1023,
  pingIdLength: 64,
  errorMessageLength: 1024,
} as const

/**
 * Size caps of the peer protocol (data-channel frames between SDKs), in characters unless named
 * bytes. A frame over `textFrameLength` is dropped before it is parsed.
 */
export const PEER_LIMITS = {
  idLength: 64,
  chatLength: 4000,
  fileNameLength: 255,
  mimeTypeLength: 255,
  streamIdLength: 128,
  textFrameLength: 16 * 1024,
  chunkHeaderBytes: 4,
  chunkFrameBytes: 16 * 1024,
} as const
