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
