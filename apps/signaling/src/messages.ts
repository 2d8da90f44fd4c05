import { ERROR_CODES, WIRE_LIMITS, encode, type ErrorCode, type ErrorMessage } from '@peerlane/protocol'

export interface ErrorDetail {
  /** Defaults to the code's documented meaning from the protocol's table. */
  readonly message?: string
  /** JSON Pointer to the offending field. */
  readonly path?: string | undefined
  /** The `type` of the message that caused the error. */
  readonly ref?: string | undefined
}

/** An encoded `error` frame; absent details are left out rather than sent as null. */
export function errorFrame(code: ErrorCode, detail: ErrorDetail = {}): string {
  const message: ErrorMessage = {
    type: 'error',
    code,
    message: (detail.message ?? ERROR_CODES[code]).slice(0, WIRE_LIMITS.errorMessageLength),
  }
  if (detail.path !== undefined) message.path = detail.path
  if (detail.ref !== undefined) message.ref = detail.ref
  return encode(message)
}
