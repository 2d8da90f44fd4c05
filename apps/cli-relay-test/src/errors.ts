/**
 * Every error code the relay tester reports, with what it means for the operator. Tests assert
 * on `code`, never on message text; a test checks that every code is documented here.
 */
export const RELAY_TEST_ERROR_CODES = {
  'bad-argument': 'A command-line argument is missing or malformed; run the command with --help.',
  'bad-url': 'The target is not a ws://, wss://, http:// or https:// URL.',
  'dns-failed': 'The host name of the target does not resolve.',
  unreachable: 'Nothing accepts TCP connections at the target (connection refused, reset or unroutable).',
  'tls-failed': 'The TLS handshake failed: untrusted or expired certificate, wrong host name, or not TLS at all.',
  'handshake-rejected': 'The server answered the WebSocket upgrade with an HTTP error instead of 101.',
  timeout: 'A step did not finish within its time limit.',
  'connection-lost': 'The server closed the WebSocket while the tester still needed it.',
  'server-error': 'The server answered with a protocol `error` frame (its code is in the message).',
  'webrtc-failed': 'The two peers could not connect over WebRTC (negotiation, ICE or data channel).',
} as const

export type RelayTestErrorCode = keyof typeof RELAY_TEST_ERROR_CODES

export class RelayTestError extends Error {
  override readonly name = 'RelayTestError'

  constructor(
    readonly code: RelayTestErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
  }

  static badArgument(message: string): RelayTestError {
    return new RelayTestError('bad-argument', message)
  }

  static timeout(what: string, ms: number): RelayTestError {
    return new RelayTestError('timeout', `${what} did not finish within ${ms} ms`)
  }
}

/** A value or the coded error that prevented it: the tester's edges return these instead of throwing. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: RelayTestError }

export const ok = <T>(value: T): Result<T> => ({ ok: true, value })
export const err = <T = never>(error: RelayTestError): Result<T> => ({ ok: false, error })
