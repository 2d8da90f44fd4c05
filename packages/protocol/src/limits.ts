/**
 * Size caps on wire fields. They keep every valid message well inside the server's
 * 64 KiB frame limit, so a message that validates can always be relayed.
 */
export const WIRE_LIMITS = {
  roomLength: 64,
  peerIdLength: 64,
  nameLength: 64,
  tokenLength: 4096,
  sdpLength: 60_000,
  candidateLength: 1024,
  sdpMidLength: 64,
  usernameFragmentLength: 256,
  maxMLineIndex: 1023,
  pingIdLength: 64,
  errorMessageLength: 1024,
} as const
