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
  internal: 'The server failed while handling the message. Retry; report it if it persists.',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[]

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value)
}
