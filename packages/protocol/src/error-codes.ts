/**
 * Every error code a Peerlane server sends in an `error` message, with what it means.
 * This table is the single source of the codes: the schema's enum, the docs and the
 * SDK's typed errors are all derived from it.
 */
export const ERROR_CODES = {
  'bad-json': 'The frame is not valid JSON text. The connection stays open; fix the sender.',
  'binary-frame': 'The frame is binary. Peerlane speaks JSON text frames only; the connection stays open.',
  'invalid-message':
    'The JSON does not match the schema of its `type`; `path` points at the first offending field.',
  'unknown-type': 'The `type` field names no client message of this protocol version.',
  'not-in-room': 'The connection sent `leave` without having joined a room.',
  'already-joined': 'The connection sent `join` while already in a room. Send `leave` first.',
  'unknown-peer': 'The `to` field names no peer in the sender’s room (peers in other rooms are invisible).',
  'room-full': 'The room already holds the server’s maximum number of peers.',
  unauthorized:
    'The room needs a valid token: it is missing, expired, badly signed or names another room. The server then closes with 4001; get a new token before retrying.',
  'identity-in-use':
    'Another session holds this token’s identity and the server rejects duplicates. Leave the other session first.',
  'rate-limited':
    'The connection sent more messages or bytes per second than allowed; the message was dropped. Slow down; persistent abuse is disconnected (1008).',
  'too-many-joins':
    'The client’s address made too many joins that failed or found no room (what guessing room names looks like). The join was refused; wait a minute before retrying.',
  'server-full': 'The server holds its maximum number of rooms or connections. Retry later or elsewhere.',
  draining: 'The server is shutting down and takes no new joins. Reconnect later or to another node.',
  internal: 'The server failed while handling the message. Retry; report it if it persists.',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

// Marked pure so a bundle that never lists the codes leaves their descriptions out.
export const ERROR_CODE_LIST = /* @__PURE__ */ Object.keys(ERROR_CODES) as ErrorCode[]

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value)
}
