import { RelayTestError } from './errors.js'

// Node's TLS failures carry OpenSSL-derived codes; these are the ones a misconfigured or
// self-signed deployment produces.
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
])

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EPIPE'])

/** Turns whatever opening a WebSocket to `url` failed with into a coded error an operator can act on. */
export function classifyConnectError(url: URL, cause: unknown): RelayTestError {
  const code = errorCode(cause)
  const where = url.host
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new RelayTestError('dns-failed', `${url.hostname} does not resolve (${code})`, { cause })
  }
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new RelayTestError('unreachable', `nothing accepts connections at ${where} (${code}); is the server running?`, { cause })
  }
  if (code === 'ETIMEDOUT') {
    return new RelayTestError('unreachable', `connecting to ${where} timed out (${code})`, { cause })
  }
  if ((code !== undefined && TLS_CODES.has(code)) || /certificate|SSL|TLS/i.test(messageOf(cause))) {
    return new RelayTestError('tls-failed', `TLS with ${where} failed: ${messageOf(cause)}`, { cause })
  }
  const status = /Unexpected server response: (\d+)/.exec(messageOf(cause))?.[1]
  if (status !== undefined) {
    return new RelayTestError('handshake-rejected', `${url.href} answered the WebSocket upgrade with HTTP ${status}`, { cause })
  }
  return new RelayTestError('unreachable', `cannot open a WebSocket to ${url.href}: ${messageOf(cause)}`, { cause })
}

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined
  const { code, errors } = cause as { code?: unknown; errors?: unknown }
  if (typeof code === 'string') return code
  // Node reports a host that resolves to several addresses, all refusing, as an AggregateError.
  if (Array.isArray(errors)) return errorCode(errors[0])
  return undefined
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
