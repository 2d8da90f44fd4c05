import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino'

/**
 * Fields that may carry secrets or session contents. The server never logs frames, but a stray
 * `log.debug({ message })` must still not leak a token or an SDP (which holds ICE credentials and
 * the peer's addresses), so pino removes these wherever they appear up to two levels deep.
 */
export const REDACTED_FIELDS = ['token', 'resumeToken', 'sdp', 'candidate', 'authorization', 'secret']
const REDACT_PATHS = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`])

/** The server's own pino logger: JSON lines on `destination` (stdout by default). */
export function createLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = { name: 'peerlane-signaling', level, redact: { paths: REDACT_PATHS, remove: true } }
  return destination ? pino(options, destination) : pino(options)
}
